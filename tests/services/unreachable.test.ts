/**
 * Unreachable servers at start-up: `doctor` and the first command name the server, its address and what
 * to set, without a stack trace. Needs no running service: nothing listens on port 1.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliWith } from "../helpers/cli.js";

describe("unreachable data services", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-unreachable-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const dead = {
    NEO4J_URI: "bolt://127.0.0.1:1",
    NEO4J_USER: "neo4j",
    NEO4J_PASSWORD: "secret",
    MONGODB_URI: "mongodb://user:hunter2@127.0.0.1:1/cutroom",
    REDIS_URL: "redis://127.0.0.1:1",
  };

  it("doctor names each unreachable server and its address", async () => {
    const run = await runCliWith(["doctor", "--json"], { ...dead, CUTROOM_DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    const services = (
      run.json as { services: Array<{ service: string; address: string; reachable: boolean; message: string }> }
    ).services;
    expect(services.map((item) => [item.service, item.reachable])).toEqual([
      ["neo4j", false],
      ["mongodb", false],
      ["redis", false],
    ]);
    expect(services[0]!.message).toMatch(/Neo4j at bolt:\/\/127\.0\.0\.1:1 is unreachable.*unset NEO4J_URI/);
    expect(services[1]!.address).toBe("mongodb://user:****@127.0.0.1:1/cutroom");
    expect(services[1]!.message).toMatch(/unset MONGODB_URI/);
    expect(services[1]!.message).not.toMatch(/hunter2/);
    expect(services[2]!.message).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is unreachable.*unset REDIS_URL/);
    const text = await runCliWith(["doctor"], { ...dead, CUTROOM_DATA_DIR: dataDir });
    expect(text.stdout).toMatch(/neo4j\s+UNREACHABLE: Neo4j at bolt:\/\/127\.0\.0\.1:1/);
  }, 60_000);

  it("the first command fails with the server, address and variable, and no stack trace", async () => {
    for (const [name, variables, pattern] of [
      [
        "neo4j",
        { NEO4J_URI: dead.NEO4J_URI, NEO4J_PASSWORD: "secret" },
        /Neo4j at bolt:\/\/127\.0\.0\.1:1 is unreachable.*NEO4J_URI/,
      ],
      [
        "mongodb",
        { MONGODB_URI: dead.MONGODB_URI },
        /MongoDB at mongodb:\/\/user:\*\*\*\*@127\.0\.0\.1:1\/cutroom is unreachable.*MONGODB_URI/,
      ],
      ["redis", { REDIS_URL: dead.REDIS_URL }, /Redis at redis:\/\/127\.0\.0\.1:1 is unreachable.*REDIS_URL/],
    ] as const) {
      const run = await runCliWith(["brain", "counts", "--json"], { ...variables, CUTROOM_DATA_DIR: dataDir });
      expect(run.code, name).toBe(1);
      expect(run.json, name).toMatchObject({ error: { code: "ADAPTER_UNAVAILABLE" } });
      expect((run.json.error as { message: string }).message, name).toMatch(pattern);
      expect(run.stderr, name).not.toMatch(/\n\s+at /);
    }
    const missing = await runCliWith(["brain", "counts", "--json"], {
      NEO4J_URI: dead.NEO4J_URI,
      CUTROOM_DATA_DIR: dataDir,
    });
    expect(missing.json).toMatchObject({ error: { code: "CONFIG", field: "NEO4J_PASSWORD" } });
  }, 90_000);
});
