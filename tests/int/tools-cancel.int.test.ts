/**
 * The scene and audio tools run ffmpeg with their context's signal: a cancelled turn or job stops
 * assembly, post-processing and mixing instead of letting the current render finish.
 */
import { readdir } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { createSceneTools } from "../../src/tools/scene.js";
import { createToolContext, scratchIdOf, type ToolContext } from "../../src/tools/context.js";
import { clipRequest } from "../helpers/fixtures.js";
import { createTestRuntime } from "../helpers/runtime.js";

let test: Awaited<ReturnType<typeof createTestRuntime>>;
let context: ToolContext;
let clipId: string;

beforeEach(async () => {
  test = await createTestRuntime();
  context = await createToolContext(test.runtime, "default", "vid_cancelled");
  const clip = await new LocalAnimaticProvider({}).textToVideo(clipRequest({ durationSeconds: 2 }), {
    outputDir: context.workDir,
    onProgress: null,
    signal: null,
  });
  clipId = scratchIdOf(clip.path);
});
afterEach(async () => test.cleanup());

/** One tool by name, called as an agent calls it (its schema validates the arguments). */
function toolNamed(
  tools: ReturnType<typeof createSceneTools>,
  name: string,
): { invoke(input: unknown): Promise<unknown> } {
  return tools.find((item) => item.name === name) as unknown as { invoke(input: unknown): Promise<unknown> };
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => null,
    (error: unknown) => error,
  );
}

describe("scene tools under a cancelled signal", () => {
  it("stop post-processing and assembly without leaving an output", async () => {
    const controller = new AbortController();
    controller.abort();
    const tools = createSceneTools({ ...context, signal: controller.signal });
    const post = toolNamed(tools, "apply_post_processing");
    const assemble = toolNamed(tools, "assemble_video_clips");
    const before = await readdir(context.workDir);

    const postError = await failure(
      post.invoke({
        clipId,
        options: { colorGrade: "warm", sharpen: null, denoise: false, stabilization: false, lut: null },
      }),
    );
    expect(isCutroomError(postError, "FFMPEG_CANCELLED")).toBe(true);

    const assembleError = await failure(
      assemble.invoke({
        clips: [
          { clipId, sequence: 1 },
          { clipId, sequence: 2 },
        ],
        transitions: [],
      }),
    );
    expect(isCutroomError(assembleError, "FFMPEG_CANCELLED")).toBe(true);
    expect((await readdir(context.workDir)).sort()).toEqual(before.sort());
  });

  it("still run with a signal that was not aborted", async () => {
    const tools = createSceneTools({ ...context, signal: new AbortController().signal });
    const post = toolNamed(tools, "apply_post_processing");
    const result = JSON.parse(
      (await post.invoke({
        clipId,
        options: { colorGrade: "warm", sharpen: null, denoise: false, stabilization: false, lut: null },
      })) as string,
    ) as { clipId: string };
    expect((await readdir(context.workDir)).some((name) => name.startsWith(result.clipId))).toBe(true);
  });
});
