/**
 * Measures of single key frames that a viewer sees and a filter summary misses: ghosting (a second,
 * shifted copy of the picture laid over it) and coding blocks. Both work on luma decoded at the file's
 * own size, because blocks sit on the encoder's 8-pixel grid and any rescale smears that grid.
 *
 * - Ghosting: the frame's Laplacian (edges, with flat areas and smooth gradients cancelled) is
 *   correlated with shifted copies of itself on a 160-wide copy. A double exposure at offset d gives a
 *   correlation near α/(1+α²) at d (0.4–0.5 for a half-opacity copy) but almost none at 2d; periodic
 *   content (bars, grids, tiles) correlates at both, so the strength is r(d) − max(0, r(2d)). And a copy
 *   sits at one exact offset: r(d) must be a peak above its eight neighbouring offsets, which texture
 *   that is similar over a range of offsets (a brick wall's courses) is not. Offsets of 2 px or less are
 *   left out: neighbouring pixels of any picture correlate.
 * - Blocks: for 8-pixel segments of the block boundaries, the share that show a visible step (≥ 2
 *   levels) across flatter sides, minus the same share on the busiest other column/row phase. Content
 *   edges land on every phase alike; coding blocks only on the grid. ffmpeg's blockdetect was tried
 *   and rejected: it reports 16736 for clean SMPTE bars and 21 for a clean testsrc2 against 56 for a
 *   25 kb/s one, because flat drawings divide by near-zero inner gradients.
 */

export interface GrayFrame {
  width: number;
  height: number;
  /** Luma, one byte per pixel, row-major. */
  pixels: Uint8Array;
}

export interface GhostMeasure {
  /** r(d) − max(0, r(2d)) at the strongest offset: about 0 for a clean picture, 0.4–0.5 for a half-opacity double. */
  strength: number;
  dx: number;
  dy: number;
}

const GHOST_WIDTH = 160;
const BLOCK = 8;

/** BT.601 luma of RGB24 pixels. */
export function grayFromRgb(rgb: Uint8Array | Buffer, width: number, height: number): GrayFrame {
  const pixels = new Uint8Array(width * height);
  for (let index = 0; index < pixels.length; index++) {
    const offset = index * 3;
    pixels[index] = Math.round(0.299 * rgb[offset]! + 0.587 * rgb[offset + 1]! + 0.114 * rgb[offset + 2]!);
  }
  return { width, height, pixels };
}

/** Box-averaged copy of a frame `width` pixels wide (never larger than the source). */
export function downscale(frame: GrayFrame, width: number): Float64Array & { width: number; height: number } {
  const targetWidth = Math.min(width, frame.width);
  const targetHeight = Math.max(1, Math.round((frame.height * targetWidth) / frame.width));
  const out = new Float64Array(targetWidth * targetHeight) as Float64Array & { width: number; height: number };
  out.width = targetWidth;
  out.height = targetHeight;
  const stepX = frame.width / targetWidth;
  const stepY = frame.height / targetHeight;
  for (let y = 0; y < targetHeight; y++) {
    const y0 = Math.floor(y * stepY);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * stepY));
    for (let x = 0; x < targetWidth; x++) {
      const x0 = Math.floor(x * stepX);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * stepX));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += frame.pixels[yy * frame.width + xx]!;
      out[y * targetWidth + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Ghost strength of one frame, or null for a frame without edges (black, flat colour). */
export function measureGhost(frame: GrayFrame): GhostMeasure | null {
  const small = downscale(frame, GHOST_WIDTH);
  const { width, height } = small;
  const range = Math.max(3, Math.round(width / 16));
  const margin = 2 * range + 2;
  if (width <= 2 * margin || height <= 2 * margin) return null;
  const edges = new Float64Array(width * height);
  let energy = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = y * width + x;
      const value = 4 * small[at]! - small[at - 1]! - small[at + 1]! - small[at - width]! - small[at + width]!;
      edges[at] = value;
      energy += value * value;
    }
  }
  // Less than about a level of edge per pixel: nothing to correlate (black or a flat fill).
  if (energy / (width * height) < 1) return null;
  const correlation = (dx: number, dy: number): number => {
    let sum = 0;
    let first = 0;
    let second = 0;
    for (let y = margin; y < height - margin; y++) {
      for (let x = margin; x < width - margin; x++) {
        const p = edges[y * width + x]!;
        const q = edges[(y + dy) * width + x + dx]!;
        sum += p * q;
        first += p * p;
        second += q * q;
      }
    }
    return sum / Math.sqrt(first * second || 1);
  };
  // The correlation surface over every offset up to twice the range, computed once; r(-d) = r(d), so
  // only the half-plane dy ≥ 0 is measured.
  const reach = 2 * range;
  const side = 2 * reach + 1;
  const surface = new Float64Array(side * (reach + 1)).fill(Number.NaN);
  const r = (dx: number, dy: number): number => {
    if (dy < 0 || (dy === 0 && dx < 0)) [dx, dy] = [-dx, -dy];
    const index = dy * side + dx + reach;
    if (Number.isNaN(surface[index]!)) surface[index] = correlation(dx, dy);
    return surface[index]!;
  };
  let best: GhostMeasure = { strength: 0, dx: 0, dy: 0 };
  // Half the offsets suffice: r(-d) = r(d).
  for (let dy = 0; dy <= range; dy++) {
    for (let dx = -range; dx <= range; dx++) {
      if ((Math.abs(dx) <= 2 && dy <= 2) || (dy === 0 && dx < 0)) continue;
      const peak = r(dx, dy);
      if (peak <= best.strength) continue;
      // A copy sits at one exact offset, so its correlation is a peak above every neighbouring offset;
      // texture that is merely similar nearby (grain, courses of brick, stripes seen at a slant) falls off
      // smoothly and is not a copy.
      let isPeak = true;
      for (let ey = -1; ey <= 1 && isPeak; ey++)
        for (let ex = -1; ex <= 1 && isPeak; ex++)
          if ((ex !== 0 || ey !== 0) && r(dx + ex, dy + ey) >= peak) isPeak = false;
      if (!isPeak) continue;
      const strength = peak - Math.max(0, r(2 * dx, 2 * dy));
      if (strength > best.strength) best = { strength, dx, dy };
    }
  }
  // Offsets are reported at the analysed frame's own scale.
  const scale = frame.width / width;
  return { strength: best.strength, dx: Math.round(best.dx * scale), dy: Math.round(best.dy * scale) };
}

/**
 * Ghosting of a clip: a double exposure keeps its offset, so the measure is the median strength of the
 * key frames whose strongest offset agrees (within a pixel at 160 wide) with the most common one; other
 * frames count as 0. Null when no frame had edges to measure.
 */
export function clipGhost(frames: GrayFrame[]): GhostMeasure | null {
  const measures = frames.map(measureGhost).filter((measure): measure is GhostMeasure => measure !== null);
  if (measures.length === 0) return null;
  const tolerance = Math.max(1, Math.round((frames[0]!.width / GHOST_WIDTH) * 1.5));
  let anchor = measures[0]!;
  let agreeing = 0;
  for (const candidate of measures) {
    const count = measures.filter(
      (measure) => Math.abs(measure.dx - candidate.dx) <= tolerance && Math.abs(measure.dy - candidate.dy) <= tolerance,
    ).length;
    if (count > agreeing) [anchor, agreeing] = [candidate, count];
  }
  const strengths = measures
    .map((measure) =>
      Math.abs(measure.dx - anchor.dx) <= tolerance && Math.abs(measure.dy - anchor.dy) <= tolerance
        ? measure.strength
        : 0,
    )
    .sort((first, second) => first - second);
  return { strength: strengths[Math.floor(strengths.length / 2)]!, dx: anchor.dx, dy: anchor.dy };
}

function stepShare(frame: GrayFrame, phase: number): { hits: number; segments: number } {
  const { width, height, pixels } = frame;
  const at = (x: number, y: number) => pixels[y * width + x]!;
  let hits = 0;
  let segments = 0;
  const visible = (step: number, inner: number) => step >= 2 && step > 2 * inner + 1;
  for (let x0 = BLOCK + phase; x0 < width - 2; x0 += BLOCK) {
    for (let y0 = 0; y0 + BLOCK <= height; y0 += BLOCK) {
      let step = 0;
      let inner = 0;
      for (let y = y0; y < y0 + BLOCK; y++) {
        step += Math.abs(at(x0, y) - at(x0 - 1, y));
        inner += (Math.abs(at(x0 - 1, y) - at(x0 - 2, y)) + Math.abs(at(x0 + 1, y) - at(x0, y))) / 2;
      }
      segments++;
      if (visible(step / BLOCK, inner / BLOCK)) hits++;
    }
  }
  for (let y0 = BLOCK + phase; y0 < height - 2; y0 += BLOCK) {
    for (let x0 = 0; x0 + BLOCK <= width; x0 += BLOCK) {
      let step = 0;
      let inner = 0;
      for (let x = x0; x < x0 + BLOCK; x++) {
        step += Math.abs(at(x, y0) - at(x, y0 - 1));
        inner += (Math.abs(at(x, y0 - 1) - at(x, y0 - 2)) + Math.abs(at(x, y0 + 1) - at(x, y0))) / 2;
      }
      segments++;
      if (visible(step / BLOCK, inner / BLOCK)) hits++;
    }
  }
  return { hits, segments };
}

/** Share of block-boundary segments with a visible step, beyond the busiest off-grid phase (0 = no blocks). */
export function blockExcess(frame: GrayFrame): number {
  const share = (phase: number) => {
    const { hits, segments } = stepShare(frame, phase);
    return segments === 0 ? 0 : hits / segments;
  };
  const onGrid = share(0);
  let offGrid = 0;
  for (let phase = 1; phase < BLOCK; phase++) offGrid = Math.max(offGrid, share(phase));
  return Math.max(0, onGrid - offGrid);
}
