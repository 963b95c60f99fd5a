/**
 * Every caller reaches the department through one entry: the `video_department` tool and the HTTP
 * generate route cannot ask anyone to confirm a cost, so a request estimated above their budget is refused
 * with the estimate and the budget named, before anything is spent; and the chat, the tool and HTTP all
 * run the department with the same recursion limit, passing their signal and progress through.
 */
import request from "supertest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCAL_VIDEO_MODEL } from "../../src/config.js";
import { DEPARTMENT_RECURSION_LIMIT } from "../../src/departments/video/entry.js";
import { videoDepartmentGraph } from "../../src/departments/video/graph.js";
import { ProgressBus } from "../../src/jobs/progress.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import type { Runtime } from "../../src/runtime.js";
import { runRequest } from "../../src/server/videos.js";
import { createDepartmentTool } from "../../src/tools/department.js";
import { finishedJob, KEY_A, startHarness } from "../e2e/harness.js";
import { createTestRuntime } from "../helpers/runtime.js";

const REQUEST = "generate Sarah walking in the park";
/** 2 s clips (TEST_ENV) at $0.10 a second: the request is estimated at $0.20, over a $0.10 budget. */
const OVER_BUDGET = { CUTROOM_PRICES: JSON.stringify({ [LOCAL_VIDEO_MODEL]: 0.1 }), CUTROOM_BUDGET_USD: "0.1" };
const REFUSAL = /^not started: the request is estimated at \$0\.20, above its budget of \$0\.10; nothing was spent/;

async function storedMedia(runtime: Runtime, projectId = runtime.config.projectId) {
  return runtime.media.listByProject(projectId);
}

describe("the department entry", () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    await cleanup?.();
    cleanup = null;
  });

  it("refuses a tool call estimated above the budget, naming the estimate and the budget", async () => {
    const made = await createTestRuntime({ env: OVER_BUDGET });
    cleanup = made.cleanup;
    await expect(createDepartmentTool(made.runtime).invoke({ request: REQUEST })).rejects.toMatchObject({
      code: "BUDGET_EXCEEDED",
      message: expect.stringMatching(REFUSAL),
    });
    expect(await storedMedia(made.runtime)).toEqual([]);
  });

  it("refuses an HTTP generate estimated above the budget with a 422 before it is queued", async () => {
    const harness = await startHarness({ env: OVER_BUDGET });
    cleanup = harness.cleanup;
    const headers = { Authorization: `Bearer ${KEY_A}` };
    const refused = await request(harness.server.app)
      .post("/api/v1/projects/alpha/videos/generate")
      .set(headers)
      .send({ prompt: REQUEST })
      .expect(422);
    expect(refused.body.error.code).toBe("BUDGET_EXCEEDED");
    expect(refused.body.error.message).toMatch(REFUSAL);
    expect(await storedMedia(harness.server.context.runtime, "alpha")).toEqual([]);

    // A length the caller fixed is what is priced: one second ($0.10) fits the budget and is made.
    const queued = await request(harness.server.app)
      .post("/api/v1/projects/alpha/videos/generate")
      .set(headers)
      .send({ prompt: REQUEST, parameters: { duration: 1, quality: "draft" } })
      .expect(202);
    const job = await finishedJob<{ status: string; error: { message: string } | null }>(
      harness.server.app,
      headers,
      queued.body.jobId,
    );
    expect(job.status, job.error?.message).toBe("completed");
  });

  it("refuses a queued generate job too when it runs above the budget (a job restored after a restart)", async () => {
    const made = await createTestRuntime({ env: OVER_BUDGET });
    cleanup = made.cleanup;
    const run = runRequest(
      made.runtime,
      "generate",
      { prompt: REQUEST, asked: null },
      { projectId: "alpha", progress: new ProgressBus(), signal: new AbortController().signal },
    );
    await expect(run).rejects.toMatchObject({ code: "BUDGET_EXCEEDED", message: expect.stringMatching(REFUSAL) });
    expect(await storedMedia(made.runtime, "alpha")).toEqual([]);
  });

  it("runs the department with one recursion limit from the chat, the tool and HTTP, with their signal and progress", async () => {
    const made = await createTestRuntime();
    cleanup = made.cleanup;
    const seen: Array<{ recursionLimit?: number; signal?: AbortSignal; progress: unknown }> = [];
    // The department itself is not what is measured here: it answers at once with no take.
    vi.spyOn(videoDepartmentGraph, "invoke").mockImplementation((async (
      _input: unknown,
      config: { recursionLimit?: number; signal?: AbortSignal; context?: { progress?: unknown } },
    ) => {
      seen.push({ recursionLimit: config.recursionLimit, signal: config.signal, progress: config.context?.progress });
      return { takes: [], report: null };
    }) as never);

    // The chat: its department step finds no take and says so.
    const chatSignal = new AbortController().signal;
    await expect(new ChatService(made.runtime).turn({ message: REQUEST, signal: chatSignal })).rejects.toMatchObject({
      code: "MEDIA",
    });
    // The tool, with the signal of the call.
    const toolSignal = new AbortController().signal;
    const answer = JSON.parse(
      String(await createDepartmentTool(made.runtime).invoke({ request: REQUEST }, { signal: toolSignal })),
    ) as { take: unknown };
    expect(answer.take).toBeNull();
    // HTTP's job, with the job's own signal and progress.
    const jobSignal = new AbortController().signal;
    const progress = new ProgressBus();
    const result = (await runRequest(
      made.runtime,
      "generate",
      { prompt: REQUEST, asked: null },
      { projectId: "alpha", progress, signal: jobSignal },
    )) as { videoId: string | null };
    expect(result.videoId).toBeNull();

    expect(seen.map((call) => call.recursionLimit)).toEqual([
      DEPARTMENT_RECURSION_LIMIT,
      DEPARTMENT_RECURSION_LIMIT,
      DEPARTMENT_RECURSION_LIMIT,
    ]);
    expect(seen[0]!.signal).toBeDefined();
    expect(seen[1]!.signal).toBeDefined();
    expect(seen[2]!.signal).toBe(jobSignal);
    expect(seen[2]!.progress).toBe(progress);
  });
});
