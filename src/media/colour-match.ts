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
  for (let bin = 0; bin < BINS; bin++) {
    if (palette[bin]! > 0 && frameHistogram[bin]! >= PRESENCE_SHARE) covered += palette[bin]!;
  }
  return covered;
}

/** Histogram intersection Σ_b min(A[b], B[b]) of two normalised histograms: 1 for the same colours. */
export function histogramIntersection(first: Float64Array, second: Float64Array): number {
  let shared = 0;
  for (let bin = 0; bin < BINS; bin++) shared += Math.min(first[bin]!, second[bin]!);
  return shared;
}

export function paletteIsEmpty(palette: Float64Array): boolean {
  return palette.every((value) => value === 0);
}
