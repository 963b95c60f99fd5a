/**
 * The generation job's idempotency on the embedded runtime: a retried attempt removes the object an
 * interrupted one stored without a record, and a clip already stored for the take and index is reused.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  registerDepartmentJobs,
  type GenerateJobData,
  type GenerateJobResult,
} from "../../src/departments/video/jobs.js";
import type { JobContext, JobHandler, JobName, JobQueue } from "../../src/jobs/types.js";
import type { Runtime } from "../../src/runtime.js";
import { streetShot } from "../helpers/fixtures.js";
import { createTestRuntime } from "../helpers/runtime.js";

let test: Awaited<ReturnType<typeof createTestRuntime>>;
beforeEach(async () => {
  test = await createTestRuntime();
});
afterEach(async () => test.cleanup());

function handlersOf(runtime: Runtime): Map<JobName, JobHandler> {
  const handlers = new Map<JobName, JobHandler>();
  const capturing = {
    register: (name: JobName, handler: JobHandler) => handlers.set(name, handler),
  } as unknown as JobQueue;
  registerDepartmentJobs({ ...runtime, jobs: capturing });
  return handlers;
}

function context(journal: string[], attempt: number, progress: number[]): JobContext {
  return {
    jobId: "generate-vid_test-1",
    attempt,
    progress: async (fraction) => void progress.push(fraction),
    journal: { entries: async () => [...journal], append: async (line) => void journal.push(line) },
    signal: new AbortController().signal,
  };
}

const data: GenerateJobData = {
  projectId: "default",
  takeId: "vid_test",
  shot: streetShot(),
};

describe("generation job", () => {
  it("cleans up an interrupted attempt's orphan, then generates once and reuses the stored clip", async () => {
    const { runtime, dataDir } = test;
    const generate = handlersOf(runtime).get("generate")!;
    const orphanKey = "projects/default/takes/vid_test/clip-med_orphan.mp4";
    const source = join(dataDir, "orphan.mp4");
    await writeFile(source, "half-written");
    await runtime.store.put(orphanKey, source, { contentType: "video/mp4", metadata: {} });
    const journal = [`put ${orphanKey}`];
    const progress: number[] = [];

    const first = (await generate({ ...data }, context(journal, 2, progress))) as GenerateJobResult;
    expect(await runtime.store.head(orphanKey)).toBeNull();
    expect(first.toolCalls).toContain("save_video");
    expect(journal.some((line) => line === `put ${first.output.key}`)).toBe(true);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);

    const again = (await generate({ ...data }, context(journal, 3, []))) as GenerateJobResult;
    expect(again.output.mediaId).toBe(first.output.mediaId);
    expect(again.toolCalls).toEqual([]);
    const clips = (await runtime.media.listByProject("default")).filter(
      (record) => record.kind === "video" && record.generation.takeId === "vid_test",
    );
    expect(clips.map((record) => record.id)).toEqual([first.output.mediaId]);
    expect(await runtime.store.head(first.output.key)).not.toBeNull();
  }, 60_000);
});
