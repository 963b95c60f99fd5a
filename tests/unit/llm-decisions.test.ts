import { describe, expect, it } from "vitest";
import { fakeModel } from "@langchain/core/testing";
import { judgeRelevance, writeShotPrompt } from "../../src/departments/video/llm.js";
import type { Runtime } from "../../src/runtime.js";

function runtimeWith(llm: ReturnType<typeof fakeModel> | null, warnings: string[] = []): Runtime {
  return { llm, log: { info: () => {}, warn: (message: string) => warnings.push(message) } } as unknown as Runtime;
}

const shot = {
  description: "Sarah, action: walk in the park, tracking camera",
  characters: ["Sarah"],
  action: "walk",
  camera: "tracking",
  location: "park",
};

describe("shot prompt writer", () => {
  it("keeps the deterministic description without a model", async () => {
    expect(await writeShotPrompt(runtimeWith(null), "generate Sarah walking in the park", shot)).toEqual({
      prompt: shot.description,
      negativePrompt: null,
      decidedBy: "policy",
    });
  });

  it("uses the model's prompt when it is valid and names every character", async () => {
    const model = fakeModel().structuredResponse({
      prompt: "Sarah strolls along a sunlit park path, the camera tracking beside her",
      negativePrompt: "blur",
    });
    const written = await writeShotPrompt(runtimeWith(model), "generate Sarah walking in the park", shot);
    expect(written).toMatchObject({ decidedBy: "llm", negativePrompt: "blur" });
    expect(written.prompt).toMatch(/Sarah strolls/);
  });

  it("falls back, and says so, when the model leaves a character out or answers out of shape", async () => {
    const warnings: string[] = [];
    const forgetful = fakeModel().structuredResponse({
      prompt: "A woman strolls along a sunlit park path",
      negativePrompt: null,
    });
    expect((await writeShotPrompt(runtimeWith(forgetful, warnings), "x", shot)).decidedBy).toBe("policy");
    const broken = fakeModel().structuredResponse({ prompt: 42 });
    expect((await writeShotPrompt(runtimeWith(broken, warnings), "x", shot)).decidedBy).toBe("policy");
    expect(warnings.join(" ")).toMatch(/leaves out Sarah/);
    expect(warnings).toHaveLength(2);
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
