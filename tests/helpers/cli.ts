import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_ENV } from "./runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

/** Runs the built `cutroom` command in its own process, as a user would. */
export function runCli(args: string[], dataDir: string): Promise<CliRun> {
  return runCliWith(args, { CUTROOM_DATA_DIR: dataDir }, 170_000);
}

/** The same, with extra variables set (service URLs, a data dir), as a user with those variables would. */
export function runCliWith(args: string[], env: Record<string, string>, timeoutMs = 200_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, ...env },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(stdout) as Record<string, unknown>;
        } catch {
          json = {};
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}
