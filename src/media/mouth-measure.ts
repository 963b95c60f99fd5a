/**
 * Mouth movement measured from a clip the local renderer drew: the renderer paints a speaking character's
 * mouth in one colour (the skin darkened, see media/mouth.ts), so the number of pixels of that colour in a
 * frame is how open the mouth is. Compared with the voice's loudness frame by frame, it says whether the
 * mouth moves with the line. A clip a model made has no such colour to count: its mouth is not measured.
 */
import { decodeRaw } from "./raw-decode.js";

/** The colour the renderer paints a character's mouth with. */
export { mouthColour } from "./mouth.js";

/** How far (per channel, 0..255) a pixel may be from the mouth colour and still count: video coding shifts it. */
const TOLERANCE = 18;

/** Pixels of `colour` (#rrggbb) in each frame of an RGB24 stream of `width`×`height` frames. */
export function countColour(rgb: Buffer, width: number, height: number, colour: string): number[] {
  const red = parseInt(colour.slice(1, 3), 16);
  const green = parseInt(colour.slice(3, 5), 16);
  const blue = parseInt(colour.slice(5, 7), 16);
  const frameBytes = width * height * 3;
  const counts: number[] = [];
  for (let offset = 0; offset + frameBytes <= rgb.length; offset += frameBytes) {
    let count = 0;
    for (let pixel = offset; pixel < offset + frameBytes; pixel += 3) {
      if (
        Math.abs(rgb[pixel]! - red) <= TOLERANCE &&
        Math.abs(rgb[pixel + 1]! - green) <= TOLERANCE &&
        Math.abs(rgb[pixel + 2]! - blue) <= TOLERANCE
      )
        count++;
    }
    counts.push(count);
  }
  return counts;
}

/** Pearson correlation of two equally long series; null when either does not vary. */
export function correlation(left: number[], right: number[]): number | null {
  const length = Math.min(left.length, right.length);
  if (length < 3) return null;
  const mean = (values: number[]) => values.slice(0, length).reduce((sum, value) => sum + value, 0) / length;
  const leftMean = mean(left);
  const rightMean = mean(right);
  let product = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < length; index++) {
    const a = left[index]! - leftMean;
    const b = right[index]! - rightMean;
    product += a * b;
    leftSquares += a * a;
    rightSquares += b * b;
  }
  if (leftSquares === 0 || rightSquares === 0) return null;
  return product / Math.sqrt(leftSquares * rightSquares);
}

/**
 * Pixels of the mouth colour in every frame of a clip, decoded at its own size and rate; null when the clip
 * cannot be decoded.
 */
export async function mouthAreaPerFrame(
  videoPath: string,
  size: { width: number; height: number },
  colour: string,
  timeoutMs: number,
): Promise<number[] | null> {
  const rgb = await decodeRgb(videoPath, timeoutMs).catch(() => null);
  return rgb === null ? null : countColour(rgb, size.width, size.height, colour);
}

function decodeRgb(path: string, timeoutMs: number): Promise<Buffer> {
  return decodeRaw(path, ["-an", "-f", "rawvideo", "-pix_fmt", "rgb24"], timeoutMs);
}
