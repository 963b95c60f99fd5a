/**
 * What a shot shows, in words: the facts every model family's prompt is written from. The department fills
 * them from the request (its own phrases kept), the Brain (characters and places in words, a user's
 * description first) and the quality checks (corrections as visible things); a builder per model family
 * turns them into that family's prompt and negative prompt.
 *
 * Nothing here may carry an internal id, a file name or path, a hex colour or a number from a quality check:
 * a prompt is text a paid model reads.
 */
import type { CameraMove } from "../../../domain.js";

export interface ShotSubject {
  name: string;
  /** The character in words: the user's description when they gave one, else the profile's words. */
  description: string;
}

/** Shot sizes, widest first. */
export const SHOT_SIZES = ["extreme-wide", "wide", "full", "medium", "medium-close", "close-up"] as const;
export type ShotSize = (typeof SHOT_SIZES)[number];

export interface ShotFacts {
  subjects: ShotSubject[];
  /** What they do, in the request's own words ("playing chess", "walking her dog"). */
  action: string;
  /** Where, in the request's own words ("the town square"), or null when no place was named. */
  setting: string | null;
  /** The place in words (kind of place, sky, ground), when the Brain knows it. */
  settingDescription: string | null;
  shotSize: ShotSize;
  camera: CameraMove;
  /** The look asked for ("cinematic", "warm", ...), or null. */
  style: string | null;
  /** Seconds of the clip. */
  durationSeconds: number;
  /**
   * What a retry must get right, as visible things ("keep Ivan's orange top in frame", "no black frames",
   * "steady camera"). Empty on a first take.
   */
  corrections: string[];
}

/** What a builder hands back: the prompt and, for a family that takes one, the negative prompt. */
export interface BuiltPrompt {
  prompt: string;
  negativePrompt: string | null;
  /** The family whose guide the prompt follows. */
  family: string;
}
