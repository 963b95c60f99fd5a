/**
 * Multi-clip scenes on embedded defaults: the 30 s park scene end to end, a run killed mid-generation
 * and resumed without generating any shot twice, and a shot that keeps failing (partial scene, then
 * that shot alone regenerated).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipRequest } from "../../src/domain.js";
import { CutroomError } from "../../src/errors.js";
import { runFfmpeg, probe } from "../../src/media/runner.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import type { GenerateOptions } from "../../src/providers/video/types.js";
import { runCli } from "../helpers/cli.js";
import { createTestRuntime, TEST_ENV } from "../helpers/runtime.js";

const PARK =
  "a 30-second scene: Sarah enters the park, walks past the fountain, sits on a bench; she says 'This park used to be different...'; soft piano music; birds in the background";
const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));

/** Mean loudness (RMS dB) of a stretch of a file's sound. */
async function rmsDb(path: string, start: number, seconds: number): Promise<number> {
  const { stderr } = await runFfmpeg({
    inputs: [{ source: path, options: ["-ss", start.toFixed(3), "-t", seconds.toFixed(3)] }],
    filterComplex: null,
    outputOptions: ["-vn", "-af", "astats=measure_overall=RMS_level:measure_perchannel=none", "-f", "null"],
    output: "-",
  });
  return Number(/RMS level dB: (-?[\d.]+|-inf)/.exec(stderr)?.[1] ?? "-inf");
}

interface SceneTurn {
  videoId: string;
  path: string;
  status: string;
  report: {
    status: string;
    summary: {
      clipsTotal: number;
      clipsCompleted: number;
      clipsReused: number;
      failedClips: Array<{ shotIndex: number }>;
    };
    outputs: Array<{ specialist: string }>;
  };
  quality: { checks: Array<{ type: string; passed: boolean; score: number }> };
}

describe("a 30-second scene from one request", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-scene-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("plans, generates, assembles, voices and verifies the park scene", async () => {
    const planned = await runCli(["plan", "--json", PARK], dataDir);
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as {
      kind: string;
      totalDuration: number;
      shots: Array<{ prompt: string }>;
      plan: { dialogue: Array<{ startTime: number; estimatedDuration: number }> };
    };
    expect(preview).toMatchObject({ kind: "scene", totalDuration: 30 });
    const plan = preview.plan;

    const run = await runCli(["chat", "--thread", "park30", "--json", PARK], dataDir);
    expect(run.code, run.stderr).toBe(0);
    const turn = run.json as unknown as SceneTurn;
    expect(turn.report.summary.clipsTotal).toBeGreaterThanOrEqual(5);
    expect(turn.report.summary.clipsCompleted).toBe(turn.report.summary.clipsTotal);
    // Each shot's first attempt was sent the prompt the plan showed.
    const firstAttempts = (
      turn.report.outputs as unknown as Array<{
        specialist: string;
        output: { shotIndex?: number; attempt?: number; prompt?: string };
      }>
    ).filter((output) => output.specialist === "video-generator" && output.output.attempt === 1);
    expect(firstAttempts.length).toBe(preview.shots.length);
    for (const output of firstAttempts)
      expect(output.output.prompt).toBe(preview.shots[output.output.shotIndex! - 1]!.prompt);
    expect(turn.report.outputs.map((output) => output.specialist)).toEqual(
      expect.arrayContaining(["scene-assembler", "audio-integrator"]),
    );
    const probed = await probe(turn.path);
    expect(Math.abs(probed.durationSeconds - 30)).toBeLessThanOrEqual(1 / 12 + 1e-3);
    expect(probed.hasAudio).toBe(true);
    expect(turn.quality.checks.find((check) => check.type === "continuity")).toMatchObject({ passed: true });
    const brain = await runCli(["brain", "take", turn.videoId, "--json"], dataDir);
    const scene = (
      brain.json as {
        scene: {
          scene: { shotCount: number };
          clips: Array<{ shotIndex: number }>;
          audio: Array<{ type: string; description: string; startTime: number }>;
        };
      }
    ).scene;
    expect(scene.scene.shotCount).toBe(turn.report.summary.clipsTotal);
    expect(scene.clips.map((clip) => clip.shotIndex)).toEqual(
      Array.from({ length: scene.scene.shotCount }, (_, index) => index + 1),
    );
    expect(scene.audio.map((track) => track.type).sort()).toEqual(["dialogue", "music", "sfx"]);
    // The line is heard where the plan puts it (and where the Brain says it is): louder than the music and
    // birds before it.
    const line = plan.dialogue[0]!;
    expect(scene.audio.find((track) => track.type === "dialogue")).toMatchObject({
      description: "Sarah: This park used to be different...",
      startTime: line.startTime,
    });
    const speech = await rmsDb(turn.path, line.startTime, Math.min(1.5, line.estimatedDuration));
    const bed = await rmsDb(turn.path, 2, 1.5);
    expect(speech).toBeGreaterThan(bed + 3);
  });
});

describe("resuming a killed run", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-resume-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("continues where it stopped without generating a stored shot again", async () => {
    const request = "a 20 second scene: Tom runs down the street, jumps, waves, sits";
    const child = spawn(process.execPath, [BIN, "chat", "--thread", "killed", "--json", request], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...TEST_ENV,
        CUTROOM_DATA_DIR: dataDir,
        CUTROOM_JOB_CONCURRENCY: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise((resolve) => child.on("close", resolve));
    // Kill -9 once at least one shot is stored and checked, before the scene is finished.
    const stored = /shot \d stored as med_[a-z0-9]+ \(passed/;
    for (let waited = 0; waited < 60_000 && !stored.test(stderr); waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGKILL");
    await closed;
    expect(stderr).toMatch(stored);
    expect(stderr).not.toMatch(/"status": "awaiting-choice"/);
    const storedBefore = [...stderr.matchAll(/shot (\d) stored as (med_[a-z0-9]+) \(passed/g)].map((match) => ({
      shot: match[1]!,
      mediaId: match[2]!,
    }));

    const blocked = await runCli(["chat", "--thread", "killed", "--json", "generate Sarah walking"], dataDir);
    expect(blocked.code).toBe(2);
    expect(blocked.json).toMatchObject({ error: { code: "RUN_UNFINISHED" } });

    const resumed = await runCli(["chat", "--thread", "killed", "--resume", "--json"], dataDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const turn = resumed.json as unknown as SceneTurn;
    expect(turn.status).toBe("awaiting-choice");
    expect(turn.report.summary.clipsCompleted).toBe(turn.report.summary.clipsTotal);
    // A shot finished before the kill is not rendered again: the checkpoint or the store gives it back.
    for (const { shot } of storedBefore) expect(resumed.stderr).not.toMatch(new RegExp(`shot ${shot} attempt`));
    // Only takes that passed count: an attempt that failed its checks is stored too, then tried again.
    const storedAfter = [...resumed.stderr.matchAll(/shot (\d) stored as med_[a-z0-9]+ \(passed/g)].map(
      (match) => match[1]!,
    );
    const everyStore = [...storedBefore.map((item) => item.shot), ...storedAfter];
    // No shot is stored twice across the two runs. A shot whose chain finished before the kill comes back
    // from the checkpoint; one stored mid-chain is found in the store again and counted as reused (its log
    // line may not have been written before the kill), so the stores seen lie between these bounds.
    const { clipsTotal, clipsReused } = turn.report.summary;
    expect(new Set(everyStore).size).toBe(everyStore.length);
    expect(everyStore.length).toBeLessThanOrEqual(clipsTotal);
    expect(everyStore.length).toBeGreaterThanOrEqual(clipsTotal - clipsReused);
    expect(storedAfter.length + clipsReused).toBeLessThanOrEqual(clipsTotal);
  });
});

/** The local renderer, except that every shot of one action fails (as a provider outage would). */
class FailingActionProvider extends LocalAnimaticProvider {
  failing: string | null;
  constructor(failing: string) {
    super({});
    this.failing = failing;
  }
  override async compositeToVideo(request: ClipRequest, options: GenerateOptions) {
    if (request.action === this.failing)
      throw new CutroomError("PROVIDER", `the model is unavailable for ${request.action} shots`);
    return super.compositeToVideo(request, options);
  }
}

describe("a shot that keeps failing", () => {
  it("gives a partial scene naming the missing shot, then regenerates that shot alone", async () => {
    const provider = new FailingActionProvider("sit");
    const { runtime, cleanup } = await createTestRuntime({ video: provider });
    try {
      const chat = new ChatService(runtime);
      const first = await chat.turn({
        threadId: "partial",
        message: "a 25 second scene: Sarah enters the park, walks on, looks around, waves, sits on a bench",
      });
      expect(first.report?.status).toBe("partial");
      const summary = first.report!.summary!;
      expect(summary.failedClips.map((failure) => failure.shotIndex)).toHaveLength(1);
      expect(first.report!.issues.join(" ")).toMatch(/shot \d+ is missing/);
      const missing = summary.failedClips[0]!.shotIndex;
      expect(summary.retries).toBeGreaterThanOrEqual(2);

      provider.failing = null;
      const again = await chat.turn({ threadId: "partial", choice: "regenerate" });
      const summaryAgain = again.report!.summary!;
      expect(again.report!.status).toBe("complete");
      expect(summaryAgain.clipsReused).toBe(summary.clipsCompleted);
      expect(summaryAgain.clipsCompleted).toBe(summaryAgain.clipsTotal);
      expect(again.takes.at(-1)?.regeneratedFrom).toBe(first.videoId);
      expect(missing).toBeGreaterThan(0);
    } finally {
      await cleanup();
    }
  });
});

describe("cost control", () => {
  it("asks before spending above the threshold, and cancelling spends nothing", async () => {
    const { runtime, cleanup } = await createTestRuntime({
      env: { CUTROOM_PRICES: JSON.stringify({ "cutroom-animatic-1": 0.05 }), CUTROOM_CONFIRM_ABOVE_USD: "0.5" },
    });
    try {
      const chat = new ChatService(runtime);
      const asked = await chat.turn({
        threadId: "costly",
        message: "a 20 second scene: Sarah walks in the park, sits",
      });
      expect(asked.status).toBe("awaiting-confirmation");
      // 20 s of picture plus the tail handles of dissolves, at $0.05 a second.
      expect(asked.estimatedCostUsd).toBeGreaterThanOrEqual(1);
      expect(asked.estimatedCostUsd).toBeLessThan(1.2);
      expect(asked.choices).toEqual(["proceed", "cancel"]);
      await expect(chat.turn({ threadId: "costly", choice: "accept" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
      const cancelled = await chat.turn({ threadId: "costly", message: "cancel" });
      expect(cancelled.status).toBe("cancelled");
      expect((await runtime.media.listByProject("default")).filter((record) => record.kind === "video")).toHaveLength(
        0,
      );

      const again = await chat.turn({
        threadId: "costly2",
        message: "a 20 second scene: Sarah walks in the park, sits",
      });
      const made = await chat.turn({ threadId: "costly2", choice: "proceed" });
      expect(again.status).toBe("awaiting-confirmation");
      expect(made.status).toBe("awaiting-choice");
      const summary = made.report!.summary!;
      expect(summary.costUsd).toBeCloseTo(asked.estimatedCostUsd!, 1);
      expect(summary.budgetUsd).toBe(10);
    } finally {
      await cleanup();
    }
  });
});
