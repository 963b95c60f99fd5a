/**
 * A wire-level FAL fake answering every clip with the local renderer's 7 s walk of Sarah in the park (so
 * every shot passes its motion check), and the environment that points the runtime at it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { sarahInThePark } from "./fixtures.js";

export interface PaidFal {
  directory: string;
  fal: FakeFal;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** `size` is the frame the fake's clip is rendered at (the fixture's own when left out): a model's output size. */
export async function startPaidFal(
  key: string,
  prefix: string,
  extraEnv: Record<string, string>,
  size: { width: number; height: number } | null = null,
): Promise<PaidFal> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  const clip = await new LocalAnimaticProvider({ timeoutMs: 60_000 }).textToVideo(
    sarahInThePark({ durationSeconds: 7, seed: 5, ...(size ?? {}) }),
    { outputDir: directory, onProgress: null, signal: null },
  );
  const fal = await startFakeFal({ apiKey: key, video: clip.path });
  const env = {
    FAL_KEY: key,
    FAL_BASE_URL: fal.url,
    CUTROOM_FAL_POLL_MS: "20",
    CUTROOM_CONFIRM_ABOVE_USD: "1000",
    ...extraEnv,
  };
  return {
    directory,
    fal,
    env,
    close: async () => {
      await fal.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
