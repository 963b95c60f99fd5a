/** `cutroom serve` as a user runs it (the built CLI): prints its address and key, answers, stops on SIGTERM. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENV } from "../helpers/runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));

describe("cutroom serve", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-serve-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("generates a local key once, keeps it, serves with it and stops cleanly", async () => {
    const start = async () => {
      const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--json"], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, CUTROOM_DATA_DIR: dataDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => (stdout += chunk));
      while (!stdout.trim().endsWith("}")) await once(child.stdout, "data");
      return { child, started: JSON.parse(stdout) as { url: string; localKey: { key: string; file: string } } };
    };
    const first = await start();
    expect(first.started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const saved = JSON.parse(await readFile(first.started.localKey.file, "utf8"));
    expect(saved).toEqual({ key: first.started.localKey.key, projectId: "default" });
    const me = await fetch(`${first.started.url}/api/v1/me`, {
      headers: { Authorization: `Bearer ${first.started.localKey.key}` },
    });
    expect(await me.json()).toMatchObject({ projectId: "default" });
    expect((await fetch(`${first.started.url}/api/v1/me`)).status).toBe(401);
    first.child.kill("SIGTERM");
    const [code] = await once(first.child, "exit");
    expect(code).toBe(0);

    const second = await start();
    expect(second.started.localKey.key).toBe(first.started.localKey.key);
    second.child.kill("SIGTERM");
    await once(second.child, "exit");
  });

  it("refuses a bad port with exit code 2", async () => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "99999"], {
      env: { PATH: process.env.PATH, CUTROOM_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port must be a number between 0 and 65535/);
  });
});
