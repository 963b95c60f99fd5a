/** FAL provider options from the validated config: keys, models, fallbacks, timeouts, prices, URL policy. */
import { FAL_DEFAULT_MODELS, type Config } from "../../../config.js";
import type { GenerationMethod } from "../../../domain.js";
import { CutroomError } from "../../../errors.js";
import { hostOf, type UrlPolicy } from "../../../net/safe-fetch.js";
import type { Logger } from "../../../logging.js";
import type { FalVideoOptions } from "./options.js";

/** Hosts FAL serves generated files from. */
export const FAL_MEDIA_HOSTS = ["fal.media", "*.fal.media", "fal.run", "*.fal.run", "fal.ai", "*.fal.ai"];

/**
 * When a method's model is unavailable: another maker's model from the registry that takes what the
 * method has (MiniMax Hailuo 2.3 for a prompt or a still, Kling O3 where an end frame must be kept).
 */
const DEFAULT_FALLBACKS: Record<GenerationMethod, string> = {
  "text-to-video": "fal-ai/minimax/hailuo-2.3/standard/text-to-video",
  "image-to-video": "fal-ai/minimax/hailuo-2.3/standard/image-to-video",
  "first-last-frame": "fal-ai/kling-video/o3/standard/image-to-video",
  "composite-to-video": "fal-ai/minimax/hailuo-2.3/standard/image-to-video",
};

/** Extra hosts from CUTROOM_FETCH_ALLOWED_HOSTS (comma separated) plus the configured base URLs as trusted. */
export function urlPolicyFrom(config: Config, allowedHosts: string[]): UrlPolicy {
  const extra = (config.env.CUTROOM_FETCH_ALLOWED_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim())
    .filter((host) => host !== "");
  const trusted = [config.env.FAL_BASE_URL, config.env.ELEVENLABS_BASE_URL, config.env.S3_ENDPOINT]
    .map(hostOf)
    .filter((host): host is string => host !== null);
  return { allowedHosts: [...allowedHosts, ...extra], trustedHosts: trusted };
}

export function falOptionsFrom(config: Config, log: Logger): FalVideoOptions {
  const env = config.env;
  const apiKey = env.FAL_KEY ?? env.FAL_API_KEY;
  if (apiKey === undefined) {
    throw new CutroomError("CONFIG", "FAL_KEY is not set: set it, or unset FAL_BASE_URL to use the local renderer", {
      field: "FAL_KEY",
    });
  }
  const baseUrl = env.FAL_BASE_URL ?? null;
  if (baseUrl !== null && !/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new CutroomError("CONFIG", "FAL_BASE_URL must be an http(s) URL such as https://fal.run", {
      field: "FAL_BASE_URL",
    });
  }
  const fixedFallback = env.CUTROOM_FAL_FALLBACK_MODEL ?? null;
  return {
    apiKey,
    // The public FAL host needs no rewriting: the client already talks to its queue and storage hosts.
    baseUrl: baseUrl !== null && /^https:\/\/fal\.run\/?$/.test(baseUrl) ? null : baseUrl,
    models: {
      "text-to-video": env.FAL_AI_TEXT_TO_VIDEO ?? FAL_DEFAULT_MODELS["text-to-video"],
      "image-to-video": env.FAL_AI_IMAGE_TO_VIDEO ?? FAL_DEFAULT_MODELS["image-to-video"],
      "first-last-frame": env.FAL_AI_FIRST_LAST_TO_VIDEO ?? FAL_DEFAULT_MODELS["first-last-frame"],
      "composite-to-video": env.FAL_AI_VIDEO_TO_VIDEO ?? FAL_DEFAULT_MODELS["composite-to-video"],
    },
    fallbackModels: {
      "text-to-video": fixedFallback ?? DEFAULT_FALLBACKS["text-to-video"],
      "image-to-video": fixedFallback ?? DEFAULT_FALLBACKS["image-to-video"],
      "first-last-frame": fixedFallback ?? DEFAULT_FALLBACKS["first-last-frame"],
      "composite-to-video": fixedFallback ?? DEFAULT_FALLBACKS["composite-to-video"],
    },
    timeoutMs: env.CUTROOM_FAL_TIMEOUT_MS ?? 180_000,
    pollIntervalMs: env.CUTROOM_FAL_POLL_MS ?? 1000,
    httpTimeoutMs: env.CUTROOM_HTTP_TIMEOUT_MS ?? 30_000,
    webhookUrl: env.CUTROOM_FAL_WEBHOOK_URL ?? null,
    pricesPerSecond: config.prices,
    urlPolicy: urlPolicyFrom(config, FAL_MEDIA_HOSTS),
    ffmpegTimeoutMs: config.ffmpegTimeoutMs,
    log,
  };
}
