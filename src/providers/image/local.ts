/**
 * The embedded image adapter: draws every kind of still with the local renderer, from the facts in the
 * request (a figure from its visual profile, a plate from its look and layout seed), so the department
 * makes references offline and for free. Its drawings are marked as such and never sent to a paid model.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { LOCAL_IMAGE_MODEL } from "../../config.js";
import { renderCharacterReferenceSpec, renderLocationReferenceSpec } from "../../media/animatic.js";
import { probe, runFfmpeg, type FfmpegSpec } from "../../media/runner.js";
import { compositeSpec, turnaroundSpec } from "./local-specs.js";
import { checkedImageRequest } from "./request.js";
import type { GeneratedImage, ImageKind, ImageOptions, ImageProvider, ImageRequest } from "./types.js";

const DEFAULT_TIMEOUT_MS = 120_000;

/** The ffmpeg work drawing a request's subject at its size. */
export function localImageSpec(request: ImageRequest, outputPath: string): FfmpegSpec {
  const size = { width: request.width, height: request.height };
  const subject = request.subject;
  switch (subject.kind) {
    case "character-master":
      return renderCharacterReferenceSpec(subject.character.profile, outputPath, size);
    case "location-master":
      return renderLocationReferenceSpec(subject.location.look, subject.location.layoutSeed, outputPath, size);
    case "character-turnaround":
      return turnaroundSpec(subject.character.profile, outputPath, size);
    case "shot-composite":
      return compositeSpec(subject, outputPath, size, request.seed);
  }
}

export class LocalImageProvider implements ImageProvider {
  readonly name = "local-renderer";
  readonly drawsLocally = true;
  readonly model = LOCAL_IMAGE_MODEL;
  private readonly timeoutMs: number;
  private readonly pricePerImageUsd: number;

  /** `pricePerImageUsd`: drawing is free unless the image price table says otherwise. */
  constructor(options: { timeoutMs?: number; pricePerImageUsd?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pricePerImageUsd = options.pricePerImageUsd ?? 0;
  }

  priceOf(_kind: ImageKind): number {
    return this.pricePerImageUsd;
  }

  async generate(request: ImageRequest, options: ImageOptions): Promise<GeneratedImage> {
    const checked = await checkedImageRequest(request);
    const kind = checked.subject.kind;
    const outputDir = resolve(options.outputDir);
    await mkdir(outputDir, { recursive: true });
    const output = join(outputDir, `${kind}-${checked.seed}-${randomBytes(4).toString("hex")}.png`);
    const started = performance.now();
    options.onProgress?.(0, `drawing the ${kind}`);
    // The renderer's spec functions rather than renderCharacterReference and friends: those take no signal.
    try {
      await runFfmpeg(localImageSpec(checked, output), { timeoutMs: this.timeoutMs, signal: options.signal });
      const probed = await probe(output, { requireVideo: true });
      options.onProgress?.(1, "drawn");
      return {
        path: output,
        width: probed.width,
        height: probed.height,
        model: this.model,
        seed: checked.seed,
        costUsd: this.pricePerImageUsd,
        generationSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      };
    } catch (error) {
      await rm(output, { force: true });
      throw error;
    }
  }
}
