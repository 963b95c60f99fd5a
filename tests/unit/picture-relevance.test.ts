import { describe, expect, it } from "vitest";
import type { Face } from "../../src/media/faces.js";
import { bandScore, judgePicture } from "../../src/media/relevance.js";
import { takeRelevance, type RelevanceFacts } from "../../src/departments/video/policy.js";

const size = { width: 400, height: 300 };
const face = (x: number, height: number): Face => ({
  box: { x, y: 50, width: height * 0.8, height },
  score: 0.9,
  descriptor: new Float32Array(128),
});
const facts: RelevanceFacts = {
  requestedCharacters: ["Sarah", "Tom"],
  depictedCharacters: ["Sarah", "Tom"],
  requestedLocation: "park",
  setInLocation: "park",
  requestedSeconds: 5,
  measuredSeconds: 5,
  asked: { action: true, camera: true },
};

describe("judgePicture", () => {
  it("counts faces against the characters asked, not penalising passers-by", () => {
    const one = judgePicture([[face(10, 40)], [face(12, 40)]], size, { characters: 2, action: null, shotSize: null });
    expect(one.aspects[0]).toMatchObject({ aspect: "people", measured: true, score: 0.5 });
    const crowd = judgePicture([[face(10, 40), face(200, 30), face(300, 20)]], size, {
      characters: 2,
      action: null,
      shotSize: null,
    });
    expect(crowd.score).toBe(1);
  });

  it("judges framing by the main face's share of the height", () => {
    const close = judgePicture([[face(100, 150)]], size, { characters: 0, action: null, shotSize: "close-up" });
    expect(close.score).toBe(1);
    const tiny = judgePicture([[face(100, 12)]], size, { characters: 0, action: null, shotSize: "close-up" });
    expect(tiny.score!).toBeLessThan(0.2);
    expect(bandScore(0.5, [0.1, 0.25])).toBe(0.5);
  });

  it("wants walking to travel and sitting to stay", () => {
    const frames = [[face(20, 40)], [face(120, 40)], [face(220, 40)]];
    const walking = judgePicture(frames, size, { characters: 0, action: "walk", shotSize: null });
    const sitting = judgePicture(frames, size, { characters: 0, action: "sit", shotSize: null });
    expect(walking.score).toBe(1);
    expect(sitting.score!).toBeLessThan(1);
    const still = [[face(100, 40)], [face(101, 40)], [face(100, 40)]];
    expect(judgePicture(still, size, { characters: 0, action: "walk", shotSize: null }).score!).toBeLessThan(0.2);
  });

  it("leaves every aspect not measured when no frame shows a face", () => {
    const result = judgePicture([[], [], []], size, { characters: 1, action: "walk", shotSize: "wide" });
    expect(result.score).toBeNull();
    expect(result.aspects).toHaveLength(3);
    expect(result.aspects.every((aspect) => !aspect.measured)).toBe(true);
  });
});

describe("takeRelevance", () => {
  it("is 'measured' only when the picture was measured, and says the request otherwise", () => {
    const measured = takeRelevance(
      facts,
      judgePicture([[face(10, 40)]], size, { characters: 2, action: null, shotSize: null }),
    );
    expect(measured.basis).toBe("measured");
    expect(measured.relevance).toBeCloseTo(0.7 * 0.5 + 0.3, 3);
    const drawn = takeRelevance(facts, judgePicture([[]], size, { characters: 2, action: null, shotSize: null }));
    expect(drawn.basis).toBe("request");
    expect(drawn.details).toContain("could not be measured");
    expect(takeRelevance(facts, null).basis).toBe("request");
  });
});
