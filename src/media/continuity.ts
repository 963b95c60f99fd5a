/**
 * Continuity across a cut: the last frame of one clip against the first frame of the next.
 * Measure: both frames are decoded at 160x90; the next is aligned to the previous by the whole-pixel shift
 * (up to 8 px each way) that makes them most alike, since a continuing camera move carries on across the
 * cut (a fast pan moves the picture several pixels a frame). Score = 0.5 · colour-histogram intersection +
 * 0.5 · (1 − min(1, mean absolute difference of the aligned frames / 32)). Identical frames score 1; a jump
 * to another framing, place or grade scores under the 0.7 threshold. The mean colour of the aligned frames
 * moving by more than 8 levels (of 255) in any channel is a colour jump and fails on its own.
 * Calibrated on the continuing cuts of bench:verify's corpus (real photographs): continuing takes differ by
 * at most 6 levels aligned and 1 level of mean colour; jumps, a reframing, a double image and a regrade
 * by 12 levels or more.
 */
import type { QualityCheck } from "../domain.js";
import { histogramIntersection, softHistogram } from "./colour-match.js";
import { sameFaceAcross } from "./faces.js";
import { clipGhost, grayFromRgb } from "./frame-measures.js";
import { decodeRawFrames, probe } from "./runner.js";

const SIZE = { width: 160, height: 90 };
export const CONTINUITY_THRESHOLD = 0.7;
/** How far (pixels at 160x90) the next frame may have moved and still be found. */
const SEARCH = 8;
/** Mean aligned difference (levels) at which the pixel half of the score reaches 0. */
const FULL_DIFFERENCE = 32;
/** A mean colour change (levels, any channel) across a continuing cut beyond which the grade jumped. */
export const COLOUR_JUMP_LEVELS = 8;

export interface FrameMatch {
  /** 0–1, see the module comment. */
  score: number;
  /** Where the next frame's picture sits against the previous one's (pixels at the measured size). */
  shift: { dx: number; dy: number };
  /** Mean absolute difference of the aligned frames, levels. */
  difference: number;
  /** The largest change of a channel's mean over the aligned frames, levels. */
  colourShift: number;
}

/**
 * The whole-pixel shift of `next` against `previous` (RGB24, `width`×`height`) with the smallest mean absolute
 * difference over the frames' overlap, and that difference.
 */
export function alignFrames(
  previous: Uint8Array,
  next: Uint8Array,
  width: number,
  height: number,
  search = SEARCH,
): Omit<FrameMatch, "score"> {
  let best: Omit<FrameMatch, "score"> = { shift: { dx: 0, dy: 0 }, difference: Infinity, colourShift: 0 };
  for (let dy = -search; dy <= search; dy++) {
    for (let dx = -search; dx <= search; dx++) {
      let sum = 0;
      let count = 0;
      const drift = [0, 0, 0];
      for (let y = Math.max(0, -dy); y < Math.min(height, height - dy); y++) {
        for (let x = Math.max(0, -dx); x < Math.min(width, width - dx); x++) {
          const here = (y * width + x) * 3;
          const there = ((y + dy) * width + (x + dx)) * 3;
          for (let channel = 0; channel < 3; channel++) {
            const change = next[there + channel]! - previous[here + channel]!;
            sum += Math.abs(change);
            drift[channel]! += change;
          }
          count++;
        }
      }
      const difference = sum / (3 * count);
      // Ties go to the smaller move, so a still picture is found where it is.
      if (difference < best.difference - 1e-9) {
        best = {
          shift: { dx, dy },
          difference,
          colourShift: Math.max(...drift.map((total) => Math.abs(total / count))),
        };
      }
    }
  }
  return best;
}

export function matchFrames(previous: Uint8Array, next: Uint8Array, size = SIZE): FrameMatch {
  const aligned = alignFrames(previous, next, size.width, size.height);
  const colour = histogramIntersection(softHistogram(previous), softHistogram(next));
  const score = 0.5 * colour + 0.5 * (1 - Math.min(1, aligned.difference / FULL_DIFFERENCE));
  return { ...aligned, score };
}

/** The continuity score of two frames at 160x90 (1 = identical), see matchFrames. */
export function frameContinuity(previous: Uint8Array, next: Uint8Array): number {
  return matchFrames(previous, next).score;
}

async function matchCut(previousPath: string, nextPath: string): Promise<FrameMatch> {
  const previous = await probe(previousPath, { requireVideo: true });
  const frameTime = 1 / (previous.fps || 24);
  // Half a frame before the last frame starts, so rounding of the seek time cannot land past it.
  const [last] = await decodeRawFrames(previousPath, {
    times: [Math.max(0, previous.durationSeconds - 1.5 * frameTime)],
    ...SIZE,
  });
  const [first] = await decodeRawFrames(nextPath, { times: [0], ...SIZE });
  return matchFrames(new Uint8Array(last!), new Uint8Array(first!));
}

export async function measureCutContinuity(previousPath: string, nextPath: string): Promise<number> {
  return (await matchCut(previousPath, nextPath)).score;
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
  const scores: Array<{ label: string } & FrameMatch> = [];
  for (const pair of pairs) scores.push({ label: pair.label, ...(await matchCut(pair.previousPath, pair.nextPath)) });
  const weakest = scores.reduce((low, item) => (item.score < low.score ? item : low));
  const jumps = scores.filter((item) => item.score < CONTINUITY_THRESHOLD);
  const colourJumps = scores.filter((item) => item.colourShift > COLOUR_JUMP_LEVELS);
  const ghosts: string[] = [];
  for (const pair of pairs) {
    const strength = await continuingGhost(pair.nextPath);
    if (strength !== null && strength >= GHOST_STRENGTH) ghosts.push(`${pair.label} (${strength.toFixed(2)})`);
  }
  const paths = [...new Set(pairs.flatMap((pair) => [pair.previousPath, pair.nextPath]))];
  const faces = await sameFaceAcross(paths);
  const differentFace = faces.measured && !faces.matched;
  const failed = jumps.length > 0 || colourJumps.length > 0 || ghosts.length > 0 || differentFace;
  const score = Math.round(weakest.score * 1000) / 1000;
  const shown = (item: (typeof scores)[number]) =>
    `${item.label} ${item.score.toFixed(3)} (moved ${item.shift.dx},${item.shift.dy} px, ` +
    `${item.difference.toFixed(1)} levels apart, colour ${item.colourShift.toFixed(1)})`;
  return {
    type: "continuity",
    // Rounded after the cap too: a failed check's score reads 0.65, not 0.6499999999999999.
    score: failed ? Math.round(Math.min(score, CONTINUITY_THRESHOLD - 0.05) * 1000) / 1000 : score,
    passed: !failed,
    threshold: CONTINUITY_THRESHOLD,
    details:
      `last/first frame match across continuing cuts: ${scores.map(shown).join(", ")}` +
      (jumps.length > 0 ? `; jumps at ${jumps.map((item) => item.label).join(", ")}` : "") +
      (colourJumps.length > 0
        ? `; the colour jumps by more than ${COLOUR_JUMP_LEVELS} levels at ${colourJumps.map((item) => item.label).join(", ")}`
        : "") +
      (ghosts.length > 0 ? `; a see-through double image in the continuing shot ${ghosts.join(", ")}` : "") +
      `; ${faces.measured ? faces.details : `faces not measured (${faces.details})`}`,
  };
}
