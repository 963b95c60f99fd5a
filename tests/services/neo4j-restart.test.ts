/**
 * Neo4j restarts in the middle of a write: the managed transaction retries until the server is back,
 * the write lands once, and a second delivery of the same write changes nothing.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { Neo4jBrain } from "../../src/brain/neo4j/brain.js";
import { character, location, reference, take } from "../helpers/brain-fixtures.js";
import { NEO4J_OPTIONS, servicesEnv } from "./env.js";

const UP = fileURLToPath(new URL("../../scripts/services/up", import.meta.url));
const env = servicesEnv();
const servicesDir = env?.CUTROOM_SERVICES_DIR ?? null;
if (env !== null && servicesDir === null)
  process.stderr.write(
    "neo4j restart test skipped: CUTROOM_SERVICES_DIR (printed by scripts/services/up) is not set\n",
  );

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe.skipIf(env === null || servicesDir === null)("Neo4j restart mid-run", () => {
  it("retries the take's write through the restart and stores it once", async () => {
    const driver = neo4j.driver(env!.NEO4J_URI, neo4j.auth.basic(env!.NEO4J_USER, env!.NEO4J_PASSWORD));
    await driver.executeQuery("MATCH (n:BrainNode) DETACH DELETE n");
    await driver.close();
    const opened = await Neo4jBrain.open({ ...NEO4J_OPTIONS(env!), maxTransactionRetryTimeMs: 150_000 });
    const brain = opened.forProject("default");
    try {
      await brain.saveCharacter(character("char_ana", "Ana"));
      await brain.saveLocation(location("loc_park", "City Park"));
      await brain.saveReference(reference("ref_ana", "character-master"), "char_ana");

      const pid = Number((await readFile(join(servicesDir!, "neo4j.pid"), "utf8")).trim());
      const port = Number(new URL(env!.NEO4J_URI).port);
      process.kill(pid, "SIGTERM");
      await expect.poll(() => portOpen(port), { timeout: 60_000, interval: 250 }).toBe(false);

      // The write starts while the server is down; `up` brings it back on the same port and store.
      const write = brain.recordTake(take("vid_restart"));
      const restarted = promisify(execFile)(UP, [], { env: process.env, timeout: 180_000 });
      await Promise.all([write, restarted]);
      await brain.recordTake(take("vid_restart"));

      expect(await brain.counts()).toEqual({
        nodes: { Character: 1, Location: 1, Reference: 1, Request: 1, Video: 1, QualityReport: 1 },
        relationships: { HAS_REFERENCE: 1, PRODUCED: 1, GRADED_BY: 1, DEPICTS: 1, SET_IN: 1, USES_REFERENCE: 1 },
      });
      expect(await brain.validateTake("vid_restart")).toEqual([]);
      expect((await brain.findCharacterByName("ana"))?.id).toBe("char_ana");
    } finally {
      await opened.close();
    }
  });
});
