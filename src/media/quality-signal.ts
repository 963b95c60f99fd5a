/**
 * Checks computed from the one-pass analysis (analysis.ts) and the probe:
 *
 * - motion-quality: 1 - (frozen ∪ black seconds) / duration - flickering frames / decoded frames.
 *   Frozen: freezedetect (noise 0.001, ≥ 0.5 s); black: blackdetect (≥ 0.2 s, pixel threshold 0.1);
 *   flicker: see flickerFrames().
 * - visual-clarity: blurdetect's mean edge width on full-size frames; ≤ 6 px → 1, 18 px → 0, linear.
 * - bitrate: bits per pixel per frame of the picture stream (bit rate / (width × height × fps)). H.264
 *   delivery sits around 0.02–0.3; below 0.001 even flat animation turns to blocks, above 2 the file is
 *   near-lossless and far too large to deliver. Inside that range the score is 1; outside it falls with
 *   the ratio to the nearer bound.
 * - audio: fails on any of: no sound stream; silent (below -50 dBFS for ≥ 0.5 s) over more than half
 *   the length; sample peak at or above -0.1 dBFS (clipping); integrated loudness more than 4 LU from
 *   the -16 LUFS target; sound and picture lengths differing by more than a frame (at least 50 ms).
 *   The score is 1 minus 0.25 per problem.
 */
import type { QualityCheck, QualityCheckType } from "../domain.js";
import { flickerFrames, type Analysis } from "./analysis.js";
import { LOUDNESS_TARGET_LUFS } from "./audio.js";
import { clarityScore, coveredSeconds, type Interval } from "./detections.js";
import { roundScore, withSuggestion } from "./quality-report.js";
import type { ProbeResult } from "./runner.js";

const BPP_FLOOR = 0.001;
const BPP_CEILING = 2;
const LOUDNESS_TOLERANCE_LU = 4;
const CLIPPING_DBFS = -0.1;

export function makeCheck(
  type: QualityCheckType,
  score: number,
  threshold: number,
  details: string,
  forceFail = false,
): QualityCheck {
  const rounded = roundScore(score);
  return { type, score: rounded, passed: !forceFail && rounded >= threshold, details, threshold };
}

export function motionCheck(analysis: Analysis, durationSeconds: number, threshold: number): QualityCheck {
  const lost = coveredSeconds([...analysis.frozen, ...analysis.black], durationSeconds);
  const flicker = flickerFrames(analysis.luma);
  const flickerShare = analysis.decodedFrames > 0 ? flicker / analysis.decodedFrames : 0;
  const score = durationSeconds > 0 ? 1 - lost / durationSeconds - flickerShare : 0;
  const seconds = (intervals: Interval[]) => coveredSeconds(intervals, durationSeconds).toFixed(2);
  const check = makeCheck(
    "motion-quality",
    score,
    threshold,
    `frozen ${seconds(analysis.frozen)} s, black ${seconds(analysis.black)} s of ${durationSeconds.toFixed(2)} s; ` +
      `${flicker} flickering of ${analysis.decodedFrames} frames`,
  );
  const suggestion =
    flicker > 0 && flickerShare * durationSeconds >= lost
      ? `remove the flicker: regenerate with a fixed exposure, or deflicker the clip (ffmpeg deflicker); ${check.details}`
      : null;
  return withSuggestion(check, suggestion);
}

export function clarityCheck(analysis: Analysis, threshold: number): QualityCheck {
  if (analysis.blurMean === null) return makeCheck("visual-clarity", 0, threshold, "blurdetect measured no frames");
  return makeCheck(
    "visual-clarity",
    clarityScore(analysis.blurMean),
    threshold,
    `mean edge width ${analysis.blurMean.toFixed(2)} px (sharp ≈ 5, soft ≥ 11)`,
  );
}

export function bitsPerPixel(facts: ProbeResult): number | null {
  const rate = facts.videoBitRate ?? facts.bitRate;
  if (rate === null || facts.width <= 0 || facts.height <= 0 || facts.fps <= 0) return null;
  return rate / (facts.width * facts.height * facts.fps);
}

export function bitrateCheck(facts: ProbeResult, threshold: number): QualityCheck {
  const bpp = bitsPerPixel(facts);
  if (bpp === null || bpp <= 0) return makeCheck("bitrate", 0, threshold, "the file states no bit rate", true);
  const score = bpp < BPP_FLOOR ? bpp / BPP_FLOOR : bpp > BPP_CEILING ? BPP_CEILING / bpp : 1;
  const kbps = ((facts.videoBitRate ?? facts.bitRate ?? 0) / 1000).toFixed(0);
  const check = makeCheck(
    "bitrate",
    score,
    threshold,
    `${kbps} kb/s for ${facts.width}x${facts.height} at ${facts.fps} fps = ${bpp.toFixed(4)} bits per pixel (sane: ${BPP_FLOOR} to ${BPP_CEILING})`,
  );
  const suggestion =
    bpp < BPP_FLOOR
      ? `the picture is starved: re-encode at a lower CRF (18–20) or regenerate; ${check.details}`
      : bpp > BPP_CEILING
        ? `the file is far larger than needed: re-encode with libx264 -crf 20 -preset veryfast; ${check.details}`
        : null;
  return withSuggestion(check, suggestion);
}

export function audioCheck(analysis: Analysis | null, facts: ProbeResult, threshold: number): QualityCheck {
  if (!facts.hasAudio || analysis?.audio == null) {
    return withSuggestion(
      makeCheck("audio", 0, threshold, "the file has no sound stream", true),
      "add sound: mix dialogue, music or effects under the picture with mix_audio",
    );
  }
  const audio = analysis.audio;
  const duration = facts.durationSeconds;
  const problems: string[] = [];
  const fixes: string[] = [];
  const silent = coveredSeconds(audio.silence, duration);
  if (duration > 0 && silent / duration > 0.5) {
    problems.push(`silent for ${silent.toFixed(2)} of ${duration.toFixed(2)} s`);
    fixes.push("fill the silence with music or an ambience bed");
  }
  if (audio.peakDb !== null && audio.peakDb >= CLIPPING_DBFS) {
    problems.push(`clipping (sample peak ${audio.peakDb.toFixed(2)} dBFS)`);
    fixes.push("lower the track volumes and renormalize so the true peak stays below -1 dBTP");
  }
  const loudness = audio.integratedLufs;
  if (
    loudness === null ||
    !Number.isFinite(loudness) ||
    Math.abs(loudness - LOUDNESS_TARGET_LUFS) > LOUDNESS_TOLERANCE_LU
  ) {
    problems.push(`integrated loudness ${loudness === null ? "unknown" : `${loudness.toFixed(1)} LUFS`}`);
    fixes.push(`normalize loudness to ${LOUDNESS_TARGET_LUFS} LUFS (loudnorm)`);
  }
  const audioLength = facts.audioDurationSeconds ?? 0;
  const tolerance = Math.max(facts.fps > 0 ? 1 / facts.fps : 0, 0.05);
  if (Math.abs(audioLength - duration) > tolerance) {
    problems.push(`sound lasts ${audioLength.toFixed(3)} s against ${duration.toFixed(3)} s of picture`);
    fixes.push("pad or cut the mix to exactly the picture's length (apad + atrim)");
  }
  const measured =
    `loudness ${loudness === null ? "?" : loudness.toFixed(1)} LUFS, true peak ${audio.truePeakDbtp === null ? "?" : audio.truePeakDbtp.toFixed(1)} dBTP, ` +
    `peak ${audio.peakDb === null ? "?" : audio.peakDb.toFixed(1)} dBFS, silent ${silent.toFixed(2)} s, sound ${audioLength.toFixed(3)} s / picture ${duration.toFixed(3)} s`;
  const check = makeCheck(
    "audio",
    1 - 0.25 * problems.length,
    threshold,
    problems.length === 0 ? measured : `${problems.join("; ")} (${measured})`,
    problems.length > 0,
  );
  return withSuggestion(check, fixes.length === 0 ? null : fixes.join("; "));
}
