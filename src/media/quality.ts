/**
 * Video quality checks, each a measurement of the file (never an assumed score).
 *
 * - duration: 1 - |actual - expected| / expected; a single clip (expected ≤ 7 s) also fails above 7 s.
 * - resolution: 1 for an exact match, else (smaller pixel count / larger pixel count).
 * - fps: closeness of the measured rate to the expected one, times 1 - the share of frames missing or
 *   extra against duration × rate, times 1 - the share of frames in motion that repeat the previous one
 *   (stutter: 8 fps content repeated to 24 fps scores 0.33, whatever the container says).
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
import { DEFAULT_THRESHOLD, summarize, withSuggestion } from "./quality-report.js";
import { analyseMedia, type Analysis } from "./analysis.js";
import { checkCharacterConsistency, checkLocationConsistency, keyFrameHistograms } from "./identity.js";
import {
  audioCheck,
  bitrateCheck,
  clarityCheck,
  duplicateShare,
  makeCheck,
  motionCheck,
  type AudioRole,
  type KeyFrameMeasures,
} from "./quality-signal.js";
import { blockExcess, clipGhost, grayFromRgb } from "./frame-measures.js";
import { LOUDNESS_TARGET_LUFS } from "./audio.js";
import { checkSoundSync, type SpokenLineSource } from "./av-sync.js";
import { referenceEncode, type ReferenceEncode } from "./reference-encode.js";
import { decodeRawFrames, probe } from "./runner.js";
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
  /**
   * Whose sound the file carries: "final-mix" (the audio integrator mixed it) is held to the loudness
   * target; "raw" (default) only to clipping, silence and length.
   */
  audioRole?: AudioRole;
  /** Delivery loudness of a final mix, LUFS (default -16, web). */
  loudnessTargetLufs?: number;
  /**
   * Spoken lines whose recordings are known, each with where the edit placed it: "lip-sync" then measures
   * each line's sound against its place (see av-sync.ts). Without them lip-sync is not run here.
   */
  spokenLines?: SpokenLineSource[];
}

/** Key frames for the ghosting and block measures: inside the clip, clear of fades at either end. */
const KEY_FRAME_POSITIONS = [0.25, 0.5, 0.75];

/** Ghosting and blocks on three key frames decoded at the file's own size (blocks sit on its pixel grid). */
export async function keyFrameMeasures(path: string, options: CheckOptions = {}): Promise<KeyFrameMeasures> {
  const { width, height, durationSeconds } = await factsOf(path, options);
  const times = KEY_FRAME_POSITIONS.map((position) => position * durationSeconds);
  const frames = (await decodeRawFrames(path, { times, width, height, scaleFlags: "neighbor" })).map((rgb) =>
    grayFromRgb(rgb, width, height),
  );
  const blocks = frames.map(blockExcess).sort((first, second) => first - second);
  return { ghost: clipGhost(frames), blocks: blocks.length === 0 ? null : blocks[Math.floor(blocks.length / 2)]! };
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
  // The container's count says nothing of frames repeated inside it; the content's cadence does.
  const cadence = options.analysis?.difference ? duplicateShare(options.analysis.difference) : null;
  const stuttering = cadence !== null && cadence.regular;
  const cadenceDetails =
    cadence === null
      ? ""
      : cadence.repeats === 0
        ? "; no repeated frames in motion"
        : stuttering
          ? `; ${cadence.repeats} of ${cadence.moving} frames in motion repeat the previous one, a new frame every ` +
            `${cadence.gap} (stutter: the content moves at about ${(fps / cadence.gap).toFixed(1)} fps)`
          : `; ${cadence.repeats} of ${cadence.moving} frames in motion repeat the previous one at no steady cadence ` +
            "(slow motion, not a lower rate)";
  const check = result(
    "fps",
    rateScore * frameScore * (stuttering ? 1 - cadence.share : 1),
    floor,
    `measured ${fps} fps, ${expectation}; ${frameDetails}${cadenceDetails}`,
  );
  const stutter = stuttering && check.score < floor;
  return withSuggestion(
    check,
    stutter
      ? `regenerate at the target frame rate (or interpolate the motion: ffmpeg minterpolate), not repeated frames: ${check.details}`
      : null,
  );
}

export async function checkMotionQuality(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  const { durationSeconds } = await factsOf(path, options);
  return motionCheck(await analysisOf(path, options), durationSeconds, options.threshold ?? DEFAULT_THRESHOLD);
}

export async function checkVisualClarity(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  const analysis = await analysisOf(path, options);
  const keyFrames = analysis.blurMean === null ? null : await keyFrameMeasures(path, options);
  return clarityCheck(analysis, options.threshold ?? DEFAULT_THRESHOLD, keyFrames);
}

export async function checkBitrate(path: string, options: CheckOptions = {}): Promise<QualityCheck> {
  const facts = await factsOf(path, options);
  let reference: ReferenceEncode | string;
  try {
    reference = await referenceEncode(path, facts.durationSeconds, { timeoutMs: ANALYSIS_TIMEOUT_MS });
  } catch (error) {
    reference = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  }
  return bitrateCheck(facts, options.threshold ?? DEFAULT_THRESHOLD, reference);
}

export async function checkAudio(
  path: string,
  options: CheckOptions = {},
  expectation: { role?: AudioRole; targetLufs?: number } = {},
): Promise<QualityCheck> {
  const facts = await factsOf(path, options);
  const analysis = facts.hasAudio ? await analysisOf(path, options) : null;
  return audioCheck(analysis, facts, options.threshold ?? DEFAULT_THRESHOLD, {
    role: expectation.role ?? "raw",
    targetLufs: expectation.targetLufs ?? LOUDNESS_TARGET_LUFS,
  });
}

export async function verifyVideo(params: VerifyParams): Promise<VideoQualityResult> {
  const threshold = params.threshold ?? DEFAULT_THRESHOLD;
  const path = params.path;
  const options: CheckOptions = { threshold, probed: await probe(path, { requireVideo: true }) };
  const wanted = new Set(params.checks);
  const checks: QualityCheck[] = [];
  // One decode pass serves every pixel and sound measure; run it up front when any of them is asked for.
  if (["motion-quality", "visual-clarity", "audio", "fps"].some((type) => wanted.has(type as QualityCheckType))) {
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
        checks.push(await checkAudio(path, options, { role: params.audioRole, targetLufs: params.loudnessTargetLufs }));
        break;
      case "lip-sync":
        if ((params.spokenLines ?? []).length > 0)
          checks.push(await checkSoundSync(path, params.spokenLines!, threshold, ANALYSIS_TIMEOUT_MS));
        break;
    }
  }
  return summarize(checks, threshold);
}
