/**
 * ffmpeg work around a FAL generation: a still video for models that only take video input, and
 * conforming a downloaded clip to the size, rate and length the department asked for (models render
 * fixed lengths such as 5 s and their own resolutions).
 */
import type { ClipRequest } from "../../../domain.js";
import type { FfmpegSpec, ProbeResult } from "../../../media/runner.js";
import { costAtRate, listedPricePerSecond, videoCostUsd } from "../pricing.js";

/** A still image held for `seconds` as an H.264 clip. */
export function stillVideoSpec(imagePath: string, outputPath: string, request: ClipRequest): FfmpegSpec {
  return {
    // -loop 1 repeats the single image as an endless stream; -t on the output ends it.
    inputs: [{ source: imagePath, options: ["-loop", "1"] }],
    filterComplex: null,
    outputOptions: [
      "-t",
      request.durationSeconds.toFixed(3),
      "-vf",
      `scale=${request.width}:${request.height}:force_original_aspect_ratio=decrease,pad=${request.width}:${request.height}:(ow-iw)/2:(oh-ih)/2,fps=${request.fps},format=yuv420p`,
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-an",
    ],
    output: outputPath,
  };
}

/** True when the downloaded clip already has the asked size, rate and (to one frame) length. */
export function conforms(probed: ProbeResult, request: ClipRequest): boolean {
  return (
    probed.width === request.width &&
    probed.height === request.height &&
    Math.abs(probed.fps - request.fps) < 0.01 &&
    Math.abs(probed.durationSeconds - request.durationSeconds) <= 1 / request.fps + 0.001 &&
    probed.videoCodec === "h264"
  );
}

/** Scales (letterboxing, never stretching), resamples the frame rate and trims to the asked length. */
export function conformSpec(inputPath: string, outputPath: string, request: ClipRequest): FfmpegSpec {
  const { width, height, fps } = request;
  return {
    inputs: [{ source: inputPath, options: [] }],
    filterComplex: null,
    outputOptions: [
      "-t",
      request.durationSeconds.toFixed(3),
      "-vf",
      `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p`,
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      // Audio is added later by the audio integrator; a model's own track would fight the mix.
      "-an",
      "-movflags",
      "+faststart",
    ],
    output: outputPath,
  };
}

/**
 * USD per second for a model, or null when the table lists none: the shared pricing rule, so what a FAL
 * clip is recorded as costing is what the request's estimate said it would.
 */
export function pricePerSecond(model: string, prices: Record<string, number>): number | null {
  return listedPricePerSecond(model, prices);
}

/**
 * What a FAL clip is recorded as costing. FAL bills the length it rendered, before our trim: a listed
 * per-second price applies to the rendered length; a registry model's rule to the length it was asked to
 * render for the clip (as the estimate does); a model with neither costs 0.
 */
export function recordedCostUsd(
  model: string,
  askedSeconds: number,
  renderedSeconds: number,
  prices: Record<string, number>,
): number {
  const listed = listedPricePerSecond(model, prices);
  if (listed !== null) return costAtRate(listed, renderedSeconds);
  return videoCostUsd(model, askedSeconds, prices);
}
