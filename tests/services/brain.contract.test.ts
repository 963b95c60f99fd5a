/**
 * One contract for the Brain port, run against the embedded graph file and a real Neo4j: the same writes,
 * queries, validation rules and project isolation must give the same answers.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedBrain } from "../../src/brain/embedded.js";
import { Neo4jBrain } from "../../src/brain/neo4j/brain.js";
import { propertiesOf } from "../../src/brain/neo4j/rows.js";
import type { Label } from "../../src/brain/rules.js";
import type { Brain, ProjectBrain } from "../../src/brain/types.js";
import {
  captions,
  character,
  expectEveryRuleBroken,
  legacyBrainFile,
  reference,
  seedProject,
  take,
} from "../helpers/brain-fixtures.js";
import { expectCode, projectIsolationCases } from "../helpers/brain-isolation.js";
import { libraryCases } from "../helpers/brain-library.js";
import { NEO4J_OPTIONS, servicesEnv } from "./env.js";

/** The project the contract's own cases write to. */
const PROJECT = "alpha";

interface Subject {
  open(): Promise<Brain>;
  /** Breaks take vid_1 behind the adapter's back: drops PRODUCED/GRADED_BY, links it to a non-node "ghost". */
  corrupt(): Promise<void>;
  /** Replaces the store with a graph written before nodes had a project (see legacyBrainFile). */
  writeLegacy(): Promise<void>;
  /** Asserts the store itself no longer holds anything of the project-less format. */
  expectMigrated(): Promise<void>;
  cleanup(): Promise<void>;
}

interface LegacyGraph {
  nodes: Array<{ key: string; attributes: { label: Label; props: object } }>;
  edges: Array<{ source: string; target: string; attributes: { type: string } }>;
}

function brainContract(name: string, subject: () => Subject): void {
  describe(`Brain contract: ${name}`, () => {
    let current: Subject;
    let root: Brain;
    let brain: ProjectBrain;
    beforeEach(async () => {
      current = subject();
      root = await current.open();
      brain = root.forProject(PROJECT);
      await seedProject(brain);
    });
    afterEach(async () => {
      await root.close();
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

    it("links turnarounds and shot composites to what they were made from, and detaches a reference", async () => {
      await brain.saveReference(
        { ...reference("ref_turn", "character-turnaround"), madeFrom: ["ref_ana"], madeBy: "fal-ai/x" },
        "char_ana",
      );
      await brain.saveReference(
        { ...reference("ref_comp", "shot-composite"), madeFrom: ["ref_ana", "ref_park"], source: "generated" },
        null,
      );
      await expectCode(brain.saveReference(reference("ref_orphan", "character-master"), null), "BRAIN_VALIDATION");
      await expectCode(
        brain.saveReference({ ...reference("ref_bad", "shot-composite"), madeFrom: ["ref_ghost"] }, null),
        "BRAIN_VALIDATION",
      );
      expect((await brain.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_ana", "ref_turn"]);
      const counts = await brain.counts();
      expect(counts.relationships.MADE_FROM).toBe(3);
      expect(counts.nodes.Reference).toBe(4);
      await brain.recordTake({ ...take("vid_1"), referenceIds: ["ref_ana", "ref_comp"] });
      expect(await brain.detachReference("char_ana", "ref_ana")).toBe(true);
      expect(await brain.detachReference("char_ana", "ref_ana")).toBe(false);
      expect(await brain.detachReference("char_ana", "ref_park")).toBe(false);
      expect((await brain.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_turn"]);
      // The take that used the detached reference still names it, with where it came from.
      const why = await brain.why("vid_1");
      expect(why?.references.map((item) => [item.id, item.source]).sort()).toEqual([
        ["ref_ana", "generated"],
        ["ref_comp", "generated"],
      ]);
      expect(await brain.validateTake("vid_1")).toEqual([]);
      // Another project cannot detach this project's reference.
      expect(await root.forProject("bravo").detachReference("char_ana", "ref_turn")).toBe(false);
      expect((await brain.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_turn"]);
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

    it("links a take's captions to it, idempotently, and answers none for a take without them", async () => {
      await brain.recordTake({ ...take("vid_1"), captions: captions("vid_1") });
      await brain.recordTake({ ...take("vid_1"), captions: captions("vid_1") });
      const counts = await brain.counts();
      expect(counts.nodes.Captions).toBe(1);
      expect(counts.relationships.HAS_CAPTIONS).toBe(1);
      expect(await brain.captionsOf("vid_1")).toEqual(captions("vid_1"));
      expect(await brain.validateTake("vid_1")).toEqual([]);
      await brain.recordTake(take("vid_2"));
      expect(await brain.captionsOf("vid_2")).toBeNull();
      expect(await brain.captionsOf("vid_missing")).toBeNull();
      expect(await root.forProject("beta").captionsOf("vid_1")).toBeNull();
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
      await root.close();
      await current.corrupt();
      root = await current.open();
      brain = root.forProject(PROJECT);
      await expectEveryRuleBroken(brain, "vid_1");
    });

    it("moves nodes written before projects into the default project, once", async () => {
      await root.close();
      await current.writeLegacy();
      root = await current.open();
      const legacy = root.forProject("default");
      expect(await legacy.why("vid_old")).toMatchObject({
        takeId: "vid_old",
        request: { id: "req_vid_old" },
        characters: [{ id: "char_ana", name: "Ana" }],
        location: { id: "loc_park" },
        references: [{ id: "ref_ana" }],
        quality: { overallQuality: 0.85 },
      });
      expect(await legacy.validateTake("vid_old")).toEqual([]);
      expect((await legacy.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_ana"]);
      expect(await root.forProject(PROJECT).getTake("vid_old")).toBeNull();
      expect(await root.forProject(PROJECT).findCharacterByName("Ana")).toBeNull();
      await current.expectMigrated();
      // Another project may now hold its own "Ana", which the old global constraints would have refused.
      await root.forProject(PROJECT).saveCharacter(character("char_ana", "Ana"));
      await root.close();
      root = await current.open();
      expect((await root.forProject("default").characterView("ana"))?.takes.map((item) => item.id)).toEqual([
        "vid_old",
      ]);
      expect(await root.counts()).toMatchObject({ nodes: { Character: 2, Video: 1 } });
    });

    it("keeps concurrent saves from two instances", async () => {
      const opened = await current.open();
      const other = opened.forProject(PROJECT);
      try {
        const saves = (target: ProjectBrain, prefix: string) =>
          Array.from({ length: 10 }, (_, index) =>
            target.saveCharacter(character(`char_${prefix}${index}`, `${prefix} ${index}`)),
          );
        await Promise.all([...saves(brain, "a"), ...saves(other, "b")]);
        expect((await brain.counts()).nodes.Character).toBe(21);
        expect((await other.counts()).nodes.Character).toBe(21);
      } finally {
        await opened.close();
      }
    });

    describe("project isolation", () => {
      projectIsolationCases(
        () => current.open(),
        (opened) => opened.close(),
      );
    });

    describe("library", () => {
      libraryCases(
        () => current.open(),
        (opened) => opened.close(),
      );
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
          nodes: Array<{ key: string; attributes: { label: string; projectId: string } }>;
          edges: Array<{ key?: string; source: string; target: string; attributes: { type: string } }>;
        };
      };
      const ghost = `${PROJECT}/ghost`;
      data.graph.nodes.push({ key: ghost, attributes: { label: "Deleted", projectId: PROJECT } });
      data.graph.edges = data.graph.edges.filter((edge) => !["PRODUCED", "GRADED_BY"].includes(edge.attributes.type));
      for (const type of ["DEPICTS", "SET_IN", "USES_REFERENCE", "REGENERATED_FROM"])
        data.graph.edges.push({ key: `bad_${type}`, source: `${PROJECT}/vid_1`, target: ghost, attributes: { type } });
      await writeFile(file(), JSON.stringify(data));
    },
    async writeLegacy() {
      await writeFile(file(), legacyBrainFile());
    },
    async expectMigrated() {
      const data = JSON.parse(await readFile(file(), "utf8")) as {
        graph: { nodes: Array<{ key: string; attributes: { projectId?: string } }> };
      };
      expect(data.graph.nodes.length).toBeGreaterThan(0);
      for (const node of data.graph.nodes) {
        expect(node.attributes.projectId).toBe("default");
        expect(node.key.startsWith("default/")).toBe(true);
      }
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
        MATCH (video:Video {projectId: '${PROJECT}', id: 'vid_1'})
        OPTIONAL MATCH ()-[produced:PRODUCED]->(video)
        OPTIONAL MATCH (video)-[graded:GRADED_BY]->()
        DELETE produced, graded
        MERGE (ghost:BrainNode:Deleted {projectId: '${PROJECT}', id: 'ghost'})
        MERGE (video)-[:DEPICTS]->(ghost)
        MERGE (video)-[:SET_IN]->(ghost)
        MERGE (video)-[:USES_REFERENCE]->(ghost)
        MERGE (video)-[:REGENERATED_FROM]->(ghost)`);
    },
    async writeLegacy() {
      // The graph and the global constraints an older release left behind.
      await driver!.executeQuery("MATCH (n:BrainNode) DETACH DELETE n");
      await driver!.executeQuery(
        "CREATE CONSTRAINT brain_node_id IF NOT EXISTS FOR (n:BrainNode) REQUIRE n.id IS UNIQUE",
      );
      await driver!.executeQuery(
        "CREATE CONSTRAINT character_name IF NOT EXISTS FOR (n:Character) REQUIRE n.nameKey IS UNIQUE",
      );
      const graph = (JSON.parse(legacyBrainFile()) as { graph: LegacyGraph }).graph;
      for (const { key, attributes } of graph.nodes) {
        await driver!.executeQuery(`CREATE (n:BrainNode:${attributes.label}) SET n = $props, n.id = $id`, {
          id: key,
          props: propertiesOf(attributes.label, attributes.props),
        });
      }
      for (const { source, target, attributes } of graph.edges) {
        await driver!.executeQuery(
          `MATCH (source:BrainNode {id: $source}), (target:BrainNode {id: $target}) CREATE (source)-[:${attributes.type}]->(target)`,
          { source, target },
        );
      }
    },
    async expectMigrated() {
      const names = (await driver!.executeQuery("SHOW CONSTRAINTS YIELD name RETURN name")).records.map(
        (record) => record.get("name") as string,
      );
      expect(names).not.toContain("brain_node_id");
      expect(names).not.toContain("character_name");
      expect(names).toEqual(expect.arrayContaining(["brain_node_project_id", "character_project_name"]));
      const { records } = await driver!.executeQuery(
        "MATCH (n:BrainNode) WHERE n.projectId IS NULL RETURN count(n) AS n",
      );
      expect(records[0]!.get("n")).toEqual(neo4j.int(0));
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
