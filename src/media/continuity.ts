/**
 * Continuity across a cut: the last frame of one clip against the first frame of the next.
 * Measure: both frames are decoded at 160x90; score = 0.5 · colour-histogram intersection +
 * 0.5 · (1 − min(1, mean absolute pixel difference / 64)). Identical frames score 1; a jump to a
 * different framing or place scores well under the 0.7 threshold.
 */
import type { QualityCheck } from "../domain.js";
import { histogramIntersection, softHistogram } from "./colour-match.js";
import { sameFaceAcross } from "./faces.js";
import { clipGhost, grayFromRgb } from "./frame-measures.js";
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

/** A continuing shot's double image at or above this strength is a see-through second copy (see frame-measures.ts). */
const GHOST_STRENGTH = 0.36;
const MIDDLE_POSITIONS = [0.35, 0.65];

/** The strongest double image in the middle of a continuing shot (where a chain's leftover frame would show). */
async function continuingGhost(path: string): Promise<number | null> {
  const { width, height, durationSeconds } = await probe(path, { requireVideo: true });
  const times = MIDDLE_POSITIONS.map((position) => position * durationSeconds);
  const frames = (await decodeRawFrames(path, { times, width, height, scaleFlags: "neighbor" })).map((rgb) =>
    grayFromRgb(rgb, width, height),
  );
  return clipGhost(frames)?.strength ?? null;
}

/**
 * One check over every continuing cut of a scene: the weakest cut decides. A continuing shot that shows a
 * see-through double of its picture fails it, and so does a scene whose shots do not show the same face
 * (where faces can be measured; elsewhere the details say so).
 */
export async function checkContinuity(
  pairs: Array<{ label: string; previousPath: string; nextPath: string }>,
): Promise<QualityCheck | null> {
  if (pairs.length === 0) return null;
  const scores: Array<{ label: string; score: number }> = [];
  for (const pair of pairs)
    scores.push({ label: pair.label, score: await measureCutContinuity(pair.previousPath, pair.nextPath) });
  const weakest = scores.reduce((low, item) => (item.score < low.score ? item : low));
  const jumps = scores.filter((item) => item.score < CONTINUITY_THRESHOLD);
  const ghosts: string[] = [];
  for (const pair of pairs) {
    const strength = await continuingGhost(pair.nextPath);
    if (strength !== null && strength >= GHOST_STRENGTH) ghosts.push(`${pair.label} (${strength.toFixed(2)})`);
  }
  const paths = [...new Set(pairs.flatMap((pair) => [pair.previousPath, pair.nextPath]))];
  const faces = await sameFaceAcross(paths);
  const differentFace = faces.measured && !faces.matched;
  const failed = jumps.length > 0 || ghosts.length > 0 || differentFace;
  const score = Math.round(weakest.score * 1000) / 1000;
  return {
    type: "continuity",
    score: failed ? Math.min(score, CONTINUITY_THRESHOLD - 0.05) : score,
    passed: !failed,
    threshold: CONTINUITY_THRESHOLD,
    details:
      `last/first frame match across continuing cuts: ${scores.map((item) => `${item.label} ${item.score.toFixed(3)}`).join(", ")}` +
      (jumps.length > 0 ? `; jumps at ${jumps.map((item) => item.label).join(", ")}` : "") +
      (ghosts.length > 0 ? `; a see-through double image in the continuing shot ${ghosts.join(", ")}` : "") +
      `; ${faces.measured ? faces.details : `faces not measured (${faces.details})`}`,
  };
}
