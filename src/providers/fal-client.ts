/**
 * The FAL client both FAL adapters (video and image) talk through: the key read at request time, every
 * HTTP call under a deadline, FAL's hosts rewritten to FAL_BASE_URL, and statuses the client would retry
 * on its own schedule raised at once, so each adapter's recovery table (with an injected clock) decides.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createFalClient, type FalClient } from "@fal-ai/client";
import { isCutroomError } from "../errors.js";
import { journaledUpload, journalUpload } from "../jobs/scope.js";
import { classify, FalStatusError, FalTimeoutError, toCutroomError } from "./video/fal/errors.js";

export interface Clock {
  now(): number;
  sleep(milliseconds: number, signal: AbortSignal | null): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) => delay(milliseconds, undefined, signal ? { signal } : {}),
};

export interface FalClientOptions {
  apiKey: string;
  /** Replaces https://fal.run, https://queue.fal.run and https://rest.fal.ai; null talks to FAL itself. */
  baseUrl: string | null;
  httpTimeoutMs: number;
  fetch?: typeof fetch;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
const FAL_HOSTS = /^https:\/\/(queue\.fal\.run|fal\.run|rest\.fal\.ai)(?=\/|$)/;

export function createLimitedFalClient(options: FalClientOptions): FalClient {
  const baseUrl = options.baseUrl?.replace(/\/+$/, "") ?? null;
  return createFalClient({
    // A function, so the key is read when a request is made and never copied into client state.
    credentials: () => options.apiKey,
    fetch: (input, init) => fetchWithLimits(options, input, init),
    requestMiddleware: async (request) =>
      baseUrl === null ? request : { ...request, url: request.url.replace(FAL_HOSTS, baseUrl) },
  });
}

/**
 * Every HTTP call gets a deadline, and statuses the client would retry by itself are raised at once
 * so the caller's recovery decides instead.
 */
async function fetchWithLimits(
  options: FalClientOptions,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const deadline = AbortSignal.timeout(options.httpTimeoutMs);
  const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(input, { ...init, signal });
  } catch (error) {
    if (deadline.aborted) {
      const method = init?.method ?? "GET";
      throw new FalTimeoutError(`no answer to ${method} within ${options.httpTimeoutMs} ms`);
    }
    throw error;
  }
  if (!RETRYABLE_STATUSES.has(response.status)) return response;
  const text = await response.text().catch(() => "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the text is kept as the body.
  }
  const retryAfter = Number(response.headers.get("retry-after"));
  throw new FalStatusError(response.status, body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

const CONTENT_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".mp4": "video/mp4",
  ".wav": "audio/wav",
};

/** A local file put in FAL storage, for a model to read by URL; a failure is reported as a storage error. */
export async function uploadToFal(client: FalClient, path: string): Promise<string> {
  const bytes = await readFile(path);
  // In a job, the same bytes go up once: a rerun of the job sends the URL its earlier run uploaded to.
  const contentHash = createHash("sha256").update(bytes).digest("hex");
  const earlier = await journaledUpload(contentHash);
  if (earlier !== null) return earlier;
  const blob = new Blob([bytes], { type: CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream" });
  let url: string;
  try {
    url = await client.storage.upload(blob);
  } catch (error) {
    if (isCutroomError(error)) throw error;
    throw toCutroomError(classify(error), "storage", 1);
  }
  await journalUpload(contentHash, url);
  return url;
}
