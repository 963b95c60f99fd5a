import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InProcessJobQueue, type JobHandler, type JobKind } from "../../src/server/jobs.js";

const quiet = { info: () => {}, warn: () => {} };

function handlers(run: JobHandler["run"]): Record<JobKind, JobHandler> {
  const handler: JobHandler = { estimateSeconds: () => 1, run };
  return { generate: handler, assemble: handler };
}

describe("API job records across a restart", () => {
  let directory: string | null = null;
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it("keeps finished jobs, fails the one that was running, and runs the queued ones", async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-api-jobs-"));
    const file = join(directory, "api-jobs.json");
    const before = new InProcessJobQueue(
      handlers(() => new Promise(() => {})),
      quiet,
      file,
    );
    const running = before.submit({ kind: "generate", projectId: "p1", payload: { prompt: "a" }, webhookUrl: null });
    const queued = before.submit({ kind: "generate", projectId: "p1", payload: { prompt: "b" }, webhookUrl: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(before.get(running.jobId)?.status).toBe("running");

    const seen: unknown[] = [];
    const after = new InProcessJobQueue(
      handlers(async (payload) => {
        seen.push(payload);
        return { done: payload.prompt };
      }),
      quiet,
      file,
    );
    expect(after.get(running.jobId)).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(after.get(queued.jobId)).toMatchObject({ status: "completed", result: { done: "b" } });
    expect(seen).toEqual([{ prompt: "b" }]);
  });
});
