/**
 * Scratch lives as long as its take: removed when the take is recorded or fails, so the runtime's
 * scratch directory does not grow turn by turn, while what was stored stays in the store.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ClipRequest, GeneratedClip, GenerationMethod } from "../../src/domain.js";
import { CutroomError } from "../../src/errors.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import type { GenerateOptions } from "../../src/providers/video/types.js";
import { sweepScratch } from "../../src/tools/context.js";
import { createTestRuntime } from "../helpers/runtime.js";

/** A provider whose model refuses every prompt, after writing a partial file into the take's scratch. */
class RefusingProvider extends LocalAnimaticProvider {
  protected override async generate(
    _method: GenerationMethod,
    _request: ClipRequest,
    options: GenerateOptions,
  ): Promise<GeneratedClip> {
    await writeFile(join(options.outputDir, "partial.mp4"), "not a video");
    throw new CutroomError("CONTENT_POLICY", "the model refused the prompt");
  }
}

describe("scratch of a take", () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it("is gone when each take is recorded, and the stored takes are all still there", async () => {
    const made = await createTestRuntime();
    cleanup = made.cleanup;
    const { runtime } = made;
    const chat = new ChatService(runtime);
    const first = await chat.turn({ threadId: "scratch1", message: "generate Sarah walking in the park" });
    expect(await readdir(runtime.scratchDir)).toEqual([]);
    const second = await chat.turn({ threadId: "scratch1", choice: "regenerate" });
    const scene = await chat.turn({ threadId: "scratch2", message: "a 12 second scene: Tom waves, jumps, then sits" });
    expect(await readdir(runtime.scratchDir)).toEqual([]);
    for (const turn of [first, second, scene]) {
      expect(existsSync(turn.path!)).toBe(true);
      const take = (await runtime.brain.forProject(runtime.config.projectId).getTake(turn.videoId!))!;
      expect(await runtime.store.head(take.video.objectKey)).not.toBeNull();
    }
    for (const record of await runtime.media.listByProject(runtime.config.projectId))
      expect(await runtime.store.head(record.key), record.key).not.toBeNull();
  });

  it("is gone when the take fails", async () => {
    const made = await createTestRuntime({ video: new RefusingProvider() });
    cleanup = made.cleanup;
    const chat = new ChatService(made.runtime);
    const failed = await chat.turn({ threadId: "scratch3", message: "generate Sarah walking in the park" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(Error);
    expect(String((failed as Error).message)).toMatch(/refused/);
    expect(await readdir(made.runtime.scratchDir)).toEqual([]);
  });

  it("left behind by a run nobody resumed is swept once idle, and fresh scratch is kept", async () => {
    const made = await createTestRuntime();
    cleanup = made.cleanup;
    const scratch = made.runtime.scratchDir;
    const now = Date.now();
    for (const name of ["vid_abandoned", "vid_working"]) {
      await mkdir(join(scratch, name));
      await writeFile(join(scratch, name, "frame.png"), "x");
    }
    const dayAndMinute = (24 * 60 + 1) * 60_000;
    await utimes(join(scratch, "vid_abandoned"), new Date(now - dayAndMinute), new Date(now - dayAndMinute));
    expect(await sweepScratch(scratch, { nowMs: now, force: true })).toEqual(["vid_abandoned"]);
    expect(await readdir(scratch)).toEqual(["vid_working"]);
  });
});
