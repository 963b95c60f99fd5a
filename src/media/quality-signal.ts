/**
 * Checks computed from the one-pass analysis (analysis.ts), the key frames (frame-measures.ts) and the probe.
 *
 * A check's verdict is its score against its threshold, always: a rule that fails a check outright caps
 * the score at threshold − 0.05, so no report shows a failed check that scores above its bar. A check
 * whose measurement failed is "not measured" (measured: false, score = threshold) and summarize() leaves
 * it out of the verdict.
 *
 * - motion-quality: 1 - (frozen ∪ black seconds) / duration - flickering frames / decoded frames; and any
 *   interior frozen or black stretch of 0.5 s or more (one not touching the clip's first or last frame)
 *   fails it whatever its share: a viewer sees a second of black in a five-second clip. Frozen:
 *   freezedetect (noise 0.001, ≥ 0.5 s); black: blackdetect (≥ 0.2 s, pixel threshold 0.1). Flicker,
 *   after VBench's temporal flickering: a frame whose mean brightness jumps by more than 3 levels the
 *   opposite way to the previous frame's jump, where the brightness change is at least half the frame's
 *   mean absolute difference (so motion, which moves pixels without changing the mean, is not flicker).
 * - visual-clarity: the lowest of three scores. Blur: blurdetect's mean edge width over the sampled frames
 *   that have edges; ≤ 6 px → 1, 18 px → 0, linear. Ghosting (double exposure): strength ≤ 0.32 → 1,
 *   ≥ 0.44 → 0 (a half-opacity copy measures about 0.47). Blocks: excess share of visible steps on the
 *   8-pixel grid, ≤ 0.04 → 1, ≥ 0.12 → 0 (a 25 kb/s 320x180 encode measures 0.13). Not measured when no
 *   sampled frame had edges (all black).
 * - bitrate: two measures. Bits per pixel per frame of the picture stream (bit rate / (width × height ×
 *   fps)): below 0.001 there is no picture, above 2 the file is near-lossless and far too large to deliver
 *   (the score falls with the ratio to the nearer bound). And the clip's own bits over its middle two
 *   seconds against what x264 at CRF 23 spends on the same decoded frames (reference-encode.ts): below
 *   half of that the encode is starved, whatever its bits per pixel (a flat drawing needs few bits and
 *   measures near 1; a 25 kb/s 320x180 photograph measures 0.3–0.4). When the reference encode cannot be
 *   made, the check judges bits per pixel alone and says so.
 * - audio: not measured without a sound stream. Fails on: silent (below -50 dBFS for ≥ 0.5 s) over more
 *   than half the length; sample peak at or above -0.1 dBFS (clipping); sound and picture lengths differing
 *   by more than a frame (at least 50 ms); and, for a final mix only, integrated loudness more than 2 LU
 *   from the delivery target (web -16, broadcast -23 LUFS). A raw clip's loudness is the mixer's job.
 *   The score is 1 minus 0.25 per problem, capped below the threshold when any problem is found.
 */
import type { QualityCheck, QualityCheckType } from "../domain.js";
import { flickerFrames, type Analysis } from "./analysis.js";
import { LOUDNESS_TARGET_LUFS } from "./audio.js";
import { clarityScore, coveredSeconds, type Interval } from "./detections.js";
import type { GhostMeasure } from "./frame-measures.js";
import { roundScore, withSuggestion } from "./quality-report.js";
import { REFERENCE_CRF, STARVED_RATIO, type ReferenceEncode } from "./reference-encode.js";
import type { ProbeResult } from "./runner.js";

/** Bits per pixel below this are no picture at all, however simple the picture. */
const BPP_FLOOR = 0.001;
const BPP_CEILING = 2;
/** A final mix within ±2 LU of the target is what EBU R128 and the streaming services accept. */
const LOUDNESS_TOLERANCE_LU = 2;
const CLIPPING_DBFS = -0.1;
/** A failed rule puts the score this far under the threshold. */
const FAIL_MARGIN = 0.05;
/** Interior frozen or black stretches this long fail motion-quality outright. */
const LONGEST_ALLOWED_GAP_SECONDS = 0.5;
/** Frames this close to the clip's start or end count as touching it. */
const EDGE_SECONDS = 0.05;

/** Whose sound a clip carries: a delivered final mix, or a raw generation still to be mixed. */
export type AudioRole = "final-mix" | "raw";

export function makeCheck(
  type: QualityCheckType,
  score: number,
  threshold: number,
  details: string,
  forceFail = false,
): QualityCheck {
  const capped = forceFail ? Math.min(score, Math.max(0, threshold - FAIL_MARGIN)) : score;
  const rounded = roundScore(capped);
  return { type, score: rounded, passed: rounded >= threshold, details, threshold };
}

/** A check whose measurement failed: it says nothing about the clip, so it neither passes nor fails the take. */
export function notMeasured(type: QualityCheckType, threshold: number, why: string): QualityCheck {
  return {
    type,
    score: roundScore(threshold),
    passed: true,
    details: `not measured: ${why}`,
    threshold,
    measured: false,
  };
}

/**
 * Flickering frames. With frame differences, a brightness jump only counts when it is at least half of
 * the frame's mean absolute difference: a light going up and down, not things moving.
 */
export function flickerCount(luma: number[], difference: number[] | undefined, step = 3): number {
  if (difference === undefined || difference.length !== luma.length) return flickerFrames(luma, step);
  let count = 0;
  // A brightness jump of the whole frame (at least half its mean difference), beyond `step` levels.
  const jumpAt = (index: number): number => {
    const jump = luma[index]! - luma[index - 1]!;
    return Math.abs(jump) > step && Math.abs(jump) >= 0.5 * difference[index]! ? jump : 0;
  };
  for (let index = 2; index < luma.length; index++) {
    const current = jumpAt(index);
    if (current === 0) continue;
    // The last jump within three frames before: a light flickering every other frame or two alternates.
    let previous = 0;
    for (let back = index - 1; back >= Math.max(1, index - 3) && previous === 0; back--) previous = jumpAt(back);
    if (previous !== 0 && Math.sign(previous) !== Math.sign(current)) count++;
  }
  return count;
}

/** Frozen or black stretches that neither start at the clip's first frame nor run to its last. */
export function interiorStretches(intervals: Interval[], durationSeconds: number): Interval[] {
  return intervals.filter((interval) => interval.start > EDGE_SECONDS && interval.end < durationSeconds - EDGE_SECONDS);
}

export function motionCheck(analysis: Analysis, durationSeconds: number, threshold: number): QualityCheck {
  const lost = coveredSeconds([...analysis.frozen, ...analysis.black], durationSeconds);
  const flicker = flickerCount(analysis.luma, analysis.difference);
  const flickerShare = analysis.decodedFrames > 0 ? flicker / analysis.decodedFrames : 0;
  const score = durationSeconds > 0 ? 1 - lost / durationSeconds - flickerShare : 0;
  const seconds = (intervals: Interval[]) => coveredSeconds(intervals, durationSeconds).toFixed(2);
  // Black first: a black stretch is also frozen, and "black" is what the viewer saw.
  // Black at either end counts too: a clip that ends on dead black for half a second has lost its ending
  // (a held first or last frame is a pause, so frozen stretches count only inside the clip).
  const gaps = [...analysis.black, ...interiorStretches(analysis.frozen, durationSeconds)].filter(
    (interval) => interval.end - interval.start >= LONGEST_ALLOWED_GAP_SECONDS - 1e-3,
  );
  const longest = gaps.reduce<Interval | null>(
    (worst, gap) => (worst === null || gap.end - gap.start > worst.end - worst.start ? gap : worst),
    null,
  );
  const gapDetails =
    longest === null
      ? ""
      : `; ${(longest.end - longest.start).toFixed(2)} s ${analysis.black.includes(longest) ? "black" : "frozen"} ` +
        `at ${longest.start.toFixed(2)} s (${LONGEST_ALLOWED_GAP_SECONDS} s or more fails)`;
  const check = makeCheck(
    "motion-quality",
    score,
    threshold,
    `frozen ${seconds(analysis.frozen)} s, black ${seconds(analysis.black)} s of ${durationSeconds.toFixed(2)} s; ` +
      `${flicker} flickering of ${analysis.decodedFrames} frames${gapDetails}`,
    longest !== null,
  );
  const suggestion =
    longest !== null
      ? `regenerate the shot (or cut the dead stretch out and re-time the clip): ${check.details}`
      : flicker > 0 && flickerShare * durationSeconds >= lost
        ? `remove the flicker: regenerate with a fixed exposure, or deflicker the clip (ffmpeg deflicker); ${check.details}`
        : null;
  return withSuggestion(check, suggestion);
}

/** What the key frames showed: null when they were not decoded (only blur is judged then). */
export interface KeyFrameMeasures {
  ghost: GhostMeasure | null;
  /** Median block excess of the key frames; null when none had pixels to judge. */
  blocks: number | null;
}

export function ghostScore(strength: number): number {
  return Math.min(1, Math.max(0, 1 - (strength - 0.32) / 0.12));
}

export function blockScore(excess: number): number {
  return Math.min(1, Math.max(0, 1 - (excess - 0.04) / 0.08));
}

export function clarityCheck(
  analysis: Analysis,
  threshold: number,
  keyFrames: KeyFrameMeasures | null = null,
): QualityCheck {
  if (analysis.blurMean === null) {
    return notMeasured("visual-clarity", threshold, "blurdetect found no edges in any sampled frame (black or flat)");
  }
  const parts: Array<{ name: string; score: number; details: string; fix: string }> = [
    {
      name: "blur",
      score: clarityScore(analysis.blurMean),
      details: `mean edge width ${analysis.blurMean.toFixed(2)} px (sharp ≈ 5, soft ≥ 11)`,
      fix: "apply sharpening in post-processing (sharpen 0.5) or regenerate at the native resolution",
    },
  ];
  const skipped = analysis.blurFrames?.unmeasured ?? 0;
  if (skipped > 0)
    parts[0]!.details += ` over ${analysis.blurFrames!.measured} frames (${skipped} without edges left out)`;
  if (keyFrames?.ghost != null) {
    const { strength, dx, dy } = keyFrames.ghost;
    parts.push({
      name: "ghosting",
      score: ghostScore(strength),
      details: `double-image strength ${strength.toFixed(2)} at offset ${dx},${dy} px (clean ≤ 0.32, half-opacity copy ≈ 0.47)`,
      fix: "regenerate the shot: the picture carries a shifted second copy of itself (double exposure)",
    });
  }
  if (keyFrames?.blocks != null) {
    parts.push({
      name: "blocks",
      score: blockScore(keyFrames.blocks),
      details: `coding blocks on ${(keyFrames.blocks * 100).toFixed(1)}% of block edges beyond the content (clean ≤ 4%)`,
      fix: "re-encode from the source at a higher bit rate (libx264 -crf 20) or regenerate",
    });
  }
  const worst = parts.reduce((lowest, part) => (part.score < lowest.score ? part : lowest));
  const check = makeCheck("visual-clarity", worst.score, threshold, parts.map((part) => part.details).join("; "));
  return withSuggestion(check, worst.name === "blur" ? null : `${worst.fix}: ${check.details}`);
}

export function bitsPerPixel(facts: ProbeResult): number | null {
  const rate = facts.videoBitRate ?? facts.bitRate;
  if (rate === null || facts.width <= 0 || facts.height <= 0 || facts.fps <= 0) return null;
  return rate / (facts.width * facts.height * facts.fps);
}

/**
 * The bitrate check from the probed facts and, when it could be made, the reference encode (or why it
 * could not be, as a string).
 */
export function bitrateCheck(
  facts: ProbeResult,
  threshold: number,
  reference: ReferenceEncode | string | null = null,
): QualityCheck {
  const bpp = bitsPerPixel(facts);
  if (bpp === null || bpp <= 0) return makeCheck("bitrate", 0, threshold, "the file states no bit rate", true);
  const starved = typeof reference === "object" && reference !== null && reference.ratio < STARVED_RATIO;
  const failed = threshold - FAIL_MARGIN;
  // A starved picture fails however close to the floor: the score stays under the threshold.
  const bppScore =
    bpp < BPP_FLOOR ? Math.min(failed, (bpp / BPP_FLOOR) * threshold) : bpp > BPP_CEILING ? BPP_CEILING / bpp : 1;
  const referenceScore =
    typeof reference === "object" && reference !== null
      ? starved
        ? Math.min(failed, (reference.ratio / STARVED_RATIO) * threshold)
        : 1
      : 1;
  const kbps = ((facts.videoBitRate ?? facts.bitRate ?? 0) / 1000).toFixed(0);
  const referenceDetails =
    reference === null
      ? ""
      : typeof reference === "string"
        ? `; reference encode not measured (${reference})`
        : `; ${(reference.clipBitsPerSecond / 1000).toFixed(0)} kb/s over ${reference.seconds.toFixed(1)} s where x264 at CRF ${REFERENCE_CRF} spends ${(reference.referenceBitsPerSecond / 1000).toFixed(0)} kb/s on the same frames: ratio ${reference.ratio.toFixed(2)} (starved < ${STARVED_RATIO})`;
  const check = makeCheck(
    "bitrate",
    Math.min(bppScore, referenceScore),
    threshold,
    `${kbps} kb/s for ${facts.width}x${facts.height} at ${facts.fps} fps = ${bpp.toFixed(4)} bits per pixel (sane: ${BPP_FLOOR} to ${BPP_CEILING})${referenceDetails}`,
  );
  const suggestion =
    bpp < BPP_FLOOR || starved
      ? `the picture is starved: re-encode from the source at a lower CRF (18–20) or regenerate; ${check.details}`
      : bpp > BPP_CEILING
        ? `the file is far larger than needed: re-encode with libx264 -crf 20 -preset veryfast; ${check.details}`
        : null;
  return withSuggestion(check, suggestion);
}

export interface AudioExpectation {
  role: AudioRole;
  /** Integrated loudness a final mix is delivered at (LUFS). */
  targetLufs: number;
}

export function audioCheck(
  analysis: Analysis | null,
  facts: ProbeResult,
  threshold: number,
  expectation: AudioExpectation = { role: "raw", targetLufs: LOUDNESS_TARGET_LUFS },
): QualityCheck {
  if (!facts.hasAudio || analysis?.audio == null) {
    return notMeasured("audio", threshold, "the file has no sound stream to measure");
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
  const target = expectation.targetLufs;
  // Loudness is a delivery property: only the final mix is held to the target.
  if (
    expectation.role === "final-mix" &&
    (loudness === null || !Number.isFinite(loudness) || Math.abs(loudness - target) > LOUDNESS_TOLERANCE_LU)
  ) {
    problems.push(
      `integrated loudness ${loudness === null ? "unknown" : `${loudness.toFixed(1)} LUFS`}, ` +
        `more than ${LOUDNESS_TOLERANCE_LU} LU from the ${target} LUFS delivery target`,
    );
    fixes.push(`normalize loudness to ${target} LUFS (loudnorm)`);
  }
  const audioLength = facts.audioDurationSeconds ?? 0;
  const tolerance = Math.max(facts.fps > 0 ? 1 / facts.fps : 0, 0.05);
  if (Math.abs(audioLength - duration) > tolerance) {
    problems.push(`sound lasts ${audioLength.toFixed(3)} s against ${duration.toFixed(3)} s of picture`);
    fixes.push("pad or cut the mix to exactly the picture's length (apad + atrim)");
  }
  const measured =
    `${expectation.role === "final-mix" ? `final mix, target ${target} LUFS` : "raw clip, loudness not judged"}; ` +
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

/** Frames are "moving" near a frame difference of this much (0–255 levels, on the 320-wide copy). */
const MOTION_LEVEL = 0.5;
const CADENCE_WINDOW = 3;

/**
 * Repeated frames in moving stretches, from the content rather than the container: a frame whose
 * difference from the previous one is under a tenth of the largest difference within three frames
 * either side (and under 0.05 levels in any case counts) is a repeat, counted only where something
 * moves within that window (a still shot is judged by freezedetect, not here). 8 fps content repeated
 * to 24 fps has two repeats in three frames: a share of 0.67.
 *
 * Stutter is a cadence: content at a lower rate repeated to the container's has a new frame every `gap`
 * frames, the same gap nearly every time (`regular`). Repeats at no steady gap are motion too slow to move a
 * pixel in a drawn clip, not a lower rate, and are left to the motion check.
 */
export function duplicateShare(difference: number[]): {
  share: number;
  repeats: number;
  moving: number;
  regular: boolean;
  gap: number;
} {
  let repeats = 0;
  let moving = 0;
  const fresh: number[] = [];
  for (let index = 1; index < difference.length; index++) {
    let local = 0;
    for (
      let near = Math.max(1, index - CADENCE_WINDOW);
      near <= Math.min(difference.length - 1, index + CADENCE_WINDOW);
      near++
    )
      local = Math.max(local, difference[near]!);
    if (local < MOTION_LEVEL) continue;
    moving++;
    if (difference[index]! < Math.max(0.05, 0.1 * local)) repeats++;
    else fresh.push(index);
  }
  const { gap, strength } = cadenceOf(difference);
  const regular = gap >= 2 && strength >= CADENCE_STRENGTH;
  // With a steady cadence the repeated share is what the cadence implies: the encoder's noise hides some.
  const share = regular
    ? Math.max((gap - 1) / gap, moving === 0 ? 0 : repeats / moving)
    : moving === 0
      ? 0
      : repeats / moving;
  return { share, repeats, moving, regular, gap };
}

/** Mean difference (0–255 levels) under which the frames between a cadence's new frames are repeats. */
const REPEAT_LEVEL = 1;
/** How many times more a cadence's new frames change than its repeats must, to be a cadence. */
const CADENCE_STRENGTH = 4;

/**
 * The steadiest cadence in the frame differences: for each gap of 2 to 6 frames and each phase, how much more
 * the frames on that phase change than all the others. Content at a lower rate repeated to the container's
 * changes only on one phase; drawn motion that now and then fails to move a pixel has no such phase.
 */
export function cadenceOf(difference: number[]): { gap: number; strength: number } {
  const values = difference.slice(1);
  // Only where the picture moves: a black or still stretch repeats frames without being a cadence.
  const moving = values.map((_, index) => {
    let local = 0;
    for (
      let near = Math.max(0, index - CADENCE_WINDOW);
      near <= Math.min(values.length - 1, index + CADENCE_WINDOW);
      near++
    )
      local = Math.max(local, values[near]!);
    return local >= MOTION_LEVEL;
  });
  let best = { gap: 1, strength: 0 };
  if (values.length < 12) return best;
  for (let gap = 2; gap <= 6; gap++) {
    for (let phase = 0; phase < gap; phase++) {
      let on = 0;
      let onCount = 0;
      let off = 0;
      let offCount = 0;
      values.forEach((value, index) => {
        if (!moving[index]) return;
        if (index % gap === phase) {
          on += value;
          onCount++;
        } else {
          off += value;
          offCount++;
        }
      });
      if (onCount === 0 || offCount === 0) continue;
      // The frames between a cadence's new frames are repeats: they hardly change at all (under a level),
      // unlike a picture that moves every frame and flickers every other one.
      if (off / offCount >= REPEAT_LEVEL) continue;
      const strength = on / onCount / (off / offCount + 0.05);
      if (strength > best.strength * 1.05) best = { gap, strength };
    }
  }
  return best;
}
