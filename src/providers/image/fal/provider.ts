/**
 * The FAL image adapter: masters from a text-to-image model, turnarounds and composites from a
 * multi-reference edit model given the uploaded `references`. It shares the video adapter's client
 * limits, queue round trip, error table and recovery (back off, draft, revise, fallback model, stop);
 * this file uploads what goes in and turns what comes out into a PNG or JPEG with its measured size.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FalClient } from "@fal-ai/client";
import { probe, runFfmpeg } from "../../../media/runner.js";
import { downloadToFile } from "../../../net/safe-fetch.js";
import { createLimitedFalClient, systemClock, uploadToFal, type Clock } from "../../fal-client.js";
import type { FalVideoOptions } from "../../video/fal/options.js";
import { assertModelId, reviseInput, type Quality } from "../../video/fal/models.js";
import type { QueueContext } from "../../video/fal/queue.js";
import { runRecovering } from "../../video/fal/recovery.js";
import { imageCostUsd, listedPricePerSecond } from "../../video/pricing.js";
import { checkedImageRequest } from "../request.js";
import type { GeneratedImage, ImageKind, ImageOptions, ImageProvider, ImageRequest } from "../types.js";
import { imageFamilyOf, imageResultUrl, routeOf, type ImageRoute } from "./models.js";

/** The video adapter's connection, queue and download settings, with image models and per-image prices. */
export interface FalImageOptions extends Omit<FalVideoOptions, "models" | "fallbackModels" | "pricesPerSecond"> {
  models: Record<ImageRoute, string>;
  /** Used when a model is unavailable. */
  fallbackModels: Record<ImageRoute, string | null>;
  /** USD per image by model id prefix (Config.imagePrices). */
  pricesPerImage: Record<string, number>;
}

const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;

export class FalImageProvider implements ImageProvider {
  readonly name = "fal";
  readonly drawsLocally = false;
  private readonly client: FalClient;
  private readonly clock: Clock;

  constructor(private readonly options: FalImageOptions) {
    for (const [route, model] of Object.entries(options.models)) assertModelId(model, `image model for ${route}`);
    for (const [route, model] of Object.entries(options.fallbackModels)) {
      if (model !== null) assertModelId(model, `image fallback model for ${route}`);
    }
    this.clock = options.clock ?? systemClock;
    this.client = createLimitedFalClient(options);
  }

  /** The price of the model a request of this kind goes to when it has its references. */
  priceOf(kind: ImageKind): number {
    return imageCostUsd(this.options.models[routeOf(kind, 1)], this.options.pricesPerImage);
  }

  async generate(request: ImageRequest, options: ImageOptions): Promise<GeneratedImage> {
    const checked = await checkedImageRequest(request);
    const outputDir = resolve(options.outputDir);
    await mkdir(outputDir, { recursive: true });
    const started = this.clock.now();
    const report = (fraction: number, message: string) => options.onProgress?.(fraction, message);
    const route = routeOf(checked.subject.kind, checked.references.length);

    const referenceUrls: string[] = [];
    if (route === "edit") {
      report(0.01, `uploading ${checked.references.length} reference image(s)`);
      // One at a time, in order: the prompt may name them by position.
      for (const path of checked.references) referenceUrls.push(await uploadToFal(this.client, path));
    }
    let family = imageFamilyOf(this.options.models[route]);
    let quality: Quality = "standard";
    const queue: QueueContext = { client: this.client, clock: this.clock, options: this.options };
    const made = await runRecovering(
      queue,
      {
        model: this.options.models[route],
        input: family.build(checked, referenceUrls, quality),
        fallback: this.options.fallbackModels[route],
      },
      {
        draft: () => {
          quality = "draft";
          return family.build(checked, referenceUrls, quality);
        },
        revise: (input, problems) => reviseInput(input, family, problems),
        // The references were uploaded once; the fallback model is given the same URLs.
        fallback: async (next) => {
          family = imageFamilyOf(next);
          return family.build(checked, referenceUrls, quality);
        },
      },
      options,
      report,
      imageResultUrl,
    );
    return this.finish(made.url, made.model, checked, outputDir, started, options, report);
  }

  /** Downloads the image under the URL policy and keeps it as PNG or JPEG, re-encoding anything else to PNG. */
  private async finish(
    imageUrl: string,
    model: string,
    request: ImageRequest,
    outputDir: string,
    started: number,
    options: ImageOptions,
    report: (fraction: number, message: string) => void,
  ): Promise<GeneratedImage> {
    const stem = `${request.subject.kind}-${request.seed}-${randomBytes(4).toString("hex")}`;
    const downloaded = join(outputDir, `${stem}.download`);
    let output: string | null = null;
    report(0.9, "downloading the image");
    try {
      await downloadToFile(imageUrl, downloaded, {
        policy: this.options.urlPolicy,
        timeoutMs: this.options.httpTimeoutMs * 4,
        maxBytes: MAX_DOWNLOAD_BYTES,
        signal: options.signal,
      });
      const raw = await probe(downloaded, { requireVideo: true });
      if (raw.videoCodec === "png" || raw.videoCodec === "mjpeg") {
        output = join(outputDir, `${stem}.${raw.videoCodec === "png" ? "png" : "jpg"}`);
        await rename(downloaded, output);
      } else {
        // WebP or anything else a model may send: its first frame as PNG, the format the department stores.
        output = join(outputDir, `${stem}.png`);
        await runFfmpeg(
          {
            inputs: [{ source: `file:${downloaded}`, options: [] }],
            filterComplex: null,
            outputOptions: ["-frames:v", "1", "-update", "1"],
            output,
          },
          { timeoutMs: this.options.ffmpegTimeoutMs, signal: options.signal },
        );
      }
      const made = await probe(output, { requireVideo: true });
      if (listedPricePerSecond(model, this.options.pricesPerImage) === null) {
        this.options.log.warn(`fal: no image price listed for ${model}; its cost is recorded as 0`);
      }
      report(1, "generated");
      return {
        path: output,
        width: made.width,
        height: made.height,
        model,
        seed: request.seed,
        costUsd: imageCostUsd(model, this.options.pricesPerImage),
        generationSeconds: Number(((this.clock.now() - started) / 1000).toFixed(3)),
      };
    } catch (error) {
      if (output !== null) await rm(output, { force: true });
      throw error;
    } finally {
      await rm(downloaded, { force: true });
    }
  }
}
