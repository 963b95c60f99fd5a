import { describe, expect, it } from "vitest";
import { frameFor, shapeInRequest } from "../../src/departments/video/reading/index.js";

describe("shapeInRequest", () => {
  it.each([
    ["generate Sarah waving on the beach, vertical for TikTok", "9:16"],
    ["Sarah waving on the beach for TikTok", "9:16"],
    ["a 9:16 clip of Tom running", "9:16"],
    ["Tom running, 9x16", "9:16"],
    ["make it vertical", "9:16"],
    ["a vertical video of Sarah dancing", "9:16"],
    ["Sarah dancing in portrait mode", "9:16"],
    ["Tom cooking, for Instagram Reels", "9:16"],
    ["Tom cooking for YouTube Shorts", "9:16"],
    ["make a TikTok of Sarah dancing", "9:16"],
    ["a reel of Tom cooking pasta", "9:16"],
    ["a TikTok video of Sarah", "9:16"],
    ["Sarah laughing, for her stories", null],
    ["Sarah laughing, for Instagram stories", "9:16"],
    ["a vertical 15 second video of Sarah saying 'hi there' in the park", "9:16"],
    ["a vertical, 10-second clip of Tom", "9:16"],
    ["a square short clip of Tom reading", "1:1"],
    ["a vertical cliff in a video about climbing", null],
    ["a square video of Tom reading", "1:1"],
    ["Tom reading, 1:1", "1:1"],
    ["Tom reading in square format", "1:1"],
    ["Tom reading, make it square.", "1:1"],
    ["a 16:9 shot of the harbour", "16:9"],
    ["a widescreen shot of the harbour", "16:9"],
    ["Sarah walks by the lake in landscape format", "16:9"],
  ])("%s → %s", (text, expected) => {
    expect(shapeInRequest(text)?.aspectRatio ?? null).toBe(expected);
  });

  it.each([
    "Sarah walks across a square in Paris",
    "Tom dances in Times Square",
    "Sarah sits in the town square at dusk",
    "a portrait of Sarah smiling",
    "Tom climbs a vertical cliff",
    "a landscape shot of the hills at dawn",
    "Sarah paints a landscape",
    "Tom reads the square root of 16 aloud",
    'Sarah says "make it vertical" to Tom',
    "Tom sits at 16:90 Main Street",
    "a short clip of Tom waving",
    "Sarah reels in a fish at the lake",
  ])("reads no shape in %s", (text) => {
    expect(shapeInRequest(text)).toBeNull();
  });

  it("gives the words it read and the earliest ask wins", () => {
    expect(shapeInRequest("vertical for TikTok, Sarah waving")).toEqual({ aspectRatio: "9:16", said: "vertical" });
    expect(shapeInRequest("a square video, later cut as 16:9")?.aspectRatio).toBe("1:1");
  });
});

describe("frameFor", () => {
  it("keeps the configured short side, with even sides", () => {
    expect(frameFor("9:16", { width: 1280, height: 720 })).toEqual({ width: 720, height: 1280 });
    expect(frameFor("1:1", { width: 1280, height: 720 })).toEqual({ width: 720, height: 720 });
    expect(frameFor("16:9", { width: 1280, height: 720 })).toEqual({ width: 1280, height: 720 });
    expect(frameFor("16:9", { width: 720, height: 1280 })).toEqual({ width: 1280, height: 720 });
    expect(frameFor("9:16", { width: 854, height: 480 })).toEqual({ width: 480, height: 854 });
    expect(frameFor("9:16", { width: 1920, height: 1080 })).toEqual({ width: 1080, height: 1920 });
  });
});
