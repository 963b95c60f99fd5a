import { END, START, StateGraph, StateSchema, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asContext, RunContextSchema, runtimeOf, withRuntime, type ProgressChunk } from "../../src/context.js";
import { isCutroomError } from "../../src/errors.js";
import { ProgressBus, type ProgressEvent } from "../../src/jobs/progress.js";
import type { JobQueue } from "../../src/jobs/types.js";
import type { Runtime } from "../../src/runtime.js";

/** Just what withRuntime touches: a node here only emits progress. */
function fakeRuntime(): Runtime {
  const jobs = { name: "fake" } as unknown as JobQueue;
  return { brain: {}, progress: new ProgressBus(), jobs } as unknown as Runtime;
}

const Counter = new StateSchema({ steps: z.number().default(0) });

function emitting(step: string) {
  return withRuntime((state: typeof Counter.State, config: LangGraphRunnableConfig) => {
    runtimeOf(config).progress.emit(step, 0.5, `${step} half way`);
    return { steps: state.steps + 1 };
  });
}

const inner = new StateGraph(Counter, { context: RunContextSchema })
  .addNode("inner_step", emitting("inner"))
  .addEdge(START, "inner_step")
  .addEdge("inner_step", END)
  .compile();

const outer = new StateGraph(Counter, { context: RunContextSchema })
  .addNode("outer_step", emitting("outer"))
  .addNode(
    "call_inner",
    withRuntime(async (state: typeof Counter.State, config: LangGraphRunnableConfig) => {
      // As the orchestrator calls the department: the node's own runtime, passed on as context.
      const result = await inner.invoke(state, { context: asContext(runtimeOf(config)), signal: config.signal });
      return { steps: result.steps };
    }),
  )
  .addEdge(START, "outer_step")
  .addEdge("outer_step", "call_inner")
  .addEdge("call_inner", END)
  .compile();

async function customChunks(runtime: Runtime): Promise<ProgressChunk[]> {
  const chunks: ProgressChunk[] = [];
  const stream = await outer.stream({}, { context: asContext(runtime), streamMode: ["custom"] });
  for await (const [mode, chunk] of stream) if (mode === "custom") chunks.push(chunk as ProgressChunk);
  return chunks;
}

describe("run context", () => {
  it("writes a node's progress to the run's custom stream, and to the caller's progress bus", async () => {
    const runtime = fakeRuntime();
    const heard: ProgressEvent[] = [];
    runtime.progress.subscribe((event) => heard.push(event));
    const chunks = await customChunks(runtime);
    expect(chunks.map((chunk) => [chunk.kind, chunk.step, chunk.fraction, chunk.message])).toEqual([
      ["progress", "outer", 0.5, "outer half way"],
      // The subgraph runs on the outer node's view: its progress reaches the stream once, not twice.
      ["progress", "inner", 0.5, "inner half way"],
    ]);
    expect(heard.map((event) => event.step)).toEqual(["outer", "inner"]);
  });

  it("checks a serialisable context against the schema", async () => {
    await expect(outer.invoke({}, { context: { projectId: "../elsewhere" } as never })).rejects.toThrow(/projectId/);
  });

  it("names the way out when a node has no runtime and none was built", () => {
    try {
      runtimeOf({ context: { projectId: "p1" } });
      expect.unreachable("runtimeOf should have thrown");
    } catch (error) {
      expect(isCutroomError(error, "CONFIG")).toBe(true);
      expect(String(error)).toMatch(/withRuntime/);
    }
  });
});
