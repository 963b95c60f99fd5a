/**
 * The JobQueue contract, shared by the in-process unit test and the BullMQ service test.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import type { JobEvent, JobQueue, JobQueueOptions } from "../../src/jobs/types.js";

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
