/**
 * Where a voiced line is heard inside its file: the first and last moments above -50 dBFS, so a caption
 * starts with the words rather than with the silence a voice leaves before them.
 */
import { parseSilence } from "./analysis.js";
import { probe, runFfmpeg, type RunOptions } from "./runner.js";

/** Quieter than this is silence; any stretch of it counts, since only the first and last matter here. */
const SILENCE = "silencedetect=n=-50dB:d=0.01";

/** The span of the file's sound, seconds; null when the file is silent throughout. */
export async function audibleSpan(
  path: string,
  options: Pick<RunOptions, "signal" | "timeoutMs"> = {},
): Promise<{ startSeconds: number; endSeconds: number } | null> {
  const { durationSeconds } = await probe(path);
  const { stderr } = await runFfmpeg(
    {
      inputs: [{ source: `file:${path}`, options: [] }],
      filterComplex: null,
      outputOptions: ["-vn", "-af", SILENCE, "-f", "null"],
      output: "-",
    },
    options,
  );
  const silence = parseSilence(stderr, durationSeconds);
  const epsilon = 1e-3;
  const leading = silence.find((interval) => interval.start <= epsilon);
  const trailing = silence.find((interval) => interval.end >= durationSeconds - epsilon && interval !== leading);
  const startSeconds = leading?.end ?? 0;
  const endSeconds = trailing?.start ?? durationSeconds;
  return endSeconds > startSeconds ? { startSeconds, endSeconds } : null;
}
