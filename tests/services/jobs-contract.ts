/**
 * The JobQueue contract, shared by the in-process unit test and the BullMQ service test.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CutroomError, isCutroomError } from "../../src/errors.js";
import { cancelledBy } from "../../src/jobs/cancel.js";
import type { JobEvent, JobQueue, JobQueueOptions } from "../../src/jobs/types.js";

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (caught: unknown) => caught as CutroomError,
  );

/** Resolves when the signal aborts, then fails the way aborted work does. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_resolve, reject) =>
    signal.addEventListener("abort", () => reject(new Error("the work noticed its signal")), { once: true }),
  );

export function jobQueueContract(name: string, open: (options: JobQueueOptions) => Promise<JobQueue>): void {
  describe(`JobQueue contract: ${name}`, () => {
    const opened: JobQueue[] = [];
    const start = async (options: Partial<JobQueueOptions> = {}): Promise<JobQueue> => {
      const queue = await open({ attempts: 3, backoffMs: 50, concurrency: 5, ...options });
      opened.push(queue);
      return queue;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
    });

    it("runs a job once per id, reporting progress and completion", async () => {
      const queue = await start();
      const events: JobEvent[] = [];
      queue.subscribe((event) => events.push(event));
      let runs = 0;
      queue.register("generate", async (data, context) => {
        runs += 1;
        await context.progress(0.5);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await context.progress(1);
        return { doubled: Number(data.value) * 2 };
      });
      const [first, second] = await Promise.all([
        queue.run("generate", { value: 21 }, "job-once"),
        queue.run("generate", { value: 99 }, "job-once"),
      ]);
      expect(first).toEqual({ doubled: 42 });
      expect(second).toEqual({ doubled: 42 });
      expect(await queue.run("generate", { value: 5 }, "job-once")).toEqual({ doubled: 42 });
      expect(runs).toBe(1);
      const status = await queue.status("job-once");
      expect(status).toMatchObject({
        id: "job-once",
        name: "generate",
        state: "completed",
        progress: 1,
        attemptsMade: 0,
      });
      await expect
        .poll(() => events.some((event) => event.type === "completed" && event.jobId === "job-once"))
        .toBe(true);
      const progress = events.filter((event) => event.type === "progress").map((event) => event.progress);
      expect(progress).toContain(0.5);
      expect(await queue.status("job-unknown")).toBeNull();
    });

    it("retries a failing job with exponential backoff, keeping its journal", async () => {
      const queue = await start({ backoffMs: 100 });
      const startedAt: number[] = [];
      const journals: string[][] = [];
      queue.register("assemble", async (_data, context) => {
        startedAt.push(Date.now());
        journals.push(await context.journal.entries());
        await context.journal.append(`attempt ${context.attempt}`);
        if (context.attempt < 3) throw new Error(`transient failure ${context.attempt}`);
        return "done";
      });
      expect(await queue.run("assemble", {}, "job-retry")).toBe("done");
      expect(startedAt).toHaveLength(3);
      expect(journals).toEqual([[], ["attempt 1"], ["attempt 1", "attempt 2"]]);
      // Delays grow: 100 ms then 200 ms (timer slack allowed, never shorter).
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(95);
      expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(195);
      expect(await queue.status("job-retry")).toMatchObject({ state: "completed", attemptsMade: 2, attempts: 3 });
    });

    it("fails after the last attempt with JOB_FAILED, and runs again when enqueued again", async () => {
      const queue = await start({ attempts: 2, backoffMs: 20 });
      const events: JobEvent[] = [];
      queue.subscribe((event) => events.push(event));
      let healthy = false;
      let runs = 0;
      queue.register("verify", async () => {
        runs += 1;
        if (!healthy) throw new Error("the file is unreadable");
        return { passed: true };
      });
      const error = await queue.run("verify", {}, "job-fail").then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(isCutroomError(error, "JOB_FAILED"), String(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/the file is unreadable/);
      expect(await queue.status("job-fail")).toMatchObject({ state: "failed", attemptsMade: 2 });
      await expect
        .poll(() => events.some((event) => event.type === "failed" && event.jobId === "job-fail" && event.final))
        .toBe(true);
      expect(runs).toBe(2);
      healthy = true;
      expect(await queue.run("verify", {}, "job-fail")).toEqual({ passed: true });
      expect(runs).toBe(3);
    });

    it("hands the waiter the failure's own code and field, and never retries a final one", async () => {
      const queue = await start({ attempts: 3, backoffMs: 20 });
      const runs = { refused: 0, flaky: 0 };
      queue.register("generate", async (data) => {
        if (data.refuse) {
          runs.refused += 1;
          throw new CutroomError("CONTENT_POLICY", "the model refused the prompt", { field: "prompt" });
        }
        runs.flaky += 1;
        throw new CutroomError("PROVIDER", "the model is having a bad day");
      });
      const refused = await failureOf(queue.run("generate", { refuse: true }, "job-refused"));
      expect(refused?.code).toBe("CONTENT_POLICY");
      expect(refused?.field).toBe("prompt");
      expect(refused?.message).toMatch(/refused the prompt/);
      expect(runs.refused).toBe(1);
      expect(await queue.status("job-refused")).toMatchObject({
        state: "failed",
        attemptsMade: 1,
        errorCode: "CONTENT_POLICY",
        errorField: "prompt",
        error: "the model refused the prompt",
      });
      // A failure another try may mend is still retried, and keeps its code too.
      const flaky = await failureOf(queue.run("generate", {}, "job-flaky"));
      expect(flaky?.code).toBe("PROVIDER");
      expect(runs.flaky).toBe(3);
    });

    it("cancels a running job through its signal, without a retry", async () => {
      const queue = await start({ attempts: 3, backoffMs: 20 });
      let runs = 0;
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      queue.register("generate", async (_data, context) => {
        runs += 1;
        started();
        return untilAborted(context.signal);
      });
      await queue.enqueue("generate", {}, "job-cancel-active");
      await running;
      expect(await queue.cancel("job-cancel-active")).toBe(true);
      const error = await failureOf(queue.waitFor("job-cancel-active", 10_000));
      expect(error?.code).toBe("CANCELLED");
      expect(await queue.status("job-cancel-active")).toMatchObject({ state: "failed", errorCode: "CANCELLED" });
      expect(runs).toBe(1);
      expect(await queue.cancel("job-cancel-active")).toBe(false);
      expect(await queue.cancel("job-never-made")).toBe(false);
    });

    it("a cancelled job that has not started never runs", async () => {
      const queue = await start({ concurrency: 1 });
      const ran: string[] = [];
      let release!: () => void;
      const blocker = new Promise<void>((resolve) => (release = resolve));
      queue.register("assemble", async (data) => {
        ran.push(String(data.name));
        if (data.name === "first") await blocker;
        return data.name;
      });
      const first = queue.run("assemble", { name: "first" }, "job-first");
      await expect.poll(() => ran).toEqual(["first"]);
      await queue.enqueue("assemble", { name: "second" }, "job-second");
      expect(await queue.cancel("job-second")).toBe(true);
      release();
      expect(await first).toBe("first");
      expect((await failureOf(queue.waitFor("job-second", 10_000)))?.code).toBe("CANCELLED");
      expect(ran).toEqual(["first"]);
    });

    it("a waiter's signal cancels the job it waits for", async () => {
      const queue = await start();
      let aborted = false;
      queue.register("verify", async (_data, context) => {
        await untilAborted(context.signal).catch((error: unknown) => {
          aborted = true;
          throw error;
        });
      });
      const controller = new AbortController();
      const waiting = failureOf(cancelledBy(queue, controller.signal).run("verify", {}, "job-waiter"));
      await expect.poll(async () => (await queue.status("job-waiter"))?.state).toBe("active");
      controller.abort();
      expect((await waiting)?.code).toBe("CANCELLED");
      expect(aborted).toBe(true);
      expect(await queue.status("job-waiter")).toMatchObject({ state: "failed", attemptsMade: 1 });
    });

    it("runs at most `concurrency` jobs at once", async () => {
      const queue = await start({ concurrency: 2 });
      let running = 0;
      let most = 0;
      queue.register("generate", async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 80));
        running -= 1;
        return null;
      });
      await Promise.all(Array.from({ length: 6 }, (_, index) => queue.run("generate", {}, `job-par-${index}`)));
      expect(most).toBe(2);
    });

    it("keeps a job's step events, data and times, lists it while pending, and settles it once", async () => {
      const queue = await start({ attempts: 1, concurrency: 1 });
      const events: JobEvent[] = [];
      queue.subscribe((event) => events.push(event));
      const settled: string[] = [];
      queue.onSettled((status) => settled.push(`${status.id}:${status.state}`));
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      queue.register("generate-request", async (_data, context) => {
        const step = { step: "generate", fraction: 0.5, message: "rendering", at: new Date().toISOString() };
        await context.progress(0.25, step);
        await gate;
        return { done: true };
      });
      await queue.enqueue("generate-request", { projectId: "p1", request: { prompt: "a" } }, "job_steps");
      await queue.enqueue("generate-request", { projectId: "p1", request: { prompt: "b" } }, "job_after");
      await expect.poll(async () => (await queue.status("job_steps"))?.step).toBe("generate");
      const running = (await queue.status("job_steps"))!;
      expect(running).toMatchObject({ state: "active", progress: 0.25, data: { projectId: "p1" } });
      expect(running.events.map((event) => event.message)).toEqual(["rendering"]);
      expect(running.startedAt).not.toBeNull();
      expect(running.finishedAt).toBeNull();
      expect((await queue.pending()).map((status) => status.id)).toEqual(["job_steps", "job_after"]);
      release();
      await queue.waitFor("job_steps");
      await queue.waitFor("job_after");
      expect((await queue.status("job_steps"))?.finishedAt).not.toBeNull();
      expect(await queue.pending()).toEqual([]);
      await expect.poll(() => [...settled].sort()).toEqual(["job_after:completed", "job_steps:completed"]);
      await expect
        .poll(() => events.some((event) => event.type === "progress" && event.event?.message === "rendering"))
        .toBe(true);
      expect(events.some((event) => event.type === "active" && event.jobId === "job_steps")).toBe(true);
    });

    it("refuses ids that cannot be keys", async () => {
      const queue = await start();
      queue.register("generate", async () => null);
      const error = await queue.enqueue("generate", {}, "take:1").then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(isCutroomError(error, "INVALID_ID")).toBe(true);
    });
  });
}
