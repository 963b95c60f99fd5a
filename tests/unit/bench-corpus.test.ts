import { describe, expect, it } from "vitest";
import { CLIP_ID_PATTERN, CORPUS, CUTS, cutRecipe, PHOTOS } from "../../bench/corpus/manifest.js";
import { clipArgs, parseIntegratedLufs, videoFilterGraph } from "../../bench/corpus/recipes.js";
import { outcomesOf, summarise, type ClipOutcome } from "../../bench/corpus/score.js";
import { QUALITY_CHECK_TYPES, type QualityCheck } from "../../src/domain.js";

const checkTypes: readonly string[] = QUALITY_CHECK_TYPES;

describe("the verifier corpus manifest", () => {
  const good = CORPUS.filter((clip) => clip.label === "good");
  const defects = CORPUS.filter((clip) => clip.label !== "good");

  it("has unique ids that are safe file names", () => {
    const ids = CORPUS.map((clip) => clip.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(CLIP_ID_PATTERN);
  });

  it("names, for every defect, a check the verifier has, and none for a good clip", () => {
    for (const clip of defects) {
      expect(clip.expectedCheck, clip.id).not.toBeNull();
      expect(checkTypes, clip.id).toContain(clip.expectedCheck);
      for (const tolerated of clip.tolerated) expect(checkTypes, clip.id).toContain(tolerated);
      expect(clip.tolerated, clip.id).not.toContain(clip.expectedCheck);
    }
    for (const clip of good) {
      expect(clip.expectedCheck, clip.id).toBeNull();
      expect(clip.tolerated, clip.id).toEqual([]);
    }
  });

  it("is big and varied enough to calibrate on", () => {
    expect(good.length).toBeGreaterThanOrEqual(10);
    expect(defects.length).toBeGreaterThanOrEqual(15);
    const photos = new Set(CORPUS.flatMap((clip) => clip.recipe.shots.map((shot) => shot.photo)));
    expect(photos.size).toBeGreaterThanOrEqual(3);
  });

  it("draws shots and references only from the fetched photos", () => {
    const known: readonly string[] = PHOTOS;
    for (const clip of CORPUS) {
      const used = [
        ...clip.recipe.shots.map((shot) => shot.photo),
        ...clip.params.characterReferences,
        ...clip.params.locationReferences,
      ];
      for (const photo of used) expect(known, clip.id).toContain(photo);
    }
  });

  it("asks for what a good clip is made as, so only a defect differs from its request", () => {
    for (const clip of good) {
      const seconds = clip.recipe.shots.reduce((total, shot) => total + shot.seconds, 0);
      expect(clip.params.expectedDurationSeconds, clip.id).toBe(seconds);
      expect([clip.params.expectedWidth, clip.params.expectedHeight, clip.params.expectedFps], clip.id).toEqual([
        clip.recipe.width,
        clip.recipe.height,
        clip.recipe.fps,
      ]);
    }
  });
});

describe("the continuing cuts of the corpus", () => {
  const good = CUTS.filter((cut) => cut.label === "good");
  const defects = CUTS.filter((cut) => cut.label !== "good");

  it("has ids that are safe file names, apart from the clips'", () => {
    const ids = [...CORPUS.map((clip) => clip.id), ...CUTS.map((cut) => cut.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const cut of CUTS) expect(cut.id).toMatch(CLIP_ID_PATTERN);
  });

  it("continues one take in a good cut, and plants a continuity defect in every other", () => {
    for (const cut of good) {
      expect(cut.expectedCheck, cut.id).toBeNull();
      expect(cut.after, cut.id).toEqual(cut.before);
    }
    for (const cut of defects) {
      expect(cut.expectedCheck, cut.id).toBe("continuity");
      expect(cut.after, cut.id).not.toEqual(cut.before);
    }
    expect(good.length).toBeGreaterThanOrEqual(6);
    expect(defects.length).toBeGreaterThanOrEqual(5);
  });

  it("films only the fetched photos, silently, at the corpus frame", () => {
    const known: readonly string[] = PHOTOS;
    for (const cut of CUTS) {
      for (const side of [cut.before, cut.after]) {
        const recipe = cutRecipe(side);
        expect(recipe.audio, cut.id).toBeNull();
        for (const shot of recipe.shots) expect(known, cut.id).toContain(shot.photo);
        expect(clipArgs(recipe, ["/photos/x.png"], null, "/out/take.mp4")).toContain("-an");
      }
    }
  });
});

describe("the corpus recipes", () => {
  it("freezes with a second copy of the stream and passes paths as separate arguments", () => {
    const clip = CORPUS.find((candidate) => candidate.recipe.defect?.kind === "freeze")!;
    expect(videoFilterGraph(clip.recipe)).toContain("freezeframes=first=");
    const args = clipArgs(clip.recipe, ["/photos/a b.png"], null, "/out/clip.mp4");
    expect(args).toContain("/photos/a b.png");
    expect(args).toContain("-an");
    expect(args.at(-1)).toBe("/out/clip.mp4");
  });

  it("reads the integrated loudness from ebur128's summary", () => {
    const summary = "  Integrated loudness:\n    I:         -23.4 LUFS\n    Threshold: -33.5 LUFS\n";
    expect(parseIntegratedLufs(summary)).toBe(-23.4);
    expect(parseIntegratedLufs("    I:          -inf LUFS")).toBeNull();
  });
});

describe("scoring the verifier", () => {
  const check = (type: QualityCheck["type"], passed: boolean, measured = true): QualityCheck => ({
    type,
    score: passed ? 1 : 0,
    passed,
    details: "",
    threshold: 0.7,
    measured,
  });
  const clip = (id: string, expectedCheck: ClipOutcome["expectedCheck"], checks: QualityCheck[]): ClipOutcome => ({
    id,
    label: expectedCheck === null ? "good" : "defect",
    expectedCheck,
    tolerated: [],
    outcomes: outcomesOf(checks),
    error: null,
  });

  it("counts catches, misses, false alarms and unmeasured checks apart", () => {
    const summary = summarise([
      clip("black", "motion-quality", [check("motion-quality", false)]),
      clip("freeze", "motion-quality", [check("motion-quality", true)]),
      clip("flicker", "motion-quality", [check("motion-quality", false, false)]),
      clip("good", null, [check("motion-quality", false), check("audio", true)]),
      clip("blur", "visual-clarity", [check("visual-clarity", false), check("motion-quality", false)]),
    ]);
    const motion = summary.rows.find((row) => row.check === "motion-quality")!;
    expect(motion).toMatchObject({
      defects: 3,
      caught: 1,
      missed: 1,
      notMeasuredDefects: 1,
      falseAlarmsGood: 1,
      falseAlarmsOtherDefects: 1,
    });
    expect(motion.precision).toBeCloseTo(1 / 3);
    expect(summary.caughtByNamedCheck).toBe(2);
    expect(summary.goodFlagged).toBe(1);
    expect(summary.targetsMet).toBe(false);
  });
});
