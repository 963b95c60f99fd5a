/** FAL image adapter options from the validated config: the video adapter's key, host and limits, plus its own models. */
import { FAL_IMAGE_DEFAULT_MODELS, FAL_IMAGE_FALLBACK_MODELS, type Config } from "../../../config.js";
import type { Logger } from "../../../logging.js";
import { falOptionsFrom } from "../../video/fal/settings.js";
import type { ImageRoute } from "./models.js";
import type { FalImageOptions } from "./provider.js";

export function falImageOptionsFrom(config: Config, log: Logger): FalImageOptions {
  // One key, base URL, timeout and URL policy for both FAL adapters, checked by one function.
  const shared = falOptionsFrom(config, log);
  const env = config.env;
  const fixedFallback = env.CUTROOM_FAL_IMAGE_FALLBACK_MODEL ?? null;
  const fallback = (route: ImageRoute) => fixedFallback ?? FAL_IMAGE_FALLBACK_MODELS[route];
  return {
    apiKey: shared.apiKey,
    baseUrl: shared.baseUrl,
    models: {
      "text-to-image": env.FAL_AI_TEXT_TO_IMAGE ?? FAL_IMAGE_DEFAULT_MODELS["text-to-image"],
      edit: env.FAL_AI_IMAGE_EDIT ?? FAL_IMAGE_DEFAULT_MODELS.edit,
    },
    fallbackModels: { "text-to-image": fallback("text-to-image"), edit: fallback("edit") },
    timeoutMs: shared.timeoutMs,
    pollIntervalMs: shared.pollIntervalMs,
    httpTimeoutMs: shared.httpTimeoutMs,
    webhookUrl: shared.webhookUrl,
    pricesPerImage: config.imagePrices,
    urlPolicy: shared.urlPolicy,
    ffmpegTimeoutMs: shared.ffmpegTimeoutMs,
    log,
  };
}
