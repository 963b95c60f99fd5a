import { describe, expect, it } from "vitest";
import type { QualityCheck } from "../../src/domain.js";
import {
  BINS,
  characterPalette,
  histogramIntersection,
  paletteCoverage,
  softHistogram,
} from "../../src/media/colour-match.js";
import {
  clarityScore,
  coveredSeconds,
  parseBlackIntervals,
  parseBlurMean,
  parseFreezeIntervals,
  summarize,
} from "../../src/media/quality.js";

const FREEZE_STDERR = `
[Parsed_freezedetect_1 @ 0x55d] lavfi.freezedetect.freeze_start: 1.04167
[Parsed_freezedetect_1 @ 0x55d] lavfi.freezedetect.freeze_duration: 1.25
[Parsed_freezedetect_1 @ 0x55d] lavfi.freezedetect.freeze_end: 2.29167
frame=   72 fps=0.0 q=-0.0 size=N/A time=00:00:03.00 bitrate=N/A speed=16x
[Parsed_freezedetect_1 @ 0x55d] lavfi.freezedetect.freeze_start: 4.5
`;
const BLACK_STDERR = `
[blackdetect @ 0x5626] black_start:0 black_end:0.958333 black_duration:0.958333
[blackdetect @ 0x5626] black_start:3.2 black_end:3.6 black_duration:0.4
`;

describe("detection parsers", () => {
  it("reads freeze intervals and closes one still open at the end", () => {
    expect(parseFreezeIntervals(FREEZE_STDERR, 5)).toEqual([
      { start: 1.04167, end: 2.29167 },
      { start: 4.5, end: 5 },
    ]);
    expect(parseFreezeIntervals("nothing here", 5)).toEqual([]);
  });

  it("reads black intervals", () => {
    expect(parseBlackIntervals(BLACK_STDERR)).toEqual([
      { start: 0, end: 0.958333 },
      { start: 3.2, end: 3.6 },
    ]);
  });

  it("counts overlapping frozen and black time once", () => {
    expect(
      coveredSeconds(
        [
          { start: 0, end: 2 },
          { start: 1, end: 3 },
          { start: 4, end: 9 },
        ],
        5,
      ),
    ).toBeCloseTo(4);
    expect(coveredSeconds([], 5)).toBe(0);
  });

  it("reads blurdetect's mean and maps it to a clarity score", () => {
    expect(parseBlurMean("[Parsed_blurdetect_1 @ 0x56] blur mean: 5.8406924")).toBeCloseTo(5.8406924);
    expect(parseBlurMean("no summary")).toBeNull();
    expect(clarityScore(5)).toBe(1);
    expect(clarityScore(12)).toBeCloseTo(0.5);
    expect(clarityScore(25)).toBe(0);
  });
});

function image(pixels: Array<[number, number, number]>, repeat: number): Uint8Array {
  return Uint8Array.from(pixels.flatMap((pixel) => Array.from({ length: repeat }, () => pixel)).flat());
}

describe("colour matching", () => {
  it("builds normalised soft histograms that tolerate small colour shifts", () => {
    const histogram = softHistogram(image([[200, 40, 40]], 100));
    expect(histogram).toHaveLength(BINS);
    expect(histogram.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1);
    const shifted = softHistogram(image([[203, 37, 42]], 100));
    expect(histogramIntersection(histogram, shifted)).toBeGreaterThan(0.85);
  });

  it("takes a character's palette from the non-grey pixels of its reference", () => {
    const reference = image(
      [
        [128, 128, 128],
        [192, 48, 48],
        [32, 64, 160],
      ],
      50,
    );
    const palette = characterPalette(reference);
    const grey = softHistogram(image([[128, 128, 128]], 10));
    expect(histogramIntersection(palette, grey)).toBe(0);
    const sameCharacter = softHistogram(
      image(
        [
          [80, 170, 80],
          [192, 48, 48],
          [32, 64, 160],
        ],
        300,
      ),
    );
    const otherCharacter = softHistogram(
      image(
        [
          [80, 170, 80],
          [32, 160, 96],
          [80, 80, 80],
        ],
        300,
      ),
    );
    expect(paletteCoverage(palette, sameCharacter)).toBeGreaterThan(0.95);
    expect(paletteCoverage(palette, otherCharacter)).toBeLessThan(0.2);
  });
});

function check(type: QualityCheck["type"], score: number, passed: boolean): QualityCheck {
  return { type, score, passed, details: `${type} details`, threshold: 0.7 };
}

describe("summarize", () => {
  it("averages scores equally and passes when every check passes", () => {
    const result = summarize([check("duration", 1, true), check("motion-quality", 0.8, true)], 0.7);
    expect(result).toMatchObject({ passed: true, overallQuality: 0.9, issues: [], suggestions: [] });
  });

  it("lists an issue and a concrete suggestion per failed check", () => {
    const result = summarize(
      [check("duration", 0.5, false), check("motion-quality", 0.2, false), check("resolution", 1, true)],
      0.7,
    );
    expect(result.passed).toBe(false);
    expect(result.overallQuality).toBeCloseTo(0.567, 3);
    expect(result.issues).toHaveLength(2);
    expect(result.issues[0]).toContain("duration");
    expect(result.suggestions[0]).toContain("regenerate at exact duration");
    expect(result.suggestions[1]).toContain("raise motion strength");
  });

  it("fails when the overall quality is below the threshold even if checks pass", () => {
    expect(summarize([check("duration", 0.75, true), check("fps", 0.75, true)], 0.8).passed).toBe(false);
  });

  it("does not pass an empty report", () => {
    expect(summarize([], 0.7)).toMatchObject({ passed: false, overallQuality: 0 });
  });
});
