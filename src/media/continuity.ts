/**
 * Continuity across a cut: the last frame of one clip against the first frame of the next.
 * Measure: both frames are decoded at 160x90; score = 0.5 · colour-histogram intersection +
 * 0.5 · (1 − min(1, mean absolute pixel difference / 64)). Identical frames score 1; a jump to a
 * different framing or place scores well under the 0.7 threshold.
 */
import type { QualityCheck } from "../domain.js";
import { histogramIntersection, softHistogram } from "./colour-match.js";
import { decodeRawFrames, probe } from "./runner.js";

const SIZE = { width: 160, height: 90 };
export const CONTINUITY_THRESHOLD = 0.7;

export function frameContinuity(previous: Uint8Array, next: Uint8Array): number {
  let difference = 0;
  for (let offset = 0; offset < previous.length; offset++) difference += Math.abs(previous[offset]! - next[offset]!);
  const meanDifference = difference / previous.length;
  const colour = histogramIntersection(softHistogram(previous), softHistogram(next));
  return 0.5 * colour + 0.5 * (1 - Math.min(1, meanDifference / 64));
}

export async function measureCutContinuity(previousPath: string, nextPath: string): Promise<number> {
  const previous = await probe(previousPath, { requireVideo: true });
  const frameTime = 1 / (previous.fps || 24);
  // Half a frame before the last frame starts, so rounding of the seek time cannot land past it.
  const [last] = await decodeRawFrames(previousPath, {
    times: [Math.max(0, previous.durationSeconds - 1.5 * frameTime)],
    ...SIZE,
  });
  const [first] = await decodeRawFrames(nextPath, { times: [0], ...SIZE });
  return frameContinuity(new Uint8Array(last!), new Uint8Array(first!));
}

/** One check over every continuing cut of a scene: the weakest cut decides. */
export async function checkContinuity(
  pairs: Array<{ label: string; previousPath: string; nextPath: string }>,
): Promise<QualityCheck | null> {
  if (pairs.length === 0) return null;
  const scores: Array<{ label: string; score: number }> = [];
  for (const pair of pairs)
    scores.push({ label: pair.label, score: await measureCutContinuity(pair.previousPath, pair.nextPath) });
  const weakest = scores.reduce((low, item) => (item.score < low.score ? item : low));
  const jumps = scores.filter((item) => item.score < CONTINUITY_THRESHOLD);
  return {
    type: "continuity",
    score: Math.round(weakest.score * 1000) / 1000,
    passed: jumps.length === 0,
    threshold: CONTINUITY_THRESHOLD,
    details: `last/first frame match across continuing cuts: ${scores.map((item) => `${item.label} ${item.score.toFixed(3)}`).join(", ")}${jumps.length > 0 ? `; jumps at ${jumps.map((item) => item.label).join(", ")}` : ""}`,
  };
}
