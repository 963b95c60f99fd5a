/**
 * The scene plan: its shape (shared by the deterministic and the LLM planner), its invariants, and
 * the repair of a plan that breaks them.
 *
 * Timing rule: shots[].duration is a shot's screen time and the durations add up exactly to
 * totalDuration. An overlapping transition (dissolve, fade) of d seconds after a shot makes that shot's
 * clip d seconds longer (a tail handle), because assembly shortens the scene by each overlap; the clip
 * length (duration + handle) is what must stay within the lengths the shot's model renders (7 s on the
 * local renderer; see lengths.ts).
 */
import { z } from "zod";
import {
  ACTIONS,
  CAMERA_MOVES,
  GENERATION_METHODS,
  LONGEST_CLIP_SECONDS,
  type GenerationMethod,
} from "../../../domain.js";
import { limitsOfModel, type ClipLimits } from "./lengths.js";
import { SHOT_TYPES, shotById } from "./library.js";

/** The lengths a method's model renders; the local renderer's when a caller gives none. */
export type LimitsOf = (method: GenerationMethod) => ClipLimits;
const LOCAL_LIMITS: LimitsOf = () => limitsOfModel(null);

export const MAX_SCENE_CLIPS = 10;
/** Scene length when a scene request names none. */
export const DEFAULT_SCENE_SECONDS = 15;

export const PlannedShotSchema = z.object({
  index: z.number().int().min(1),
  shotId: z.string(),
  start: z.number().min(0),
  duration: z.number().positive().max(LONGEST_CLIP_SECONDS),
  shotType: z.enum(SHOT_TYPES),
  camera: z.enum(CAMERA_MOVES),
  action: z.enum(ACTIONS),
  description: z.string(),
  characters: z.array(z.string()),
  location: z.string().nullable(),
  method: z.enum(GENERATION_METHODS),
  /** Index of the shot whose last frame this one starts from, or null. */
  continuesFrom: z.number().int().min(1).nullable(),
  /** What the shot's subject does in the request's words ("walking past the fountain"); optional for LLM plans. */
  actionPhrase: z.string().min(1).max(120).nullable().optional(),
});
export type PlannedShot = z.infer<typeof PlannedShotSchema>;

export const PlannedTransitionSchema = z.object({
  fromShot: z.number().int().min(1),
  toShot: z.number().int().min(2),
  type: z.enum(["cut", "fade", "dissolve", "wipe", "slide"]),
  duration: z.number().min(0).max(2),
});
export type PlannedTransition = z.infer<typeof PlannedTransitionSchema>;

export const ScenePlanSchema = z.object({
  totalDuration: z.number().positive(),
  fps: z.number().positive(),
  archetype: z.string(),
  shots: z.array(PlannedShotSchema).min(1).max(MAX_SCENE_CLIPS),
  transitions: z.array(PlannedTransitionSchema),
  dialogue: z.array(
    z.object({
      character: z.string(),
      text: z.string().min(1),
      startTime: z.number().min(0),
      estimatedDuration: z.number().positive(),
    }),
  ),
  music: z
    .object({
      description: z.string(),
      startTime: z.number().min(0),
      duration: z.number().positive(),
      volume: z.number().min(0).max(1),
    })
    .nullable(),
  sfx: z.array(
    z.object({
      description: z.string(),
      startTime: z.number().min(0),
      duration: z.number().positive(),
      volume: z.number().min(0).max(1),
    }),
  ),
  estimatedCostUsd: z.number().min(0),
  decidedBy: z.enum(["policy", "llm", "llm-repaired"]),
});
export type ScenePlan = z.infer<typeof ScenePlanSchema>;

/** Seconds of tail handle a shot's clip needs for the transition that follows it. */
export function handleAfter(plan: Pick<ScenePlan, "transitions">, index: number): number {
  const transition = plan.transitions.find((candidate) => candidate.fromShot === index);
  return transition && transition.type !== "cut" ? transition.duration : 0;
}

export function clipSeconds(
  plan: Pick<ScenePlan, "transitions">,
  shot: Pick<PlannedShot, "index" | "duration">,
): number {
  return shot.duration + handleAfter(plan, shot.index);
}

/** Every invariant a plan must hold; an empty list means valid. */
export function planProblems(plan: ScenePlan, limitsOf: LimitsOf = LOCAL_LIMITS): string[] {
  const problems: string[] = [];
  const frame = 1 / plan.fps;
  const sum = plan.shots.reduce((total, shot) => total + shot.duration, 0);
  if (Math.abs(sum - plan.totalDuration) > frame / 2) {
    problems.push(`shot durations add up to ${sum.toFixed(3)} s, not the ${plan.totalDuration} s asked for`);
  }
  let start = 0;
  plan.shots.forEach((shot, position) => {
    if (shot.index !== position + 1) problems.push(`shot ${position + 1} is numbered ${shot.index}`);
    if (!shotById(shot.shotId)) problems.push(`shot ${shot.index} uses unknown shot id ${JSON.stringify(shot.shotId)}`);
    const limits = limitsOf(shot.method);
    if (clipSeconds(plan, shot) > limits.maxSeconds + 1e-9) {
      problems.push(
        `shot ${shot.index} needs a ${clipSeconds(plan, shot).toFixed(2)} s clip; ${limits.model} renders at most ${limits.maxSeconds} s`,
      );
    }
    if (Math.abs(shot.start - start) > frame / 2)
      problems.push(`shot ${shot.index} starts at ${shot.start}, expected ${start.toFixed(3)}`);
    if (shot.continuesFrom !== null && shot.continuesFrom !== shot.index - 1) {
      problems.push(
        `shot ${shot.index} continues from shot ${shot.continuesFrom}; only the previous shot can be continued`,
      );
    }
    start += shot.duration;
  });
  for (const transition of plan.transitions) {
    if (transition.toShot !== transition.fromShot + 1 || transition.toShot > plan.shots.length) {
      problems.push(`transition ${transition.fromShot}→${transition.toShot} does not join neighbouring shots`);
    }
  }
  for (const line of plan.dialogue) {
    if (line.startTime + line.estimatedDuration > plan.totalDuration + frame)
      problems.push(`dialogue "${line.text.slice(0, 30)}" runs past the end`);
  }
  return problems;
}

/**
 * Scales shot durations so they add up to the total, in whole frames, keeping each clip within what its
 * model renders. Returns null when no such scaling exists (then the plan is replaced).
 */
export function repairDurations(plan: ScenePlan, limitsOf: LimitsOf = LOCAL_LIMITS): ScenePlan | null {
  const totalFrames = Math.round(plan.totalDuration * plan.fps);
  const weights = plan.shots.map((shot) => Math.max(shot.duration, 0.5));
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const frames = distributeFrames(
    totalFrames,
    weights.map((weight) => weight / weightSum),
  );
  const shots: PlannedShot[] = [];
  let start = 0;
  for (const [position, shot] of plan.shots.entries()) {
    const duration = frames[position]! / plan.fps;
    if (duration + handleAfter(plan, shot.index) > limitsOf(shot.method).maxSeconds || duration <= 0) return null;
    shots.push({ ...shot, index: position + 1, start: round6(start), duration: round6(duration) });
    start += duration;
  }
  return { ...plan, shots };
}

/** Splits a whole number of frames by shares with the largest-remainder method (exact sum). */
export function distributeFrames(totalFrames: number, shares: number[]): number[] {
  const raw = shares.map((share) => share * totalFrames);
  const result = raw.map(Math.floor);
  let left = totalFrames - result.reduce((sum, value) => sum + value, 0);
  const order = raw
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder);
  for (const { index } of order) {
    if (left <= 0) break;
    result[index]! += 1;
    left -= 1;
  }
  return result;
}

export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
