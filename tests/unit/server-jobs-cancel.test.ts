/** Cancelling an API job: a queued one never runs, a running one is stopped through its signal. */
import { describe, expect, it } from "vitest";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import type { JobHandler, JobStatus } from "../../src/jobs/types.js";
import { RequestEstimates, submitRequest, viewOf } from "../../src/server/jobs.js";

function requestQueue(handler: JobHandler): InProcessJobQueue {
  const jobs = new InProcessJobQueue({ concurrency: 1, attempts: 1 });
  jobs.register("generate-request", handler);
  return jobs;
}

const submit = (jobs: InProcessJobQueue, prompt: string) =>
  submitRequest(jobs, new RequestEstimates(() => 1), {
    kind: "generate",
    projectId: "p1",
    request: { prompt },
    webhookUrl: null,
  });

const view = async (jobs: InProcessJobQueue, jobId: string) => {
  const status = await jobs.status(jobId);
  return status === null ? null : viewOf(status);
};

describe("cancelling API jobs", () => {
  it("aborts the running job's signal and never starts the queued one", async () => {
    const started: string[] = [];
    let sawAbort = false;
    const queue = requestQueue(
      (data, { signal }) =>
        new Promise((_resolve, reject) => {
          started.push(String((data.request as { prompt: string }).prompt));
          signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(new Error("render killed"));
          });
        }),
    );
    const settled: JobStatus[] = [];
    queue.onSettled((job) => settled.push(job));
    const running = await submit(queue, "a");
    const queued = await submit(queue, "b");
    await expect.poll(async () => (await view(queue, running.jobId))?.status).toBe("running");

    expect(await queue.cancel(queued.jobId)).toBe(true);
    expect(await view(queue, queued.jobId)).toMatchObject({ status: "failed", error: { code: "CANCELLED" } });
    await queue.cancel(running.jobId);
    await expect.poll(async () => (await view(queue, running.jobId))?.status).toBe("failed");
    // The work's own error on the way out does not hide that the job was cancelled.
    expect((await view(queue, running.jobId))?.error).toMatchObject({ code: "CANCELLED" });
    expect(sawAbort).toBe(true);
    expect(started).toEqual(["a"]);
    expect(settled.map((job) => job.id).sort()).toEqual([queued.jobId, running.jobId].sort());
    // A finished job stays as it was; an unknown one cannot be cancelled.
    expect(await queue.cancel(running.jobId)).toBe(false);
    expect((await view(queue, running.jobId))?.error).toMatchObject({ code: "CANCELLED" });
    expect(await queue.cancel("job_unknown")).toBe(false);
    await queue.close();
  });

  it("stopping the server cancels the running job rather than leaving its renders to bill", async () => {
    let sawAbort = false;
    const queue = requestQueue(
      (_data, { signal }) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(new Error("render killed"));
          }),
        ),
    );
    const job = await submit(queue, "a");
    await expect.poll(async () => (await view(queue, job.jobId))?.status).toBe("running");
    await queue.close();
    expect(sawAbort).toBe(true);
    expect(await view(queue, job.jobId)).toMatchObject({ status: "failed", error: { code: "CANCELLED" } });
  });

  it("shows a department failure's code and message, and hides anything else", async () => {
    const queue = requestQueue(async () => {
      throw new Error("/tmp/secret broke");
    });
    const job = await submit(queue, "a");
    await expect.poll(async () => (await view(queue, job.jobId))?.status).toBe("failed");
    expect((await view(queue, job.jobId))?.error).toEqual({
      code: "INTERNAL",
      message: "internal error; the server log has the details",
    });
    await queue.close();
  });
});
