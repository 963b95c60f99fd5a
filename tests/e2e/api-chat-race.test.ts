/**
 * Two turns racing for one thread over HTTP: one runs, the other is told the thread is busy, and the
 * refusal leaves the running turn's state alone; a thread held by another process is busy too.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimThread } from "../../src/orchestrator/thread-lock.js";
import { KEY_A, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };

describe("concurrent turns on one thread", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  it("runs one of two POSTs to a new thread and answers the other 409 THREAD_BUSY", async () => {
    const threadId = "race-new";
    const post = () =>
      request(app()).post("/api/v1/chat").set(A).send({ threadId, message: "generate Sarah walking in the park" });
    let runningWhenRefused: boolean | null = null;
    const [first, second] = await Promise.all(
      [post(), post()].map((pending) =>
        pending.then((response) => {
          // Asked the moment the refusal arrives, while the winner still renders.
          if (response.status === 409) runningWhenRefused = harness.server.context.threads.isRunning(threadId);
          return response;
        }),
      ),
    );
    const statuses = [first!.status, second!.status].sort();
    expect(statuses).toEqual([200, 409]);
    const [winner, loser] = first!.status === 200 ? [first!, second!] : [second!, first!];
    expect(loser.body).toEqual({
      error: { code: "THREAD_BUSY", message: `thread ${threadId} is already running a turn; wait for it to finish` },
    });
    expect(runningWhenRefused).toBe(true);
    expect(winner.body).toMatchObject({ threadId, status: "awaiting-choice", videoId: expect.stringMatching(/^vid_/) });

    const thread = await request(app()).get(`/api/v1/threads/${threadId}`).set(A).expect(200);
    expect(thread.body.running).toBe(false);
    expect(thread.body.takes).toHaveLength(1);
    expect(thread.body.messages.map((message: { role: string }) => message.role)).toEqual(["user", "department"]);
    // The thread is free again: the pending take takes its answer.
    const accepted = await request(app()).post("/api/v1/chat").set(A).send({ threadId, choice: "accept" }).expect(200);
    expect(accepted.body.status).toBe("accepted");
  });

  it("answers 409 THREAD_BUSY while another process holds the thread", async () => {
    const threadId = "race-held";
    const created = await request(app()).post("/api/v1/chat").set(A).send({ threadId, message: "hello" }).expect(200);
    expect(created.body.threadId).toBe(threadId);
    // What a CLI turn in another process holds for its whole run.
    const held = await claimThread(harness.dataDir, threadId);
    try {
      const refused = await request(app()).post("/api/v1/chat").set(A).send({ threadId, message: "hello again" });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("THREAD_BUSY");
      expect(refused.body.error.message).toMatch(/^thread race-held is being run by /);
      expect((await request(app()).get(`/api/v1/threads/${threadId}`).set(A)).body.running).toBe(false);
    } finally {
      await held.release();
    }
    await request(app()).post("/api/v1/chat").set(A).send({ threadId, message: "hello again" }).expect(200);
  });
});
