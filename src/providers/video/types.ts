import type { ClipRequest, GeneratedClip, GenerationMethod } from "../../domain.js";

export interface ProgressReporter {
  (fraction: number, message: string): void;
}

export interface GenerateOptions {
  /** Directory where the provider writes its output file. */
  outputDir: string;
  onProgress: ProgressReporter | null;
  signal: AbortSignal | null;
}

/** The four generation methods of the design; every adapter implements all of them. */
export interface VideoProvider {
  readonly name: string;
  textToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
  imageToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
  firstLastFrame(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
  compositeToVideo(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip>;
}

/** A provider whose four methods share one path, told apart by the method name. */
export abstract class MethodDispatchProvider implements VideoProvider {
  abstract readonly name: string;

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
