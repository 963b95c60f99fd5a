import { describe, expect, it } from "vitest";
import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { requireResult, runSpecialist, type PlannedStep } from "../../src/specialists/agent.js";
import { validateChoiceAnswer } from "../../src/orchestrator/nodes/human-choice.js";

const quiet = { info: () => {}, warn: () => {} };

function makeTools(log: string[]) {
  const make = tool(
    async ({ size }) => {
      log.push(`make:${size}`);
      return JSON.stringify({ itemId: `item-${size}` });
    },
    { name: "make_item", description: "make", schema: z.object({ size: z.number().int().positive() }) },
  );
  const store = tool(
    async ({ itemId }) => {
      log.push(`store:${itemId}`);
      return JSON.stringify({ stored: itemId });
    },
    { name: "store_item", description: "store", schema: z.object({ itemId: z.string() }) },
  );
  return [make, store];
}

const plan: PlannedStep[] = [
  { tool: "make_item", args: () => ({ size: 3 }) },
  { tool: "store_item", args: (calls) => ({ itemId: requireResult(calls, "make_item").itemId }) },
];
const isComplete = (calls: Array<{ ok: boolean; name: string }>) =>
  calls.some((call) => call.ok && call.name === "store_item");

describe("specialist agent loop", () => {
  it("follows the deterministic plan without a model, feeding ids forward", async () => {
    const log: string[] = [];
    const run = await runSpecialist({
      name: "video-generator",
      systemPrompt: "",
      task: "",
      tools: makeTools(log),
      plan,
      isComplete,
      llm: null,
      log: quiet,
    });
    expect(run.mode).toBe("deterministic");
    expect(log).toEqual(["make:3", "store:item-3"]);
  });

  it("runs the model's tool calls and stops once the job is done", async () => {
    const log: string[] = [];
    const model = fakeModel()
      .respondWithTools([{ name: "make_item", args: { size: 5 } }])
      .respondWithTools([{ name: "store_item", args: { itemId: "item-5" } }]);
    const run = await runSpecialist({
      name: "video-generator",
      systemPrompt: "s",
      task: "t",
      tools: makeTools(log),
      plan,
      isComplete,
      llm: model,
      log: quiet,
    });
    expect(run.mode).toBe("llm");
    expect(log).toEqual(["make:5", "store:item-5"]);
    expect(model.callCount).toBe(2);
  });

  it("returns tool errors to the model and falls back to the plan when it gives up", async () => {
    const log: string[] = [];
    const warnings: string[] = [];
    const model = fakeModel()
      .respondWithTools([{ name: "make_item", args: { size: -1 } }])
      .respond(new AIMessage("I could not do it."));
    const run = await runSpecialist({
      name: "video-generator",
      systemPrompt: "s",
      task: "t",
      tools: makeTools(log),
      plan,
      isComplete,
      llm: model,
      log: { info: () => {}, warn: (message) => warnings.push(message) },
    });
    expect(run.mode).toBe("llm-then-deterministic");
    expect(run.calls[0]).toMatchObject({ name: "make_item", ok: false });
    expect(log).toEqual(["make:3", "store:item-3"]);
    expect(warnings.join(" ")).toMatch(/deterministic plan/);
  });
});

describe("human choice answers", () => {
  it("accepts the three choices with a note and refuses anything else, naming the field", () => {
    expect(validateChoiceAnswer({ choice: "Accept", note: " nice " })).toEqual({ choice: "accept", note: "nice" });
    expect(validateChoiceAnswer("try again")).toEqual({ choice: "regenerate", note: null });
    expect(() => validateChoiceAnswer({ choice: "maybe" })).toThrowError(
      /choice must be one of accept, regenerate, discard/,
    );
  });
});
