/**
 * How long a clip may be, by the model that renders it: the local renderer keeps its 7 s; a FAL model the
 * registry lists renders its own range or list of lengths (Kling 3–15 s, Veo 4, 6 or 8 s, Hailuo 6 or
 * 10 s); a FAL model it does not list keeps the 7 s it was planned with before. The planner plans shot
 * lengths within these limits, a single clip longer than its model renders is planned as shots instead,
 * and a clip request is checked against the same rule before anything is spent.
 */
import { adapterFor, type Config } from "../../../config.js";
import type { GenerationMethod } from "../../../domain.js";
import { clipLimitOf } from "../../../providers/video/clip-request.js";
import { registryEntry, type ModelEntry } from "../../../providers/video/fal/registry.js";
import { modelFor } from "./cost.js";

export interface ClipLimits {
  /** Longest clip (shot plus its tail handle) the method's model renders, seconds. */
  maxSeconds: number;
  /** Shortest length the model renders (a shorter clip is rendered at this length and trimmed), seconds. */
  minSeconds: number;
  /**
   * The whole lengths the model renders, when it renders only those (a range of whole seconds or a list):
   * a shot planned at one of them is billed for what it shows. Null on the local renderer, which renders
   * any length.
   */
  lengths: number[] | null;
  /** The model, for messages. */
  model: string;
}

function minSecondsOf(entry: ModelEntry): number {
  const rule = entry.lengths;
  if (rule.kind === "input") return 0;
  return rule.kind === "range" ? rule.min : Math.min(...rule.seconds);
}

/** The lengths a model renders: a listed model's own, else the local renderer's 0–7 s. */
export function limitsOfModel(model: string | null): ClipLimits {
  const { maxSeconds, model: name } = clipLimitOf(model);
  const entry = model === null ? null : registryEntry(model);
  if (entry === null || entry.lengths.kind === "input")
    return { maxSeconds, minSeconds: 0, lengths: null, model: name };
  const rule = entry.lengths;
  const lengths =
    rule.kind === "list"
      ? [...rule.seconds].filter((seconds) => seconds <= maxSeconds).sort((a, b) => a - b)
      : rule.kind === "range"
        ? Array.from(
            { length: Math.floor(maxSeconds) - Math.ceil(rule.min) + 1 },
            (_, index) => Math.ceil(rule.min) + index,
          )
        : null;
  return { maxSeconds, minSeconds: minSecondsOf(entry), lengths, model: name };
}

/** The lengths a method's clips may have with the active adapter and models (a request's chosen one included). */
export function clipLimits(config: Config, method: GenerationMethod): ClipLimits {
  if (adapterFor(config, "video") !== "fal") return limitsOfModel(null);
  return limitsOfModel(modelFor(config, method));
}

/**
 * The lengths a planned shot of a method may have: a shot planned from a picture is made from its prompt
 * when no picture may be sent (a drawn reference is never sent to a paid model), so it must suit the
 * text-to-video model as well: the shorter limit, and the lengths both render.
 */
export function plannedClipLimits(config: Config, method: GenerationMethod): ClipLimits {
  const own = clipLimits(config, method);
  if (method === "text-to-video") return own;
  const text = clipLimits(config, "text-to-video");
  const lengths =
    own.lengths === null || text.lengths === null
      ? (own.lengths ?? text.lengths)
      : own.lengths.filter((length) => text.lengths!.includes(length));
  return {
    maxSeconds: Math.min(own.maxSeconds, text.maxSeconds),
    minSeconds: Math.max(own.minSeconds, text.minSeconds),
    lengths: lengths !== null && lengths.length === 0 ? null : lengths,
    model: text.maxSeconds < own.maxSeconds ? text.model : own.model,
  };
}

/** Methods one clip of a request may be made with, depending on the references it finds. */
const SINGLE_CLIP_METHODS: GenerationMethod[] = ["text-to-video", "image-to-video", "composite-to-video"];

/**
 * Longest single clip a request may ask for: the shortest of the limits of the methods a clip could be made
 * with, since which one is used depends on the references found when it runs.
 */
export function singleClipLimit(config: Config): ClipLimits {
  return SINGLE_CLIP_METHODS.map((method) => clipLimits(config, method)).reduce((shortest, limits) =>
    limits.maxSeconds < shortest.maxSeconds ? limits : shortest,
  );
}

/**
 * Clip lengths for shots, each one its model renders, adding up to `total` (plus the shots' tail handles)
 * and as near as can be to the lengths wanted: the shot lengths a list or whole-second model is billed for
 * without trimming. Null when no such lengths add up (the shots are then rendered at the next length the
 * model allows and trimmed).
 */
export function lengthsThatFit(
  wanted: number[],
  handles: number[],
  allowed: Array<number[] | null>,
  total: number,
): number[] | null {
  const target = total + handles.reduce((sum, handle) => sum + handle, 0);
  if (allowed.some((lengths) => lengths === null || lengths.length === 0)) return null;
  if (Math.abs(target - Math.round(target)) > 1e-6) return null;
  const goal = Math.round(target);
  // Fewest missed seconds to reach each sum after each shot (a small knapsack: at most 10 shots, 15 s each).
  let best = new Map<number, { miss: number; picks: number[] }>([[0, { miss: 0, picks: [] }]]);
  wanted.forEach((want, index) => {
    const next = new Map<number, { miss: number; picks: number[] }>();
    for (const [sum, so] of best) {
      for (const length of allowed[index]!) {
        if (length - handles[index]! <= 0 || sum + length > goal) continue;
        const miss = so.miss + Math.abs(length - want - handles[index]!);
        const known = next.get(sum + length);
        if (known === undefined || miss < known.miss - 1e-9)
          next.set(sum + length, { miss, picks: [...so.picks, length] });
      }
    }
    best = next;
  });
  return best.get(goal)?.picks ?? null;
}
