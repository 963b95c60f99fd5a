/**
 * End to end on embedded defaults: "generate Sarah walking in the park" through the real CLI, each turn
 * in its own process, checked against the file (ffprobe), the quality report and the Brain.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../src/media/runner.js";
import { runCli } from "../helpers/cli.js";

interface Quality {
  passed: boolean;
  overallQuality: number;
  checks: Array<{ type: string; score: number; passed: boolean; details: string; threshold: number }>;
}

describe("cutroom chat across processes", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-e2e-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("generates a measured, Brain-recorded take, then regenerates and accepts it", async () => {
    const first = await runCli(["chat", "--thread", "walk1", "--json", "generate Sarah walking in the park"], dataDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/\[generate\]/);
    const turn = first.json as Record<string, unknown> & {
      path: string;
      videoId: string;
      quality: Quality;
      choices: string[];
    };
    expect(turn.threadId).toBe("walk1");
    expect(turn.choices).toEqual(["accept", "regenerate", "discard"]);
    expect(turn).toHaveProperty("report.department", "video-generation");
    expect(turn).toHaveProperty("route.department", "video-generation");

    const probed = await probe(turn.path);
    expect(probed.videoCodec).toBe("h264");
    expect(probed.width).toBe(320);
    expect(probed.height).toBe(180);
    expect(Math.abs(probed.durationSeconds - 2)).toBeLessThanOrEqual(1 / 12 + 0.001);
    const duration = turn.quality.checks.find((check) => check.type === "duration")!;
    expect(duration.details).toMatch(/2\.0/);
    expect(turn.quality.checks.map((check) => check.type)).toContain("character-consistency");

    const brainTake = await runCli(["brain", "take", turn.videoId, "--json"], dataDir);
    expect(brainTake.code, brainTake.stderr).toBe(0);
    expect(brainTake.json).toMatchObject({
      video: { id: turn.videoId, status: "pending" },
      characters: [{ name: "Sarah" }],
      location: { name: "park" },
    });
    expect(brainTake.json).toHaveProperty("report.overallQuality", turn.quality.overallQuality);

    const again = await runCli(["chat", "--thread", "walk1", "--choice", "regenerate", "--json"], dataDir);
    expect(again.code, again.stderr).toBe(0);
    const second = again.json as { videoId: string; path: string; status: string };
    expect(second.status).toBe("awaiting-choice");
    expect(second.videoId).not.toBe(turn.videoId);
    const secondView = await runCli(["brain", "take", second.videoId, "--json"], dataDir);
    expect(secondView.json).toHaveProperty("regeneratedFrom");
    const chain = secondView.json as { regeneratedFrom: string };
    // Automatic retries may sit between the two, but the chain starts at the first take.
    expect(chain.regeneratedFrom).toBeTruthy();
    const firstView = await runCli(["brain", "take", turn.videoId, "--json"], dataDir);
    expect(firstView.json).toMatchObject({ video: { status: "superseded" } });

    const accepted = await runCli(["chat", "--thread", "walk1", "--choice", "accept", "--json"], dataDir);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.json).toMatchObject({ status: "accepted", videoId: second.videoId });
    const acceptedView = await runCli(["brain", "take", second.videoId, "--json"], dataDir);
    expect(acceptedView.json).toMatchObject({ video: { status: "accepted" } });
    const sarah = await runCli(["brain", "character", "Sarah", "--json"], dataDir);
    const statuses = (sarah.json as { takes: Array<{ status: string }> }).takes.map((take) => take.status);
    expect(statuses).toContain("accepted");
    expect(statuses).toContain("superseded");
  });

  it("discards a take: marked in the Brain, its object tombstoned", async () => {
    const first = await runCli(["chat", "--thread", "wave1", "--json", "generate Sarah waving at the beach"], dataDir);
    expect(first.code, first.stderr).toBe(0);
    const take = first.json as { videoId: string; path: string };
    expect(existsSync(take.path)).toBe(true);
    const discarded = await runCli(
      ["chat", "--thread", "wave1", "--choice", "discard", "--note", "wrong light", "--json"],
      dataDir,
    );
    expect(discarded.code, discarded.stderr).toBe(0);
    expect(discarded.json).toMatchObject({ status: "discarded" });
    expect(existsSync(take.path)).toBe(false);
    expect(
      existsSync(take.path.replace(`${join(dataDir, "store", "objects")}`, join(dataDir, "store", "tombstones"))),
    ).toBe(true);
    const view = await runCli(["brain", "take", take.videoId, "--json"], dataDir);
    expect(view.json).toMatchObject({ video: { status: "discarded", statusReason: "wrong light" } });
    const late = await runCli(["chat", "--thread", "wave1", "--choice", "accept", "--json"], dataDir);
    expect(late.code).toBe(2);
    expect(late.json).toMatchObject({ error: { code: "NO_PENDING_CHOICE" } });
  });

  it("answers bad input with clear messages and exit code 2, storing nothing", async () => {
    const cases: Array<[string[], string, RegExp]> = [
      [["chat", "--json", "   "], "INVALID_INPUT", /message is empty/],
      [["chat", "--json", "!!! ???"], "INVALID_INPUT", /no words/],
      [["chat", "--json", "generate a 200 second clip of Sarah running"], "INVALID_INPUT", /at most 70 s/],
      [["chat", "--thread", "nobody-here", "--choice", "accept", "--json"], "UNKNOWN_THREAD", /does not exist/],
      [["chat", "--thread", "../etc", "--json", "generate Sarah walking"], "INVALID_ID", /thread must be/],
      [["chat", "--thread", "walk1", "--choice", "maybe", "--json"], "INVALID_INPUT", /choice must be one of/],
    ];
    for (const [args, code, message] of cases) {
      const run = await runCli(args, dataDir);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.json).toMatchObject({ error: { code } });
      expect(String((run.json.error as { message: string }).message)).toMatch(message);
    }
    const polite = await runCli(["chat", "--json", "what is the capital of France?"], dataDir);
    expect(polite.code).toBe(0);
    expect(polite.json).toMatchObject({ status: "answered", route: { kind: "none" } });
    expect(String(polite.json.reply)).toMatch(/no department/);
  });
});

describe("all four specialists on one request", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-e2e4-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("grades the look, voices the line in the character's voice, mixes the birds, and measures the result", async () => {
    const run = await runCli(
      [
        "chat",
        "--json",
        'generate a cinematic 3 second shot of Sarah waving in the park; she says "What a lovely day" with birds',
      ],
      dataDir,
    );
    expect(run.code, run.stderr).toBe(0);
    const turn = run.json as {
      path: string;
      report: { outputs: Array<{ specialist: string; output: { toolCalls: string[] } }> };
      grade: { passed: boolean };
    };
    expect(turn.report.outputs.map((output) => output.specialist)).toEqual([
      "video-generator",
      "scene-assembler",
      "audio-integrator",
      "quality-verifier",
    ]);
    const audio = turn.report.outputs.find((output) => output.specialist === "audio-integrator")!;
    expect(audio.output.toolCalls).toEqual([
      "generate_character_dialogue",
      "generate_sound_effect",
      "sync_audio_tracks",
      "mix_audio",
      "save_with_audio",
    ]);
    const probed = await probe(turn.path);
    expect(probed.hasAudio).toBe(true);
    expect(Math.abs((probed.audioDurationSeconds ?? 0) - probed.durationSeconds)).toBeLessThan(0.05);
    // The look is graded on purpose, so consistency is measured before it and the take still passes.
    expect(turn.grade.passed).toBe(true);
    const sarah = await runCli(["brain", "character", "Sarah", "--json"], dataDir);
    expect(sarah.json).toHaveProperty("character.voiceId");
    expect((sarah.json as { character: { voiceId: string | null } }).character.voiceId).toBeTruthy();
  });
});
