import { describe, expect, it } from "vitest";
import { MAX_CLIP_SECONDS } from "../../src/domain.js";
import { extractSceneFacts, planScene } from "../../src/departments/video/planner/deterministic.js";
import {
  clipSeconds,
  DEFAULT_SCENE_SECONDS,
  planProblems,
  repairDurations,
} from "../../src/departments/video/planner/plan.js";

const options = { fps: 24, priceFor: (_method: string, seconds: number) => seconds * 0.05 };
const PARK =
  "a 30-second scene: Sarah enters the park, walks past the fountain, sits on a bench; she says 'This park used to be different...'; soft piano music; birds in the background";

describe("scene planner", () => {
  it("plans the park scene with every part the request names", () => {
    const plan = planScene(PARK, options);
    expect(plan.totalDuration).toBe(30);
    expect(plan.shots.length).toBeGreaterThanOrEqual(5);
    expect(planProblems(plan)).toEqual([]);
    expect(plan.dialogue).toEqual([
      expect.objectContaining({ character: "Sarah", text: "This park used to be different..." }),
    ]);
    expect(plan.music).toMatchObject({ description: "soft piano music", duration: 30 });
    expect(plan.sfx.map((cue) => cue.description)).toEqual(["birds"]);
    expect(plan.shots.map((shot) => shot.action)).toEqual(expect.arrayContaining(["walk", "sit"]));
    expect(plan.shots.every((shot) => shot.location === "park")).toBe(true);
    expect(plan.estimatedCostUsd).toBeGreaterThan(0);
  });

  it("continues a shot of the same motion from the previous shot's last frame, joined by a cut", () => {
    const plan = planScene(PARK, options);
    const continuing = plan.shots.filter((shot) => shot.continuesFrom !== null);
    expect(continuing.length).toBeGreaterThan(0);
    for (const shot of continuing) {
      expect(shot.method).toBe("first-last-frame");
      expect(plan.transitions.find((transition) => transition.toShot === shot.index)?.type).toBe("cut");
    }
  });

  const table: Array<[string, number]> = [
    ["a 5 second scene of Sarah waving in the park", 5],
    ["a 12-second scene: Tom runs down the street, jumps over a bench", 12],
    ["a 20 second scene in the forest: Mia looks around, then walks on", 20],
    ['a 45 second scene: Sarah and Tom talk in the cafe; Tom says "We should go"; rain in the background', 45],
    ["a one minute scene: Sarah walks through the city, stops, looks up, waves, sits, dances, runs", 60],
    ["a 7 s scene of Leo dancing", 7],
    ["a long scene of Sarah walking in the park", DEFAULT_SCENE_SECONDS],
    ["a scene of rain on the street with soft piano music", DEFAULT_SCENE_SECONDS],
  ];
  for (const [request, seconds] of table) {
    it(`keeps the invariants for "${request}"`, () => {
      const plan = planScene(request, options);
      expect(plan.totalDuration).toBe(seconds);
      expect(planProblems(plan)).toEqual([]);
      const sum = plan.shots.reduce((total, shot) => total + shot.duration, 0);
      expect(Math.abs(sum - seconds)).toBeLessThan(1 / 24 / 2);
      for (const shot of plan.shots) {
        expect(clipSeconds(plan, shot)).toBeLessThanOrEqual(MAX_CLIP_SECONDS);
        expect(Number.isInteger(Math.round(shot.duration * 24 * 1000) / 1000)).toBe(true);
      }
    });
  }

  it("refuses scenes longer than ten clips can hold, naming the field", () => {
    expect(() => planScene("a 3 minute scene of Sarah walking", options)).toThrowError(/at most 70 s/);
  });

  it("reads lines, music and sound cues apart from the beats", () => {
    const facts = extractSceneFacts(PARK);
    expect(facts.beats.map((beat) => beat.action)).toEqual(["walk", "walk", "sit", "talk"]);
    expect(facts.characters).toEqual(["Sarah"]);
  });

  it("repairs a plan whose durations do not add up, in whole frames", () => {
    const plan = planScene(PARK, options);
    const broken = { ...plan, shots: plan.shots.map((shot) => ({ ...shot, duration: shot.duration * 0.9 })) };
    expect(planProblems(broken).join(" ")).toMatch(/add up/);
    const repaired = repairDurations(broken)!;
    expect(planProblems(repaired)).toEqual([]);
  });
});

describe("LLM planner validation", () => {
  const quiet = { info: () => {}, warn: () => {} };
  it("keeps a valid model plan, repairs bad durations and replaces an invalid one", async () => {
    const { planSceneRequest } = await import("../../src/departments/video/planner/index.js");
    const { fakeModel } = await import("@langchain/core/testing");
    const policy = planScene(PARK, options);
    const valid = {
      ...policy,
      shots: policy.shots.map((shot) => ({ ...shot, description: `model: ${shot.description}` })),
    };
    const kept = await planSceneRequest(PARK, { ...options, llm: fakeModel().structuredResponse(valid), log: quiet });
    expect(kept.decidedBy).toBe("llm");
    expect(kept.shots[0]!.description).toMatch(/^model:/);

    const stretched = { ...policy, shots: policy.shots.map((shot) => ({ ...shot, duration: shot.duration * 0.8 })) };
    const repaired = await planSceneRequest(PARK, {
      ...options,
      llm: fakeModel().structuredResponse(stretched),
      log: quiet,
    });
    expect(repaired.decidedBy).toBe("llm-repaired");
    expect(planProblems(repaired)).toEqual([]);

    const unknownShot = { ...policy, shots: policy.shots.map((shot) => ({ ...shot, shotId: "drone_flyover" })) };
    const replaced = await planSceneRequest(PARK, {
      ...options,
      llm: fakeModel().structuredResponse(unknownShot),
      log: quiet,
    });
    expect(replaced.decidedBy).toBe("policy");
  });
});
