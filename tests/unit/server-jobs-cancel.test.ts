/** Cancelling an API job: a queued one never runs, a running one is stopped through its signal. */
import { describe, expect, it } from "vitest";
import { InProcessJobQueue, type JobHandler, type JobKind, type JobView } from "../../src/server/jobs.js";

const quiet = { info: () => {}, warn: () => {} };

function handlers(run: JobHandler["run"]): Record<JobKind, JobHandler> {
  const handler: JobHandler = { estimateSeconds: () => 1, run };
  return { generate: handler, assemble: handler };
}

describe("cancelling API jobs", () => {
  it("aborts the running job's signal and never starts the queued one", async () => {
    const started: string[] = [];
    let sawAbort = false;
    const queue = new InProcessJobQueue(
      handlers(
        (payload, { signal }) =>
          new Promise((_resolve, reject) => {
            started.push(String(payload.prompt));
            signal.addEventListener("abort", () => {
              sawAbort = true;
              reject(new Error("render killed"));
            });
          }),
      ),
      quiet,
    );
    const settled: JobView[] = [];
    queue.onSettled((job) => settled.push(job));
    const running = queue.submit({ kind: "generate", projectId: "p1", payload: { prompt: "a" }, webhookUrl: null });
    const queued = queue.submit({ kind: "generate", projectId: "p1", payload: { prompt: "b" }, webhookUrl: null });
    await expect.poll(() => queue.get(running.jobId)?.status).toBe("running");

    expect(queue.cancel(queued.jobId)?.status).toBe("failed");
    expect(queue.get(queued.jobId)?.error).toMatchObject({ code: "CANCELLED" });
    queue.cancel(running.jobId);
    await expect.poll(() => queue.get(running.jobId)?.status).toBe("failed");
    // The work's own error on the way out does not hide that the job was cancelled.
    expect(queue.get(running.jobId)?.error).toMatchObject({ code: "CANCELLED" });
    expect(sawAbort).toBe(true);
    expect(started).toEqual(["a"]);
    expect(settled.map((job) => job.jobId).sort()).toEqual([queued.jobId, running.jobId].sort());
    // A finished job stays as it was; an unknown one is null.
    expect(queue.cancel(running.jobId)?.error).toMatchObject({ code: "CANCELLED" });
    expect(queue.cancel("job_unknown")).toBeNull();
    await queue.close();
  });

  it("stopping the server cancels the running job rather than leaving its renders to bill", async () => {
    let sawAbort = false;
    const queue = new InProcessJobQueue(
      handlers(
        (_payload, { signal }) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => {
              sawAbort = true;
              reject(new Error("render killed"));
            }),
          ),
      ),
      quiet,
    );
    const job = queue.submit({ kind: "generate", projectId: "p1", payload: { prompt: "a" }, webhookUrl: null });
    await expect.poll(() => queue.get(job.jobId)?.status).toBe("running");
    await queue.close();
    expect(sawAbort).toBe(true);
    expect(queue.get(job.jobId)).toMatchObject({ status: "failed", error: { code: "CANCELLED" } });
    expect(queue.get(job.jobId)?.error?.message).toMatch(/server stopped/);
  });
});
