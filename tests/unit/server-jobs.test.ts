/** The HTTP API's job records are jobs of the port's embedded queue, kept in a records file across restarts. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import type { JobHandler } from "../../src/jobs/types.js";
import { RequestEstimates, submitRequest, viewOf } from "../../src/server/jobs.js";

const quiet = { warn: () => {} };

function requestQueue(file: string, handler: JobHandler): InProcessJobQueue {
  const jobs = new InProcessJobQueue({ concurrency: 1, attempts: 1, recordsFile: file, log: quiet });
  jobs.register("generate-request", handler);
  return jobs;
}

const view = async (jobs: InProcessJobQueue, jobId: string) => {
  const status = await jobs.status(jobId);
  return status === null ? null : viewOf(status);
};

describe("API job records across a restart", () => {
  let directory: string | null = null;
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it("keeps finished jobs, fails the one that was running, and runs the queued ones", async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-api-jobs-"));
    const file = join(directory, "request-jobs.json");
    const estimates = new RequestEstimates(() => 1);
    const submit = (jobs: InProcessJobQueue, prompt: string) =>
      submitRequest(jobs, estimates, { kind: "generate", projectId: "p1", request: { prompt }, webhookUrl: null });
    const before = requestQueue(file, () => new Promise(() => {}));
    const running = await submit(before, "a");
    const queued = await submit(before, "b");
    expect(queued.estimatedTime).toBe(2);
    await expect.poll(async () => (await view(before, running.jobId))?.status).toBe("running");

    const seen: unknown[] = [];
    const after = requestQueue(file, async (data) => {
      seen.push(data.request);
      return { done: (data.request as { prompt: string }).prompt };
    });
    expect(await view(after, running.jobId)).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });
    await expect.poll(async () => (await view(after, queued.jobId))?.status).toBe("completed");
    expect(await view(after, queued.jobId)).toMatchObject({
      status: "completed",
      progress: 1,
      result: { done: "b" },
      projectId: "p1",
      type: "generate",
    });
    expect(seen).toEqual([{ prompt: "b" }]);
    await after.close();
  });
});
