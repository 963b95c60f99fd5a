import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedBrain } from "../../src/brain/embedded.js";
import type { CharacterNode, ProjectBrain } from "../../src/brain/types.js";
import {
  captions,
  character,
  expectEveryRuleBroken,
  legacyBrainFile,
  location,
  reference,
  take,
} from "../helpers/brain-fixtures.js";
import { expectCode, projectIsolationCases } from "../helpers/brain-isolation.js";
import { libraryCases } from "../helpers/brain-library.js";

const PROJECT = "alpha";
let directory: string;
let file: string;
let root: EmbeddedBrain;
let brain: ProjectBrain;

async function seed(target: ProjectBrain): Promise<void> {
  await target.saveCharacter(character("char_ana", "Ana"));
  await target.saveLocation(location("loc_park", "City Park"));
  await target.saveReference(reference("ref_ana", "character-master"), "char_ana");
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-brain-"));
  file = join(directory, "brain.json");
  root = await EmbeddedBrain.open({ file });
  brain = root.forProject(PROJECT);
  await seed(brain);
});

afterEach(async () => {
  await root.close();
  await rm(directory, { recursive: true, force: true });
});

describe("EmbeddedBrain", () => {
  it("finds characters and locations by trimmed, case-insensitive name", async () => {
    expect((await brain.findCharacterByName("  ana "))?.id).toBe("char_ana");
    expect((await brain.findLocationByName("CITY PARK"))?.id).toBe("loc_park");
    expect(await brain.findCharacterByName("Bob")).toBeNull();
    expect((await brain.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_ana"]);
    await expectCode(brain.saveCharacter(character("char_other", "ANA")), "BRAIN_VALIDATION");
    await expectCode(brain.saveReference(reference("ref_x", "location-master"), "char_ana"), "BRAIN_VALIDATION");
  });

  it("records every node and relationship of a take, idempotently", async () => {
    await brain.recordTake(take("vid_1"));
    const expected = {
      nodes: { Character: 1, Location: 1, Reference: 1, Request: 1, Video: 1, QualityReport: 1 },
      relationships: { HAS_REFERENCE: 1, PRODUCED: 1, GRADED_BY: 1, DEPICTS: 1, SET_IN: 1, USES_REFERENCE: 1 },
    };
    expect(await brain.counts()).toEqual(expected);
    await brain.recordTake(take("vid_1"));
    expect(await brain.counts()).toEqual(expected);

    const view = await brain.getTake("vid_1");
    expect(view?.request.id).toBe("req_vid_1");
    expect(view?.report?.id).toBe("report_vid_1");
    expect(view?.characters.map((item) => item.name)).toEqual(["Ana"]);
    expect(view?.location?.id).toBe("loc_park");
    expect(view?.references.map((item) => item.id)).toEqual(["ref_ana"]);
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

  it("links regenerations both ways and lists a character's takes newest first", async () => {
    await brain.recordTake(take("vid_1", { createdAt: "2025-01-01T00:00:00.000Z" }));
    await brain.recordTake(take("vid_2", { createdAt: "2025-01-02T00:00:00.000Z", regeneratedFromId: "vid_1" }));
    await brain.setTakeStatus("vid_1", "superseded", "regenerated");
    expect((await brain.getTake("vid_2"))?.regeneratedFrom).toBe("vid_1");
    const first = await brain.getTake("vid_1");
    expect(first?.regeneratedInto).toEqual(["vid_2"]);
    expect(first?.video.statusReason).toBe("regenerated");
    const view = await brain.characterView("ana");
    expect(view?.takes).toEqual([
      { id: "vid_2", status: "pending", overall: 0.85, createdAt: "2025-01-02T00:00:00.000Z" },
      { id: "vid_1", status: "superseded", overall: 0.85, createdAt: "2025-01-01T00:00:00.000Z" },
    ]);
    await expectCode(brain.setTakeStatus("vid_nope", "accepted", null), "NOT_FOUND");
  });

  it("refuses links to unknown nodes and writes nothing", async () => {
    const before = await readFile(file, "utf8");
    await expectCode(brain.recordTake(take("vid_1", { characterIds: ["char_ana", "char_ghost"] })), "BRAIN_VALIDATION");
    await expectCode(brain.recordTake(take("vid_1", { locationId: "loc_ghost" })), "BRAIN_VALIDATION");
    await expectCode(brain.recordTake(take("vid_1", { referenceIds: ["ref_ghost"] })), "BRAIN_VALIDATION");
    await expectCode(brain.recordTake(take("vid_1", { regeneratedFromId: "vid_ghost" })), "BRAIN_VALIDATION");
    // A Location id is not a Character even though the node exists.
    await expectCode(brain.recordTake(take("vid_1", { characterIds: ["loc_park"] })), "BRAIN_VALIDATION");
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await brain.counts()).nodes.Video).toBeUndefined();
  });

  it("finds each violation in a graph written by hand", async () => {
    await brain.recordTake(take("vid_1"));
    await root.close();
    const data = JSON.parse(await readFile(file, "utf8")) as {
      graph: {
        nodes: Array<{ key: string; attributes: { label: string; projectId: string } }>;
        edges: Array<{ key?: string; source: string; target: string; attributes: { type: string } }>;
      };
    };
    // The take's links end at a node of another label and at a node of another project.
    data.graph.nodes.push({ key: "alpha/ghost", attributes: { label: "Deleted", projectId: PROJECT } });
    data.graph.nodes.push({ key: "bravo/char_ana", attributes: { label: "Character", projectId: "bravo" } });
    data.graph.edges = data.graph.edges.filter((edge) => !["PRODUCED", "GRADED_BY"].includes(edge.attributes.type));
    for (const type of ["SET_IN", "USES_REFERENCE", "REGENERATED_FROM"]) {
      data.graph.edges.push({ key: `bad_${type}`, source: "alpha/vid_1", target: "alpha/ghost", attributes: { type } });
    }
    data.graph.edges = data.graph.edges.filter((edge) => edge.attributes.type !== "DEPICTS");
    data.graph.edges.push({
      key: "bad_DEPICTS",
      source: "alpha/vid_1",
      target: "bravo/char_ana",
      attributes: { type: "DEPICTS" },
    });
    await writeFile(file, JSON.stringify(data));

    await expectEveryRuleBroken(brain, "vid_1");
  });

  it("moves a file written before projects into the default project and writes it back once", async () => {
    await root.close();
    await writeFile(file, legacyBrainFile());
    const legacy = (await EmbeddedBrain.open({ file })).forProject("default");
    const rewritten = await readFile(file, "utf8");
    expect(JSON.parse(rewritten).graph.nodes.map((node: { key: string }) => node.key)).toContain("default/vid_old");
    expect((await legacy.getTake("vid_old"))?.characters.map((item) => item.id)).toEqual(["char_ana"]);
    expect(await legacy.counts()).toEqual({
      nodes: { Character: 1, Location: 1, Reference: 1, Request: 1, Video: 1, QualityReport: 1 },
      relationships: { HAS_REFERENCE: 1, PRODUCED: 1, GRADED_BY: 1, DEPICTS: 1, SET_IN: 1, USES_REFERENCE: 1 },
    });
    // A second start finds nothing to move and leaves the file as it is.
    const again = await EmbeddedBrain.open({ file });
    expect(await readFile(file, "utf8")).toBe(rewritten);
    expect(await again.forProject(PROJECT).getTake("vid_old")).toBeNull();
    await again.close();
  });

  it("shows one instance's writes to another on the same file", async () => {
    const opened = await EmbeddedBrain.open({ file });
    const other = opened.forProject(PROJECT);
    try {
      expect((await other.findCharacterByName("Ana"))?.id).toBe("char_ana");
      await other.recordTake(take("vid_1"));
      expect((await brain.getTake("vid_1"))?.video.id).toBe("vid_1");
      await brain.setTakeStatus("vid_1", "accepted", null);
      expect((await other.getTake("vid_1"))?.video.status).toBe("accepted");
    } finally {
      await opened.close();
    }
  });

  it("loses no write when two instances save concurrently", async () => {
    const opened = await EmbeddedBrain.open({ file });
    const other = opened.forProject(PROJECT);
    try {
      const saves = (target: ProjectBrain, prefix: string): Array<Promise<CharacterNode>> =>
        Array.from({ length: 20 }, (_, index) =>
          target.saveCharacter(character(`char_${prefix}${index}`, `${prefix} ${index}`)),
        );
      await Promise.all([...saves(brain, "a"), ...saves(other, "b")]);
      expect((await brain.counts()).nodes.Character).toBe(41);
      expect((await other.counts()).nodes.Character).toBe(41);
      const fresh = await EmbeddedBrain.open({ file });
      expect((await fresh.forProject(PROJECT).counts()).nodes.Character).toBe(41);
      await fresh.close();
    } finally {
      await opened.close();
    }
  }, 30_000);

  it("rejects unsafe ids and unreadable files with a code", async () => {
    await expectCode(brain.saveCharacter(character("../x", "Evil")), "INVALID_ID");
    await writeFile(file, "{ not json");
    await expectCode(brain.counts(), "STORAGE");
  });

  describe("project isolation", () => {
    projectIsolationCases(
      async () => EmbeddedBrain.open({ file: join(await mkdtemp(join(directory, "isolation-")), "brain.json") }),
      (opened) => opened.close(),
    );
  });

  describe("library", () => {
    libraryCases(
      async () => EmbeddedBrain.open({ file: join(await mkdtemp(join(directory, "library-")), "brain.json") }),
      (opened) => opened.close(),
    );
  });
});
