/**
 * Parsers for what ffmpeg's detection filters print on stderr, and the arithmetic turning them into scores.
 */

export interface Interval {
  start: number;
  end: number;
}

function parseDetections(stderr: string, startKey: RegExp, endKey: RegExp, durationSeconds: number): Interval[] {
  const intervals: Interval[] = [];
  let open: number | null = null;
  for (const line of stderr.split(/\r?\n|\r/)) {
    const start = startKey.exec(line);
    if (start) open = Number(start[1]);
    const end = endKey.exec(line);
    if (end && open !== null) {
      intervals.push({ start: open, end: Number(end[1]) });
      open = null;
    }
  }
  // A freeze running to the end of the file is reported without an end.
  if (open !== null && durationSeconds > open) intervals.push({ start: open, end: durationSeconds });
  return intervals;
}

/** Frozen intervals from freezedetect output (`lavfi.freezedetect.freeze_start: 1.5` ... `freeze_end: 3`). */
export function parseFreezeIntervals(stderr: string, durationSeconds: number): Interval[] {
  return parseDetections(stderr, /freeze_start:\s*([\d.]+)/, /freeze_end:\s*([\d.]+)/, durationSeconds);
}

/** Black intervals from blackdetect output (`black_start:0 black_end:0.96 black_duration:0.96`). */
export function parseBlackIntervals(stderr: string): Interval[] {
  const intervals: Interval[] = [];
  for (const match of stderr.matchAll(/black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/g)) {
    intervals.push({ start: Number(match[1]), end: Number(match[2]) });
  }
  return intervals;
}

/** Seconds covered by the union of intervals, clipped to [0, limit]. */
export function coveredSeconds(intervals: Interval[], limit: number): number {
  const sorted = intervals
    .map(({ start, end }) => ({ start: Math.max(0, start), end: Math.min(limit, end) }))
    .filter(({ start, end }) => end > start)
    .sort((first, second) => first.start - second.start);
  let total = 0;
  let reach = -Infinity;
  for (const { start, end } of sorted) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/** Mean edge width from blurdetect's summary line (`blur mean: 5.84`), or null when it printed none. */
export function parseBlurMean(stderr: string): number | null {
  const match = /blur mean:\s*([\d.]+)/.exec(stderr);
  return match ? Number(match[1]) : null;
}

export function clarityScore(blurMean: number): number {
  return Math.min(1, Math.max(0, 1 - (blurMean - 6) / 12));
}
