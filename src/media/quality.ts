/**
 * Video quality checks, each a measurement of the file (never an assumed score).
 *
 * - duration: 1 - |actual - expected| / expected; a single clip (expected ≤ 7 s) also fails above 7 s.
 * - resolution: 1 for an exact match, else (smaller pixel count / larger pixel count).
 * - fps: closeness of the measured rate to the expected one, times 1 - the share of frames missing or
 *   extra against duration × rate.
 * - motion-quality, visual-clarity, bitrate and audio: see quality-signal.ts. They share one decode
 *   pass (analysis.ts), which also counts the frames actually decoded for the fps check.
 * - character-consistency and location-consistency: see identity.ts.
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
import { DEFAULT_THRESHOLD, summarize } from "./quality-report.js";
import { analyseMedia, type Analysis } from "./analysis.js";
import { checkCharacterConsistency, checkLocationConsistency, keyFrameHistograms } from "./identity.js";
import { audioCheck, bitrateCheck, clarityCheck, makeCheck, motionCheck } from "./quality-signal.js";
import { probe } from "./runner.js";
import { factsOf, type CheckOptions } from "./check-options.js";

export type { CheckOptions } from "./check-options.js";

export {
  clarityScore,
  coveredSeconds,
  parseBlackIntervals,
  parseBlurMean,
  parseFreezeIntervals,
  type Interval,
} from "./detections.js";
export { DEFAULT_THRESHOLD, summarize } from "./quality-report.js";
export { checkCharacterConsistency, checkLocationConsistency, keyFrameHistograms } from "./identity.js";

const TECHNICAL_FLOOR = 0.9;
const RESOLUTION_FLOOR = 0.95;
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

async function analysisOf(path: string, options: CheckOptions): Promise<Analysis> {
  options.analysis ??= await analyseMedia(path, await factsOf(path, options), ANALYSIS_TIMEOUT_MS);
  return options.analysis;
}

const result = makeCheck;

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
