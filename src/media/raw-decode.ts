/** A whole file decoded to raw samples or pixels in memory, through the one ffmpeg runner. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFfmpeg } from "./runner.js";

/**
 * The raw output of decoding `path` with `outputOptions` (which choose the raw format, e.g. s16le audio or
 * rgb24 frames), read back from a scratch file that is removed again.
 */
export async function decodeRaw(path: string, outputOptions: string[], timeoutMs: number): Promise<Buffer> {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-raw-"));
  try {
    const output = join(directory, "decoded.raw");
    await runFfmpeg(
      { inputs: [{ source: path, options: [] }], filterComplex: null, outputOptions, output },
      { timeoutMs },
    );
    return await readFile(output);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
