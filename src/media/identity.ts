/**
 * Who and where a clip shows, against the references: character consistency and location consistency.
 *
 * - character-consistency: key frames at 10%, 50% and 90% and each reference still decoded at 160x90
 *   (nearest-neighbour, so flat colours stay unblended). F = the reference's colour histogram over its
 *   non-grey pixels (the character, drawn on #808080); per frame, the share of F whose bins hold ≥ 0.05%
 *   of the frame; averaged over frames. Several references: the weakest one counts.
 * - location-consistency: histogram intersection of the reference still and each key frame over all
 *   pixels, averaged over frames; with several references the best match counts.
 * Histograms are 8 levels per channel, soft-binned (see colour-match.ts).
 */
import type { QualityCheck } from "../domain.js";
import {
  characterPalette,
  histogramIntersection,
  paletteCoverage,
  paletteIsEmpty,
  softHistogram,
} from "./colour-match.js";
import { factsOf, type CheckOptions } from "./check-options.js";
import { DEFAULT_THRESHOLD, mean } from "./quality-report.js";
import { makeCheck as result } from "./quality-signal.js";
import { decodeRawFrames } from "./runner.js";

const ANALYSIS_SIZE = { width: 160, height: 90 };
const KEY_FRAME_POSITIONS = [0.1, 0.5, 0.9];

/** Colour histograms of the key frames at 10%, 50% and 90% of the clip, decoded at 160x90. */
export async function keyFrameHistograms(path: string, options: CheckOptions = {}): Promise<Float64Array[]> {
  const { durationSeconds } = await factsOf(path, options);
  const times = KEY_FRAME_POSITIONS.map((position) => position * durationSeconds);
  const frames = await decodeRawFrames(path, { times, ...ANALYSIS_SIZE, scaleFlags: "neighbor" });
  return frames.map((frame) => softHistogram(frame));
}

async function referencePixels(reference: string): Promise<Buffer> {
  const [pixels] = await decodeRawFrames(reference, { times: [0], ...ANALYSIS_SIZE, scaleFlags: "neighbor" });
  return pixels!;
}

export async function checkCharacterConsistency(
  path: string,
  references: string[],
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const histograms = options.keyFrames ?? (await keyFrameHistograms(path, options));
  const scores: string[] = [];
  let weakest = 1;
  for (const reference of references) {
    const palette = characterPalette(await referencePixels(reference));
    const score = paletteIsEmpty(palette)
      ? 0
      : mean(histograms.map((histogram) => paletteCoverage(palette, histogram)));
    weakest = Math.min(weakest, score);
    scores.push(
      `${reference.split("/").pop()}: ${score.toFixed(3)}${paletteIsEmpty(palette) ? " (reference shows nothing but grey)" : ""}`,
    );
  }
  return result(
    "character-consistency",
    references.length === 0 ? 0 : weakest,
    threshold,
    `share of each reference's character colours present in key frames: ${scores.join(", ")}`,
  );
}

export async function checkLocationConsistency(
  path: string,
  references: string[],
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const histograms = options.keyFrames ?? (await keyFrameHistograms(path, options));
  const scores: string[] = [];
  let best = 0;
  for (const reference of references) {
    const referenceHistogram = softHistogram(await referencePixels(reference));
    const score = mean(histograms.map((histogram) => histogramIntersection(referenceHistogram, histogram)));
    best = Math.max(best, score);
    scores.push(`${reference.split("/").pop()}: ${score.toFixed(3)}`);
  }
  return result(
    "location-consistency",
    best,
    threshold,
    `colour histogram intersection with key frames: ${scores.join(", ")}`,
  );
}
