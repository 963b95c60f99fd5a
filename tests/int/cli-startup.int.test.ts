/**
 * What a light command loads, and the `.env` file. `cutroom --help` and `cutroom doctor` answer without
 * loading the graphs, the model and provider SDKs or the service clients (their speed is measured by
 * `npm run bench:startup`); settings come from `.env` with the environment winning.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));
const TRACER = fileURLToPath(new URL("../helpers/trace-imports.mjs", import.meta.url));
const HEAVY = ["@langchain", "neo4j-driver", "mongodb", "bullmq", "@fal-ai", "@aws-sdk", "@elevenlabs", "express"];

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-startup-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>, nodeArgs: string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, BIN, ...args],
      { cwd: directory, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function loadedBy(args: string[]): Promise<string[]> {
  const trace = join(directory, "imports.txt");
  await writeFile(trace, "");
  const result = await run(args, { CUTROOM_TRACE_IMPORTS: trace, CUTROOM_DATA_DIR: join(directory, "data") }, [
    "--import",
    TRACER,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return (await readFile(trace, "utf8")).split("\n").filter(Boolean);
}

describe("light commands", () => {
  it.each([[["--help"]], [["doctor", "--json"]]])("cutroom %j loads no graph, SDK or service client", async (args) => {
    const loaded = await loadedBy(args);
    expect(loaded.some((url) => url.includes("/dist/cli/main.js"))).toBe(true);
    const heavy = loaded.filter((url) => HEAVY.some((name) => url.includes(`/node_modules/${name}`)));
    expect(heavy).toEqual([]);
    expect(loaded.filter((url) => /\/dist\/(orchestrator|departments|providers|runtime)/.test(url))).toEqual([]);
  });
});

describe(".env", () => {
  it("is read from the working directory, and the environment wins over it", async () => {
    await writeFile(
      join(directory, ".env"),
      `# settings for this directory\nCUTROOM_DATA_DIR=${join(directory, "from-file")}\nCUTROOM_PROJECT=from-file\n`,
    );
    const fromFile = await run(["doctor", "--json"], {});
    const document = JSON.parse(fromFile.stdout) as { dataDir: string; projectId: string };
    expect(document.dataDir).toBe(join(directory, "from-file"));
    expect(document.projectId).toBe("from-file");

    const fromEnvironment = await run(["doctor", "--json"], { CUTROOM_PROJECT: "from-env" });
    const overridden = JSON.parse(fromEnvironment.stdout) as { dataDir: string; projectId: string };
    expect(overridden.projectId).toBe("from-env");
    expect(overridden.dataDir).toBe(join(directory, "from-file"));
  });

  it("CUTROOM_ENV_FILE names another file, and a missing one is a clear configuration error", async () => {
    await writeFile(join(directory, "staging.env"), "CUTROOM_PROJECT=staging\n");
    const named = await run(["doctor", "--json"], { CUTROOM_ENV_FILE: "staging.env" });
    expect((JSON.parse(named.stdout) as { projectId: string }).projectId).toBe("staging");

    const missing = await run(["doctor", "--json"], { CUTROOM_ENV_FILE: "nowhere.env" });
    expect(missing.code).toBe(2);
    const error = (JSON.parse(missing.stdout) as { error: { code: string; field: string; message: string } }).error;
    expect(error).toMatchObject({ code: "CONFIG", field: "CUTROOM_ENV_FILE" });
    expect(error.message).toContain("nowhere.env");
  });
});
