import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { planScene } from "../../src/departments/video/planner/deterministic.js";
import { talkingCostUsd } from "../../src/departments/video/planner/cost.js";
import { clipLimits, lengthsThatFit, singleClipLimit } from "../../src/departments/video/planner/lengths.js";
import {
  clipSeconds,
  planProblems,
  repairDurations,
  type ScenePlan,
} from "../../src/departments/video/planner/plan.js";
import { plansAsScene } from "../../src/departments/video/scene-brief.js";
import { understandRequest } from "../../src/departments/video/understand.js";
import type { GenerationMethod } from "../../src/domain.js";
import { validateClipRequest } from "../../src/providers/video/clip-request.js";

const VEO = "fal-ai/veo3.1";
const KLING = "fal-ai/kling-video/v3/standard/text-to-video";
const local = loadConfig({}, "/tmp/project");
const paid = loadConfig({ FAL_KEY: "k" }, "/tmp/project");
const veo = loadConfig({ FAL_KEY: "k", FAL_AI_TEXT_TO_VIDEO: VEO }, "/tmp/project");

function planWith(config: typeof local, text: string): ScenePlan {
  return planScene(text, {
    fps: 24,
    priceFor: () => 0,
    clipLimits: (method: GenerationMethod) => clipLimits(config, method),
  });
}

const clips = (plan: ScenePlan) => plan.shots.map((shot) => Math.round(clipSeconds(plan, shot) * 1e6) / 1e6);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe("clip lengths by model", () => {
  it("reads each model's lengths from the registry and keeps 7 s on the local renderer", () => {
    expect(clipLimits(local, "text-to-video")).toMatchObject({ maxSeconds: 7, minSeconds: 0, lengths: null });
    expect(clipLimits(paid, "text-to-video")).toMatchObject({ maxSeconds: 15, minSeconds: 3, model: KLING });
    expect(clipLimits(veo, "text-to-video")).toMatchObject({ maxSeconds: 8, minSeconds: 4, lengths: [4, 6, 8] });
    expect(singleClipLimit(veo).maxSeconds).toBe(8);
    expect(singleClipLimit(paid).maxSeconds).toBe(15);
  });

  it("plans a local scene in clips of at most 7 s, as before", () => {
    const plan = planWith(local, "a 30 second scene of the sea at dawn");
    expect(planProblems(plan)).toEqual([]);
    expect(Math.max(...clips(plan))).toBeLessThanOrEqual(7);
  });

  it("plans shots on the lengths a list model renders, so nothing is paid for and trimmed", () => {
    const plan = planWith(veo, "a 14 second scene of the sea at dawn");
    expect(planProblems(plan, (method) => clipLimits(veo, method))).toEqual([]);
    for (const length of clips(plan)) expect([4, 6, 8]).toContain(length);
    expect(sum(plan.shots.map((shot) => shot.duration))).toBeCloseTo(14, 6);
  });

  it("plans whole seconds of at least the minimum on a range model", () => {
    const plan = planWith(paid, "a 20 second scene of the sea at dawn");
    for (const length of clips(plan)) {
      expect(Number.isInteger(length)).toBe(true);
      expect(length).toBeGreaterThanOrEqual(3);
      expect(length).toBeLessThanOrEqual(15);
    }
  });

  it("replans a length the model does not render: more shots for a model of shorter clips", () => {
    // 60 s fits 10 clips of 7 s locally, and needs at least 8 clips of Veo's 8 s.
    const plan = planWith(veo, "a 60 second scene of the sea at dawn");
    expect(plan.shots.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...clips(plan))).toBeLessThanOrEqual(8);
    expect(() => planWith(veo, "a 90 second scene of the sea")).toThrowError(/at most 80 s .*fal-ai\/veo3\.1/);
  });

  it("finds a plan's clips too long for its model and repairs them within the model's lengths", () => {
    const plan = planWith(paid, "a 20 second scene of the sea at dawn");
    const long: ScenePlan = {
      ...plan,
      shots: plan.shots.map((shot, index) => ({ ...shot, duration: index === 0 ? 10 : shot.duration })),
    };
    const limitsOf = (method: GenerationMethod) => clipLimits(veo, method);
    expect(planProblems(long, limitsOf).join()).toMatch(/renders at most 8 s/);
    const repaired = repairDurations(long, limitsOf);
    expect(repaired).not.toBeNull();
    expect(planProblems(repaired!, limitsOf)).toEqual([]);
  });

  it("picks lengths that add up, or none", () => {
    expect(
      lengthsThatFit(
        [6, 4, 4],
        [0, 0, 0],
        [
          [4, 6, 8],
          [4, 6, 8],
          [4, 6, 8],
        ],
        14,
      ),
    ).toEqual([6, 4, 4]);
    expect(
      lengthsThatFit(
        [5, 5],
        [0, 0],
        [
          [4, 6, 8],
          [4, 6, 8],
        ],
        15,
      ),
    ).toBeNull();
    expect(lengthsThatFit([5, 5], [0, 0], [null, [4, 6, 8]], 10)).toBeNull();
    // A tail handle of a dissolve is part of the clip the model renders.
    expect(lengthsThatFit([5, 5], [1, 0], [[6], [4, 5]], 10)).toEqual([6, 5]);
    expect(lengthsThatFit([5, 5], [0.5, 0], [[6], [4, 5]], 10)).toBeNull();
  });
});

describe("one clip longer than its model renders", () => {
  const text = "a vertical 15 second video of Sarah saying 'hi there' in the park";

  it("is planned as shots on the local renderer and stays one clip on a model of 15 s", () => {
    expect(plansAsScene(text, local)).toBe(true);
    expect(plansAsScene(text, paid)).toBe(false);
    expect(plansAsScene("a 6 second video of Sarah in the park", local)).toBe(false);
    expect(understandRequest(text, singleClipLimit(paid)).durationSeconds).toBe(15);
  });

  it("is refused with the model's limit when it must stay one clip", () => {
    expect(() => understandRequest(text, singleClipLimit(veo))).toThrowError(
      /at most 8 s \(fal-ai\/veo3\.1\); ask for a scene/,
    );
  });

  it("is checked against the clip's model before anything is made", async () => {
    const request = {
      method: "text-to-video" as const,
      prompt: "the sea",
      durationSeconds: 12,
      width: 1280,
      height: 720,
      fps: 24,
      seed: 1,
      motionStrength: 0.5,
      negativePrompt: null,
      characters: [],
      location: null,
      sourceImage: null,
      firstFrame: null,
      lastFrame: null,
      compositeImage: null,
      camera: "static" as const,
      action: "stand" as const,
      caption: null,
    };
    await expect(validateClipRequest({ ...request, model: KLING })).resolves.toBeUndefined();
    await expect(validateClipRequest({ ...request, model: VEO })).rejects.toThrowError(/at most 8 seconds .*veo3\.1/);
    await expect(validateClipRequest({ ...request, model: null })).rejects.toThrowError(/at most 7 seconds/);
    // A request that names no model is held to the one that renders it: the method's configured model.
    await expect(validateClipRequest({ ...request, model: null }, KLING)).resolves.toBeUndefined();
  });
});

describe("a talking shot's price", () => {
  it("adds the lip-sync pass a FAL model that does not take the voice gets, and nothing locally or in silence", () => {
    // sync-lipsync v2: $3 a minute of the clip.
    expect(talkingCostUsd(paid, "text-to-video", 6, true)).toBeCloseTo(0.3, 6);
    expect(talkingCostUsd(paid, "text-to-video", 6, false)).toBe(0);
    expect(talkingCostUsd(local, "text-to-video", 6, true)).toBe(0);
  });
});
