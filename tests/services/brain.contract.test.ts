/**
 * One contract for the Brain port, run against the embedded graph file and a real Neo4j: the same writes,
 * queries and validation rules must give the same answers.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedBrain } from "../../src/brain/embedded.js";
import { Neo4jBrain } from "../../src/brain/neo4j/brain.js";
import type { Brain } from "../../src/brain/types.js";
import { isCutroomError, type CutroomErrorCode } from "../../src/errors.js";
import { character, expectEveryRuleBroken, location, reference, take } from "../helpers/brain-fixtures.js";
import { NEO4J_OPTIONS, servicesEnv } from "./env.js";

interface Subject {
  open(): Promise<Brain>;
  /** Breaks take vid_1 behind the adapter's back: drops PRODUCED/GRADED_BY, links it to a non-node "ghost". */
  corrupt(): Promise<void>;
  cleanup(): Promise<void>;
}

async function expectCode(promise: Promise<unknown>, code: CutroomErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isCutroomError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

function brainContract(name: string, subject: () => Subject): void {
  describe(`Brain contract: ${name}`, () => {
    let current: Subject;
    let brain: Brain;
    beforeEach(async () => {
      current = subject();
      brain = await current.open();
      await brain.saveCharacter(character("char_ana", "Ana"));
      await brain.saveLocation(location("loc_park", "City Park"));
      await brain.saveReference(reference("ref_ana", "character-master"), "char_ana");
      await brain.saveReference(reference("ref_park", "location-master"), "loc_park");
    });
    afterEach(async () => {
      await brain.close();
      await current.cleanup();
    });

    it("finds by trimmed, case-insensitive name and refuses a taken name or a wrong owner", async () => {
      expect((await brain.findCharacterByName("  ana "))?.profile.top).toBe("#3355aa");
      expect((await brain.findLocationByName("CITY PARK"))?.id).toBe("loc_park");
      expect(await brain.findCharacterByName("Bob")).toBeNull();
      expect((await brain.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_ana"]);
      await expectCode(brain.saveCharacter(character("char_other", "ANA")), "BRAIN_VALIDATION");
      await expectCode(brain.saveReference(reference("ref_x", "location-master"), "char_ana"), "BRAIN_VALIDATION");
      await expectCode(brain.saveCharacter(character("loc_park", "Parky")), "BRAIN_VALIDATION");
      await expectCode(brain.saveCharacter(character("../x", "Evil")), "INVALID_ID");
      const renamed = await brain.saveCharacter({ ...character("char_ana", "Ana"), voiceId: "voice_1" });
      expect(renamed.voiceId).toBe("voice_1");
      expect((await brain.findCharacterByName("ana"))?.voiceId).toBe("voice_1");
    });

    it("records a take with every relationship, idempotently", async () => {
      await brain.recordTake(take("vid_1"));
      const expected = {
        nodes: { Character: 1, Location: 1, Reference: 2, Request: 1, Video: 1, QualityReport: 1 },
        relationships: { HAS_REFERENCE: 2, PRODUCED: 1, GRADED_BY: 1, DEPICTS: 1, SET_IN: 1, USES_REFERENCE: 1 },
      };
      expect(await brain.counts()).toEqual(expected);
      await brain.recordTake(take("vid_1"));
      expect(await brain.counts()).toEqual(expected);
      const view = await brain.getTake("vid_1");
      expect(view).toMatchObject({
        video: { id: "vid_1", status: "pending", grade: { overall: 0.85 } },
        request: { id: "req_vid_1" },
        report: { id: "report_vid_1", overallQuality: 0.85 },
        characters: [{ name: "Ana" }],
        location: { id: "loc_park" },
        references: [{ id: "ref_ana" }],
        regeneratedFrom: null,
        regeneratedInto: [],
      });
      expect(await brain.validateTake("vid_1")).toEqual([]);
      expect(await brain.getTake("vid_missing")).toBeNull();
    });

    it("answers the department's queries: character, location, request takes, provenance", async () => {
      await brain.recordTake(take("vid_1", { createdAt: "2025-01-01T00:00:00.000Z", requestId: "req_walk" }));
      await brain.recordTake(
        take("vid_2", { createdAt: "2025-01-02T00:00:00.000Z", requestId: "req_walk", regeneratedFromId: "vid_1" }),
      );
      await brain.setTakeStatus("vid_1", "superseded", "too dark");
      await brain.setTakeStatus("vid_2", "accepted", null);

      const ana = await brain.characterView("ANA");
      expect(ana?.character.profile).toEqual(character("char_ana", "Ana").profile);
      expect(ana?.references.map((item) => item.id)).toEqual(["ref_ana"]);
      expect(ana?.takes).toEqual([
        { id: "vid_2", status: "accepted", overall: 0.85, createdAt: "2025-01-02T00:00:00.000Z" },
        { id: "vid_1", status: "superseded", overall: 0.85, createdAt: "2025-01-01T00:00:00.000Z" },
      ]);
      const park = await brain.locationView("city park");
      expect(park?.references.map((item) => item.id)).toEqual(["ref_park"]);
      expect(await brain.locationView("Mars")).toBeNull();

      const walk = await brain.requestTakes("req_walk");
      expect(walk?.takes.map((item) => [item.id, item.status, item.choiceReason, item.regeneratedFrom])).toEqual([
        ["vid_1", "superseded", "too dark", null],
        ["vid_2", "accepted", null, "vid_1"],
      ]);
      expect(walk?.takes[0]?.overallQuality).toBe(0.85);

      const why = await brain.why("vid_2");
      expect(why).toMatchObject({
        takeId: "vid_2",
        request: { id: "req_walk", text: "a walk in the park" },
        method: "text-to-video",
        model: "local",
        prompt: "Ana walks in the park",
        seed: 42,
        costUsd: 0.25,
        resolution: "640x360",
        references: [{ id: "ref_ana", kind: "character-master" }],
        characters: [{ id: "char_ana", name: "Ana" }],
        location: { id: "loc_park", name: "City Park" },
        grade: { overall: 0.85, passed: true },
        quality: { overallQuality: 0.85, issues: ["slightly soft"] },
        choice: { status: "accepted", reason: null },
        regeneratedFrom: "vid_1",
      });
      expect((await brain.getTake("vid_1"))?.regeneratedInto).toEqual(["vid_2"]);
      expect(await brain.why("vid_nope")).toBeNull();
      await expectCode(brain.setTakeStatus("vid_nope", "accepted", null), "NOT_FOUND");
    });

    it("refuses links to unknown or mislabelled nodes and writes nothing", async () => {
      const before = await brain.counts();
      await expectCode(
        brain.recordTake(take("vid_1", { characterIds: ["char_ana", "char_ghost"] })),
        "BRAIN_VALIDATION",
      );
      await expectCode(brain.recordTake(take("vid_1", { locationId: "loc_ghost" })), "BRAIN_VALIDATION");
      await expectCode(brain.recordTake(take("vid_1", { referenceIds: ["ref_ghost"] })), "BRAIN_VALIDATION");
      await expectCode(brain.recordTake(take("vid_1", { regeneratedFromId: "vid_ghost" })), "BRAIN_VALIDATION");
      await expectCode(brain.recordTake(take("vid_1", { regeneratedFromId: "vid_1" })), "BRAIN_VALIDATION");
      await expectCode(brain.recordTake(take("vid_1", { characterIds: ["loc_park"] })), "BRAIN_VALIDATION");
      expect(await brain.counts()).toEqual(before);
    });

    it("finds every violation of the shared rules", async () => {
      await brain.recordTake(take("vid_1"));
      await brain.close();
      await current.corrupt();
      brain = await current.open();
      await expectEveryRuleBroken(brain, "vid_1");
    });

    it("keeps concurrent saves from two instances", async () => {
      const other = await current.open();
      try {
        const saves = (target: Brain, prefix: string) =>
          Array.from({ length: 10 }, (_, index) =>
            target.saveCharacter(character(`char_${prefix}${index}`, `${prefix} ${index}`)),
          );
        await Promise.all([...saves(brain, "a"), ...saves(other, "b")]);
        expect((await brain.counts()).nodes.Character).toBe(21);
        expect((await other.counts()).nodes.Character).toBe(21);
      } finally {
        await other.close();
      }
    });
  });
}

brainContract("embedded", () => {
  let directory = "";
  const file = () => join(directory, "brain.json");
  return {
    async open() {
      if (directory === "") directory = await mkdtemp(join(tmpdir(), "cutroom-brain-contract-"));
      return EmbeddedBrain.open({ file: file() });
    },
    async corrupt() {
      const data = JSON.parse(await readFile(file(), "utf8")) as {
        graph: {
          nodes: Array<{ key: string; attributes: { label: string } }>;
          edges: Array<{ key?: string; source: string; target: string; attributes: { type: string } }>;
        };
      };
      data.graph.nodes.push({ key: "ghost", attributes: { label: "Deleted" } });
      data.graph.edges = data.graph.edges.filter((edge) => !["PRODUCED", "GRADED_BY"].includes(edge.attributes.type));
      for (const type of ["DEPICTS", "SET_IN", "USES_REFERENCE", "REGENERATED_FROM"])
        data.graph.edges.push({ key: `bad_${type}`, source: "vid_1", target: "ghost", attributes: { type } });
      await writeFile(file(), JSON.stringify(data));
    },
    async cleanup() {
      await rm(directory, { recursive: true, force: true });
    },
  };
});

const env = servicesEnv();
describe.skipIf(env === null)("on a real Neo4j", () => {
  const driver = env ? neo4j.driver(env.NEO4J_URI, neo4j.auth.basic(env.NEO4J_USER, env.NEO4J_PASSWORD)) : null;
  afterAll(async () => driver?.close());
  brainContract("neo4j", () => ({
    async open() {
      const brain = await Neo4jBrain.open(NEO4J_OPTIONS(env!));
      return brain;
    },
    async corrupt() {
      await driver!.executeQuery(`
        MATCH (video:Video {id: 'vid_1'})
        OPTIONAL MATCH ()-[produced:PRODUCED]->(video)
        OPTIONAL MATCH (video)-[graded:GRADED_BY]->()
        DELETE produced, graded
        MERGE (ghost:BrainNode:Deleted {id: 'ghost'})
        MERGE (video)-[:DEPICTS]->(ghost)
        MERGE (video)-[:SET_IN]->(ghost)
        MERGE (video)-[:USES_REFERENCE]->(ghost)
        MERGE (video)-[:REGENERATED_FROM]->(ghost)`);
    },
    async cleanup() {
      await driver!.executeQuery("MATCH (n:BrainNode) DETACH DELETE n");
    },
  }));
  // Each test starts from an empty graph, whatever an earlier run left.
  beforeEach(async () => {
    await driver!.executeQuery("MATCH (n:BrainNode) DETACH DELETE n");
  });
});
