import { describe, expect, it } from "vitest";
import { lookForLocation } from "../../src/brain/profiles.js";
import { framingFor } from "../../src/media/animatic.js";
import { sceneryBoxes } from "../../src/media/scenery.js";

describe("scenery layout", () => {
  const framing = framingFor(320, 180, "static", false);
  const seeds = Array.from({ length: 60 }, (_, index) => (index * 2_654_435_761) % 2 ** 31);

  it.each(["park", "street", "city", "forest", "beach", "kitchen", "nowhere", null])(
    "every frame of %s holds features a moving camera can be seen to pass, whatever the seed",
    (place) => {
      const look = place === null ? null : lookForLocation(place);
      for (const seed of seeds) {
        const features = sceneryBoxes(look, seed, framing).filter(
          (box) =>
            box.width < framing.frameWidth * 0.5 &&
            box.x + box.width > framing.frameX &&
            box.x < framing.frameX + framing.frameWidth,
        );
        // Each third of the frame has something with edges in it.
        for (let third = 0; third < 3; third++) {
          const from = framing.frameX + (third * framing.frameWidth) / 3;
          const to = from + framing.frameWidth / 3;
          expect(
            features.some((box) => box.x < to && box.x + box.width > from),
            `${place} seed ${seed} third ${third}`,
          ).toBe(true);
        }
      }
    },
  );
});
