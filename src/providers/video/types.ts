import type { ClipRequest, GeneratedClip } from "../../domain.js";

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
