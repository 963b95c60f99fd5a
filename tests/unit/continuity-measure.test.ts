/**
 * The continuity measure on frames made here: a picture that carried on moving across the cut is found where
 * it moved to, so a continuing pan scores as continuous; a regrade fails on the colour's jump alone.
 */
import { describe, expect, it } from "vitest";
import { alignFrames, COLOUR_JUMP_LEVELS, CONTINUITY_THRESHOLD, matchFrames } from "../../src/media/continuity.js";

const WIDTH = 160;
const HEIGHT = 90;

/** A textured picture (smooth blobs, as a photograph has), RGB24, seen through a window at `offsetX`. */
function picture(offsetX: number, grade: (rgb: [number, number, number]) => [number, number, number] = (rgb) => rgb) {
  const frame = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const u = x + offsetX;
      const base: [number, number, number] = [
        128 + 90 * Math.sin(u / 9) * Math.cos(y / 13),
        128 + 80 * Math.sin(u / 17 + y / 11),
        128 + 70 * Math.cos(u / 7 - y / 19),
      ];
      const [red, green, blue] = grade(base);
      frame.set(
        [red, green, blue].map((value) => Math.max(0, Math.min(255, Math.round(value)))),
        (y * WIDTH + x) * 3,
      );
    }
  }
  return frame;
}

describe("continuity across a cut", () => {
  it("finds a picture that moved on by a few pixels, and scores the continuing move as continuous", () => {
    const aligned = alignFrames(picture(0), picture(5), WIDTH, HEIGHT);
    expect(aligned.shift).toEqual({ dx: -5, dy: 0 });
    expect(aligned.difference).toBeLessThan(0.5);
    expect(matchFrames(picture(0), picture(5)).score).toBeGreaterThan(0.95);
  });

  it("scores an identical frame 1 and a different picture under the threshold", () => {
    expect(matchFrames(picture(0), picture(0)).score).toBeCloseTo(1, 6);
    expect(matchFrames(picture(0), picture(400)).score).toBeLessThan(CONTINUITY_THRESHOLD);
  });

  it("measures a regrade as a colour jump", () => {
    const cooler = picture(0, ([red, green, blue]) => [red - 20, green, blue + 20]);
    const match = matchFrames(picture(0), cooler);
    expect(match.shift).toEqual({ dx: 0, dy: 0 });
    expect(match.colourShift).toBeGreaterThan(COLOUR_JUMP_LEVELS);
    expect(matchFrames(picture(0), picture(3)).colourShift).toBeLessThan(1);
  });
});
