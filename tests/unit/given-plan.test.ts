import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { checkGivenPlan, givenPlanEstimateUsd } from "../../src/departments/video/given-plan.js";
import { planScene } from "../../src/departments/video/planner/deterministic.js";
import { clipLimits } from "../../src/departments/video/planner/lengths.js";
import type { ScenePlan } from "../../src/departments/video/planner/plan.js";
import type { GenerationMethod } from "../../src/domain.js";
import { isCutroomError } from "../../src/errors.js";

// The page's own editor (plain browser JS, untyped), run here as the browser runs it: it touches no page
// element until it draws.
const EDITOR: string = "../../src/server/web/plan-editor.js";
const { editedPlan } = (await import(EDITOR)) as {
  editedPlan: (plan: ScenePlan, order: number[], lengths: number[], lines: string[]) => ScenePlan;
};

const local = loadConfig({}, "/tmp/project");
const veo = loadConfig({ FAL_KEY: "k", FAL_AI_TEXT_TO_VIDEO: "fal-ai/veo3.1" }, "/tmp/project");
const paid = loadConfig({ FAL_KEY: "k" }, "/tmp/project");

function planOf(text: string): ScenePlan {
  return planScene(text, {
    fps: 24,
    priceFor: () => 0,
    clipLimits: (method: GenerationMethod) => clipLimits(local, method),
  });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isCutroomError(error, "INVALID_INPUT") && error.field === "plan") return error.message;
    throw error;
  }
  throw new Error("the plan was accepted");
}

describe("a plan edited before it runs", () => {
  const plan = planOf("a 15 second video of Sarah walking in the park");

  it("is followed when its lengths and order keep the scene's rules", () => {
    expect(plan.shots).toHaveLength(3);
    const edited = editedPlan(plan, [1, 3, 2], [3, 7, 5], []);
    expect(checkGivenPlan(local, edited)).toEqual(edited);
    expect(edited.shots.map((shot) => [shot.index, shot.start, shot.duration])).toEqual([
      [1, 0, 3],
      [2, 3, 7],
      [3, 10, 5],
    ]);
    expect(edited.totalDuration).toBe(15);
    // Only a shot whose clip still comes right before it continues it.
    for (const shot of edited.shots) expect([null, shot.index - 1]).toContain(shot.continuesFrom);
    expect(edited.transitions.map((transition) => [transition.fromShot, transition.toShot])).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });

  it("is refused, naming the rule, when a shot is longer than its model renders", () => {
    const edited = editedPlan(plan, [1, 2, 3], [9, 3, 3], []);
    expect(refusal(() => checkGivenPlan(local, edited))).toMatch(/shot 1 needs a 9\.00 s clip; .* renders at most 7 s/);
    // The same lengths on a model that renders 8 s are still refused for the 9 s shot only.
    expect(refusal(() => checkGivenPlan(veo, edited))).toMatch(/shot 1 needs a 9\.00 s clip/);
  });

  it("is refused when its shape is not a plan's, or its shots and length disagree", () => {
    expect(refusal(() => checkGivenPlan(local, { shots: [] }))).toMatch(/^plan\./);
    const disagreeing = { ...plan, totalDuration: 20 };
    expect(refusal(() => checkGivenPlan(local, disagreeing))).toMatch(/add up to 15\.000 s, not the 20 s/);
  });

  it("keeps its lines' new words and cuts cues that would pass the end", () => {
    const spoken = planOf('a 12 second scene of Sarah in the park saying "hello there"');
    if (spoken.dialogue.length === 0) return;
    const order = spoken.shots.map((shot) => shot.index);
    const edited = editedPlan(
      spoken,
      order,
      spoken.shots.map((shot) => shot.duration),
      ["good morning"],
    );
    expect(edited.dialogue[0]!.text).toBe("good morning");
    expect(checkGivenPlan(local, edited).dialogue[0]!.text).toBe("good morning");
  });

  it("is estimated at its own clips' prices, so a longer scene is asked about before it is paid for", () => {
    const planned = planOf("a 15 second video of Sarah walking in the park");
    const longer = editedPlan(planned, [1, 2, 3], [7, 7, 7], []);
    const shorter = editedPlan(planned, [1, 2, 3], [3, 3, 3], []);
    const same = editedPlan(planned, [3, 1, 2], [5, 5, 5], []);
    const estimate = 2;
    expect(givenPlanEstimateUsd(paid, planned, estimate, longer)).toBeGreaterThan(estimate);
    expect(givenPlanEstimateUsd(paid, planned, estimate, shorter)).toBeLessThan(estimate);
    expect(givenPlanEstimateUsd(paid, planned, estimate, same)).toBeCloseTo(estimate, 6);
    // The local renderer costs nothing whatever the lengths.
    expect(givenPlanEstimateUsd(local, planned, 0, longer)).toBe(0);
  });
});
