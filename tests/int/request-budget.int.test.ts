/**
 * A request's budget through the orchestrator graph, with the local renderer priced like a paid model
 * (CUTROOM_PRICES): automatic retries and the user's regenerations draw on one budget, generation stops
 * before the next clip would pass it, and the report and reply say so.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LOCAL_VIDEO_MODEL } from "../../src/config.js";
import { asContext } from "../../src/context.js";
import { videoDepartmentGraph } from "../../src/departments/video/graph.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

const REQUEST = "generate Sarah walking in the park";
/** 2 s clips (TEST_ENV) at $0.10 a second: every take costs $0.20. */
const PRICED = { CUTROOM_PRICES: JSON.stringify({ [LOCAL_VIDEO_MODEL]: 0.1 }) };

/** The clips stored for the thread's request and what each cost (its reference images are free here). */
async function paidClips(runtime: Runtime, requestId: string): Promise<number[]> {
  const records = await runtime.media.listByProject(runtime.config.projectId);
  return records
    .filter((record) => record.kind === "video" && record.generation.requestId === requestId)
    .map((record) => Number(record.generation.costUsd));
}

describe("a request's budget", () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it("holds across the user's regenerations: the take that would pass it is not made", async () => {
    const made = await createTestRuntime({ env: { ...PRICED, CUTROOM_BUDGET_USD: "0.5" } });
    cleanup = made.cleanup;
    const chat = new ChatService(made.runtime);
    const said: string[] = [];
    made.runtime.progress.subscribe((event) => said.push(event.message));
    const first = await chat.turn({ threadId: "budget1", message: REQUEST });
    expect(first.status).toBe("awaiting-choice");
    expect(first.report?.summary?.costUsd).toBe(0.2);
    const second = await chat.turn({ threadId: "budget1", choice: "regenerate" });
    // Before anything was spent, the regenerate said what it would cost and what the budget leaves.
    expect(said).toContainEqual(
      expect.stringMatching(
        /^regenerating from vid_\w+; estimated \$0\.20, at most \$0\.30 more \(the request's budget of \$0\.50, \$0\.20 spent\)$/,
      ),
    );
    expect(second.status).toBe("awaiting-choice");
    expect(second.videoId).not.toBe(first.videoId);
    expect(second.report?.summary?.costUsd).toBe(0.2);

    // $0.40 spent; a third take would make it $0.60, over the $0.50 budget.
    const third = await chat.turn({ threadId: "budget1", choice: "regenerate" });
    expect(third.status).toBe("awaiting-choice");
    expect(third.videoId).toBe(second.videoId);
    expect(third.reply).toMatch(/^Not regenerated: the request's budget of \$0\.50 would be passed/);
    expect(third.report?.issues[0]).toMatch(/\$0\.4000 is spent and another take would cost \$0\.2000/);
    const thread = await chat.thread("budget1");
    expect(thread.takes.map((take) => take.videoId)).toEqual([first.videoId, second.videoId]);
    expect(await paidClips(made.runtime, thread.takes[0]!.requestId)).toEqual([0.2, 0.2]);
    // The take is not superseded: it still waits, and can be accepted.
    expect(
      (await made.runtime.brain.forProject(made.runtime.config.projectId).getTake(second.videoId!))?.video.status,
    ).toBe("pending");
    const accepted = await chat.turn({ threadId: "budget1", choice: "accept" });
    expect(accepted).toMatchObject({ status: "accepted", videoId: second.videoId });
  });

  it("counts the automatic retries of a take below the bar, and a regenerate after them", async () => {
    // Nothing reaches a 0.99 bar, so every take is retried while attempts and budget allow.
    const made = await createTestRuntime({
      env: { ...PRICED, CUTROOM_BUDGET_USD: "0.5", CUTROOM_QUALITY_THRESHOLD: "0.99", CUTROOM_MAX_ATTEMPTS: "3" },
    });
    cleanup = made.cleanup;
    const chat = new ChatService(made.runtime);
    const first = await chat.turn({ threadId: "budget2", message: REQUEST });
    expect(first.status).toBe("awaiting-choice");
    // Two takes ($0.40); the third attempt would pass $0.50, so it was not made.
    expect(first.takes.map((take) => take.attempt)).toEqual([1, 2]);
    expect(first.report?.summary?.costUsd).toBe(0.4);
    expect(first.report?.issues).toContainEqual(
      expect.stringMatching(/budget of \$0\.50 would be passed: .*no more takes were made automatically$/),
    );
    const again = await chat.turn({ threadId: "budget2", choice: "regenerate" });
    expect(again.videoId).toBe(first.videoId);
    expect(again.reply).toMatch(/^Not regenerated/);
    const requestId = (await chat.thread("budget2")).takes[0]!.requestId;
    expect(await paidClips(made.runtime, requestId)).toEqual([0.2, 0.2]);
  });

  it("holds for a scene: a shot made again is weighed against what the scene spent", async () => {
    // Three 4 s shots at $0.01 a second: $0.12, the whole budget.
    const made = await createTestRuntime({
      env: { CUTROOM_PRICES: JSON.stringify({ [LOCAL_VIDEO_MODEL]: 0.01 }), CUTROOM_BUDGET_USD: "0.12" },
    });
    cleanup = made.cleanup;
    const chat = new ChatService(made.runtime);
    const first = await chat.turn({ threadId: "budget4", message: "a 12 second scene: Tom waves, jumps, then sits" });
    expect(first.status).toBe("awaiting-choice");
    expect(first.report?.summary?.costUsd).toBe(0.12);
    const again = await chat.turn({ threadId: "budget4", choice: "regenerate", note: "redo shot 2" });
    expect(again.videoId).toBe(first.videoId);
    expect(again.reply).toMatch(/\$0\.1200 is spent and another take would cost \$0\.0400/);
    const requestId = (await chat.thread("budget4")).takes[0]!.requestId;
    expect(await paidClips(made.runtime, requestId)).toEqual([0.04, 0.04, 0.04]);
  });

  it("holds for a scene's chains running in parallel: together they stop at the budget", async () => {
    // Straight into the department (no estimate first): three shots of $0.04 at once, $0.08 to spend.
    const made = await createTestRuntime({
      env: { CUTROOM_PRICES: JSON.stringify({ [LOCAL_VIDEO_MODEL]: 0.01 }), CUTROOM_BUDGET_USD: "0.08" },
    });
    cleanup = made.cleanup;
    const failure = await videoDepartmentGraph
      .invoke(
        {
          projectId: "default",
          threadId: "thr-budget",
          requestId: "req-parallel",
          requestText: "a 12 second scene: Tom waves, jumps, then sits",
        },
        { context: asContext(made.runtime), recursionLimit: 60 },
      )
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: "MEDIA" });
    expect((failure as Error).message).toMatch(/only 2 of 3 shots .*budget of \$0\.08 would be passed/);
    expect(await paidClips(made.runtime, "req-parallel")).toEqual([0.04, 0.04]);
  });

  it("refuses a request estimated above the budget before anything is spent", async () => {
    const made = await createTestRuntime({ env: { ...PRICED, CUTROOM_BUDGET_USD: "0.1" } });
    cleanup = made.cleanup;
    const turn = await new ChatService(made.runtime).turn({ threadId: "budget3", message: REQUEST });
    expect(turn.status).toBe("answered");
    expect(turn.reply).toMatch(/^Not started: the request's budget of \$0\.10 would be passed/);
    expect(await made.runtime.media.listByProject(made.runtime.config.projectId)).toEqual([]);
  });
});
