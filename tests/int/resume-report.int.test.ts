/**
 * The report of a run resumed after a kill: shots the killed run finished (handed back by the checkpoint
 * or found in the store) count as reused and cost this run nothing, while each clip keeps its own cost.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_VIDEO_MODEL, loadConfig } from "../../src/config.js";
import { createRuntime } from "../../src/runtime.js";
import { runCliWith } from "../helpers/cli.js";
import { TEST_ENV } from "../helpers/runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));
const PASSED = /shot (\d) stored as (med_[a-z0-9]+) \(passed/g;

interface ResumedTurn {
  videoId: string;
  status: string;
  report: { summary: { clipsTotal: number; clipsCompleted: number; clipsReused: number; costUsd: number } };
}

describe("the report of a resumed run", () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-resume-report-"));
    // The local renderer priced like a paid model, so what each run paid is visible.
    env = {
      CUTROOM_DATA_DIR: dataDir,
      CUTROOM_JOB_CONCURRENCY: "1",
      CUTROOM_PRICES: JSON.stringify({ [LOCAL_VIDEO_MODEL]: 0.01 }),
    };
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("counts the shots the killed run made as reused and charges only what it generated", async () => {
    const request = "a 20 second scene: Tom runs down the street, jumps, waves, sits";
    const child = spawn(process.execPath, [BIN, "chat", "--thread", "killed", "--json", request], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise((resolve) => child.on("close", resolve));
    // Killed once two shots are stored: the first one's chain has long finished and is in the checkpoint.
    const passedShots = () => new Set([...stderr.matchAll(PASSED)].map((match) => match[1]));
    for (let waited = 0; waited < 120_000 && passedShots().size < 2; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGKILL");
    await closed;
    const before = new Map([...stderr.matchAll(PASSED)].map((match) => [match[1]!, match[2]!]));
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(stderr).not.toMatch(/"status": "awaiting-choice"/);

    const resumed = await runCliWith(["chat", "--thread", "killed", "--resume", "--json"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const turn = resumed.json as unknown as ResumedTurn;
    expect(turn.status).toBe("awaiting-choice");
    const { summary } = turn.report;
    expect(summary.clipsCompleted).toBe(summary.clipsTotal);
    expect(summary.clipsReused).toBeGreaterThanOrEqual(before.size);
    // Every clip stored after the kill (passed or not) is what this run paid for; nothing else is.
    const madeNow = [...resumed.stderr.matchAll(/shot \d stored as (med_[a-z0-9]+)/g)].map((match) => match[1]!);
    expect(summary.clipsReused + new Set(madeNow).size).toBeGreaterThanOrEqual(summary.clipsTotal);

    const runtime = await createRuntime(loadConfig({ ...TEST_ENV, ...env }), {
      llm: null,
      log: { info: () => {}, warn: () => {} },
    });
    try {
      const cost = async (mediaId: string) => Number((await runtime.media.get(mediaId))!.generation.costUsd);
      let paidNow = 0;
      for (const mediaId of new Set(madeNow)) paidNow += await cost(mediaId);
      expect(summary.costUsd).toBeCloseTo(paidNow, 6);
      // A reused shot still carries what it cost when the killed run made it.
      const clips = (await runtime.brain.forProject(runtime.config.projectId).sceneOf(turn.videoId))!.clips;
      for (const [shot, mediaId] of before) {
        const clip = clips.find((item) => item.shotIndex === Number(shot))!;
        expect(clip.mediaId).toBe(mediaId);
        expect(clip.costUsd).toBeGreaterThan(0);
        expect(clip.costUsd).toBe(await cost(mediaId));
      }
      const take = (await runtime.brain.forProject(runtime.config.projectId).getTake(turn.videoId))!;
      // The take cost what all its clips cost, across both runs.
      expect(take.video.costUsd).toBeGreaterThanOrEqual(summary.costUsd);
    } finally {
      await runtime.close();
    }
  });
});
