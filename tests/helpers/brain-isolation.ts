/**
 * Project isolation cases every Brain adapter must pass: a project's view sees its own nodes only, an id
 * or name of another project answers exactly like a missing one, and writes never link across projects.
 */
import { expect, it } from "vitest";
import type { Brain, ProjectBrain } from "../../src/brain/types.js";
import { isCutroomError, type CutroomErrorCode } from "../../src/errors.js";
import { character, reference, seedProject, take } from "./brain-fixtures.js";

export async function expectCode(promise: Promise<unknown>, code: CutroomErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isCutroomError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

/** Registers the cases; `open` gives a Brain holding nothing yet. */
export function projectIsolationCases(open: () => Promise<Brain>, close: (brain: Brain) => Promise<void>): void {
  async function twoProjects(): Promise<{ root: Brain; alpha: ProjectBrain; bravo: ProjectBrain }> {
    const root = await open();
    const alpha = root.forProject("alpha");
    await seedProject(alpha);
    await alpha.recordTake(take("vid_1"));
    return { root, alpha, bravo: root.forProject("bravo") };
  }

  it("holds one name in two projects as two characters", async () => {
    const { root, alpha, bravo } = await twoProjects();
    try {
      await bravo.saveCharacter(character("char_sarah_b", "Ana"));
      // Ids are per project too: bravo's char_ana is its own node and leaves alpha's alone.
      await bravo.saveCharacter({ ...character("char_ana", "Zed"), voiceId: "voice_b" });
      expect((await bravo.findCharacterByName("ana"))?.id).toBe("char_sarah_b");
      expect((await bravo.findCharacterByName("zed"))?.voiceId).toBe("voice_b");
      expect(await alpha.findCharacterByName("zed")).toBeNull();
      expect(await alpha.findCharacterByName("ana")).toMatchObject({ id: "char_ana", name: "Ana", voiceId: null });
      // Within one project a name still belongs to one character.
      await expectCode(bravo.saveCharacter(character("char_other", " ANA ")), "BRAIN_VALIDATION");
      expect((await bravo.counts()).nodes).toEqual({ Character: 2 });
      expect((await root.counts()).nodes.Character).toBe(3);
    } finally {
      await close(root);
    }
  });

  it("answers every read of another project's id or name as missing", async () => {
    const { root, alpha, bravo } = await twoProjects();
    try {
      expect(await bravo.getTake("vid_1")).toBeNull();
      expect(await bravo.why("vid_1")).toBeNull();
      expect(await bravo.sceneOf("vid_1")).toBeNull();
      expect(await bravo.requestTakes("req_vid_1")).toBeNull();
      expect(await bravo.referencesOf("char_ana")).toEqual([]);
      expect(await bravo.referencesOf("loc_park")).toEqual([]);
      expect(await bravo.findCharacterByName("Ana")).toBeNull();
      expect(await bravo.findLocationByName("City Park")).toBeNull();
      expect(await bravo.characterView("Ana")).toBeNull();
      expect(await bravo.locationView("City Park")).toBeNull();
      expect(await bravo.validateTake("vid_1")).toEqual([
        { rule: "take-exists", message: "take vid_1 is not a Video in the brain" },
      ]);
      await expectCode(bravo.setTakeStatus("vid_1", "discarded", "not mine"), "NOT_FOUND");
      expect((await alpha.getTake("vid_1"))?.video.status).toBe("pending");
      expect(await bravo.counts()).toEqual({ nodes: {}, relationships: {} });
    } finally {
      await close(root);
    }
  });

  it("refuses to link another project's nodes, as if they were missing, and writes nothing", async () => {
    const { root, alpha, bravo } = await twoProjects();
    try {
      const before = await alpha.counts();
      await expectCode(bravo.saveReference(reference("ref_b", "character-master"), "char_ana"), "BRAIN_VALIDATION");
      await expectCode(bravo.recordTake(take("vid_b", { locationId: null, referenceIds: [] })), "BRAIN_VALIDATION");
      await expectCode(
        bravo.recordTake(take("vid_b", { characterIds: [], locationId: "loc_park", referenceIds: [] })),
        "BRAIN_VALIDATION",
      );
      await expectCode(
        bravo.recordTake(take("vid_b", { characterIds: [], locationId: null, referenceIds: ["ref_ana"] })),
        "BRAIN_VALIDATION",
      );
      await expectCode(
        bravo.recordTake(
          take("vid_b", { characterIds: [], locationId: null, referenceIds: [], regeneratedFromId: "vid_1" }),
        ),
        "BRAIN_VALIDATION",
      );
      expect(await bravo.counts()).toEqual({ nodes: {}, relationships: {} });
      expect(await alpha.counts()).toEqual(before);
    } finally {
      await close(root);
    }
  });

  it("keeps references and takes in their project, even under the same ids", async () => {
    const { root, alpha, bravo } = await twoProjects();
    try {
      await bravo.saveCharacter(character("char_b", "Ana"));
      await bravo.saveReference(reference("ref_b", "character-master"), "char_b");
      const mine = take("vid_1", { characterIds: ["char_b"], locationId: null, referenceIds: ["ref_b"] });
      await bravo.recordTake({ ...mine, video: { ...mine.video, prompt: "bravo's own prompt", seed: 7 } });
      await bravo.setTakeStatus("vid_1", "accepted", null);

      expect((await alpha.referencesOf("char_ana")).map((item) => item.id)).toEqual(["ref_ana"]);
      expect((await bravo.referencesOf("char_b")).map((item) => item.id)).toEqual(["ref_b"]);
      expect(await alpha.why("vid_1")).toMatchObject({
        prompt: "Ana walks in the park",
        seed: 42,
        characters: [{ id: "char_ana" }],
        references: [{ id: "ref_ana" }],
        location: { id: "loc_park" },
        choice: { status: "pending" },
      });
      expect(await bravo.why("vid_1")).toMatchObject({
        prompt: "bravo's own prompt",
        seed: 7,
        characters: [{ id: "char_b" }],
        references: [{ id: "ref_b" }],
        location: null,
        choice: { status: "accepted" },
      });
      expect((await alpha.characterView("ana"))?.references.map((item) => item.id)).toEqual(["ref_ana"]);
      expect((await bravo.characterView("ana"))?.takes.map((item) => [item.id, item.status])).toEqual([
        ["vid_1", "accepted"],
      ]);
      expect((await alpha.requestTakes("req_vid_1"))?.takes.map((item) => item.status)).toEqual(["pending"]);
      expect(await alpha.validateTake("vid_1")).toEqual([]);
      expect(await bravo.validateTake("vid_1")).toEqual([]);
    } finally {
      await close(root);
    }
  });

  it("refuses a project id that is no id", async () => {
    const root = await open();
    try {
      expect(() => root.forProject("../alpha")).toThrow(expect.objectContaining({ code: "INVALID_ID" }));
    } finally {
      await close(root);
    }
  });
}
