/** What a clip will cost before it is made: the per-second price of the model the active video adapter uses. */
import { adapterFor, FAL_DEFAULT_MODELS, LOCAL_VIDEO_MODEL, type Config } from "../../../config.js";
import type { GenerationMethod } from "../../../domain.js";
import { talkingShotExtraUsd } from "../../../providers/video/fal/lip-sync.js";
import { listedPricePerSecond, videoCostUsd } from "../../../providers/video/pricing.js";

const METHOD_VARIABLE: Record<
  GenerationMethod,
  "FAL_AI_TEXT_TO_VIDEO" | "FAL_AI_IMAGE_TO_VIDEO" | "FAL_AI_FIRST_LAST_TO_VIDEO" | "FAL_AI_VIDEO_TO_VIDEO"
> = {
  "text-to-video": "FAL_AI_TEXT_TO_VIDEO",
  "image-to-video": "FAL_AI_IMAGE_TO_VIDEO",
  "first-last-frame": "FAL_AI_FIRST_LAST_TO_VIDEO",
  "composite-to-video": "FAL_AI_VIDEO_TO_VIDEO",
};

/** The model a method runs on with the active adapter. */
export function modelFor(config: Config, method: GenerationMethod): string {
  if (adapterFor(config, "video") !== "fal") return LOCAL_VIDEO_MODEL;
  return config.env[METHOD_VARIABLE[method]] ?? FAL_DEFAULT_MODELS[method];
}

/** USD per second for a model by the shared pricing rule (the one clips are recorded with), 0 when unlisted. */
export function priceOfModel(config: Config, model: string): number {
  return listedPricePerSecond(model, config.prices) ?? 0;
}

export function pricePerSecond(config: Config, method: GenerationMethod): number {
  return priceOfModel(config, modelFor(config, method));
}

/** What a clip of `seconds` made with a method will cost: exactly what the clip will be recorded as costing. */
export function clipCostUsd(config: Config, method: GenerationMethod, seconds: number): number {
  return videoCostUsd(modelFor(config, method), seconds, config.prices);
}

/**
 * The paid model a queued shot is sent to: the runtime's model for its method (a model chosen for the
 * request included), fixed in the job so a retried job renders with the model its prompt was written
 * for; null on the local renderer, which has no models to choose.
 */
export function paidModel(
  runtime: { config: Config; video: { modelFor(method: GenerationMethod): string } },
  shot: { method: GenerationMethod },
): string | null {
  return adapterFor(runtime.config, "video") === "fal" ? runtime.video.modelFor(shot.method) : null;
}

/**
 * What a shot in which someone speaks adds to its clip: the lip-sync pass a FAL model that does not take the
 * voice itself gets after generation (nothing on the local renderer, which moves the mouth itself).
 */
export function talkingCostUsd(config: Config, method: GenerationMethod, seconds: number, speaks: boolean): number {
  if (adapterFor(config, "video") !== "fal") return 0;
  return talkingShotExtraUsd(modelFor(config, method), seconds, speaks, config.prices);
}
