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
 *     in those key frames nor at 30% and 70%: the character is not seen, and the check fails (a portrait
 *     was asked for and no one is there). A face model that did not load: not measured.
 *   - a drawn reference (no face, at least a fifth of it the #808080 grey the local renderer draws figures
 *     on): key frames and the reference decoded at 160x90 (nearest-neighbour, so flat colours stay
 *     unblended). F = the grade-tolerant colour histogram (colour-match.ts) of the reference's non-grey
 *     pixels; per frame, the share of F present in the frame allowing a luma and chroma shift of about one
 *     band, so a mild colour grade still matches; averaged over frames.
 *   - a photograph without a face (an animal, a vehicle, an object): what kind of thing it is, by the
 *     object detector (objects.ts), against the kinds seen in the key frames; see kindScore.
 * - location-consistency: gradedColourMatch of the reference still and each key frame that is not black,
 *   averaged over frames; with several references the best match counts.
 */
import type { QualityCheck } from "../domain.js";
import {
  colourSignatures,
  gradedColourMatch,
  gradeTolerantCoverage,
  gradeTolerantHistogram,
  isForeground,
  paletteIsEmpty,
  referenceGreyShare,
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
import { kindOf, loadObjectModel, objectsInClip, objectsInStill, type ObjectModel } from "./objects.js";
import { DEFAULT_THRESHOLD, mean } from "./quality-report.js";
import { makeCheck as result, notMeasured } from "./quality-signal.js";
import { decodeRawFrames } from "./runner.js";

const ANALYSIS_SIZE = { width: 160, height: 90 };
const KEY_FRAME_POSITIONS = [0.1, 0.5, 0.9];
/** Where else a face is looked for before a character is declared not seen. */
const MORE_FACE_POSITIONS = [0.3, 0.7];
/** A reference this much of which is the local renderer's grey backdrop is a drawing. */
const DRAWING_GREY_SHARE = 0.2;

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
  /** The object detector, likewise. */
  objectModel?: () => Promise<ObjectModel>;
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

async function keyFramePixels(path: string, options: CheckOptions): Promise<Buffer[]> {
  const { durationSeconds } = await factsOf(path, options);
  // Decoded here rather than shared through options.keyFrames: those are RGB histograms, this needs pixels.
  return decodeRawFrames(path, {
    times: KEY_FRAME_POSITIONS.map((position) => position * durationSeconds),
    ...ANALYSIS_SIZE,
    scaleFlags: "neighbor",
  });
}

/** Share of key frames that must show a face-less photographed character's kind for it to be there. */
const KIND_PRESENT_SHARE = 0.5;
/**
 * Colour match (gradedColourMatch, mean over key frames) at or above which a face-less photographed
 * subject counts as there whatever the detector says: on the corpus, different characters' photographs
 * match each other at most 0.73 and only two greyscale textures (brick, grass) reach 0.84.
 */
const SAME_SUBJECT_COLOUR = 0.8;

/**
 * A photographed character without a face (an animal, a vehicle, a robot): colour cannot tell one such
 * subject from another (on the corpus, pictures of the same subject match 0.51–0.93 and of different ones
 * up to 0.84), so the detector's kind is compared: the reference's most confident object against the
 * objects in the key frames, by group (a cat the detector calls a dog is still an animal). Score: the
 * share of key frames showing the kind, through the threshold at KIND_PRESENT_SHARE, or the colour match
 * through the threshold at SAME_SUBJECT_COLOUR, whichever is higher. Not measured when the detector does
 * not load or finds nothing in the reference.
 */
async function kindScore(path: string, reference: string, options: CharacterCheckOptions): Promise<ReferenceScore> {
  let model: ObjectModel;
  try {
    model = await (options.objectModel ?? loadObjectModel)();
  } catch (error) {
    return { score: null, mismatch: false, details: `not measured: ${(error as Error).message}` };
  }
  const [subject] = (await objectsInStill(reference, model)).objects;
  if (subject === undefined)
    return {
      score: null,
      mismatch: false,
      details: "not measured: no face and no object the detector knows in the photograph",
    };
  const kind = kindOf(subject.label);
  const { frames } = await objectsInClip(path, model, KEY_FRAME_POSITIONS);
  const showing = frames.filter((objects) => objects.some((object) => kindOf(object.label) === kind)).length;
  const share = frames.length === 0 ? 0 : showing / frames.length;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const through = (value: number, bar: number) =>
    value >= bar ? threshold + (1 - threshold) * ((value - bar) / (1 - bar)) : threshold * (value / bar);
  // The detector misreads tight crops (a cat's face taken for a person): colours that match as closely
  // as only the same subject's do on the corpus also count as the character being there.
  const signature = colourSignatures(await referencePixels(reference));
  const colour = mean(
    (await keyFramePixels(path, options)).map((frame) => gradedColourMatch(signature, colourSignatures(frame))),
  );
  const score = Math.max(through(share, KIND_PRESENT_SHARE), through(colour, SAME_SUBJECT_COLOUR));
  const seen = [...new Set(frames.flat().map((object) => object.label))];
  return {
    score,
    mismatch: share < KIND_PRESENT_SHARE && colour < SAME_SUBJECT_COLOUR,
    details:
      `a ${subject.label} (${kind}) in the photograph, no face; seen in ${showing} of ${frames.length} key frames` +
      ` (detected: ${seen.length === 0 ? "nothing" : seen.join(", ")}); colour match ${colour.toFixed(3)} (same subject ≥ ${SAME_SUBJECT_COLOUR})`,
  };
}

/** A face-less reference: a drawing by its colours on the grey backdrop, a photograph by what it shows. */
async function colourScore(path: string, reference: string, options: CharacterCheckOptions): Promise<ReferenceScore> {
  const pixels = await referencePixels(reference);
  if (referenceGreyShare(pixels) < DRAWING_GREY_SHARE) return kindScore(path, reference, options);
  const palette = gradeTolerantHistogram(pixels, isForeground);
  if (paletteIsEmpty(palette))
    return { score: 0, mismatch: false, details: "0.000 (reference shows nothing but grey)" };
  const frames = await keyFramePixels(path, options);
  const score = mean(frames.map((frame) => gradeTolerantCoverage(palette, gradeTolerantHistogram(frame))));
  return { score, mismatch: false, details: `${score.toFixed(3)} of its colours present` };
}

function faceScore(referenceFace: Face, frames: Face[][], threshold: number): ReferenceScore {
  const { distance, measuredFrames } = clipDistance(referenceFace.descriptor, frames);
  if (distance === null) {
    return {
      score: 0,
      mismatch: true,
      details: `not seen: no face in ${frames.length} key frames, where the reference shows one`,
    };
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
      if (clipFaces === null) {
        clipFaces = await facesInClip(path, model, KEY_FRAME_POSITIONS);
        // Before calling a character absent, look between the key frames too.
        if (clipFaces.every((faces) => faces.length === 0))
          clipFaces = [...clipFaces, ...(await facesInClip(path, model, MORE_FACE_POSITIONS))];
      }
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
 * location-consistency: the reference against each key frame by gradedColourMatch (the grade-tolerant and
 * grade-normalised colour signatures, see colour-match.ts: a dimmer or warmer grade of the same place still
 * matches); black frames are left out, and a clip with no frame to compare is not measured. With several
 * references the best match counts.
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
  const signatures = frames.map((frame) => colourSignatures(frame));
  const scores: string[] = [];
  let best = 0;
  for (const reference of references) {
    const signature = colourSignatures(await referencePixels(reference));
    const score = mean(signatures.map((frame) => gradedColourMatch(signature, frame)));
    best = Math.max(best, score);
    scores.push(`${reference.split("/").pop()}: ${score.toFixed(3)}`);
  }
  return result(
    "location-consistency",
    best,
    threshold,
    `colour match (grade allowed) with ${frames.length} key frame(s): ${scores.join(", ")}`,
  );
}
