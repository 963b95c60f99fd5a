/**
 * Relevance from the picture: what a clip shows against what was asked, measured offline from faces in
 * five frames spread over the clip (faces.ts). Three aspects, each measured only when the picture shows a
 * face (drawn figures and faces turned away cannot be counted, framed or followed, and are not guessed):
 *
 * - people: the most faces any frame shows against the characters asked for; fewer than asked scores
 *   shown / asked, more do not count against it (a park has passers-by).
 * - framing: the main face's height as a share of the frame's against the shot size asked. A face is
 *   about an eighth of a standing figure, so a full shot (the figure fills the height) shows a face near
 *   0.1 of the frame and a close-up 0.3 or more. Inside the size's band scores 1; outside, the score
 *   falls by 0.5 per doubling (or halving) away from the band.
 * - motion: how far the main face travels across the frame (its centre's horizontal spread over the
 *   frames, as a share of the width) against the action: walking and running travel (at least 0.1 of the
 *   width), sitting, standing and talking do not (at most 0.35: a slow pan also moves a subject in
 *   frame). Other actions are not judged by travel, nor is any under a tracking camera, which keeps the
 *   subject in place on purpose (the caller leaves the action out).
 */
import type { Action } from "../domain.js";
import { loadFaceModel, type Face, type FaceModel } from "./faces.js";
import { decodeRawFrames, probe } from "./runner.js";
import { faceFrameSize } from "./faces.js";

export const RELEVANCE_FRAME_POSITIONS = [0.1, 0.3, 0.5, 0.7, 0.9];

export type ShotSizeAsked = "extreme-wide" | "wide" | "full" | "medium" | "medium-close" | "close-up";

/** Face height / frame height each shot size shows (inclusive band). */
export const FACE_SHARE_BANDS: Record<ShotSizeAsked, [number, number]> = {
  "extreme-wide": [0, 0.05],
  wide: [0, 0.09],
  full: [0.04, 0.16],
  medium: [0.1, 0.26],
  "medium-close": [0.16, 0.36],
  "close-up": [0.26, 1],
};

const TRAVELLING: Action[] = ["walk", "run"];
const STAYING: Action[] = ["sit", "stand", "talk"];
export const LEAST_TRAVEL = 0.1;
export const MOST_STILL_TRAVEL = 0.35;

export interface PictureAsk {
  characters: number;
  action: Action | null;
  shotSize: ShotSizeAsked | null;
}

export interface PictureAspect {
  aspect: "people" | "framing" | "motion";
  measured: boolean;
  score: number | null;
  details: string;
}

export interface PictureRelevance {
  aspects: PictureAspect[];
  /** Mean of the measured aspects, or null when none could be measured. */
  score: number | null;
}

/** 1 inside [low, high]; 0.5 less per doubling away from the band, never below 0. */
export function bandScore(value: number, [low, high]: [number, number]): number {
  if (value >= low && value <= high) return 1;
  const ratio = value < low ? low / Math.max(value, 1e-6) : value / high;
  return Math.max(0, 1 - 0.5 * Math.log2(ratio));
}

/** The aspects from faces found per frame (largest first) in frames of the given size. */
export function judgePicture(
  frames: Face[][],
  size: { width: number; height: number },
  ask: PictureAsk,
): PictureRelevance {
  const withFaces = frames.filter((faces) => faces.length > 0);
  const aspects: PictureAspect[] = [];
  const none = (aspect: PictureAspect["aspect"], why: string): PictureAspect => ({
    aspect,
    measured: false,
    score: null,
    details: `not measured: ${why}`,
  });
  const noFace = `no face in ${frames.length} frames (drawn figures, or faces turned away, cannot be counted)`;

  if (ask.characters > 0) {
    if (withFaces.length === 0) aspects.push(none("people", noFace));
    else {
      const shown = Math.max(...frames.map((faces) => faces.length));
      aspects.push({
        aspect: "people",
        measured: true,
        score: Math.min(1, shown / ask.characters),
        details: `${shown} face(s) at most in a frame for ${ask.characters} character(s) asked`,
      });
    }
  }

  if (ask.shotSize !== null) {
    if (withFaces.length === 0) aspects.push(none("framing", noFace));
    else {
      const shares = withFaces.map((faces) => faces[0]!.box.height / size.height).sort((a, b) => a - b);
      const share = shares[Math.floor(shares.length / 2)]!;
      const band = FACE_SHARE_BANDS[ask.shotSize];
      aspects.push({
        aspect: "framing",
        measured: true,
        score: bandScore(share, band),
        details: `main face ${(share * 100).toFixed(0)}% of the frame's height; a ${ask.shotSize} shows ${(band[0] * 100).toFixed(0)}–${(band[1] * 100).toFixed(0)}%`,
      });
    }
  }

  if (ask.action !== null && (TRAVELLING.includes(ask.action) || STAYING.includes(ask.action))) {
    if (withFaces.length < 2)
      aspects.push(none("motion", withFaces.length === 0 ? noFace : "a face in one frame only"));
    else {
      const centres = withFaces.map((faces) => (faces[0]!.box.x + faces[0]!.box.width / 2) / size.width);
      const travel = Math.max(...centres) - Math.min(...centres);
      const travels = TRAVELLING.includes(ask.action);
      const score = travels
        ? Math.min(1, travel / LEAST_TRAVEL)
        : travel <= MOST_STILL_TRAVEL
          ? 1
          : Math.max(0, 1 - (travel - MOST_STILL_TRAVEL) / MOST_STILL_TRAVEL);
      aspects.push({
        aspect: "motion",
        measured: true,
        score,
        details: `the main face travels ${(travel * 100).toFixed(0)}% of the width; ${ask.action} ${travels ? `travels (≥ ${LEAST_TRAVEL * 100}%)` : `stays (≤ ${MOST_STILL_TRAVEL * 100}%)`}`,
      });
    }
  }

  const measured = aspects.flatMap((aspect) => (aspect.score === null ? [] : [aspect.score]));
  return {
    aspects,
    score: measured.length === 0 ? null : measured.reduce((sum, value) => sum + value, 0) / measured.length,
  };
}

/**
 * Measures a clip against what was asked. A face model that does not load leaves every aspect not
 * measured (never a guess).
 */
export async function measurePictureRelevance(
  path: string,
  ask: PictureAsk,
  options: { faceModel?: () => Promise<FaceModel> } = {},
): Promise<PictureRelevance> {
  let model: FaceModel;
  try {
    model = await (options.faceModel ?? loadFaceModel)();
  } catch (error) {
    return judgeNothing(ask, (error as Error).message);
  }
  const facts = await probe(path, { requireVideo: true });
  const size = faceFrameSize(facts.width, facts.height);
  const times = RELEVANCE_FRAME_POSITIONS.map((position) => position * facts.durationSeconds);
  const decoded = await decodeRawFrames(path, { times, ...size, scaleFlags: "area" });
  const frames: Face[][] = [];
  for (const frame of decoded) frames.push(await model.detect(frame, size.width, size.height));
  return judgePicture(frames, size, ask);
}

function judgeNothing(ask: PictureAsk, why: string): PictureRelevance {
  const aspects: PictureAspect[] = [];
  const add = (aspect: PictureAspect["aspect"]) =>
    aspects.push({ aspect, measured: false, score: null, details: `not measured: ${why}` });
  if (ask.characters > 0) add("people");
  if (ask.shotSize !== null) add("framing");
  if (ask.action !== null) add("motion");
  return { aspects, score: null };
}
