/**
 * Sound against picture for spoken lines: where each line's own recording sits in a take's sound, against
 * where the edit put it. Both are decoded to loudness envelopes (100 a second); the line's envelope is slid
 * over the take's within a second either side of its place, and the shift whose Pearson correlation is
 * highest is the line's offset (a bed under the voice only lifts the take's envelope, which the correlation
 * ignores). A line found nowhere (correlation under 0.7: other words at the same place match about 0.55, the
line itself under a bed 0.95 or more) is not measured, never guessed.
 *
 * The limits are ITU-R BT.1359's acceptability thresholds for television: sound may lead the picture by at
 * most 90 ms and lag it by at most 185 ms.
 */
import type { QualityCheck } from "../domain.js";
import { correlation } from "./mouth-measure.js";
import { makeCheck, notMeasured } from "./quality-signal.js";
import { probe } from "./runner.js";
import { loudnessPerFrame } from "./speech.js";

export const ENVELOPE_RATE = 100;
/** How far from its place a line is looked for, seconds. */
export const SYNC_SEARCH_SECONDS = 1;
/** Below this correlation the line's recording is not found in the take's sound. */
export const SYNC_MATCH_FLOOR = 0.7;
/** Sound ahead of its picture by more than this is out of sync, seconds. */
export const SOUND_LEAD_LIMIT_SECONDS = 0.09;
/** Sound behind its picture by more than this is out of sync, seconds. */
export const SOUND_LAG_LIMIT_SECONDS = 0.185;

/** A line whose recording is known: the file, and where the edit placed its start in the take. */
export interface SpokenLineSource {
  label: string;
  audioPath: string;
  startSeconds: number;
}

export interface LineSync {
  label: string;
  /** Seconds the line's sound sits after its place (negative: before); null when it was not found. */
  offsetSeconds: number | null;
  correlation: number;
}

/**
 * The shift (in envelope steps, within ±`search` of `expected`) at which `line` best matches `take`, and the
 * correlation there, over the part of the line that falls inside the take (a line the take's end cuts is
 * matched on what is left of it); a shift that leaves less than half of the line inside is not tried.
 */
export function bestShift(
  line: number[],
  take: number[],
  expected: number,
  search: number,
): { shift: number; correlation: number } | null {
  let best: { shift: number; correlation: number } | null = null;
  for (let shift = -search; shift <= search; shift++) {
    const start = expected + shift;
    const from = Math.max(0, -start);
    const to = Math.min(line.length, take.length - start);
    if (to - from < line.length / 2) continue;
    const value = correlation(line.slice(from, to), take.slice(start + from, start + to));
    if (value !== null && (best === null || value > best.correlation)) best = { shift, correlation: value };
  }
  return best;
}

/** Each line's offset in the take's sound (see the module comment). */
export async function measureLineSync(
  takePath: string,
  lines: SpokenLineSource[],
  timeoutMs: number,
): Promise<LineSync[]> {
  const { durationSeconds } = await probe(takePath);
  const take = await loudnessPerFrame(takePath, Math.ceil(durationSeconds * ENVELOPE_RATE), ENVELOPE_RATE, timeoutMs);
  if (take === null) throw new Error("the take's sound could not be decoded");
  const results: LineSync[] = [];
  for (const line of lines) {
    const own = await probe(line.audioPath);
    const envelope = await loudnessPerFrame(
      line.audioPath,
      Math.ceil(own.durationSeconds * ENVELOPE_RATE),
      ENVELOPE_RATE,
      timeoutMs,
    );
    if (envelope === null) throw new Error(`the recording of ${line.label} could not be decoded`);
    const found = bestShift(
      envelope,
      take,
      Math.round(line.startSeconds * ENVELOPE_RATE),
      SYNC_SEARCH_SECONDS * ENVELOPE_RATE,
    );
    const correlation = Number((found?.correlation ?? 0).toFixed(3));
    results.push({
      label: line.label,
      offsetSeconds: found === null || found.correlation < SYNC_MATCH_FLOOR ? null : found.shift / ENVELOPE_RATE,
      correlation,
    });
  }
  return results;
}

/**
 * The lines' sync as a part of a check: a score (1 in sync, falling linearly to `threshold` at a limit and
 * on below it), the lines out of sync in words, and whether any line could be measured.
 */
export function syncVerdict(
  results: LineSync[],
  threshold: number,
): { score: number; problems: string[]; words: string; measured: boolean } {
  const measured = results.filter(
    (result): result is LineSync & { offsetSeconds: number } => result.offsetSeconds !== null,
  );
  const scoreOf = (offset: number) => {
    const limit = offset < 0 ? SOUND_LEAD_LIMIT_SECONDS : SOUND_LAG_LIMIT_SECONDS;
    return Math.max(0, 1 - (1 - threshold) * (Math.abs(offset) / limit));
  };
  const problems = measured
    .filter(
      (result) => result.offsetSeconds < -SOUND_LEAD_LIMIT_SECONDS || result.offsetSeconds > SOUND_LAG_LIMIT_SECONDS,
    )
    .map(
      (result) =>
        `${result.label} is heard ${Math.abs(result.offsetSeconds).toFixed(2)} s ${result.offsetSeconds < 0 ? "early" : "late"}`,
    );
  const shown = results
    .map((result) =>
      result.offsetSeconds === null
        ? `${result.label} not found in the sound (best match ${result.correlation.toFixed(2)})`
        : `${result.label} ${result.offsetSeconds >= 0 ? "+" : ""}${(result.offsetSeconds * 1000).toFixed(0)} ms (match ${result.correlation.toFixed(2)})`,
    )
    .join(", ");
  return {
    score: measured.length === 0 ? 1 : Math.min(...measured.map((result) => scoreOf(result.offsetSeconds))),
    problems,
    words:
      `sound against its place (lead ≤ ${SOUND_LEAD_LIMIT_SECONDS * 1000} ms, lag ≤ ${SOUND_LAG_LIMIT_SECONDS * 1000} ms): ${shown}` +
      (problems.length > 0 ? `; ${problems.join("; ")}` : ""),
    measured: measured.length > 0,
  };
}

/**
 * The lip-sync check of a file whose lines' recordings are known (`cutroom verify`, the bench): the sync part
 * alone (no shots to place the speakers in, no mouths to follow).
 */
export async function checkSoundSync(
  path: string,
  lines: SpokenLineSource[],
  threshold: number,
  timeoutMs: number,
): Promise<QualityCheck> {
  if (lines.length === 0) return notMeasured("lip-sync", threshold, "nobody speaks in the take");
  const { hasAudio } = await probe(path);
  if (!hasAudio) return makeCheck("lip-sync", 0, threshold, "the take has no sound for its spoken lines", true);
  let results: LineSync[];
  try {
    results = await measureLineSync(path, lines, timeoutMs);
  } catch (error) {
    return notMeasured("lip-sync", threshold, error instanceof Error ? error.message : String(error));
  }
  const verdict = syncVerdict(results, threshold);
  if (!verdict.measured) return notMeasured("lip-sync", threshold, verdict.words);
  return makeCheck("lip-sync", verdict.score, threshold, verdict.words, verdict.problems.length > 0);
}
