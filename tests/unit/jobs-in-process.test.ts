import { describe, expect, it } from "vitest";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import { jobQueueContract } from "../services/jobs-contract.js";

jobQueueContract("in-process", async (options) => new InProcessJobQueue(options));

describe("closing the in-process queue", () => {
  it("stops running work through its signal and waits for it to clean up", async () => {
    const queue = new InProcessJobQueue();
    const steps: string[] = [];
    queue.register("generate", (_data, context) => {
      steps.push("started");
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener("abort", () => {
          // Cleaning up takes a moment (a provider's cancel request); close waits for it.
          setTimeout(() => {
            steps.push("cleaned up");
            reject(new Error("stopped"));
          }, 50);
        }),
      );
    });
    await queue.enqueue("generate", {}, "job-closing");
    await expect.poll(() => steps).toEqual(["started"]);
    await queue.close();
    expect(steps).toEqual(["started", "cleaned up"]);
    expect(await queue.status("job-closing")).toMatchObject({ state: "failed", errorCode: "CANCELLED" });
  });
});
