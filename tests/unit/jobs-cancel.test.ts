/** A turn's view of the queue: its signal cancels the jobs it waits for, and the waiter hears why. */
import { describe, expect, it } from "vitest";
import { CutroomError } from "../../src/errors.js";
import { cancelledBy } from "../../src/jobs/cancel.js";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (caught: unknown) => caught as CutroomError,
  );

describe("jobs cancelled by a signal", () => {
  it("a budget stop cancels the running job and the waiter gets the budget's reason", async () => {
    const queue = new InProcessJobQueue({ backoffMs: 10 });
    let attempts = 0;
    queue.register("generate", (_data, context) => {
      attempts += 1;
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener("abort", () => reject(new Error("render stopped")), { once: true }),
      );
    });
    const controller = new AbortController();
    const waiting = failureOf(cancelledBy(queue, controller.signal).run("generate", {}, "job-budget"));
    await expect.poll(async () => (await queue.status("job-budget"))?.state).toBe("active");
    controller.abort(new CutroomError("BUDGET_EXCEEDED", "the request's budget of $1 is spent"));
    const error = await waiting;
    expect(error?.code).toBe("BUDGET_EXCEEDED");
    expect(await queue.status("job-budget")).toMatchObject({ state: "failed", errorCode: "CANCELLED" });
    expect(attempts).toBe(1);
    await queue.close();
  });

  it("a signal already aborted enqueues nothing", async () => {
    const queue = new InProcessJobQueue();
    queue.register("verify", async () => "ran");
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(cancelledBy(queue, controller.signal).run("verify", {}, "job-late"));
    expect(error?.code).toBe("CANCELLED");
    expect(await queue.status("job-late")).toBeNull();
    // Without a signal the view is the queue itself.
    expect(cancelledBy(queue, null)).toBe(queue);
    await queue.close();
  });
});
