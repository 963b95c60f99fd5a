/** What a clip will cost before it is made: the active video adapter's per-second price for the method's model. */
import { adapterFor, FAL_DEFAULT_MODELS, FAL_PRICES_USD_PER_SECOND, type Config } from "../../../config.js";
import type { GenerationMethod } from "../../../domain.js";

const METHOD_VARIABLE: Record<
  GenerationMethod,
  "FAL_AI_TEXT_TO_VIDEO" | "FAL_AI_IMAGE_TO_VIDEO" | "FAL_AI_FIRST_LAST_TO_VIDEO" | "FAL_AI_VIDEO_TO_VIDEO"
> = {
  "text-to-video": "FAL_AI_TEXT_TO_VIDEO",
  "image-to-video": "FAL_AI_IMAGE_TO_VIDEO",
  "first-last-frame": "FAL_AI_FIRST_LAST_TO_VIDEO",
  "composite-to-video": "FAL_AI_VIDEO_TO_VIDEO",
};

/** USD per second for a method: 0 on the local renderer, else the longest matching price-table prefix. */
export function pricePerSecond(config: Config, method: GenerationMethod): number {
  if (adapterFor(config, "video") !== "fal") return 0;
  const model = config.env[METHOD_VARIABLE[method]] ?? FAL_DEFAULT_MODELS[method];
  const prefix = Object.keys(FAL_PRICES_USD_PER_SECOND)
    .filter((candidate) => model.startsWith(candidate))
    .sort((left, right) => right.length - left.length)[0];
  return prefix === undefined ? 0 : FAL_PRICES_USD_PER_SECOND[prefix]!;
}
