/**
 * Two processes on one data dir and one thread. While a CLI turn renders a scene (its clips held in the
 * FAL fake's queue long enough to overlap), a second `--resume` or message on that thread fails fast with
 * THREAD_BUSY instead of rendering the scene again; a holder killed with -9 does not keep the thread
 * busy, and over HTTP the unfinished run it leaves is explained without CLI flags.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { createRuntime } from "../../src/runtime.js";
import { createServer } from "../../src/server/app.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { runCliWith } from "../helpers/cli.js";
import { sarahInThePark } from "../helpers/fixtures.js";
import { TEST_ENV } from "../helpers/runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));
const FAL_KEY = "fal-lock-key-5e21";
const API_KEY = "key-lock-0123456789abcdef";
const SCENE = "a 12 second scene: Tom runs down the street, jumps, waves";

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; stdout: string }>;
}

describe("one thread, two processes", () => {
  let dataDir: string;
  let fal: FakeFal;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-thread-lock-"));
    const clip = new LocalAnimaticProvider({ timeoutMs: 60_000 })
      .textToVideo(sarahInThePark({ durationSeconds: 4, seed: 3 }), {
        outputDir: dataDir,
        onProgress: null,
        signal: null,
      })
      .then((rendered) => rendered.path);
    fal = await startFakeFal({ apiKey: FAL_KEY, video: () => clip });
    env = {
      CUTROOM_DATA_DIR: dataDir,
      FAL_KEY,
      FAL_BASE_URL: fal.url,
      // Each clip stays in FAL's queue for about 3 s, so a scene takes several times that.
      CUTROOM_FAL_POLL_MS: "100",
      // Only clips go to FAL here: references stay on the local renderer.
      CUTROOM_IMAGES: "local",
      CUTROOM_JOB_CONCURRENCY: "1",
      CUTROOM_MAX_ATTEMPTS: "1",
      CUTROOM_CONFIRM_ABOVE_USD: "1000",
      CUTROOM_API_KEYS: `${API_KEY}=default`,
    };
  });
  afterAll(async () => {
    await fal.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function startTurn(args: string[]): Running {
    fal.script(...Array.from({ length: 40 }, () => ({ kind: "ok" as const, polls: 30 })));
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; stdout: string }>((resolve) =>
      child.on("close", (code) => resolve({ code, stdout })),
    );
    return { child, stderr: () => stderr, exited };
  }

  async function waitFor(condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; waited < 120_000; waited += 50) {
      if (condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it("refuses a --resume and a new message while another process runs the thread", async () => {
    const submittedBefore = fal.submissions.length;
    const first = startTurn(["chat", "--thread", "busy", "--json", SCENE]);
    await waitFor(() => fal.submissions.length > submittedBefore, "the first clip to reach FAL");

    const resumed = await runCliWith(["chat", "--thread", "busy", "--resume", "--json"], env);
    const message = await runCliWith(["chat", "--thread", "busy", "--json", "generate Sarah walking"], env);
    // Both answers came while the first turn was still rendering: the overlap this test is about.
    expect(first.child.exitCode).toBeNull();
    for (const refused of [resumed, message]) {
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.json).toMatchObject({ error: { code: "THREAD_BUSY", field: "thread" } });
      expect((refused.json.error as { message: string }).message).toBe(
        `thread busy is being run by another process (pid ${first.child.pid}); wait for it to finish, or stop that process and try again (a run it leaves unfinished can then be resumed)`,
      );
      expect(refused.stderr).not.toMatch(/shot \d attempt/);
    }

    const { code, stdout } = await first.exited;
    expect(code, first.stderr()).toBe(0);
    const turn = JSON.parse(stdout) as { status: string; report: { summary: { clipsTotal: number } } };
    expect(turn.status).toBe("awaiting-choice");
    // Every clip of the scene went to FAL once: nothing was rendered a second time.
    expect(fal.submissions.length - submittedBefore).toBe(turn.report.summary.clipsTotal);
    const counts = await runCliWith(["brain", "counts", "--json"], env);
    expect((counts.json as { nodes: Record<string, number> }).nodes.Scene).toBe(1);

    // Finished, the thread is free again, and there is nothing left to resume.
    const after = await runCliWith(["chat", "--thread", "busy", "--resume", "--json"], env);
    expect(after.json).toMatchObject({ error: { code: "INVALID_INPUT", field: "resume" } });
  });

  it("does not stay busy after its holder is killed, and explains the unfinished run over HTTP", async () => {
    const run = startTurn(["chat", "--thread", "killed", "--json", SCENE]);
    await waitFor(() => /shot \d stored as med_/.test(run.stderr()), "a stored shot");
    run.child.kill("SIGKILL");
    await run.exited;

    const runtime = await createRuntime(loadConfig({ ...TEST_ENV, ...env }), { log: { info() {}, warn() {} } });
    const server = await createServer(runtime, { allowPrivateWebhooks: true });
    try {
      const refused = await request(server.app)
        .post("/api/v1/chat")
        .set({ Authorization: `Bearer ${API_KEY}` })
        .send({ threadId: "killed", message: "generate Sarah walking" });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("RUN_UNFINISHED");
      expect(refused.body.error.message).toMatch(/start a new thread/);
      expect(refused.body.error.message).not.toMatch(/--/);
    } finally {
      await server.close();
      await runtime.close();
    }

    const resumed = await runCliWith(["chat", "--thread", "killed", "--resume", "--json"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ status: "awaiting-choice" });
  });
});
