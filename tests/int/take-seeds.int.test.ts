/**
 * Every take renders with its own seeds: a regenerate (the user's, or an automatic retry) never repeats
 * the take before it, so the local renderer gives different bytes.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { sceneShots } from "../../src/departments/video/nodes/scene.js";
import { planShots } from "../../src/departments/video/nodes/work.js";
import type { DepartmentStateValue, TakeId } from "../../src/departments/video/state.js";
import { planScene } from "../../src/departments/video/planner/deterministic.js";
import { understandRequest } from "../../src/departments/video/understand.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { createTestRuntime } from "../helpers/runtime.js";

const sha = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

/** The parts of the head's state a take's shots are planned from, as assess leaves them. */
function takeState(takeId: TakeId, text: string, overrides: Partial<DepartmentStateValue> = {}): DepartmentStateValue {
  return {
    projectId: "default",
    threadId: "thr",
    requestId: "req_same",
    requestText: text,
    takeId,
    // A scene's shots come from its plan; a single clip's from the brief.
    brief: overrides.plan ? null : understandRequest(text),
    method: "text-to-video",
    durationSeconds: 2,
    adjustments: { motionStrength: 0.6, sharpen: null, notes: [] },
    characters: [],
    location: null,
    ...overrides,
  } as DepartmentStateValue;
}

describe("seeds of the takes of one request", () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it("differ between a take and the user's regenerate of it, and so do the rendered bytes", async () => {
    const made = await createTestRuntime();
    cleanup = made.cleanup;
    const chat = new ChatService(made.runtime);
    const first = await chat.turn({ threadId: "seeds1", message: "generate Tom waving" });
    const second = await chat.turn({ threadId: "seeds1", choice: "regenerate" });
    const [take1, take2] = (await chat.thread("seeds1")).takes;
    expect(take2!.requestId).toBe(take1!.requestId);
    expect(take2!.seed).not.toBe(take1!.seed);
    expect(await sha(second.path!)).not.toBe(await sha(first.path!));
  });

  it("differ for a scene shot made again, while the shots kept are the stored ones", async () => {
    const made = await createTestRuntime();
    cleanup = made.cleanup;
    const { runtime } = made;
    const chat = new ChatService(runtime);
    const first = await chat.turn({ threadId: "seeds2", message: "a 12 second scene: Tom waves, jumps, then sits" });
    expect(first.report?.summary?.clipsCompleted).toBe(3);
    const again = await chat.turn({ threadId: "seeds2", choice: "regenerate", note: "redo shot 2" });
    expect(again.report?.summary?.clipsReused).toBe(2);
    const clips = async (videoId: string) =>
      new Map(
        (await runtime.brain.forProject(runtime.config.projectId).sceneOf(videoId))!.clips.map((clip) => [
          clip.shotIndex,
          clip,
        ]),
      );
    const before = await clips(first.videoId!);
    const after = await clips(again.videoId!);
    const bytes = async (mediaId: string) =>
      sha(await runtime.store.localPath((await runtime.media.get(mediaId))!.key, runtime.scratchDir));
    expect(after.get(1)!.mediaId).toBe(before.get(1)!.mediaId);
    expect(after.get(3)!.mediaId).toBe(before.get(3)!.mediaId);
    expect(after.get(2)!.seed).not.toBe(before.get(2)!.seed);
    expect(await bytes(after.get(2)!.mediaId)).not.toBe(await bytes(before.get(2)!.mediaId));
  });

  it("differ for every shot of a scene, and for every attempt at a shot", () => {
    const text = "a 20 second scene: Tom runs down the street, jumps, waves, sits";
    const plan = planScene(text, { fps: 12, priceFor: () => 0 });
    const first = sceneShots(takeState("vid_first", text, { plan }));
    const again = sceneShots(takeState("vid_again", text, { plan }));
    expect(first.map((shot) => shot.index)).toEqual(again.map((shot) => shot.index));
    for (const [position, shot] of first.entries()) expect(shot.seed).not.toBe(again[position]!.seed);
    expect(new Set(first.map((shot) => shot.seed)).size).toBe(first.length);
    const clip = (takeId: TakeId) => planShots(takeState(takeId, "generate Tom waving"))[0]!.seed;
    expect(clip("vid_retry")).not.toBe(clip("vid_first"));
    // A resumed run keeps its take and renders what the killed run would have.
    expect(clip("vid_first")).toBe(clip("vid_first"));
  });
});
