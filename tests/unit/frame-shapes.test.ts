import { describe, expect, it } from "vitest";
import { lookForLocation, profileForCharacter } from "../../src/brain/profiles.js";
import { buildAnimaticSpec, framingFor } from "../../src/media/animatic.js";
import { actionMotion, effectiveStrength, figureSize } from "../../src/media/figure.js";
import { sceneryBoxes } from "../../src/media/scenery.js";
import { clipRequest } from "../helpers/fixtures.js";

const NAMES = ["Sarah", "Tom", "Mia", "Ivan"];

/** The figures' canvases in a spec: every input after the background is one figure, as `s=WxH`. */
function figureSizes(width: number, height: number, count: number, action: "walk" | "stand") {
  const request = clipRequest({
    width,
    height,
    action,
    motionStrength: 0.6,
    characters: NAMES.slice(0, count).map((name) => ({ id: name, name, profile: profileForCharacter(name) })),
  });
  const spec = buildAnimaticSpec(request, "/out/a.mp4");
  const sizes = spec.inputs.slice(1, 1 + count).map((input) => {
    const [, w, h] = /:s=(\d+)x(\d+):/.exec(input.source)!;
    return { width: Number(w), height: Number(h) };
  });
  return { request, sizes };
}

describe("the local renderer at portrait and square frames", () => {
  it("keeps a walking group of four inside a 720x1280 frame", () => {
    const { request, sizes } = figureSizes(720, 1280, 4, "walk");
    const widest = Math.max(...sizes.map((size) => size.width));
    const strength = effectiveStrength(request.motionStrength);
    const travel = actionMotion(
      "walk",
      strength,
      { ...figureSize(request.characters[0]!.profile, 1280) },
      720,
      2.5,
      1,
    ).travel;
    expect(widest * (1 + 0.85 * 3) + travel).toBeLessThanOrEqual(720);
    // Drawn smaller than the frame's height alone would make them, all by the same factor.
    expect(sizes[0]!.height).toBeLessThan(figureSize(request.characters[0]!.profile, 1280).height);
  });

  it("sizes one figure by the frame's height at every shape, as at 16:9", () => {
    for (const [width, height] of [
      [1280, 720],
      [720, 1280],
      [720, 720],
    ] as const) {
      const { request, sizes } = figureSizes(width, height, 1, "stand");
      expect(sizes[0]).toEqual({
        width: figureSize(request.characters[0]!.profile, height).width,
        height: figureSize(request.characters[0]!.profile, height).height,
      });
    }
  });

  it.each(["forest", "street", "beach", "kitchen", "park"])(
    "draws the %s's features with their landscape proportions in a portrait frame",
    (place) => {
      const look = lookForLocation(place);
      const wide = sceneryBoxes(look, 42, framingFor(1280, 720, "static", true));
      const tall = sceneryBoxes(look, 42, framingFor(720, 1280, "static", true));
      expect(tall).toHaveLength(wide.length);
      const features = (boxes: typeof wide, frameWidth: number) =>
        boxes.filter((box) => box.width < frameWidth * 0.9 && box.height > 2);
      const wideFeatures = features(wide, 1280);
      const tallFeatures = features(tall, 720);
      expect(tallFeatures).toHaveLength(wideFeatures.length);
      wideFeatures.forEach((box, index) => {
        const other = tallFeatures[index]!;
        expect(other.width / other.height).toBeCloseTo(box.width / box.height, 1);
      });
    },
  );
});
