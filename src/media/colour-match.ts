/**
 * Colour-histogram measures behind the consistency checks, on RGB24 buffers.
 *
 * Histograms have 8 levels per channel (512 bins). Each pixel is spread over neighbouring bins by
 * trilinear interpolation between bin centres (soft binning), so a colour sitting on a bin edge does not
 * jump bins when video compression shifts it by a few levels.
 */
export const LEVELS = 8;
export const BINS = LEVELS * LEVELS * LEVELS;
const BIN_WIDTH = 256 / LEVELS;

/** Grey that character reference stills are drawn on; pixels near it are background, not character. */
export const REFERENCE_GREY = 128;
/** How far (max over channels) a pixel must be from the reference grey to count as the character. */
export const FOREGROUND_TOLERANCE = 24;
/** A bin is "present" in a frame when it holds at least this share of the frame's pixels (0.05%). */
export const PRESENCE_SHARE = 0.0005;

function channelWeights(value: number): [number, number, number, number] {
  const position = value / BIN_WIDTH - 0.5;
  const low = Math.floor(position);
  const fraction = position - low;
  const clampBin = (bin: number) => Math.min(LEVELS - 1, Math.max(0, bin));
  return [clampBin(low), 1 - fraction, clampBin(low + 1), fraction];
}

/** Soft histogram of the selected pixels (all when no mask), normalised to sum 1 (all zeros if none). */
export function softHistogram(
  rgb: Uint8Array,
  mask?: (red: number, green: number, blue: number) => boolean,
): Float64Array {
  const histogram = new Float64Array(BINS);
  let total = 0;
  for (let offset = 0; offset + 2 < rgb.length; offset += 3) {
    const red = rgb[offset]!;
    const green = rgb[offset + 1]!;
    const blue = rgb[offset + 2]!;
    if (mask !== undefined && !mask(red, green, blue)) continue;
    const [r0, rw0, r1, rw1] = channelWeights(red);
    const [g0, gw0, g1, gw1] = channelWeights(green);
    const [b0, bw0, b1, bw1] = channelWeights(blue);
    for (const [rBin, rWeight] of [
      [r0, rw0],
      [r1, rw1],
    ] as const) {
      if (rWeight === 0) continue;
      for (const [gBin, gWeight] of [
        [g0, gw0],
        [g1, gw1],
      ] as const) {
        if (gWeight === 0) continue;
        for (const [bBin, bWeight] of [
          [b0, bw0],
          [b1, bw1],
        ] as const) {
          if (bWeight === 0) continue;
          histogram[(rBin * LEVELS + gBin) * LEVELS + bBin]! += rWeight * gWeight * bWeight;
        }
      }
    }
    total += 1;
  }
  if (total > 0) for (let bin = 0; bin < BINS; bin++) histogram[bin]! /= total;
  return histogram;
}

export function isForeground(red: number, green: number, blue: number): boolean {
  return (
    Math.max(Math.abs(red - REFERENCE_GREY), Math.abs(green - REFERENCE_GREY), Math.abs(blue - REFERENCE_GREY)) >
    FOREGROUND_TOLERANCE
  );
}

/** The character's colour distribution F: the reference still's pixels that are not the grey backdrop. */
export function characterPalette(referenceRgb: Uint8Array): Float64Array {
  return softHistogram(referenceRgb, isForeground);
}

/**
 * Share of the character's colours found in a frame: Σ_b F[b]·[frame has ≥ 0.05% of its pixels in b].
 * Size, position and pose do not matter; wearing different colours does.
 */
export function paletteCoverage(palette: Float64Array, frameHistogram: Float64Array): number {
  let covered = 0;
  for (let bin = 0; bin < palette.length; bin++) {
    if (palette[bin]! > 0 && frameHistogram[bin]! >= PRESENCE_SHARE) covered += palette[bin]!;
  }
  return covered;
}

/** Histogram intersection Σ_b min(A[b], B[b]) of two normalised histograms: 1 for the same colours. */
export function histogramIntersection(first: Float64Array, second: Float64Array): number {
  let shared = 0;
  const bins = Math.min(first.length, second.length);
  for (let bin = 0; bin < bins; bin++) shared += Math.min(first[bin]!, second[bin]!);
  return shared;
}

export function paletteIsEmpty(palette: Float64Array): boolean {
  return palette.every((value) => value === 0);
}

/*
 * Grade-tolerant colour signature. A colour grade (ffmpeg eq: brightness adds to luma, saturation scales
 * chroma) moves every pixel's RGB, so RGB bins shift; in YCbCr it leaves the hue angle unchanged, scales
 * chroma a little and shifts luma. Chromatic pixels are binned by hue × chroma × luma, near-neutral ones
 * (no stable hue) by luma alone, all soft; gradeTolerantCoverage then lets a colour's luma move by about
 * one band (40 levels), which a brightness of ±0.15 stays within, while light and dark skin stay apart.
 */
const HUE_BINS = 18;
const CHROMA_CENTRES = [16, 36, 70, 120];
const LUMA_CENTRES = [20, 60, 100, 140, 180, 220];
/** Below this chroma (of 0–181) a pixel counts as neutral: black, grey or white. */
const NEUTRAL_CHROMA = 10;
const CHROMATIC_BINS = HUE_BINS * CHROMA_CENTRES.length * LUMA_CENTRES.length;
export const GRADE_TOLERANT_BINS = CHROMATIC_BINS + LUMA_CENTRES.length;

/** Linear weights of a value between the two nearest of sorted centres (clamped at the ends). */
function bandWeights(value: number, centres: number[]): [number, number, number, number] {
  const last = centres.length - 1;
  if (value <= centres[0]!) return [0, 1, 0, 0];
  if (value >= centres[last]!) return [last, 1, last, 0];
  let low = 0;
  while (value > centres[low + 1]!) low += 1;
  const fraction = (value - centres[low]!) / (centres[low + 1]! - centres[low]!);
  return [low, 1 - fraction, low + 1, fraction];
}

/** Soft grade-tolerant histogram of the selected pixels, normalised to sum 1 (all zeros if none). */
export function gradeTolerantHistogram(
  rgb: Uint8Array,
  mask?: (red: number, green: number, blue: number) => boolean,
): Float64Array {
  const histogram = new Float64Array(GRADE_TOLERANT_BINS);
  let total = 0;
  for (let offset = 0; offset + 2 < rgb.length; offset += 3) {
    const red = rgb[offset]!;
    const green = rgb[offset + 1]!;
    const blue = rgb[offset + 2]!;
    if (mask !== undefined && !mask(red, green, blue)) continue;
    total += 1;
    // BT.601, the matrix ffmpeg's eq works in.
    const luma = 0.299 * red + 0.587 * green + 0.114 * blue;
    const blueDifference = -0.1687 * red - 0.3313 * green + 0.5 * blue;
    const redDifference = 0.5 * red - 0.4187 * green - 0.0813 * blue;
    const chroma = Math.hypot(blueDifference, redDifference);
    const [l0, lw0, l1, lw1] = bandWeights(luma, LUMA_CENTRES);
    if (chroma < NEUTRAL_CHROMA) {
      histogram[CHROMATIC_BINS + l0]! += lw0;
      histogram[CHROMATIC_BINS + l1]! += lw1;
      continue;
    }
    const huePosition = ((Math.atan2(redDifference, blueDifference) / (2 * Math.PI) + 1) % 1) * HUE_BINS - 0.5;
    const hueLow = Math.floor(huePosition);
    const hueFraction = huePosition - hueLow;
    const [c0, cw0, c1, cw1] = bandWeights(chroma, CHROMA_CENTRES);
    for (const [hueBin, hueWeight] of [
      [(hueLow + HUE_BINS) % HUE_BINS, 1 - hueFraction],
      [(hueLow + 1) % HUE_BINS, hueFraction],
    ] as const) {
      for (const [chromaBin, chromaWeight] of [
        [c0, cw0],
        [c1, cw1],
      ] as const) {
        for (const [lumaBin, lumaWeight] of [
          [l0, lw0],
          [l1, lw1],
        ] as const) {
          const weight = hueWeight * chromaWeight * lumaWeight;
          if (weight > 0) histogram[chromaticBin(hueBin, chromaBin, lumaBin)]! += weight;
        }
      }
    }
  }
  if (total > 0) for (let bin = 0; bin < histogram.length; bin++) histogram[bin]! /= total;
  return histogram;
}

function chromaticBin(hue: number, chroma: number, luma: number): number {
  return (hue * CHROMA_CENTRES.length + chroma) * LUMA_CENTRES.length + luma;
}

/**
 * paletteCoverage on grade-tolerant histograms: a palette bin is present when the frame holds at least
 * PRESENCE_SHARE in it and its neighbours one luma band and one chroma band either side.
 */
export function gradeTolerantCoverage(palette: Float64Array, frameHistogram: Float64Array): number {
  const lumaBands = LUMA_CENTRES.length;
  const chromaBands = CHROMA_CENTRES.length;
  const near = (bin: number): number => {
    const luma = bin < CHROMATIC_BINS ? bin % lumaBands : bin - CHROMATIC_BINS;
    let share = 0;
    for (let lumaStep = -1; lumaStep <= 1; lumaStep++) {
      const otherLuma = luma + lumaStep;
      if (otherLuma < 0 || otherLuma >= lumaBands) continue;
      if (bin >= CHROMATIC_BINS) {
        share += frameHistogram[CHROMATIC_BINS + otherLuma]!;
        continue;
      }
      const hue = Math.floor(bin / (lumaBands * chromaBands));
      const chroma = Math.floor(bin / lumaBands) % chromaBands;
      for (let chromaStep = -1; chromaStep <= 1; chromaStep++) {
        const otherChroma = chroma + chromaStep;
        if (otherChroma >= 0 && otherChroma < chromaBands)
          share += frameHistogram[chromaticBin(hue, otherChroma, otherLuma)]!;
      }
    }
    return share;
  };
  let covered = 0;
  for (let bin = 0; bin < palette.length; bin++) {
    if (palette[bin]! > 0 && near(bin) >= PRESENCE_SHARE) covered += palette[bin]!;
  }
  return covered;
}

/**
 * A grade-tolerant histogram with each colour spread over its luma band and the bands either side, so two
 * pictures of one place a brightness grade apart overlap where their colours are the same. Sums to 1.
 */
export function lumaTolerant(histogram: Float64Array): Float64Array {
  const lumaBands = LUMA_CENTRES.length;
  const spread = new Float64Array(histogram.length);
  const groups = [
    ...Array.from({ length: CHROMATIC_BINS / lumaBands }, (_, group) => group * lumaBands),
    CHROMATIC_BINS,
  ];
  for (const start of groups) {
    for (let band = 0; band < lumaBands; band++) {
      const value = histogram[start + band]!;
      if (value === 0) continue;
      const neighbours = [band - 1, band, band + 1].filter((other) => other >= 0 && other < lumaBands);
      for (const other of neighbours) spread[start + other]! += value / neighbours.length;
    }
  }
  return spread;
}

/*
 * Grade-normalised colour signature. A colour grade is close to a per-channel gain and offset (brightness,
 * contrast, a warm or cool cast, saturation); standardising each channel of a picture by its own mean and
 * spread removes that, leaving the picture's colours relative to one another. Each pixel is then binned by
 * its three standardised values (NORMALISED_LEVELS per channel over ±2 standard deviations, soft), and two
 * pictures compared by histogram intersection. Sensitive to framing where the colour grade measure is
 * not, which is why the two are used together (the better match counts).
 */
export const NORMALISED_LEVELS = 6;
const NORMALISED_SPAN = 2;
/** Channels flatter than this (levels) are not stretched: a flat fill stays flat. */
const MIN_SPREAD = 4;

/** Soft histogram of standardised RGB, normalised to sum 1. */
export function normalisedHistogram(rgb: Uint8Array): Float64Array {
  const pixels = Math.floor(rgb.length / 3);
  const histogram = new Float64Array(NORMALISED_LEVELS ** 3);
  if (pixels === 0) return histogram;
  const means = [0, 0, 0];
  const spreads = [0, 0, 0];
  for (let offset = 0; offset < pixels * 3; offset++) means[offset % 3]! += rgb[offset]!;
  for (let channel = 0; channel < 3; channel++) means[channel]! /= pixels;
  for (let offset = 0; offset < pixels * 3; offset++) spreads[offset % 3]! += (rgb[offset]! - means[offset % 3]!) ** 2;
  for (let channel = 0; channel < 3; channel++)
    spreads[channel] = Math.max(MIN_SPREAD, Math.sqrt(spreads[channel]! / pixels));
  const weights = (value: number, channel: number): [number, number, number, number] => {
    const z = (value - means[channel]!) / spreads[channel]!;
    const position = ((z + NORMALISED_SPAN) / (2 * NORMALISED_SPAN)) * NORMALISED_LEVELS - 0.5;
    const low = Math.floor(position);
    const fraction = position - low;
    const clamp = (bin: number) => Math.min(NORMALISED_LEVELS - 1, Math.max(0, bin));
    return [clamp(low), 1 - fraction, clamp(low + 1), fraction];
  };
  for (let offset = 0; offset + 2 < pixels * 3; offset += 3) {
    const [r0, rw0, r1, rw1] = weights(rgb[offset]!, 0);
    const [g0, gw0, g1, gw1] = weights(rgb[offset + 1]!, 1);
    const [b0, bw0, b1, bw1] = weights(rgb[offset + 2]!, 2);
    for (const [r, rw] of [
      [r0, rw0],
      [r1, rw1],
    ] as const)
      for (const [g, gw] of [
        [g0, gw0],
        [g1, gw1],
      ] as const)
        for (const [b, bw] of [
          [b0, bw0],
          [b1, bw1],
        ] as const)
          histogram[(r * NORMALISED_LEVELS + g) * NORMALISED_LEVELS + b]! += (rw * gw * bw) / pixels;
  }
  return histogram;
}

/**
 * How alike two pictures' colours are, allowing for a colour grade: the better of the grade-tolerant
 * signature (luma spread a band) and the grade-normalised one, by histogram intersection, 0–1.
 */
export function gradedColourMatch(
  first: { tolerant: Float64Array; normalised: Float64Array },
  second: { tolerant: Float64Array; normalised: Float64Array },
): number {
  return Math.max(
    histogramIntersection(first.tolerant, second.tolerant),
    histogramIntersection(first.normalised, second.normalised),
  );
}

/** Both colour signatures of a picture, for gradedColourMatch. */
export function colourSignatures(rgb: Uint8Array): { tolerant: Float64Array; normalised: Float64Array } {
  return { tolerant: lumaTolerant(gradeTolerantHistogram(rgb)), normalised: normalisedHistogram(rgb) };
}

/** Share of a picture's pixels that are the reference grey the local renderer draws figures on. */
export function referenceGreyShare(rgb: Uint8Array): number {
  const pixels = Math.floor(rgb.length / 3);
  let grey = 0;
  for (let offset = 0; offset + 2 < pixels * 3; offset += 3) {
    if (
      Math.abs(rgb[offset]! - REFERENCE_GREY) <= 3 &&
      Math.abs(rgb[offset + 1]! - REFERENCE_GREY) <= 3 &&
      Math.abs(rgb[offset + 2]! - REFERENCE_GREY) <= 3
    )
      grey++;
  }
  return pixels === 0 ? 0 : grey / pixels;
}
