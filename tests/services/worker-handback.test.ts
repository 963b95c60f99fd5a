/**
 * A graceful stop whose deadline passes: the stopping worker aborts the job it runs and hands it back to the
 * waiting list without using up an attempt, and another worker of the queue runs it to completion.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BullMqJobQueue } from "../../src/jobs/bullmq.js";
import { servicesEnv } from "./env.js";

const env = servicesEnv();

describe.skipIf(env === null)("a worker stopping past its deadline", () => {
  it("hands its running job back, and another worker finishes it without a failed attempt", async () => {
    const queueName = `handback-${randomBytes(4).toString("hex")}`;
    const options = { url: env!.REDIS_URL, queueName, attempts: 2, backoffMs: 100, lockDurationMs: 2_000 };
    const stopping = await BullMqJobQueue.open(options);
    const rescuer = await BullMqJobQueue.open(options);
    try {
      let started = false;
      let aborted = false;
      stopping.register("generate", async (_data, context) => {
        started = true;
        await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve(), { once: true }));
        aborted = true;
        throw new Error("stopped");
      });
      await stopping.enqueue("generate", { projectId: "p" }, "handback-1");
      await expect.poll(() => started, { timeout: 10_000, interval: 20 }).toBe(true);

      const outcome = await stopping.stop(300);
      expect(outcome.handedBack).toEqual(["handback-1"]);
      expect(aborted).toBe(true);
      const waiting = await rescuer.status("handback-1");
      expect(waiting?.state).toBe("waiting");
      expect(waiting?.attemptsMade).toBe(0);

      rescuer.register("generate", async (_data, context) => ({ ranBy: "rescuer", attempt: context.attempt }));
      expect(await rescuer.waitFor("handback-1", 20_000)).toEqual({ ranBy: "rescuer", attempt: 1 });
      expect((await rescuer.status("handback-1"))?.attemptsMade).toBe(0);
    } finally {
      await rescuer.close();
      await stopping.close().catch(() => undefined);
    }
  }, 60_000);
});
