/**
 * Ctrl-C on `cutroom chat` stops the work, not just the process: the FAL request the turn started is
 * cancelled on the wire-level fake, polling stops, and the command ends as cancelled.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderTestClip } from "../fakes/media.js";
import { TEST_ENV } from "../helpers/runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));
const KEY = "fal-cli-key-3c9d";

describe("Ctrl-C during cutroom chat", () => {
  let directory: string;
  let fal: FakeFal;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-cli-interrupt-"));
    fal = await startFakeFal({ apiKey: KEY, video: await renderTestClip(directory, 5) });
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** The built command against the FAL fake, in a data dir of its own, with its stderr collected. */
  const cutroom = (args: string[], dataDir: string) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...TEST_ENV,
        CUTROOM_DATA_DIR: join(directory, dataDir),
        FAL_KEY: KEY,
        FAL_BASE_URL: fal.url,
        CUTROOM_FAL_POLL_MS: "20",
      },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, stderr: () => stderr, exited };
  };

  it("cancels the running FAL request and exits as cancelled", async () => {
    fal.script({ kind: "never-finishes" });
    const { child, stderr, exited } = cutroom(
      ["chat", "generate Sarah walking in the park", "--thread", "ctrlc"],
      "data",
    );
    await expect.poll(() => fal.statusCalls.length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(2);
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr()).not.toBe(0);
    expect(stderr()).toMatch(/cancel/i);
    expect(fal.submissions).toHaveLength(1);
    expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
    expect(await fal.pollsDuring(300)).toBe(0);
  });

  it("in the interactive chat, stops the running turn and keeps the chat open", async () => {
    fal.submissions.length = 0;
    fal.statusCalls.length = 0;
    fal.cancelled.length = 0;
    fal.script({ kind: "never-finishes" });
    const { child, stderr, exited } = cutroom(["chat", "--thread", "ctrlc-repl"], "data-repl");
    child.stdin.write("generate Sarah walking in the park\n");
    await expect.poll(() => fal.statusCalls.length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(2);
    child.kill("SIGINT");
    await expect.poll(stderr, { timeout: 30_000 }).toMatch(/error: stopped by Ctrl-C/);
    expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
    child.stdin.end("exit\n");
    expect(await exited, stderr()).toBe(0);
  });
});
