/**
 * The FAL.ai video provider: every generation method goes through FAL's queue (submit, poll status,
 * fetch the result, download the MP4), with the design's recovery per failure kind. Time is injected
 * so retries and timeouts are tested without waiting.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, rm } from "node:fs/promises";
import { extname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createFalClient, type FalClient } from "@fal-ai/client";
import { z } from "zod";
import type { ClipRequest, GeneratedClip, GenerationMethod } from "../../../domain.js";
import { CutroomError, isCutroomError } from "../../../errors.js";
import { probe, runFfmpeg } from "../../../media/runner.js";
import { downloadToFile, type UrlPolicy } from "../../../net/safe-fetch.js";
import type { Logger } from "../../../runtime.js";
import { preparedClipRequest } from "../local.js";
import { MethodDispatchProvider, type GenerateOptions } from "../types.js";
import { classify, FalStatusError, FalTimeoutError, toCutroomError, type Failure } from "./errors.js";
import { conformSpec, conforms, pricePerSecond, stillVideoSpec } from "./media.js";
import { assertModelId, familyOf, reviseInput, type FalInput, type FalMedia, type Quality } from "./models.js";

export interface Clock {
  now(): number;
  sleep(milliseconds: number, signal: AbortSignal | null): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) => delay(milliseconds, undefined, signal ? { signal } : {}),
};

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

/** The design's limits per failure kind. */
export const RECOVERY = {
  rateLimitTries: 5,
  timeoutRetries: 2,
  inputRevisions: 3,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
};
const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
const FAL_HOSTS = /^https:\/\/(queue\.fal\.run|fal\.run|rest\.fal\.ai)(?=\/|$)/;

const SubmitSchema = z.object({ request_id: z.string().min(1) });
const StatusSchema = z.object({
  status: z.enum(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]),
  queue_position: z.number().optional(),
});
const ResultSchema = z.object({ video: z.object({ url: z.string().url() }), seed: z.number().optional() });

function malformed(model: string, what: string, value: unknown): CutroomError {
  const shown = JSON.stringify(value)?.slice(0, 200) ?? String(value);
  return new CutroomError("PROVIDER", `FAL model ${model} sent a malformed ${what}: ${shown}`);
}

export class FalVideoProvider extends MethodDispatchProvider {
  readonly name = "fal";
  private readonly client: FalClient;
  private readonly clock: Clock;

  constructor(private readonly options: FalVideoOptions) {
    super();
    for (const [method, model] of Object.entries(options.models)) assertModelId(model, `model for ${method}`);
    this.clock = options.clock ?? systemClock;
    const baseUrl = options.baseUrl?.replace(/\/+$/, "") ?? null;
    this.client = createFalClient({
      // A function, so the key is read when a request is made and never copied into client state.
      credentials: () => options.apiKey,
      fetch: (input, init) => this.fetchWithLimits(input, init),
      requestMiddleware: async (request) =>
        baseUrl === null ? request : { ...request, url: request.url.replace(FAL_HOSTS, baseUrl) },
    });
  }

  /**
   * Every HTTP call gets a deadline, and statuses the client would retry by itself are raised at once
   * so the recovery below (with the injected clock) decides instead.
   */
  private async fetchWithLimits(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const deadline = AbortSignal.timeout(this.options.httpTimeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted) {
        const method = init?.method ?? "GET";
        throw new FalTimeoutError(`no answer to ${method} within ${this.options.httpTimeoutMs} ms`);
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

  protected async generate(method: GenerationMethod, request: ClipRequest, options: GenerateOptions) {
    const { clip, outputDir } = await preparedClipRequest(method, request, options.outputDir);
    const started = this.clock.now();
    const report = (fraction: number, message: string) => options.onProgress?.(fraction, message);

    let model = this.options.models[method];
    let family = familyOf(model);
    let quality: Quality = "standard";
    let media = await this.prepareMedia(clip, family.videoInput, outputDir, options.signal);
    let input = family.build(clip, media, quality);
    const used = { rateLimited: 0, timeouts: 0, revisions: 0, fallback: false };
    let videoUrl: string;
    for (;;) {
      try {
        videoUrl = await this.runQueue(model, input, options, report);
        break;
      } catch (error) {
        if (isCutroomError(error)) throw error;
        const failure = classify(error);
        const next = await this.recover(failure, model, this.options.fallbackModels[method], used, options.signal);
        if (next === "draft") {
          quality = "draft";
          input = family.build(clip, media, quality);
        } else if (next === "revise") {
          const revised = reviseInput(input, family, failure.problems);
          if (revised === null) throw toCutroomError(failure, model, used.revisions);
          input = revised;
        } else if (next === "fallback") {
          model = this.options.fallbackModels[method]!;
          family = familyOf(model);
          media = await this.prepareMedia(clip, family.videoInput, outputDir, options.signal);
          input = family.build(clip, media, quality);
        }
      }
    }
    return this.finish(videoUrl, model, clip, outputDir, started, options, report);
  }

  /** What to do after a failure, or throws when the design says stop. Waits out rate limits here. */
  private async recover(
    failure: Failure,
    model: string,
    fallback: string | null,
    used: { rateLimited: number; timeouts: number; revisions: number; fallback: boolean },
    signal: AbortSignal | null,
  ): Promise<"again" | "draft" | "revise" | "fallback"> {
    const { log } = this.options;
    switch (failure.kind) {
      case "rate-limit":
      case "transient": {
        used.rateLimited++;
        if (used.rateLimited >= RECOVERY.rateLimitTries)
          throw toCutroomError({ ...failure, kind: "rate-limit" }, model, used.rateLimited);
        const backoff = Math.min(RECOVERY.backoffBaseMs * 2 ** (used.rateLimited - 1), RECOVERY.backoffMaxMs);
        const wait = Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000);
        log.warn(
          `fal: ${model} answered HTTP ${failure.status}; try ${used.rateLimited + 1}/${RECOVERY.rateLimitTries} in ${wait} ms`,
        );
        await this.sleep(wait, signal);
        return "again";
      }
      case "timeout":
        if (used.timeouts >= RECOVERY.timeoutRetries) throw toCutroomError(failure, model, used.timeouts);
        used.timeouts++;
        log.warn(
          `fal: ${model} timed out (${failure.message}); retrying at draft quality (${used.timeouts}/${RECOVERY.timeoutRetries})`,
        );
        return "draft";
      case "invalid-input":
        if (used.revisions >= RECOVERY.inputRevisions) throw toCutroomError(failure, model, used.revisions);
        used.revisions++;
        log.warn(
          `fal: ${model} rejected the input (${failure.message}); revision ${used.revisions}/${RECOVERY.inputRevisions}`,
        );
        return "revise";
      case "unavailable": {
        if (used.fallback || fallback === null || fallback === model) throw toCutroomError(failure, model, 1);
        used.fallback = true;
        log.warn(`fal: ${model} is unavailable (HTTP ${failure.status}); using the fallback model ${fallback}`);
        return "fallback";
      }
      default:
        throw toCutroomError(failure, model, 1);
    }
  }

  private async sleep(milliseconds: number, signal: AbortSignal | null): Promise<void> {
    try {
      await this.clock.sleep(milliseconds, signal);
    } catch (error) {
      if (signal?.aborted) throw new CutroomError("CANCELLED", "the generation was cancelled");
      throw error;
    }
  }

  /** One queue round trip: submit, poll until done (or deadline / cancel), fetch the result's video URL. */
  private async runQueue(
    model: string,
    input: FalInput,
    options: GenerateOptions,
    report: (fraction: number, message: string) => void,
  ): Promise<string> {
    const signal = options.signal;
    if (signal?.aborted) throw new CutroomError("CANCELLED", "the generation was cancelled before it was submitted");
    report(0.02, `submitting to ${model}`);
    const submitted = await this.client.queue.submit(model, {
      input,
      webhookUrl: this.options.webhookUrl ?? undefined,
      ...(signal ? { abortSignal: signal } : {}),
    });
    const parsedSubmit = SubmitSchema.safeParse(submitted);
    if (!parsedSubmit.success) throw malformed(model, "submit answer", submitted);
    const requestId = parsedSubmit.data.request_id;
    const pollStarted = this.clock.now();
    try {
      for (;;) {
        if (signal?.aborted) throw new CutroomError("CANCELLED", `the generation ${requestId} was cancelled`);
        const status: unknown = await this.client.queue.status(model, {
          requestId,
          logs: false,
          ...(signal ? { abortSignal: signal } : {}),
        });
        const parsed = StatusSchema.safeParse(status);
        if (!parsed.success) throw malformed(model, "status", status);
        const elapsed = this.clock.now() - pollStarted;
        if (parsed.data.status === "COMPLETED") break;
        if (parsed.data.status === "IN_QUEUE") {
          report(
            0.05,
            `queued at ${model}${parsed.data.queue_position === undefined ? "" : ` (position ${parsed.data.queue_position})`}`,
          );
        } else {
          report(0.1 + 0.75 * Math.min(1, elapsed / this.options.timeoutMs), `generating with ${model}`);
        }
        if (elapsed >= this.options.timeoutMs) {
          throw new FalTimeoutError(
            `request ${requestId} still ${parsed.data.status} after ${this.options.timeoutMs} ms`,
          );
        }
        await this.sleep(this.options.pollIntervalMs, signal);
      }
      const result = await this.client.queue.result(model, { requestId, ...(signal ? { abortSignal: signal } : {}) });
      const parsedResult = ResultSchema.safeParse(result.data);
      if (!parsedResult.success) throw malformed(model, "result", result.data);
      return parsedResult.data.video.url;
    } catch (error) {
      const cancelled = signal?.aborted === true;
      if (cancelled || error instanceof FalTimeoutError) await this.cancel(model, requestId);
      if (cancelled && !isCutroomError(error, "CANCELLED")) {
        throw new CutroomError("CANCELLED", `the generation ${requestId} was cancelled`, { cause: error });
      }
      throw error;
    }
  }

  /** Stops a queued request so it is not billed; failures only warn, the caller already gave up on it. */
  private async cancel(model: string, requestId: string): Promise<void> {
    try {
      await this.client.queue.cancel(model, { requestId });
      this.options.log.info(`fal: cancelled request ${requestId}`);
    } catch (error) {
      this.options.log.warn(`fal: could not cancel request ${requestId}: ${classify(error).message}`);
    }
  }

  /** Local images go to FAL storage; a model that animates video gets the composite as a still clip. */
  private async prepareMedia(
    clip: ClipRequest,
    needsVideo: boolean,
    outputDir: string,
    signal: AbortSignal | null,
  ): Promise<FalMedia> {
    const upload = async (path: string | null) => (path === null ? null : this.upload(path));
    let video: string | null = null;
    if (needsVideo && clip.compositeImage !== null) {
      const stillPath = join(outputDir, `still-${randomBytes(4).toString("hex")}.mp4`);
      try {
        await runFfmpeg(stillVideoSpec(clip.compositeImage, stillPath, clip), {
          timeoutMs: this.options.ffmpegTimeoutMs,
          signal,
        });
        video = await this.upload(stillPath);
      } finally {
        await rm(stillPath, { force: true });
      }
    }
    return {
      image: video === null ? await upload(clip.sourceImage ?? clip.compositeImage) : null,
      firstFrame: await upload(clip.firstFrame),
      lastFrame: await upload(clip.lastFrame),
      video,
    };
  }

  private async upload(path: string): Promise<string> {
    const types: Record<string, string> = {
      ".png": "image/png",
      ".jpg": "image/jpeg",
      ".jpeg": "image/jpeg",
      ".mp4": "video/mp4",
    };
    const blob = new Blob([await readFile(path)], {
      type: types[extname(path).toLowerCase()] ?? "application/octet-stream",
    });
    try {
      return await this.client.storage.upload(blob);
    } catch (error) {
      if (isCutroomError(error)) throw error;
      throw toCutroomError(classify(error), "storage", 1);
    }
  }

  private async finish(
    videoUrl: string,
    model: string,
    clip: ClipRequest,
    outputDir: string,
    started: number,
    options: GenerateOptions,
    report: (fraction: number, message: string) => void,
  ): Promise<GeneratedClip> {
    const stem = `${clip.method}-${clip.seed}-${randomBytes(4).toString("hex")}`;
    const downloaded = join(outputDir, `${stem}.download.mp4`);
    const output = join(outputDir, `${stem}.mp4`);
    report(0.9, "downloading the clip");
    try {
      await downloadToFile(videoUrl, downloaded, {
        policy: this.options.urlPolicy,
        timeoutMs: this.options.httpTimeoutMs * 4,
        maxBytes: MAX_DOWNLOAD_BYTES,
        signal: options.signal,
      });
      const raw = await probe(downloaded, { requireVideo: true });
      if (conforms(raw, clip)) await rename(downloaded, output);
      else {
        report(0.95, "conforming the clip");
        await runFfmpeg(conformSpec(downloaded, output, clip), {
          timeoutMs: this.options.ffmpegTimeoutMs,
          signal: options.signal,
          durationSeconds: clip.durationSeconds,
        });
      }
      const price = pricePerSecond(model, this.options.pricesPerSecond);
      if (price === null) this.options.log.warn(`fal: no price listed for ${model}; its cost is recorded as 0`);
      const probed = await probe(output, { requireVideo: true });
      report(1, "generated");
      return {
        path: output,
        durationSeconds: probed.durationSeconds,
        width: probed.width,
        height: probed.height,
        fps: probed.fps,
        method: clip.method,
        model,
        seed: clip.seed,
        generationSeconds: Number(((this.clock.now() - started) / 1000).toFixed(3)),
        // FAL bills the length it rendered, before our trim.
        costUsd: Number(((price ?? 0) * raw.durationSeconds).toFixed(4)),
      };
    } catch (error) {
      await rm(output, { force: true });
      throw error;
    } finally {
      await rm(downloaded, { force: true });
    }
  }
}
