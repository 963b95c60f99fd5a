/**
 * What the FAL video provider is built with. Its own module so the queue, the settings and the image
 * provider can name these options without importing the provider, which imports the queue.
 */
import type { GenerationMethod } from "../../../domain.js";
import type { Logger } from "../../../logging.js";
import type { UrlPolicy } from "../../../net/safe-fetch.js";
import type { Clock } from "../../fal-client.js";

export interface FalVideoOptions {
  apiKey: string;
  /** Replaces https://fal.run, https://queue.fal.run and https://rest.fal.ai; null talks to FAL itself. */
  baseUrl: string | null;
  models: Record<GenerationMethod, string>;
  /** Used when a model is unavailable; per method when not one fixed id. */
  fallbackModels: Record<GenerationMethod, string | null>;
  timeoutMs: number;
  pollIntervalMs: number;
  httpTimeoutMs: number;
  webhookUrl: string | null;
  pricesPerSecond: Record<string, number>;
  urlPolicy: UrlPolicy;
  ffmpegTimeoutMs: number;
  log: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
}
