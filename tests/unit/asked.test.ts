import { describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { askedMethod, asksForOneClip, takeBar, withAsked, type AskedTake } from "../../src/departments/video/asked.js";
import { understandRequest } from "../../src/departments/video/understand.js";

const asked = (fields: Partial<AskedTake> = {}): AskedTake => ({
  method: null,
  images: {},
  durationSeconds: null,
  characters: [],
  location: null,
  quality: "standard",
  ...fields,
});
const config = { qualityThreshold: 0.7, maxAttempts: 2 };

describe("what a caller fixed", () => {
  it("sets the bar and the number of takes by quality level", () => {
    expect(takeBar(null, config)).toEqual({ threshold: 0.7, maxAttempts: 2 });
    expect(takeBar(asked({ quality: "draft" }), config)).toEqual({ threshold: 0.7, maxAttempts: 1 });
    expect(takeBar(asked({ quality: "high" }), config)).toEqual({ threshold: 0.8, maxAttempts: 3 });
    expect(takeBar(asked({ quality: "high" }), { qualityThreshold: 0.85, maxAttempts: 5 })).toEqual({
      threshold: 0.85,
      maxAttempts: 5,
    });
  });

  it("puts fixed references and length over what the words say", () => {
    const brief = withAsked(
      understandRequest("generate Tom running in the street"),
      asked({ characters: ["Sarah"], location: "beach", durationSeconds: 4 }),
    );
    expect(brief).toMatchObject({ characters: ["Sarah", "Tom"], location: "beach", durationSeconds: 4 });
    expect(withAsked(understandRequest("generate Tom running"), null).characters).toEqual(["Tom"]);
  });

  it("makes one clip only when the method, an image or the length is fixed", () => {
    expect(asksForOneClip(null)).toBe(false);
    expect(asksForOneClip(asked({ characters: ["Sarah"] }))).toBe(false);
    expect(asksForOneClip(asked({ durationSeconds: 3 }))).toBe(true);
    expect(asksForOneClip(asked({ images: { sourceImage: "med_1" } }))).toBe(true);
  });

  it("keeps the caller's method, and refuses one with nothing to start from", () => {
    expect(askedMethod(asked(), true)).toBeNull();
    expect(askedMethod(asked({ method: "image-to-video" }), true)).toEqual({
      method: "image-to-video",
      reason: "asked for by the caller",
    });
    try {
      askedMethod(asked({ method: "composite-to-video" }), false);
      expect.unreachable();
    } catch (error) {
      expect(isCutroomError(error, "INVALID_INPUT")).toBe(true);
      expect((error as { field: string }).field).toBe("input.compositeImage");
    }
  });
});
