/**
 * The quality report is the measurements: whatever scores a caller (a chat model) passes to
 * save_quality_report, the report's scores and verdict are what the measuring tools recorded; the caller
 * chooses which checks go in and adds words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolContext, storeMedia, type ToolContext } from "../../src/tools/context.js";
import { createQualityTools } from "../../src/tools/quality.js";
import { renderTestClip } from "../fakes/media.js";
import { createTestRuntime } from "../helpers/runtime.js";

describe("save_quality_report", () => {
  let context: ToolContext;
  let cleanup: () => Promise<void>;
  let mediaId: string;
  beforeAll(async () => {
    const test = await createTestRuntime();
    cleanup = test.cleanup;
    context = await createToolContext(test.runtime, "default", "vid_measured");
    const clip = await renderTestClip(context.workDir, 2);
    mediaId = (await storeMedia(context, { path: clip, kind: "video", name: "clip", generation: {} })).mediaId;
  });
  afterAll(async () => cleanup());

  interface Callable {
    invoke(input: Record<string, unknown>): Promise<unknown>;
  }
  const pick = (tools: ReturnType<typeof createQualityTools>, name: string) =>
    tools.find((candidate) => candidate.name === name) as unknown as Callable;
  const tool = (name: string) => pick(createQualityTools(context), name);

  it("refuses to report a video nothing was measured on", async () => {
    await expect(
      tool("save_quality_report").invoke({
        mediaId,
        checks: [{ type: "duration", score: 1, passed: true, details: "fine", threshold: 0.7 }],
      }),
    ).rejects.toThrow(/no measurements yet/);
  });

  it("reports the measured scores, not the ones it is given, and keeps the caller's words", async () => {
    const tools = createQualityTools(context);
    const technical = pick(tools, "check_technical_quality");
    const save = pick(tools, "save_quality_report");
    // Asked for 5 s of 1280x720 at 24 fps: a 2 s 320x180 12 fps clip fails duration, resolution and fps.
    const measured = JSON.parse(
      String(await technical.invoke({ mediaId, expectedDuration: 5, targetResolution: "1280x720", expectedFps: 24 })),
    ) as { checks: Array<{ type: string; score: number; passed: boolean }> };
    const invented = measured.checks.map((check) => ({
      type: check.type,
      score: 1,
      passed: true,
      details: "looks perfect",
      threshold: 0.7,
    }));
    const report = JSON.parse(
      String(await save.invoke({ mediaId, checks: invented, notes: ["the picture is far too small"] })),
    ) as { passed: boolean; checks: Array<{ type: string; score: number; passed: boolean }>; suggestions: string[] };
    expect(report.passed).toBe(false);
    expect(report.checks).toEqual(measured.checks);
    expect(report.checks.find((check) => check.type === "duration")!.passed).toBe(false);
    expect(report.suggestions).toContain("the picture is far too small");
  });
});
