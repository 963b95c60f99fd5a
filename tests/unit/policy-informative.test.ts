/**
 * A take is graded only on checks that say something about it, and a retry asks the model for visible
 * things: never an id, a file name, a hex colour or a score.
 */
import { describe, expect, it } from "vitest";
import type { QualityCheck, VideoQualityResult } from "../../src/domain.js";
import { adjustFromFeedback, gradeTake, informativeVerification } from "../../src/departments/video/policy.js";

function check(type: QualityCheck["type"], score: number, extra: Partial<QualityCheck> = {}): QualityCheck {
  return {
    type,
    score,
    passed: score >= 0.7,
    details: `share 0.095 of master-med_ab12.png (#f39c12)`,
    threshold: 0.7,
    ...extra,
  };
}

function result(checks: QualityCheck[]): VideoQualityResult {
  const overallQuality = checks.reduce((sum, item) => sum + item.score, 0) / checks.length;
  return {
    passed: checks.every((item) => item.passed) && overallQuality >= 0.7,
    overallQuality,
    checks,
    issues: checks.filter((item) => !item.passed).map((item) => `${item.type} scored ${item.score}`),
    suggestions: [],
  };
}

describe("informative checks", () => {
  const checks = [check("duration", 1), check("motion-quality", 0.9), check("character-consistency", 0.1)];

  it("leaves a consistency check against a drawing out of the verdict and the grade, and says why", () => {
    const verification = result(checks);
    expect(gradeTake(verification, 1, 0.7).passed).toBe(false);
    const why = "Sarah: the only references are local drawings";
    const graded = informativeVerification(verification, [{ type: "character-consistency", why }], 0.7);
    expect(graded.passed).toBe(true);
    expect(graded.overallQuality).toBe(0.95);
    expect(graded.issues).toEqual([]);
    expect(graded.ignored).toEqual([{ type: "character-consistency", why }]);
    expect(graded.checks).toHaveLength(3);
    const grade = gradeTake(graded, 1, 0.7);
    expect(grade.passed).toBe(true);
    expect(grade.consistency).toBe(0.95);
  });

  it("treats a check that was not measured as saying nothing", () => {
    const graded = informativeVerification(
      result([
        check("duration", 1),
        check("visual-clarity", 0, { measured: false, details: "blurdetect gave nothing" }),
      ]),
      [],
      0.7,
    );
    expect(graded.passed).toBe(true);
    expect(graded.ignored).toEqual([{ type: "visual-clarity", why: "not measured (blurdetect gave nothing)" }]);
  });

  it("changes nothing when every check is informative", () => {
    const verification = result(checks);
    expect(informativeVerification(verification, [], 0.7)).toBe(verification);
  });
});

describe("corrections a model can use", () => {
  it("asks for visible things, never ids, files, hex colours or scores", () => {
    const failed = [
      check("character-consistency", 0.1),
      check("location-consistency", 0),
      check("motion-quality", 0.2),
      check("visual-clarity", 0.3),
      check("duration", 0.1),
      check("continuity", 0.2),
    ];
    const next = adjustFromFeedback(
      failed,
      { motionStrength: 0.6, sharpen: null, notes: [] },
      {
        characters: ["Ivan"],
        location: "town square",
      },
    );
    expect(next.corrections).toEqual([
      "keep Ivan looking exactly as described (same face, hair and clothes) and fully in frame",
      "keep the town square clearly recognisable behind them throughout",
      "continuous natural motion through the whole clip, no frozen, repeated or black frames",
      "sharp focus and clean fine detail, no blur or blocky compression",
      "steady camera, no sudden jumps",
    ]);
    for (const correction of next.corrections!) {
      expect(correction).not.toMatch(/med_|\.png|#[0-9a-f]{3,6}|\d/i);
    }
    // The report's notes keep the measurements.
    expect(next.notes.join(" ")).toMatch(/0\.095/);
  });
});
