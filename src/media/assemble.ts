/**
 * Joining clips into one scene. Timing rule: a clip contributes (duration - trimStart - trimEnd) / speed
 * seconds; a cut adds nothing; an overlapping transition (fade, dissolve, wipe, slide) overlaps the two
 * clips and so shortens the scene by its own duration. sceneDuration() is that rule, and the output is
 * rendered with exactly that length.
 */
import type { FfmpegSpec } from "./runner.js";
import { CutroomError } from "../errors.js";

export const TRANSITION_TYPES = ["cut", "fade", "dissolve", "wipe", "slide"] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];

export interface SceneClip {
  path: string;
  durationSeconds: number;
  sequence: number;
  trimStart: number;
  trimEnd: number;
  speedMultiplier: number;
}

export interface SceneTransition {
  fromSequence: number;
  type: TransitionType;
  durationSeconds: number;
}

export interface SceneTarget {
  width: number;
  height: number;
  fps: number;
}

/** ffmpeg's xfade names for our transition types. */
const XFADE: Record<Exclude<TransitionType, "cut">, string> = {
  fade: "fade",
  dissolve: "dissolve",
  wipe: "wipeleft",
  slide: "slideleft",
};

export function clipLength(clip: SceneClip): number {
  return (clip.durationSeconds - clip.trimStart - clip.trimEnd) / clip.speedMultiplier;
}

export function sceneDuration(clips: SceneClip[], transitions: SceneTransition[]): number {
  const total = clips.reduce((sum, clip) => sum + clipLength(clip), 0);
  const overlap = transitions
    .filter((transition) => transition.type !== "cut")
    .reduce((sum, transition) => sum + transition.durationSeconds, 0);
  return total - overlap;
}

export function validateScene(clips: SceneClip[], transitions: SceneTransition[]): void {
  if (clips.length === 0 || clips.length > 10) {
    throw new CutroomError("INVALID_INPUT", `clips: a scene has 1 to 10 clips, got ${clips.length}`, {
      field: "clips",
    });
  }
  for (const clip of clips) {
    if (clip.speedMultiplier < 0.25 || clip.speedMultiplier > 4) {
      throw new CutroomError("INVALID_INPUT", `clips[${clip.sequence}].speedMultiplier must be between 0.25 and 4`, {
        field: "speedMultiplier",
      });
    }
    if (clip.trimStart < 0 || clip.trimEnd < 0 || clipLength(clip) <= 0.1) {
      throw new CutroomError(
        "INVALID_INPUT",
        `clips[${clip.sequence}]: trims leave no picture (keep more than 0.1 s)`,
        { field: "trimStart" },
      );
    }
  }
  const ordered = [...clips].sort((left, right) => left.sequence - right.sequence);
  for (const transition of transitions) {
    const index = ordered.findIndex((clip) => clip.sequence === transition.fromSequence);
    if (index < 0 || index === ordered.length - 1) {
      throw new CutroomError(
        "INVALID_INPUT",
        `transitions: fromClip ${transition.fromSequence} has no following clip`,
        { field: "transitions" },
      );
    }
    const shorter = Math.min(clipLength(ordered[index]!), clipLength(ordered[index + 1]!));
    if (transition.type !== "cut" && (transition.durationSeconds <= 0 || transition.durationSeconds >= shorter)) {
      throw new CutroomError(
        "INVALID_INPUT",
        `transitions: a ${transition.type} of ${transition.durationSeconds}s must be longer than 0 and shorter than both clips (${shorter.toFixed(2)}s)`,
        { field: "transitions" },
      );
    }
  }
}

/**
 * One filter graph: every input normalized to the target (scale with padding, fps, pixel format,
 * sample aspect, timebase — xfade needs identical timebases), trimmed and re-timed, then joined.
 */
export function buildAssembleSpec(
  clips: SceneClip[],
  transitions: SceneTransition[],
  target: SceneTarget,
  outputPath: string,
): FfmpegSpec {
  validateScene(clips, transitions);
  const ordered = [...clips].sort((left, right) => left.sequence - right.sequence);
  const filters: string[] = [];
  ordered.forEach((clip, index) => {
    const end = clip.durationSeconds - clip.trimEnd;
    filters.push(
      `[${index}:v]trim=start=${clip.trimStart.toFixed(3)}:end=${end.toFixed(3)},setpts=(PTS-STARTPTS)/${clip.speedMultiplier},` +
        `scale=${target.width}:${target.height}:force_original_aspect_ratio=decrease,` +
        `pad=${target.width}:${target.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${target.fps},format=yuv420p,settb=AVTB[v${index}]`,
    );
  });
  let current = "v0";
  let elapsed = clipLength(ordered[0]!);
  for (let index = 1; index < ordered.length; index++) {
    const transition = transitions.find((candidate) => candidate.fromSequence === ordered[index - 1]!.sequence);
    const label = `j${index}`;
    if (!transition || transition.type === "cut") {
      filters.push(`[${current}][v${index}]concat=n=2:v=1:a=0,settb=AVTB[${label}]`);
      elapsed += clipLength(ordered[index]!);
    } else {
      const offset = elapsed - transition.durationSeconds;
      filters.push(
        `[${current}][v${index}]xfade=transition=${XFADE[transition.type]}:duration=${transition.durationSeconds.toFixed(3)}:offset=${offset.toFixed(3)}[${label}]`,
      );
      elapsed = offset + clipLength(ordered[index]!);
    }
    current = label;
  }
  const duration = sceneDuration(ordered, transitions);
  return {
    inputs: ordered.map((clip) => ({ source: clip.path, options: [] })),
    filterComplex: filters.join(";"),
    outputOptions: [
      "-map",
      `[${current}]`,
      "-an",
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-crf",
      "20",
      "-pix_fmt",
      "yuv420p",
      "-r",
      String(target.fps),
      // Exact length by the timing rule, so the probed duration matches the reported one.
      "-t",
      duration.toFixed(3),
      "-movflags",
      "+faststart",
    ],
    output: outputPath,
  };
}
