import type { ClipRequest, GeneratedClip, GenerationMethod } from "../../domain.js";
import { probe } from "../../media/runner.js";

export interface ProgressReporter {
  (fraction: number, message: string): void;
}

export interface GenerateOptions {
  /** Directory where the provider writes its output file. */
  outputDir: string;
  onProgress: ProgressReporter | null;
  signal: AbortSignal | null;
}

/**
 * A finished clip as every provider reports it: its facts measured from the file itself (not what was
 * asked for), with the method, model, seed, seconds spent since `startedMs` and what it cost.
 */
export async function describeClip(
  path: string,
  made: { method: GenerationMethod; model: string; seed: number; startedMs: number; nowMs: number },
  costUsd: (durationSeconds: number) => number,
): Promise<GeneratedClip> {
  const probed = await probe(path, { requireVideo: true });
  return {
    path,
    durationSeconds: probed.durationSeconds,
    width: probed.width,
    height: probed.height,
    fps: probed.fps,
    method: made.method,
    model: made.model,
    seed: made.seed,
    generationSeconds: Number(((made.nowMs - made.startedMs) / 1000).toFixed(3)),
    costUsd: costUsd(probed.durationSeconds),
  };
}

/** The four generation methods of the design; every adapter implements all of them. */
export interface VideoProvider {
  readonly name: string;
  /**
   * Whether an image the local renderer drew (a character's or location's master reference) may be sent.
   * Only the local renderer itself says yes: a drawing is what it animates, for free. A paid model given a
   * blocky drawing would animate the drawing, so it is never sent one.
   */
  readonly acceptsDrawings: boolean;
  /** The model a method is made with (before any fallback): its family decides how the prompt is written. */
  modelFor(method: GenerationMethod): string;
  textToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
  imageToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
  firstLastFrame(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
  compositeToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
}

/** A provider whose four methods share one path, told apart by the method name. */
export abstract class MethodDispatchProvider implements VideoProvider {
  abstract readonly name: string;
  abstract readonly acceptsDrawings: boolean;
  abstract modelFor(method: GenerationMethod): string;

  protected abstract generate(
    method: GenerationMethod,
    request: ClipRequest,
    options: GenerateOptions,
  ): Promise<GeneratedClip>;

  textToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip> {
    return this.generate("text-to-video", request, options);
  }

  imageToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip> {
    return this.generate("image-to-video", request, options);
  }

  firstLastFrame(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip> {
    return this.generate("first-last-frame", request, options);
  }

  compositeToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip> {
    return this.generate("composite-to-video", request, options);
  }
}
