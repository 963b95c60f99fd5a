/**
 * The FAL.ai video provider: every generation method goes through FAL's queue (submit, poll status,
 * fetch the result, download the MP4), with the design's recovery per failure kind. Time is injected
 * so retries and timeouts are tested without waiting. The queue round trip is in queue.ts and the
 * recovery table in recovery.ts; this file prepares the media going in and conforms the clip coming out.
 */
import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { FalClient } from "@fal-ai/client";
import type { ClipRequest, GeneratedClip, GenerationMethod } from "../../../domain.js";
import { CutroomError } from "../../../errors.js";
import { probe, runFfmpeg } from "../../../media/runner.js";
import { downloadToFile } from "../../../net/safe-fetch.js";
import { createLimitedFalClient, systemClock, uploadToFal, type Clock } from "../../fal-client.js";
import { preparedClipRequest } from "../clip-request.js";
import { describeClip, MethodDispatchProvider, type GenerateOptions } from "../types.js";
import { registryEntry } from "./registry.js";
import { conformSpec, conforms, pricePerSecond, recordedCostUsd, stillVideoSpec } from "./media.js";
import { assertModelId, familyOf, reviseInput, type FalMedia, type Quality } from "./models.js";
import { videoResultUrl, type QueueContext } from "./queue.js";
import type { FalVideoOptions } from "./options.js";
import { runRecovering } from "./recovery.js";
import { LIP_SYNC_MODEL, lipSyncCostUsd, lipSyncInput, takesDrivingAudio } from "./lip-sync.js";

export { systemClock, type Clock } from "../../fal-client.js";
export type { FalVideoOptions } from "./options.js";

const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

export class FalVideoProvider extends MethodDispatchProvider {
  readonly name = "fal";
  /** A paid model: it gets text, frames of generated clips or the caller's own images, never a drawing. */
  readonly acceptsDrawings: boolean = false;
  private readonly client: FalClient;
  private readonly clock: Clock;

  constructor(private readonly options: FalVideoOptions) {
    super();
    for (const [method, model] of Object.entries(options.models)) assertModelId(model, `model for ${method}`);
    this.clock = options.clock ?? systemClock;
    this.client = createLimitedFalClient(options);
  }

  modelFor(method: GenerationMethod): string {
    return this.options.models[method];
  }

  protected async generate(method: GenerationMethod, request: ClipRequest, options: GenerateOptions) {
    // Held to the lengths of the model it goes to: the request's own, else the method's configured one.
    const { clip, outputDir } = await preparedClipRequest(
      method,
      request,
      options.outputDir,
      request.model ?? this.options.models[method],
    );
    const started = this.clock.now();
    const report = (fraction: number, message: string) => options.onProgress?.(fraction, message);

    const model =
      clip.model === undefined || clip.model === null
        ? this.options.models[method]
        : assertModelId(clip.model, "model");
    const speaks = (clip.speech?.lines.length ?? 0) > 0;
    if (!speaks && takesDrivingAudio(registryEntry(model)))
      throw new CutroomError(
        "INVALID_INPUT",
        `model: ${model} animates a picture to a voice, and nobody speaks in this clip: choose another model for it`,
        { field: "model" },
      );
    let family = familyOf(model);
    let quality: Quality = "standard";
    let media = await this.prepareMedia(clip, model, family.videoInput, outputDir, options.signal);
    const queue: QueueContext = { client: this.client, clock: this.clock, options: this.options };
    const made = await runRecovering(
      queue,
      { model, input: family.build(clip, media, quality), fallback: this.options.fallbackModels[method] },
      {
        draft: () => {
          quality = "draft";
          return family.build(clip, media, quality);
        },
        revise: (input, problems) => reviseInput(input, family, problems),
        fallback: async (next) => {
          family = familyOf(next);
          media = await this.prepareMedia(clip, next, family.videoInput, outputDir, options.signal);
          return family.build(clip, media, quality);
        },
      },
      options,
      report,
      videoResultUrl,
    );
    const generated = await this.finish(made.url, made.model, clip, outputDir, started, options, report);
    const speech = clip.speech ?? null;
    if (speech === null || speech.lines.length === 0 || takesDrivingAudio(registryEntry(made.model))) return generated;
    return this.lipSync(generated, clip, speech.audioPath, outputDir, options, report);
  }

  /**
   * The lip-sync pass: the generated clip (a paid model's, never a drawing) and the voice track go to FAL
   * storage the way every input does; the synced clip, conformed like any other, replaces the generated
   * one, and the pass is recorded with its model and cost, which is added to the clip's.
   */
  private async lipSync(
    generated: GeneratedClip,
    clip: ClipRequest,
    audioPath: string,
    outputDir: string,
    options: GenerateOptions,
    report: (fraction: number, message: string) => void,
  ): Promise<GeneratedClip> {
    const started = this.clock.now();
    report(0.96, "syncing the mouth to the line");
    const input = lipSyncInput(await this.upload(generated.path), await this.upload(audioPath));
    const queue: QueueContext = { client: this.client, clock: this.clock, options: this.options };
    const made = await runRecovering(
      queue,
      { model: LIP_SYNC_MODEL, input, fallback: null },
      {
        draft: () => input,
        revise: () => null,
        fallback: async () => input,
      },
      options,
      report,
      videoResultUrl,
    );
    const synced = await this.finish(made.url, made.model, clip, outputDir, started, options, report);
    await rm(generated.path, { force: true });
    const costUsd = lipSyncCostUsd(generated.durationSeconds, this.options.pricesPerSecond);
    return {
      ...synced,
      model: generated.model,
      seed: generated.seed,
      generationSeconds: Number((generated.generationSeconds + synced.generationSeconds).toFixed(3)),
      costUsd: Number((generated.costUsd + costUsd).toFixed(4)),
      passes: [...(generated.passes ?? []), { step: "lip-sync", model: made.model, costUsd }],
    };
  }

  /** Local images go to FAL storage; a model that animates video gets the composite as a still clip. */
  private async prepareMedia(
    clip: ClipRequest,
    model: string,
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
    // The voice track goes with the generation only to a model that animates to it; others get a pass after.
    const speech = clip.speech ?? null;
    const drivenBy = speech !== null && takesDrivingAudio(registryEntry(model)) ? speech.audioPath : null;
    return {
      image: video === null ? await upload(clip.sourceImage ?? clip.compositeImage) : null,
      firstFrame: await upload(clip.firstFrame),
      lastFrame: await upload(clip.lastFrame),
      video,
      audio: await upload(drivenBy),
    };
  }

  private async upload(path: string): Promise<string> {
    return uploadToFal(this.client, path);
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
      const entry = registryEntry(model);
      if (price === null && entry === null)
        this.options.log.warn(`fal: no price listed for ${model}; its cost is recorded as 0`);
      const made = await describeClip(
        output,
        { method: clip.method, model, seed: clip.seed, startedMs: started, nowMs: this.clock.now() },
        () => recordedCostUsd(model, clip.durationSeconds, raw.durationSeconds, this.options.pricesPerSecond),
      );
      report(1, "generated");
      return made;
    } catch (error) {
      await rm(output, { force: true });
      throw error;
    } finally {
      await rm(downloaded, { force: true });
    }
  }
}
