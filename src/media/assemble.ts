/**
 * Joining clips into one scene: the shapes, the validation and the timing rule.
 *
 * Timing rule, in whole frames of the scene's rate: a clip contributes
 * round((duration - trimStart - trimEnd) / speed × fps) frames; a cut adds nothing; an overlapping
 * transition (fade, dissolve, wipe, slide) of d seconds overlaps the two clips by round(d × fps) frames
 * and so shortens the scene by that much. sceneFrames() is that rule; the picture is rendered with
 * exactly that many frames and the sound with exactly that many samples, so the probed duration matches
 * the reported one.
 */
import { CutroomError } from "../errors.js";

export const TRANSITION_TYPES = ["cut", "fade", "dissolve", "wipe", "slide"] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];

export const MAX_SCENE_CLIPS = 10;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

export interface SceneClip {
  path: string;
  durationSeconds: number;
  sequence: number;
  trimStart: number;
  trimEnd: number;
  speedMultiplier: number;
  /** Whether the file has a sound stream; unknown (undefined) counts as none. */
  hasAudio?: boolean;
}

export interface SceneTransition {
  fromSequence: number;
  /** The clip it leads into; when given it must be the clip that follows fromSequence. */
  toSequence?: number;
  type: TransitionType;
  durationSeconds: number;
}

export interface SceneTarget {
  width: number;
  height: number;
  fps: number;
}

/** ffmpeg's xfade names for our transition types. */
export const XFADE: Record<Exclude<TransitionType, "cut">, string> = {
  fade: "fade",
  dissolve: "dissolve",
  wipe: "wipeleft",
  slide: "slideleft",
};

export function clipLength(clip: SceneClip): number {
  return (clip.durationSeconds - clip.trimStart - clip.trimEnd) / clip.speedMultiplier;
}

export function clipFrames(clip: SceneClip, fps: number): number {
  return Math.round(clipLength(clip) * fps);
}

export function transitionFrames(transition: SceneTransition | null, fps: number): number {
  return transition === null || transition.type === "cut" ? 0 : Math.round(transition.durationSeconds * fps);
}

/** Clips in sequence order and, for each neighbouring pair, the transition between them (null = cut). */
export function orderScene(
  clips: SceneClip[],
  transitions: SceneTransition[],
): { clips: SceneClip[]; joins: Array<SceneTransition | null> } {
  const ordered = [...clips].sort((left, right) => left.sequence - right.sequence);
  const joins = ordered
    .slice(1)
    .map((_, index) => transitions.find((item) => item.fromSequence === ordered[index]!.sequence) ?? null);
  return { clips: ordered, joins };
}

export interface ClipSpan {
  sequence: number;
  /** First output frame of the clip and how many frames it lasts (overlaps included). */
  startFrame: number;
  frames: number;
}

/** Where each clip sits on the scene's timeline. */
export function clipSpans(clips: SceneClip[], transitions: SceneTransition[], fps: number): ClipSpan[] {
  const scene = orderScene(clips, transitions);
  const spans: ClipSpan[] = [];
  let start = 0;
  scene.clips.forEach((clip, index) => {
    const frames = clipFrames(clip, fps);
    spans.push({ sequence: clip.sequence, startFrame: start, frames });
    start += frames - transitionFrames(scene.joins[index] ?? null, fps);
  });
  return spans;
}

export function sceneFrames(clips: SceneClip[], transitions: SceneTransition[], fps: number): number {
  const scene = orderScene(clips, transitions);
  const total = scene.clips.reduce((sum, clip) => sum + clipFrames(clip, fps), 0);
  return total - scene.joins.reduce((sum, join) => sum + transitionFrames(join, fps), 0);
}

/**
 * The scene's length in seconds. With `fps` it is the frame-exact length that is rendered; without it the
 * continuous value of the same rule.
 */
export function sceneDuration(clips: SceneClip[], transitions: SceneTransition[], fps?: number): number {
  if (fps !== undefined) return sceneFrames(clips, transitions, fps) / fps;
  const scene = orderScene(clips, transitions);
  const total = scene.clips.reduce((sum, clip) => sum + clipLength(clip), 0);
  return total - scene.joins.reduce((sum, join) => sum + (join && join.type !== "cut" ? join.durationSeconds : 0), 0);
}

function invalid(field: string, message: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field}: ${message}`, { field });
}

export function validateScene(clips: SceneClip[], transitions: SceneTransition[]): void {
  if (clips.length === 0 || clips.length > MAX_SCENE_CLIPS) {
    throw invalid("clips", `a scene has 1 to ${MAX_SCENE_CLIPS} clips, got ${clips.length}`);
  }
  const sequences = new Set<number>();
  clips.forEach((clip, index) => {
    const field = (name: string) => `clips[${index}].${name}`;
    if (sequences.has(clip.sequence)) throw invalid(field("sequence"), `sequence ${clip.sequence} is used twice`);
    sequences.add(clip.sequence);
    if (
      !Number.isFinite(clip.speedMultiplier) ||
      clip.speedMultiplier < MIN_SPEED ||
      clip.speedMultiplier > MAX_SPEED
    ) {
      throw invalid(
        field("speedMultiplier"),
        `must be between ${MIN_SPEED} and ${MAX_SPEED}; got ${clip.speedMultiplier}`,
      );
    }
    if (!(clip.trimStart >= 0)) throw invalid(field("trimStart"), `must be 0 or more; got ${clip.trimStart}`);
    if (!(clip.trimEnd >= 0)) throw invalid(field("trimEnd"), `must be 0 or more; got ${clip.trimEnd}`);
    if (!(clipLength(clip) > 0.1)) {
      throw invalid(
        field("trimStart"),
        `trims leave ${Math.max(0, clip.durationSeconds - clip.trimStart - clip.trimEnd).toFixed(2)} s of a ${clip.durationSeconds.toFixed(2)} s clip; keep more than 0.1 s`,
      );
    }
  });
  const ordered = [...clips].sort((left, right) => left.sequence - right.sequence);
  const overlapAt = new Map<number, number>();
  transitions.forEach((transition, index) => {
    const field = `transitions[${index}]`;
    const position = ordered.findIndex((clip) => clip.sequence === transition.fromSequence);
    if (position < 0 || position === ordered.length - 1) {
      throw invalid(`${field}.fromClip`, `clip ${transition.fromSequence} has no following clip`);
    }
    const next = ordered[position + 1]!;
    if (transition.toSequence !== undefined && transition.toSequence !== next.sequence) {
      throw invalid(
        `${field}.toClip`,
        `clip ${transition.fromSequence} is followed by ${next.sequence}, not ${transition.toSequence}`,
      );
    }
    if (transition.type === "cut") return;
    const shorter = Math.min(clipLength(ordered[position]!), clipLength(next));
    if (!(transition.durationSeconds > 0) || transition.durationSeconds >= shorter) {
      throw invalid(
        `${field}.duration`,
        `a ${transition.type} of ${transition.durationSeconds} s must be longer than 0 and shorter than both clips (${shorter.toFixed(2)} s)`,
      );
    }
    overlapAt.set(position, (overlapAt.get(position) ?? 0) + transition.durationSeconds);
    overlapAt.set(position + 1, (overlapAt.get(position + 1) ?? 0) + transition.durationSeconds);
  });
  for (const [position, overlap] of overlapAt) {
    const clip = ordered[position]!;
    if (overlap >= clipLength(clip)) {
      throw invalid(
        "transitions",
        `transitions into and out of clip ${clip.sequence} overlap it for ${overlap.toFixed(2)} s, longer than the clip (${clipLength(clip).toFixed(2)} s)`,
      );
    }
  }
}
