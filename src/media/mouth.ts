/**
 * A speaking figure's mouth, drawn by the local renderer from its line's loudness: a closed mouth always,
 * and over it an open one whose height steps with the voice, frame by frame. The openings are numbers the
 * renderer computed, never user text, and reach the filter only as `between(t,…)` timings.
 */
import type { Action, VisualProfile } from "../domain.js";
import type { FigureSize } from "./figure-size.js";
import { mixHex, num, type Box } from "./filtergraph.js";

/** How many open heights the mouth steps through (besides closed). */
export const MOUTH_LEVELS = 3;
/** Mouth height as a share of the figure's height: closed, and fully open. */
const CLOSED_HEIGHT = 0.012;
const OPEN_HEIGHT = 0.055;

/**
 * Where the mouth is in the figure's canvas: centred under the eyes, its lower edge fixed, so it opens
 * upwards into the face. The same place for every action but sitting, whose head is lower.
 */
export function mouthPlace(size: FigureSize, action: Action) {
  const height = size.bodyHeight;
  const top = size.height - height;
  const headTop = top + (action === "sit" ? 0.16 : 0.03) * height;
  const headWidth = Math.max(3, size.bodyWidth * 0.62);
  const bottom = headTop + 0.16 * height - 0.02 * height;
  return {
    x: size.width / 2 - headWidth * 0.2,
    width: headWidth * 0.4,
    bottom,
    closedHeight: Math.max(1, CLOSED_HEIGHT * height),
    openHeight: Math.max(2, OPEN_HEIGHT * height),
  };
}

/** The colour a character's mouth is painted with: its skin, darkened. */
export function mouthColour(profile: Pick<VisualProfile, "skin">): string {
  return mixHex(profile.skin, "#000000", 0.6);
}

/** Frame runs [first, last] where `active` holds, as one enable expression (null: never). */
export function runsExpression(active: boolean[], fps: number): string | null {
  const runs: string[] = [];
  let start = -1;
  for (let frame = 0; frame <= active.length; frame++) {
    const on = frame < active.length && active[frame]!;
    if (on && start < 0) start = frame;
    if (!on && start >= 0) {
      // Half a frame either side, so each frame's own time falls inside its run.
      runs.push(`between(t,${num((start - 0.5) / fps)},${num((frame - 0.5) / fps)})`);
      start = -1;
    }
  }
  return runs.length === 0 ? null : runs.join("+");
}

/** The mouth's boxes for openings 0..1 per frame at `fps`. */
export function spokenMouth(
  profile: VisualProfile,
  size: FigureSize,
  action: Action,
  opening: number[],
  fps: number,
): Box[] {
  const place = mouthPlace(size, action);
  const color = mouthColour(profile);
  const boxes: Box[] = [
    { x: place.x, y: place.bottom - place.closedHeight, width: place.width, height: place.closedHeight, color },
  ];
  const levels = opening.map((value) => Math.round(Math.min(1, Math.max(0, value)) * MOUTH_LEVELS));
  for (let level = 1; level <= MOUTH_LEVELS; level++) {
    const enable = runsExpression(
      levels.map((reached) => reached === level),
      fps,
    );
    if (enable === null) continue;
    const height = place.closedHeight + ((place.openHeight - place.closedHeight) * level) / MOUTH_LEVELS;
    boxes.push({ x: place.x, y: place.bottom - height, width: place.width, height, color, enable });
  }
  return boxes;
}
