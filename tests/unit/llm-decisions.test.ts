import { describe, expect, it } from "vitest";
import { fakeModel } from "@langchain/core/testing";
import { judgeRelevance, writeShotPrompt } from "../../src/departments/video/llm.js";
import { buildPrompt } from "../../src/providers/video/prompts/index.js";
import type { ShotFacts } from "../../src/providers/video/prompts/types.js";
import type { Runtime } from "../../src/runtime.js";

function runtimeWith(llm: ReturnType<typeof fakeModel> | null, warnings: string[] = []): Runtime {
  return { llm, log: { info: () => {}, warn: (message: string) => warnings.push(message) } } as unknown as Runtime;
}

const facts: ShotFacts = {
  subjects: [{ name: "Sarah", description: "Sarah: a tall woman in a red coat" }],
  action: "walking her dog",
  setting: "the park",
  settingDescription: null,
  shotSize: "full",
  camera: "tracking",
  style: null,
  durationSeconds: 5,
  corrections: [],
};
const shot = { facts, built: buildPrompt("fal-ai/kling-video/v1/standard/image-to-video", facts) };

describe("shot prompt writer", () => {
  it("sends the family builder's prompt without a model", async () => {
    expect(await writeShotPrompt(runtimeWith(null), "generate Sarah walking her dog in the park", shot)).toEqual({
      prompt: shot.built.prompt,
      negativePrompt: shot.built.negativePrompt,
      decidedBy: "policy",
    });
    expect(shot.built.prompt).toMatch(/Sarah.*walking her dog.*the park/);
  });

  it("uses the model's prompt when it is valid and names every character", async () => {
    const model = fakeModel().structuredResponse({
      prompt:
        "Sarah, a tall woman in a red coat, strolls with her dog along a sunlit park path, the camera tracking beside her",
      negativePrompt: "blur",
    });
    const written = await writeShotPrompt(runtimeWith(model), "generate Sarah walking in the park", shot);
    expect(written).toMatchObject({ decidedBy: "llm", negativePrompt: "blur" });
    expect(written.prompt).toMatch(/Sarah, a tall woman/);
  });

  it("drops a negative prompt the model's family cannot take", async () => {
    const minimax = { facts, built: buildPrompt("fal-ai/minimax-video/image-to-video", facts) };
    expect(minimax.built.negativePrompt).toBeNull();
    const model = fakeModel().structuredResponse({
      prompt: "Sarah walks her dog through the park",
      negativePrompt: "blur",
    });
    expect((await writeShotPrompt(runtimeWith(model), "x", minimax)).negativePrompt).toBeNull();
  });

  it("falls back, and says so, when the model leaves a character out, leaks internals or answers out of shape", async () => {
    const warnings: string[] = [];
    const forgetful = fakeModel().structuredResponse({
      prompt: "A woman strolls along a sunlit park path",
      negativePrompt: null,
    });
    expect((await writeShotPrompt(runtimeWith(forgetful, warnings), "x", shot)).decidedBy).toBe("policy");
    const leaky = fakeModel().structuredResponse({
      prompt: "Sarah in a #c0392b coat like master-med_ab12cd.png, consistency 0.095",
      negativePrompt: null,
    });
    const leaked = await writeShotPrompt(runtimeWith(leaky, warnings), "x", shot);
    expect(leaked).toMatchObject({ decidedBy: "policy", prompt: shot.built.prompt });
    const broken = fakeModel().structuredResponse({ prompt: 42 });
    expect((await writeShotPrompt(runtimeWith(broken, warnings), "x", shot)).decidedBy).toBe("policy");
    expect(warnings.join(" ")).toMatch(/leaves out Sarah/);
    expect(warnings).toHaveLength(3);
  });
});

describe("relevance grader", () => {
  it("is the measured relevance without a model, and half measured, half judged with one", async () => {
    expect(await judgeRelevance(runtimeWith(null), "r", {}, 0.8)).toMatchObject({
      relevance: 0.8,
      decidedBy: "policy",
    });
    const model = fakeModel().structuredResponse({ relevance: 0.4, reason: "the park is barely visible" });
    expect(await judgeRelevance(runtimeWith(model), "r", {}, 0.8)).toMatchObject({ relevance: 0.6, decidedBy: "llm" });
    const outOfRange = fakeModel().structuredResponse({ relevance: 3, reason: "great" });
    expect(await judgeRelevance(runtimeWith(outOfRange), "r", {}, 0.8)).toMatchObject({
      relevance: 0.8,
      decidedBy: "policy",
    });
  });
});
