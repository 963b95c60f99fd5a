/**
 * The library from the command line, each command in its own process on embedded defaults: a small
 * scene ends with its summary line and stored contact sheet, `cutroom list` finds it again by title,
 * status and character, and typos are answered with the command or option that was probably meant.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SUMMARY =
  /^done in (\d+\.\d) s, \$(\d+\.\d{4}): (\d+) shots?, (\d+) reused, (\d+) made; contact sheet (\S+\.png)$/m;

describe("cutroom list and the scene summary", () => {
  let dataDir: string;
  let videoId = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-library-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("ends a scene with one line of time, cost, reused and made shots and the stored contact sheet", async () => {
    const turn = await runCli(["chat", "--thread", "park", "a 4 second scene of Sarah walking in the park"], dataDir);
    expect(turn.code, turn.stderr).toBe(0);
    videoId = /^video: (vid_\S+)$/m.exec(turn.stdout)![1]!;
    const summary = SUMMARY.exec(turn.stdout);
    expect(summary, turn.stdout).not.toBeNull();
    const [, seconds, cost, shots, reused, made, sheet] = summary!;
    expect(Number(seconds)).toBeGreaterThan(0);
    expect(cost).toBe("0.0000");
    expect(Number(reused)).toBe(0);
    expect(Number(made)).toBe(Number(shots));
    // The sheet is a stored image of the take, not a scratch file: it outlives the run.
    expect(sheet).toContain(join(dataDir, "store"));
    expect(existsSync(sheet!)).toBe(true);
    expect((await readFile(sheet!)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(turn.stdout).toMatch(/\[:HAS_CONTACT_SHEET\]->\(ContactSheet \d+ shots?\)/);

    const take = await runCli(["brain", "take", videoId], dataDir);
    expect(take.code, take.stderr).toBe(0);
    expect(take.stdout).toContain(`take ${videoId} "Sarah walking in the park"`);
    expect(take.stdout).toContain(`contact sheet ${sheet}`);
    expect(take.stdout).toMatch(/character {2}Sarah: .*(hair|skin)/);
    // People read characters and places in words: no renderer colour leaks into the text.
    expect(take.stdout).not.toMatch(/#[0-9a-f]{6}\b/i);
    const json = await runCli(["brain", "take", videoId, "--json"], dataDir);
    expect(json.json).toHaveProperty("video.title", "Sarah walking in the park");
  });

  it("lists the project's videos and threads, as text and as JSON, filtered by status and character", async () => {
    const listed = await runCli(["list"], dataDir);
    expect(listed.code, listed.stderr).toBe(0);
    const line = listed.stdout.split("\n").find((text) => text.includes(videoId));
    expect(line, listed.stdout).toMatch(
      /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}Sarah walking in the park +pending +grade \d\.\d\d +\d+\.\d s {2}\$0\.0000 {2}vid_/,
    );
    expect(listed.stdout).toContain('"a 4 second scene of Sarah walking in the park" · Sarah in park · thread park');
    expect(listed.stdout).toMatch(
      /threads, most recently active first[\s\S]*Sarah walking in the park +1 take +latest pending .* park$/m,
    );

    const json = await runCli(["list", "--json"], dataDir);
    expect(json.code).toBe(0);
    expect(json.json).toMatchObject({
      projectId: "default",
      videos: {
        items: [
          {
            id: videoId,
            title: "Sarah walking in the park",
            status: "pending",
            characters: ["Sarah"],
            threadId: "park",
          },
        ],
        nextCursor: null,
      },
      threads: { items: [{ threadId: "park", takeCount: 1 }], nextCursor: null },
    });

    const accepted = await runCli(["list", "--status", "accepted"], dataDir);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain("no videos in project default match");
    const chosen = await runCli(["chat", "--thread", "park", "--choice", "accept"], dataDir);
    expect(chosen.code, chosen.stderr).toBe(0);
    const nowAccepted = await runCli(["list", "--status", "accepted", "--json"], dataDir);
    expect((nowAccepted.json.videos as { items: Array<{ id: string }> }).items.map((item) => item.id)).toEqual([
      videoId,
    ]);
    const byCharacter = await runCli(["list", "--character", "SARAH", "--json"], dataDir);
    expect((byCharacter.json.videos as { items: unknown[] }).items).toHaveLength(1);
    const nobody = await runCli(["list", "--character", "Tom", "--json"], dataDir);
    expect((nobody.json.videos as { items: unknown[] }).items).toHaveLength(0);

    const badStatus = await runCli(["list", "--status", "done"], dataDir);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain("--status must be one of pending, accepted, discarded, superseded");
  });

  it("answers a mistyped command or option with what was probably meant, exit 2", async () => {
    const command = await runCli(["lsit"], dataDir);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "lsit": did you mean list?');
    // One line, not the whole help.
    expect(command.stderr.trim().split("\n")).toHaveLength(1);

    const option = await runCli(["chat", "--thred", "park", "hello"], dataDir);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option --thred: did you mean --thread?");
    expect(option.stderr).not.toMatch(/Unknown option|positional argument/);
    const json = await runCli(["list", "--lmit", "5", "--json"], dataDir);
    expect(json.code).toBe(2);
    expect(json.json).toMatchObject({ error: { code: "INVALID_INPUT", field: "lmit" } });
    expect(String((json.json.error as { message: string }).message)).toContain("did you mean --limit?");
    const missing = await runCli(["list", "--status"], dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--status needs a value");
  });

  it("refuses a note without a choice instead of opening the interactive chat", async () => {
    const noted = await runCli(["chat", "--thread", "t", "--note", "hi"], dataDir);
    expect(noted.code).toBe(2);
    expect(noted.stderr).toContain("--note is kept with a choice: add --choice accept|regenerate|discard");
    expect(noted.stdout).toBe("");
  });

  it("lists every option in each command's usage", async () => {
    const chat = await runCli(["chat", "--help"], dataDir);
    for (const flag of ["--thread", "--choice", "--note", "--resume", "--model", "--aspect", "--captions", "--json"])
      expect(chat.stdout.split("\n")[0]! + chat.stdout.split("\n")[1]!).toContain(flag);
    const verify = await runCli(["verify", "--help"], dataDir);
    for (const check of ["duration", "character-consistency", "motion-quality", "audio", "--loudness-target"])
      expect(verify.stdout).toContain(check);
    const list = await runCli(["list", "--help"], dataDir);
    for (const flag of [
      "--status",
      "--character",
      "--thread",
      "--search",
      "--limit",
      "--cursor",
      "--threads",
      "--json",
    ])
      expect(list.stdout).toContain(flag);
  });
});
