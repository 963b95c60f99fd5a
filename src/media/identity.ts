/**
 * Who and where a clip shows, against the references: character consistency and location consistency.
 *
 * - character-consistency, per reference, the weakest reference counting:
 *   - a photographic reference (one in which faces.ts finds a face): the reference's largest face against
 *     the faces in key frames at 10%, 50% and 90%. Per frame, the Euclidean distance between face
 *     descriptors to the nearest face (others may share the shot); frames without a face are not
 *     measured; d = the mean over measured frames. Same person when d ≤ 0.6 (SAME_PERSON_DISTANCE). The
 *     score maps d linearly through the check's threshold t: d = 0 → 1, d = 0.6 → t, d ≥ 1.2 → 0, so a
 *     match passes and a mismatch scores below t (and fails even where rounding would reach t). No face
 *     in any key frame, or a face model that did not load: not measured.
 *   - a drawn reference (no face: the local renderer's figures on #808080): key frames and the reference
 *     decoded at 160x90 (nearest-neighbour, so flat colours stay unblended). F = the grade-tolerant colour
 *     histogram (colour-match.ts) of the reference's non-grey pixels; per frame, the share of F present in
 *     the frame allowing a luma and chroma shift of about one band, so a mild colour grade still matches;
 *     averaged over frames.
 * - location-consistency: histogram intersection of the reference still and each key frame over all
 *   pixels, averaged over frames; with several references the best match counts. 8 levels per channel,
 *   soft-binned (see colour-match.ts).
 */
import type { QualityCheck } from "../domain.js";
import {
  gradeTolerantCoverage,
  gradeTolerantHistogram,
  histogramIntersection,
  isForeground,
  lumaTolerant,
  paletteIsEmpty,
  softHistogram,
} from "./colour-match.js";
import {
  clipDistance,
  facesInClip,
  facesInStill,
  loadFaceModel,
  SAME_PERSON_DISTANCE,
  type Face,
  type FaceModel,
} from "./faces.js";
import { factsOf, type CheckOptions } from "./check-options.js";
import { DEFAULT_THRESHOLD, mean } from "./quality-report.js";
import { makeCheck as result, notMeasured } from "./quality-signal.js";
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

export interface CharacterCheckOptions extends CheckOptions {
  /** The face model; the process-wide one (loaded on first use) unless a test passes another. */
  faceModel?: () => Promise<FaceModel>;
}

interface ReferenceScore {
  /** Null: this reference could not be compared with the clip. */
  score: number | null;
  /** A face farther than the published distance: fails even where the score rounds up to the threshold. */
  mismatch: boolean;
  details: string;
}

/** Score of a mean face distance, through the check threshold: 0 → 1, 0.6 → threshold, 1.2 → 0. */
export function faceMatchScore(distance: number, threshold: number): number {
  if (distance <= SAME_PERSON_DISTANCE) return 1 - (1 - threshold) * (distance / SAME_PERSON_DISTANCE);
  return Math.max(0, threshold * (1 - (distance - SAME_PERSON_DISTANCE) / SAME_PERSON_DISTANCE));
}

async function colourScore(path: string, reference: string, options: CheckOptions): Promise<ReferenceScore> {
  const palette = gradeTolerantHistogram(await referencePixels(reference), isForeground);
  if (paletteIsEmpty(palette))
    return { score: 0, mismatch: false, details: "0.000 (reference shows nothing but grey)" };
  const { durationSeconds } = await factsOf(path, options);
  // Decoded here rather than shared through options.keyFrames: those are RGB histograms, this needs pixels.
  const frames = await decodeRawFrames(path, {
    times: KEY_FRAME_POSITIONS.map((position) => position * durationSeconds),
    ...ANALYSIS_SIZE,
    scaleFlags: "neighbor",
  });
  const score = mean(frames.map((frame) => gradeTolerantCoverage(palette, gradeTolerantHistogram(frame))));
  return { score, mismatch: false, details: `${score.toFixed(3)} of its colours present` };
}

function faceScore(referenceFace: Face, frames: Face[][], threshold: number): ReferenceScore {
  const { distance, measuredFrames } = clipDistance(referenceFace.descriptor, frames);
  if (distance === null) {
    return { score: null, mismatch: false, details: `not measured: no face in ${frames.length} key frames` };
  }
  const mismatch = distance > SAME_PERSON_DISTANCE;
  return {
    score: faceMatchScore(distance, threshold),
    mismatch,
    details:
      `face distance ${distance.toFixed(3)} over ${measuredFrames} of ${frames.length} key frames ` +
      `(${mismatch ? "a different person" : "same person"} at ≤ ${SAME_PERSON_DISTANCE})`,
  };
}

export async function checkCharacterConsistency(
  path: string,
  references: string[],
  options: CharacterCheckOptions = {},
): Promise<QualityCheck> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  let model: FaceModel;
  try {
    model = await (options.faceModel ?? loadFaceModel)();
  } catch (error) {
    // Without the model a photo cannot be told from a drawing: the check says nothing rather than 0.
    return notMeasured("character-consistency", threshold, (error as Error).message);
  }
  let clipFaces: Face[][] | null = null;
  const scores: ReferenceScore[] = [];
  const lines: string[] = [];
  for (const reference of references) {
    const [referenceFace] = await facesInStill(reference, model);
    let scored: ReferenceScore;
    if (referenceFace === undefined) {
      scored = await colourScore(path, reference, options);
    } else {
      clipFaces ??= await facesInClip(path, model, KEY_FRAME_POSITIONS);
      scored = faceScore(referenceFace, clipFaces, threshold);
    }
    scores.push(scored);
    lines.push(`${reference.split("/").pop()}: ${scored.details}`);
  }
  const measured = scores.flatMap((scored) => (scored.score === null ? [] : [scored.score]));
  const details = `character references against key frames: ${lines.join("; ")}`;
  if (references.length > 0 && measured.length === 0) return notMeasured("character-consistency", threshold, details);
  const weakest = measured.length === 0 ? 0 : Math.min(...measured);
  const mismatch = scores.some((scored) => scored.mismatch);
  return result("character-consistency", weakest, threshold, details, mismatch);
}

/** Mean luma (BT.601) of an RGB frame, 0–255. */
function meanLuma(rgb: Uint8Array): number {
  let sum = 0;
  for (let offset = 0; offset + 2 < rgb.length; offset += 3)
    sum += 0.299 * rgb[offset]! + 0.587 * rgb[offset + 1]! + 0.114 * rgb[offset + 2]!;
  return sum / Math.max(1, rgb.length / 3);
}

/** Key frames this dark show nothing of a place: they are left out rather than scored as a wrong place. */
const DARK_FRAME_LUMA = 16;

/**
 * location-consistency: the grade-tolerant colour signature (hue × chroma × luma, see colour-match.ts) of the
 * reference against each key frame, by histogram intersection with each colour allowed to move a luma band
 * (a dimmer or warmer grade of the same place still matches); black frames are left out, and a clip with no
 * frame to compare is not measured. With several references the best match counts.
 */
export async function checkLocationConsistency(
  path: string,
  references: string[],
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const { durationSeconds } = await factsOf(path, options);
  const times = KEY_FRAME_POSITIONS.map((position) => position * durationSeconds);
  const frames = (await decodeRawFrames(path, { times, ...ANALYSIS_SIZE, scaleFlags: "neighbor" })).filter(
    (frame) => meanLuma(frame) >= DARK_FRAME_LUMA,
  );
  if (frames.length === 0)
    return notMeasured("location-consistency", threshold, "every key frame is black: nothing of the place to compare");
  const histograms = frames.map((frame) => lumaTolerant(gradeTolerantHistogram(frame)));
  const scores: string[] = [];
  let best = 0;
  for (const reference of references) {
    const referenceHistogram = lumaTolerant(gradeTolerantHistogram(await referencePixels(reference)));
    const score = mean(histograms.map((histogram) => histogramIntersection(referenceHistogram, histogram)));
    best = Math.max(best, score);
    scores.push(`${reference.split("/").pop()}: ${score.toFixed(3)}`);
  }
  return result(
    "location-consistency",
    best,
    threshold,
    `grade-tolerant colour match with ${frames.length} key frame(s): ${scores.join(", ")}`,
  );
}
