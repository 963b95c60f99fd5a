/**
 * Turns individual quality checks into one verdict with issues and actionable suggestions.
 */
import { MAX_CLIP_SECONDS, type QualityCheck, type QualityCheckType, type VideoQualityResult } from "../domain.js";

export const DEFAULT_THRESHOLD = 0.7;

/** Scores are kept to three decimals so reports stay readable and stable. */
export function roundScore(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}

export function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

const SUGGESTIONS: Record<QualityCheckType, (check: QualityCheck) => string> = {
  duration: () =>
    `regenerate at exact duration (and keep each clip at most ${MAX_CLIP_SECONDS} s, splitting longer shots)`,
  resolution: () => "regenerate at the target resolution (or rescale to it when assembling)",
  fps: () => "regenerate at the target frame rate, or conform the clip with an fps filter when assembling",
  "character-consistency": () =>
    "regenerate from the character's master reference (image-to-video or composite-to-video) with the same visual profile and seed",
  "location-consistency": () =>
    "regenerate with the location's master reference as the source image so the background matches",
  "motion-quality": (check) => `raise motion strength (by about 0.3) and regenerate: ${check.details}`,
  "visual-clarity": () => "apply sharpening in post-processing (sharpen 0.5) or regenerate at the native resolution",
  bitrate: (check) => `re-encode with libx264 -crf 20 (a sane bit rate for the size and frame rate): ${check.details}`,
  audio: (check) =>
    `remix the sound with mix_audio (normalized to the delivery loudness, cut to the picture): ${check.details}`,
  continuity: (check) =>
    `regenerate the shot after each jump from the previous clip's last frame (first-last-frame): ${check.details}`,
  "lip-sync": (check) =>
    `place each line inside a shot that shows its speaker, and make that shot with the line's voice (audio input or a lip-sync pass): ${check.details}`,
};

/** Suggestions specific to what a check measured, kept beside the check without changing its shape. */
const SPECIFIC = new WeakMap<QualityCheck, string>();

export function withSuggestion(check: QualityCheck, suggestion: string | null): QualityCheck {
  if (suggestion !== null) SPECIFIC.set(check, suggestion);
  return check;
}

/**
 * Overall quality is the equal-weight mean of the measured scores; a pass needs every measured check and
 * the overall to pass. A check that was not measured (measured: false) says nothing about the take: it is
 * left out of the mean and the verdict and listed under `ignored`.
 */
export function summarize(checks: QualityCheck[], threshold = DEFAULT_THRESHOLD): VideoQualityResult {
  const measured = checks.filter((check) => check.measured !== false);
  const ignored = checks
    .filter((check) => check.measured === false)
    .map((check) => ({
      type: check.type,
      why: check.details.startsWith("not measured") ? check.details : `not measured (${check.details})`,
    }));
  if (measured.length === 0) {
    return {
      passed: false,
      overallQuality: 0,
      checks,
      issues: [checks.length === 0 ? "no quality checks were run" : "no quality check could be measured"],
      suggestions: ["run at least the technical and motion checks"],
      ...(ignored.length > 0 ? { ignored } : {}),
    };
  }
  const overallQuality = roundScore(mean(measured.map((check) => check.score)));
  const failed = measured.filter((check) => !check.passed);
  return {
    passed: failed.length === 0 && overallQuality >= threshold,
    overallQuality,
    checks,
    issues: failed.map(
      (check) =>
        `${check.type} scored ${check.score.toFixed(2)} (needs ${check.threshold.toFixed(2)}): ${check.details}`,
    ),
    suggestions: failed.map((check) => SPECIFIC.get(check) ?? SUGGESTIONS[check.type](check)),
    ...(ignored.length > 0 ? { ignored } : {}),
  };
}
