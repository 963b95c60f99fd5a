/** The interactive chat: a person types a request, sees the take, answers a choice, and leaves. */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { TEST_ENV } from "../helpers/runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));

describe("cutroom chat (interactive)", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-repl-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("keeps one thread across turns and applies the typed choice", async () => {
    const child = spawn(process.execPath, [BIN, "chat", "--thread", "repl1"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, CUTROOM_DATA_DIR: dataDir },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = async (pattern: RegExp, stream: () => string) => {
      for (let waited = 0; waited < 120_000 && !pattern.test(stream()); waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(stream(), `waiting for ${pattern}`).toMatch(pattern);
    };
    await waitFor(/you> /, () => stderr);
    child.stdin.write("generate Sarah walking in the park\n");
    await waitFor(/choices: accept \/ regenerate \/ discard/, () => stdout);
    child.stdin.write("make me a sandwich\n");
    await waitFor(/waiting for a choice/, () => stderr);
    child.stdin.write("accept\n");
    await waitFor(/Accepted vid_/, () => stdout);
    child.stdin.write("exit\n");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const videoId = /video: (vid_[a-z0-9]+)/.exec(stdout)![1]!;
    const view = await runCli(["brain", "take", videoId, "--json"], dataDir);
    expect(view.json).toMatchObject({ video: { status: "accepted", threadId: "repl1" } });
  });
});
