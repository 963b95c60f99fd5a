import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_ENV } from "../helpers/runtime.js";
import type { CliRun } from "../helpers/cli.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));

/** Runs the built `cutroom` with the given service variables, as a user with those variables set would. */
export function runCliWith(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, ...env },
        timeout: 200_000,
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
