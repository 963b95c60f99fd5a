/**
 * Video quality checks, each a measurement of the file (never an assumed score).
 *
 * - duration: 1 - |actual - expected| / expected; a single clip (expected ≤ 7 s) also fails above 7 s.
 * - resolution: 1 for an exact match, else (smaller pixel count / larger pixel count).
 * - fps: closeness of the measured rate to the expected one, times 1 - the share of frames missing or
 *   extra against duration × rate.
 * - motion-quality, visual-clarity, bitrate and audio: see quality-signal.ts. They share one decode
 *   pass (analysis.ts), which also counts the frames actually decoded for the fps check.
 * - character-consistency: key frames at 10%, 50% and 90% and each reference still decoded at 160x90
 *   (nearest-neighbour, so flat colours stay unblended). F = the reference's colour histogram over its
 *   non-grey pixels (the character, drawn on #808080); per frame, the share of F whose bins hold ≥ 0.05%
 *   of the frame; averaged over frames. Several references: the weakest one counts.
 * - location-consistency: histogram intersection of the reference still and each key frame over all
 *   pixels, averaged over frames; with several references the best match counts.
 * Histograms are 8 levels per channel, soft-binned (see colour-match.ts).
 *
 * Thresholds: the given threshold (default 0.7) for every check, except that duration and fps pass only
 * at ≥ 0.9 and resolution at ≥ 0.95 (a clip 30% short or a quarter of the pixels is not a pass).
 */
import {
  MAX_CLIP_SECONDS,
  QUALITY_CHECK_TYPES,
  type QualityCheck,
  type QualityCheckType,
  type VideoQualityResult,
} from "../domain.js";
import { DEFAULT_THRESHOLD, mean, summarize } from "./quality-report.js";
import {
  characterPalette,
  histogramIntersection,
  paletteCoverage,
  paletteIsEmpty,
  softHistogram,
} from "./colour-match.js";
import { analyseMedia, type Analysis } from "./analysis.js";
import { audioCheck, bitrateCheck, clarityCheck, makeCheck, motionCheck } from "./quality-signal.js";
import { decodeRawFrames, probe, type ProbeResult } from "./runner.js";

export {
  clarityScore,
  coveredSeconds,
  parseBlackIntervals,
  parseBlurMean,
  parseFreezeIntervals,
  type Interval,
} from "./detections.js";
export { DEFAULT_THRESHOLD, summarize } from "./quality-report.js";

const TECHNICAL_FLOOR = 0.9;
const RESOLUTION_FLOOR = 0.95;
const ANALYSIS_SIZE = { width: 160, height: 90 };
const KEY_FRAME_POSITIONS = [0.1, 0.5, 0.9];
const ANALYSIS_TIMEOUT_MS = 120_000;

export interface VerifyParams {
  path: string;
  expectedDurationSeconds: number | null;
  expectedWidth: number | null;
  expectedHeight: number | null;
  expectedFps: number | null;
  characterReferences: string[];
  locationReferences: string[];
  checks: QualityCheckType[];
  threshold?: number;
}

export interface CheckOptions {
  threshold?: number;
  /** Facts already probed from the same file, to skip probing again. */
  probed?: ProbeResult;
  /** Key-frame histograms already decoded from the same file (consistency checks share them). */
  keyFrames?: Float64Array[];
  /** The one-pass measurements of the same file, shared by the motion, clarity, fps and audio checks. */
  analysis?: Analysis;
}

async function analysisOf(path: string, options: CheckOptions): Promise<Analysis> {
  options.analysis ??= await analyseMedia(path, await factsOf(path, options), ANALYSIS_TIMEOUT_MS);
  return options.analysis;
}

const result = makeCheck;

async function factsOf(path: string, options: CheckOptions): Promise<ProbeResult> {
  return options.probed ?? probe(path, { requireVideo: true });
}

export async function checkDuration(
  path: string,
  expectedSeconds: number | null,
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const { durationSeconds: actual } = await factsOf(path, options);
  const floor = Math.max(options.threshold ?? DEFAULT_THRESHOLD, TECHNICAL_FLOOR);
  if (expectedSeconds === null || expectedSeconds <= 0) {
    return result("duration", 1, floor, `measured ${actual.toFixed(3)} s; no expected duration given`);
  }
  const score = Math.max(0, 1 - Math.abs(actual - expectedSeconds) / expectedSeconds);
  const tooLong = expectedSeconds <= MAX_CLIP_SECONDS && actual > MAX_CLIP_SECONDS + 1e-3;
  const details =
    `measured ${actual.toFixed(3)} s, expected ${expectedSeconds.toFixed(3)} s (off by ${Math.abs(actual - expectedSeconds).toFixed(3)} s)` +
    (tooLong ? `; longer than the ${MAX_CLIP_SECONDS} s single-clip limit` : "");
  return result("duration", score, floor, details, tooLong);
}

export async function checkResolution(
  path: string,
  expected: { width: number; height: number } | null,
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const { width, height } = await factsOf(path, options);
  const floor = Math.max(options.threshold ?? DEFAULT_THRESHOLD, RESOLUTION_FLOOR);
  if (expected === null)
    return result("resolution", 1, floor, `measured ${width}x${height}; no expected resolution given`);
  const exact = width === expected.width && height === expected.height;
  const actualPixels = width * height;
  const expectedPixels = expected.width * expected.height;
  const score = exact ? 1 : Math.min(actualPixels, expectedPixels) / Math.max(actualPixels, expectedPixels, 1);
  return result(
    "resolution",
    score,
    floor,
    `measured ${width}x${height}, expected ${expected.width}x${expected.height}`,
  );
}

export async function checkFps(
  path: string,
  expectedFps: number | null,
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const { fps, frameCount: containerCount, durationSeconds } = await factsOf(path, options);
  // Frames actually decoded when the analysis pass ran; the container's count otherwise.
  const frameCount = options.analysis?.decodedFrames || containerCount;
  const floor = Math.max(options.threshold ?? DEFAULT_THRESHOLD, TECHNICAL_FLOOR);
  const rateScore =
    expectedFps === null || expectedFps <= 0 ? 1 : Math.max(0, 1 - Math.abs(fps - expectedFps) / expectedFps);
  const expectedFrames = durationSeconds * fps;
  let frameScore = 1;
  let frameDetails = "frame count unknown";
  if (frameCount !== null && expectedFrames > 0) {
    const difference = frameCount - expectedFrames;
    frameScore = Math.max(0, 1 - Math.abs(difference) / expectedFrames);
    const estimate = Math.round(Math.abs(difference));
    frameDetails =
      `${frameCount} frames for ${expectedFrames.toFixed(1)} expected` +
      (estimate === 0
        ? " (none dropped or duplicated)"
        : ` (about ${estimate} ${difference < 0 ? "dropped" : "duplicated"})`);
  }
  const expectation = expectedFps === null ? "no expected rate given" : `expected ${expectedFps} fps`;
  return result("fps", rateScore * frameScore, floor, `measured ${fps} fps, ${expectation}; ${frameDetails}`);
}

export async function checkMotionQuality(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  const { durationSeconds } = await factsOf(path, options);
  return motionCheck(await analysisOf(path, options), durationSeconds, options.threshold ?? DEFAULT_THRESHOLD);
}

export async function checkVisualClarity(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  return clarityCheck(await analysisOf(path, options), options.threshold ?? DEFAULT_THRESHOLD);
}

export async function checkBitrate(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  return bitrateCheck(await factsOf(path, options), options.threshold ?? DEFAULT_THRESHOLD);
}

export async function checkAudio(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  const facts = await factsOf(path, options);
  const analysis = facts.hasAudio ? await analysisOf(path, options) : null;
  return audioCheck(analysis, facts, options.threshold ?? DEFAULT_THRESHOLD);
}

/** Colour histograms of the key frames at 10%, 50% and 90% of the clip, decoded at 160x90. */
export async function keyFrameHistograms(path: string, options: CheckOptions = {}): Promise<Float64Array[]> {
  const { durationSeconds } = await factsOf(path, options);
  const times = KEY_FRAME_POSITIONS.map((position) => position * durationSeconds);
  const frames = await decodeRawFrames(path, { times, ...ANALYSIS_SIZE, scaleFlags: "neighbor" });
  return frames.map((frame) => softHistogram(frame));
}

async function referencePixels(reference: string): Promise<Buffer> {
  const [pixels] = await decodeRawFrames(reference, { times: [0], ...ANALYSIS_SIZE, scaleFlags: "neighbor" });
  return pixels!;
}

export async function checkCharacterConsistency(
  path: string,
  references: string[],
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const histograms = options.keyFrames ?? (await keyFrameHistograms(path, options));
  const scores: string[] = [];
  let weakest = 1;
  for (const reference of references) {
    const palette = characterPalette(await referencePixels(reference));
    const score = paletteIsEmpty(palette)
      ? 0
      : mean(histograms.map((histogram) => paletteCoverage(palette, histogram)));
    weakest = Math.min(weakest, score);
    scores.push(
      `${reference.split("/").pop()}: ${score.toFixed(3)}${paletteIsEmpty(palette) ? " (reference shows nothing but grey)" : ""}`,
    );
  }
  return result(
    "character-consistency",
    references.length === 0 ? 0 : weakest,
    threshold,
    `share of each reference's character colours present in key frames: ${scores.join(", ")}`,
  );
}

export async function checkLocationConsistency(
  path: string,
  references: string[],
  options: CheckOptions = {},
): Promise<QualityCheck> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const histograms = options.keyFrames ?? (await keyFrameHistograms(path, options));
  const scores: string[] = [];
  let best = 0;
  for (const reference of references) {
    const referenceHistogram = softHistogram(await referencePixels(reference));
    const score = mean(histograms.map((histogram) => histogramIntersection(referenceHistogram, histogram)));
    best = Math.max(best, score);
    scores.push(`${reference.split("/").pop()}: ${score.toFixed(3)}`);
  }
  return result(
    "location-consistency",
    best,
    threshold,
    `colour histogram intersection with key frames: ${scores.join(", ")}`,
  );
}

export async function verifyVideo(params: VerifyParams): Promise<VideoQualityResult> {
  const threshold = params.threshold ?? DEFAULT_THRESHOLD;
  const path = params.path;
  const options: CheckOptions = { threshold, probed: await probe(path, { requireVideo: true }) };
  const wanted = new Set(params.checks);
  const checks: QualityCheck[] = [];
  // One decode pass serves every pixel and sound measure; run it up front when any of them is asked for.
  if (["motion-quality", "visual-clarity", "audio"].some((type) => wanted.has(type as QualityCheckType))) {
    if (!(wanted.size === 1 && wanted.has("audio") && !options.probed!.hasAudio)) await analysisOf(path, options);
  }
  const withKeyFrames = async (): Promise<CheckOptions> => {
    options.keyFrames ??= await keyFrameHistograms(path, options);
    return options;
  };
  const expectedSize =
    params.expectedWidth !== null && params.expectedHeight !== null
      ? { width: params.expectedWidth, height: params.expectedHeight }
      : null;
  for (const type of QUALITY_CHECK_TYPES) {
    if (!wanted.has(type)) continue;
    switch (type) {
      case "duration":
        checks.push(await checkDuration(path, params.expectedDurationSeconds, options));
        break;
      case "resolution":
        checks.push(await checkResolution(path, expectedSize, options));
        break;
      case "fps":
        checks.push(await checkFps(path, params.expectedFps, options));
        break;
      case "character-consistency":
        // Without references there is nothing to compare against, so the check is left out.
        if (params.characterReferences.length > 0) {
          checks.push(await checkCharacterConsistency(path, params.characterReferences, await withKeyFrames()));
        }
        break;
      case "location-consistency":
        if (params.locationReferences.length > 0) {
          checks.push(await checkLocationConsistency(path, params.locationReferences, await withKeyFrames()));
        }
        break;
      case "motion-quality":
        checks.push(await checkMotionQuality(path, options));
        break;
      case "visual-clarity":
        checks.push(await checkVisualClarity(path, options));
        break;
      case "bitrate":
        checks.push(await checkBitrate(path, options));
        break;
      case "audio":
        checks.push(await checkAudio(path, options));
        break;
    }
  }
  return summarize(checks, threshold);
}
