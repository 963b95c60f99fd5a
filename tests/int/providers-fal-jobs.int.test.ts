/**
 * No paid call twice: the department on the real FAL adapter, pointed at the wire-level fake. A
 * content-policy refusal is submitted once through job retries and shot retries alike, and a cancelled
 * job or turn sends FAL its cancel request and stops polling.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CutroomError } from "../../src/errors.js";
import { generateJobId, type GenerateJobData } from "../../src/departments/video/jobs.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import { RequestEstimates, submitRequest } from "../../src/server/jobs.js";
import { registerRequestJobs } from "../../src/server/videos.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderTestClip } from "../fakes/media.js";
import { streetShot } from "../helpers/fixtures.js";
import { createTestRuntime } from "../helpers/runtime.js";

const KEY = "fal-jobs-key-7a1e";

describe("paid FAL calls through the department's jobs", () => {
  let directory: string;
  let fal: FakeFal;
  let env: Record<string, string>;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-fal-jobs-"));
    fal = await startFakeFal({ apiKey: KEY, video: await renderTestClip(directory, 5) });
    env = {
      FAL_KEY: KEY,
      FAL_BASE_URL: fal.url,
      CUTROOM_FAL_POLL_MS: "20",
      // Retries would happen at once; the test is about whether they happen.
      CUTROOM_JOB_BACKOFF_MS: "10",
      CUTROOM_CONFIRM_ABOVE_USD: "1000",
      // About the video jobs: references stay on the local renderer, so every submission is a clip.
      CUTROOM_IMAGES: "local",
    };
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    fal.submissions.length = 0;
    fal.statusCalls.length = 0;
    fal.cancelled.length = 0;
    fal.refusePrompts(null);
  });

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (caught: unknown) => caught as CutroomError,
    );

  it("a clip FAL refuses under its content policy is submitted once, and the turn says why", async () => {
    fal.refusePrompts(/./);
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const error = await failureOf(
        new ChatService(runtime).turn({ threadId: "refused", message: "generate Sarah walking in the park" }),
      );
      expect(error).toBeInstanceOf(CutroomError);
      expect(error!.code).toBe("CONTENT_POLICY");
      expect(error!.message).toMatch(/rephrase the prompt/);
      expect(fal.submissions).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it("a scene shot FAL refuses is not tried again by the job queue nor by the shot's retries", async () => {
    fal.refusePrompts(/\bsit/i);
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      await failureOf(
        new ChatService(runtime).turn({
          threadId: "scene-refused",
          message: "a 25 second scene: Sarah enters the park, walks on, looks around, waves, sits on a bench",
        }),
      );
      const prompts = fal.submissions.map((submission) => String(submission.body.prompt));
      const refused = prompts.filter((prompt) => /\bsit/i.test(prompt));
      expect(refused, prompts.join("\n")).toHaveLength(1);
      // The other shots were rendered: the refusal stopped its own shot only.
      expect(prompts.length).toBeGreaterThan(1);
    } finally {
      await cleanup();
    }
  });

  it("cancelling a generation job cancels the FAL request and stops polling", async () => {
    fal.script({ kind: "never-finishes" });
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const data: GenerateJobData = {
        projectId: "default",
        takeId: "vid_cancelled",
        shot: streetShot({ prompt: "an empty street at dawn", durationSeconds: 2, seed: 9 }),
      };
      const jobId = generateJobId("vid_cancelled", 1);
      await runtime.jobs.enqueue("generate", { ...data }, jobId);
      await expect.poll(() => fal.statusCalls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect(await runtime.jobs.cancel(jobId)).toBe(true);
      const error = await failureOf(runtime.jobs.waitFor(jobId, 20_000));
      expect(error?.code).toBe("CANCELLED");
      expect(fal.submissions).toHaveLength(1);
      expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
      expect(await fal.pollsDuring(300)).toBe(0);
      expect(await runtime.jobs.status(jobId)).toMatchObject({ state: "failed", attemptsMade: 1 });
    } finally {
      await cleanup();
    }
  });

  it("aborting a turn (Ctrl-C, a dropped client) cancels its FAL request and stops polling", async () => {
    fal.script({ kind: "never-finishes" });
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const controller = new AbortController();
      const turn = failureOf(
        new ChatService(runtime).turn({
          threadId: "aborted",
          message: "generate Sarah walking in the park",
          signal: controller.signal,
        }),
      );
      await expect.poll(() => fal.statusCalls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      controller.abort();
      expect(await turn).not.toBeNull();
      await expect.poll(() => fal.cancelled, { timeout: 10_000 }).toEqual([fal.submissions[0]!.requestId]);
      expect(await fal.pollsDuring(300)).toBe(0);
      expect(fal.submissions).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it("cancelling an API job cancels the FAL request its department run started", async () => {
    fal.script({ kind: "never-finishes" });
    const { runtime, cleanup } = await createTestRuntime({ env });
    // The server's request queue: HTTP jobs on the job port, one at a time, one attempt.
    const api = new InProcessJobQueue({ concurrency: 1, attempts: 1 });
    registerRequestJobs(api, runtime);
    try {
      const job = await submitRequest(api, new RequestEstimates(() => 1), {
        kind: "generate",
        projectId: "default",
        request: { prompt: "Sarah walking in the park", asked: null },
        webhookUrl: null,
      });
      await expect.poll(() => fal.statusCalls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect(await api.cancel(job.jobId)).toBe(true);
      await expect.poll(async () => (await api.status(job.jobId))?.state, { timeout: 20_000 }).toBe("failed");
      expect((await api.status(job.jobId))?.errorCode).toBe("CANCELLED");
      expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
      expect(await fal.pollsDuring(300)).toBe(0);
      expect(await api.cancel("job_unknown")).toBe(false);
    } finally {
      await api.close();
      await cleanup();
    }
  });

  it("closing the runtime while a generation runs cancels its FAL request before the process goes", async () => {
    fal.script({ kind: "never-finishes" });
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const jobId = generateJobId("vid_closing", 1);
      const data: GenerateJobData = { projectId: "default", takeId: "vid_closing", shot: streetShot() };
      await runtime.jobs.enqueue("generate", { ...data }, jobId);
      await expect.poll(() => fal.statusCalls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await runtime.jobs.close();
      expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
      expect(await fal.pollsDuring(300)).toBe(0);
    } finally {
      await cleanup();
    }
  });
});
