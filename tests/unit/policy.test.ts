import { describe, expect, it } from "vitest";
import type { QualityCheck, VideoQualityResult } from "../../src/domain.js";
import {
  adjustFromFeedback,
  chooseMethod,
  chooseSpecialists,
  gradeTake,
  measureRelevance,
} from "../../src/departments/video/policy.js";
import { understandRequest } from "../../src/departments/video/understand.js";

function check(type: QualityCheck["type"], score: number): QualityCheck {
  return { type, score, passed: score >= 0.7, details: `${type} measured ${score}`, threshold: 0.7 };
}

function result(checks: QualityCheck[]): VideoQualityResult {
  const overall = checks.reduce((sum, item) => sum + item.score, 0) / checks.length;
  return {
    passed: checks.every((item) => item.passed) && overall >= 0.7,
    overallQuality: overall,
    checks,
    issues: [],
    suggestions: [],
  };
}

describe("method choice", () => {
  const base = {
    characterCount: 1,
    characterReferences: 1,
    hasLocationReference: true,
    continueFrom: null,
    failedChecks: [],
  };
  it("animates a composite when every character and the location have references", () => {
    expect(chooseMethod(base).method).toBe("composite-to-video");
  });
  it("animates the location image when nobody is in the shot", () => {
    expect(chooseMethod({ ...base, characterCount: 0, characterReferences: 0 }).method).toBe("image-to-video");
  });
  it("continues a previous shot from its last frame", () => {
    expect(chooseMethod({ ...base, continueFrom: "frame.png" }).method).toBe("first-last-frame");
  });
  it("generates from text without a location", () => {
    expect(chooseMethod({ ...base, hasLocationReference: false }).method).toBe("text-to-video");
  });
});

describe("specialist choice", () => {
  it("needs generator and verifier for a plain request", () => {
    expect(chooseSpecialists(understandRequest("generate Sarah walking in the park")).specialists).toEqual([
      "video-generator",
      "quality-verifier",
    ]);
  });
  it("adds the assembler for a look and the audio integrator for lines", () => {
    const brief = understandRequest('generate a cinematic shot of Sarah in the park; she says "What a day"');
    expect(chooseSpecialists(brief).specialists).toEqual([
      "video-generator",
      "scene-assembler",
      "audio-integrator",
      "quality-verifier",
    ]);
  });
});

describe("understanding a request", () => {
  it("finds character, place, action and a camera move", () => {
    expect(understandRequest("generate Sarah walking in the park")).toMatchObject({
      characters: ["Sarah"],
      location: "park",
      action: "walk",
      camera: "tracking",
      durationSeconds: null,
    });
  });
  it("refuses a single clip longer than 7 seconds, naming the field", () => {
    expect(() => understandRequest("a 12 second clip of Sarah running")).toThrowError(/duration 12s/);
  });
  it("refuses empty and wordless messages", () => {
    expect(() => understandRequest("   ")).toThrowError(/message is empty/);
    expect(() => understandRequest("!!! 123 ???")).toThrowError(/no words/);
  });
});

describe("grading", () => {
  it("combines quality, relevance and consistency and applies the bar", () => {
    const good = result([check("duration", 1), check("motion-quality", 0.9), check("character-consistency", 0.8)]);
    const grade = gradeTake(good, 1, 0.7);
    expect(grade.consistency).toBeCloseTo(0.8, 3);
    expect(grade.overall).toBeCloseTo(0.5 * good.overallQuality + 0.2 * 1 + 0.3 * 0.8, 3);
    expect(grade.passed).toBe(true);
  });
  it("fails a take whose checks failed even with a high relevance", () => {
    const bad = result([check("duration", 0.4), check("motion-quality", 0.3)]);
    expect(gradeTake(bad, 1, 0.7).passed).toBe(false);
  });
  it("measures relevance from what was made", () => {
    const full = measureRelevance({
      requestedCharacters: ["Sarah"],
      depictedCharacters: ["Sarah"],
      requestedLocation: "park",
      setInLocation: "park",
      requestedSeconds: 5,
      measuredSeconds: 5,
      asked: { action: true, camera: true },
    });
    const wrong = measureRelevance({
      requestedCharacters: ["Sarah"],
      depictedCharacters: ["Tom"],
      requestedLocation: "park",
      setInLocation: "beach",
      requestedSeconds: 5,
      measuredSeconds: 2.5,
      asked: { action: true, camera: false },
    });
    expect(full).toBe(1);
    expect(wrong).toBeLessThan(0.5);
  });
  it("turns failed checks into concrete changes", () => {
    const next = adjustFromFeedback([check("motion-quality", 0.2), check("visual-clarity", 0.3)], {
      motionStrength: 0.6,
      sharpen: null,
      notes: [],
    });
    expect(next.motionStrength).toBeCloseTo(0.9);
    expect(next.sharpen).toBe(0.5);
    expect(next.notes).toHaveLength(2);
  });
});
