/**
 * The department driven by a scripted chat model: the specialists' tool calls come from the model, run
 * against real tools (real renders, real measurements), and the final state and Brain are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { asContext } from "../../src/context.js";
import { videoDepartmentGraph } from "../../src/departments/video/graph.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

function taskOf(messages: BaseMessage[]): Record<string, unknown> {
  const text = String(messages[1]!.content);
  return JSON.parse(text.slice(text.indexOf("{"))) as Record<string, unknown>;
}

function lastToolResult(messages: BaseMessage[]): Record<string, unknown> {
  const tool = [...messages].reverse().find((message) => message instanceof ToolMessage)!;
  return JSON.parse(String(tool.content)) as Record<string, unknown>;
}

describe("video department with a scripted chat model", () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  const model = fakeModel()
    // Video Generator: the model calls the method the head chose, then stores the clip it got back.
    .respond((messages) => {
      const task = taskOf(messages);
      const {
        tool,
        index: _index,
        method: _method,
        images,
        ...args
      } = task as Record<string, unknown> & { tool: string; images: Record<string, string> };
      return new AIMessage({ content: "", tool_calls: [{ id: "gen-1", name: tool, args: { ...args, ...images } }] });
    })
    .respond(
      (messages) =>
        new AIMessage({
          content: "",
          tool_calls: [
            {
              id: "save-1",
              name: "save_video",
              args: { clipId: lastToolResult(messages).clipId, metadata: { by: "model" } },
            },
          ],
        }),
    )
    // Quality Verifier: three measurements in one message (they run concurrently), then the report.
    .respond((messages) => {
      const task = taskOf(messages) as {
        mediaId: string;
        expectedDurationSeconds: number;
        resolution: string;
        referenceIds: string[];
        consistencyMediaId: string;
      };
      return new AIMessage({
        content: "",
        tool_calls: [
          {
            id: "tech",
            name: "check_technical_quality",
            args: {
              mediaId: task.mediaId,
              expectedDuration: task.expectedDurationSeconds,
              targetResolution: task.resolution,
            },
          },
          { id: "motion", name: "check_motion_quality", args: { mediaId: task.mediaId } },
          {
            id: "consistency",
            name: "check_visual_consistency",
            args: { mediaId: task.consistencyMediaId, referenceIds: task.referenceIds },
          },
        ],
      });
    })
    .respond((messages) => {
      const checks = messages
        .filter((message) => message instanceof ToolMessage)
        .flatMap((message) => (JSON.parse(String(message.content)) as { checks: unknown[] }).checks);
      return new AIMessage({
        content: "",
        tool_calls: [
          { id: "report", name: "save_quality_report", args: { mediaId: taskOf(messages).mediaId, checks } },
        ],
      });
    });

  beforeAll(async () => {
    // One attempt: the script covers one take, and whether a random seed's take passes must not matter.
    ({ runtime, cleanup } = await createTestRuntime({ llm: model, env: { CUTROOM_MAX_ATTEMPTS: "1" } }));
  });
  afterAll(async () => cleanup());

  it("runs generator and verifier through the model's tool calls and records the graded take", async () => {
    const result = await videoDepartmentGraph.invoke(
      {
        projectId: "default",
        threadId: "thr-graph",
        requestId: "req-graph",
        requestText: "generate Sarah walking in the park",
      },
      { context: asContext(runtime), recursionLimit: 60 },
    );
    expect(model.callCount).toBe(4);
    const generator = result.report!.outputs.find((output) => output.specialist === "video-generator")!;
    const verifier = result.report!.outputs.find((output) => output.specialist === "quality-verifier")!;
    expect(generator.output.mode).toBe("llm");
    expect(generator.output.toolCalls).toEqual(["generate_composite_to_video", "save_video"]);
    expect(verifier.output.toolCalls).toEqual([
      "check_technical_quality",
      "check_motion_quality",
      "check_visual_consistency",
      "save_quality_report",
    ]);

    expect(result.method).toBe("composite-to-video");
    expect(result.takes).toHaveLength(1);
    const take = result.takes[0]!;
    const types = take.quality.checks.map((check) => check.type).sort();
    expect(types).toEqual([
      "bitrate",
      "character-consistency",
      "duration",
      "fps",
      "location-consistency",
      "motion-quality",
      "resolution",
      "visual-clarity",
    ]);
    expect(take.grade.overall).toBeGreaterThan(0);
    expect(result.report).toMatchObject({
      department: "video-generation",
      status: take.grade.passed ? "complete" : "partial",
    });

    const view = (await runtime.brain.forProject(runtime.config.projectId).getTake(take.videoId))!;
    expect(view.characters.map((character) => character.name)).toEqual(["Sarah"]);
    expect(view.location?.name).toBe("park");
    expect(view.report?.overallQuality).toBe(take.quality.overallQuality);
    expect(view.references.length).toBe(2);
    expect(await runtime.brain.forProject(runtime.config.projectId).validateTake(take.videoId)).toEqual([]);
  });
});
