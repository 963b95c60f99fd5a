/**
 * An uploaded reference on the embedded runtime: its object, its media record and its Brain reference
 * point at each other; replacing and removing unlink without deleting; a failed Brain write stores nothing.
 */
import { readdir } from "node:fs/promises";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addUploadedReference, listReferences, removeReference } from "../../src/brain/uploads.js";
import { CutroomError } from "../../src/errors.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

const photo = (shade: number) =>
  sharp({ create: { width: 300, height: 400, channels: 3, background: { r: shade, g: 90, b: 60 } } })
    .withExif({ IFD0: { Copyright: "secret" } })
    .jpeg()
    .toBuffer();

describe("uploaded references", () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ runtime, cleanup } = await createTestRuntime());
  });
  afterAll(async () => cleanup());

  it("stores the object, its record and the Brain reference, each pointing at the others", async () => {
    const added = await addUploadedReference(runtime, "alpha", {
      owner: "character",
      name: "Sarah",
      bytes: await photo(10),
    });
    const brain = runtime.brain.forProject("alpha");
    const character = await brain.findCharacterByName("sarah");
    expect(character?.id).toBe(added.ownerId);
    expect(added.reference).toMatchObject({ kind: "character-master", source: "uploaded", madeBy: "upload" });
    expect(await brain.referencesOf(added.ownerId)).toEqual([added.reference]);

    const record = await runtime.media.get(added.reference.mediaId);
    expect(record).toMatchObject({ projectId: "alpha", kind: "image", status: "live", key: added.reference.objectKey });
    expect(record!.generation).toMatchObject({
      referenceKind: "character-master",
      source: "uploaded",
      ownerId: added.ownerId,
      sourceFormat: "jpeg",
    });
    expect(record!.generation).not.toHaveProperty("drawnBy");
    expect(record!.generation).not.toHaveProperty("takeId");

    const object = await runtime.store.head(added.reference.objectKey);
    expect(object?.contentType).toBe("image/png");
    const bytes = await sharp(await runtime.store.localPath(added.reference.objectKey, runtime.scratchDir)).metadata();
    expect(bytes).toMatchObject({ format: "png", width: 300, height: 400 });
    expect(bytes.exif).toBeUndefined();
    // The upload's scratch is gone with it.
    expect((await readdir(runtime.scratchDir)).filter((name) => name.startsWith("upl_"))).toEqual([]);
    // Another project does not see it.
    await expect(listReferences(runtime, "bravo", "character", "Sarah")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("adds a second master, or replaces the first with --replace", async () => {
    const second = await addUploadedReference(runtime, "alpha", {
      owner: "character",
      name: "Sarah",
      bytes: await photo(50),
    });
    expect((await listReferences(runtime, "alpha", "character", "Sarah")).references).toHaveLength(2);
    const third = await addUploadedReference(runtime, "alpha", {
      owner: "character",
      name: "Sarah",
      bytes: await photo(90),
      replace: true,
    });
    expect(third.detached).toHaveLength(2);
    expect(third.detached).toContain(second.reference.id);
    const listed = await listReferences(runtime, "alpha", "character", "Sarah");
    expect(listed.references.map((reference) => reference.id)).toEqual([third.reference.id]);
    // Detached, not deleted: old takes keep it in their provenance.
    expect((await runtime.media.get(second.reference.mediaId))?.status).toBe("live");
  });

  it("makes a location with a plate, and removes a reference by its id or its media id", async () => {
    const plate = await addUploadedReference(runtime, "alpha", {
      owner: "location",
      name: "park",
      bytes: await photo(120),
    });
    expect(plate.reference.kind).toBe("location-master");
    expect((await runtime.brain.forProject("alpha").findLocationByName("Park"))?.id).toBe(plate.ownerId);
    const other = await addUploadedReference(runtime, "alpha", {
      owner: "location",
      name: "park",
      bytes: await photo(130),
    });
    await expect(removeReference(runtime, "bravo", "location", "park", plate.reference.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(removeReference(runtime, "alpha", "character", "Sarah", plate.reference.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await removeReference(runtime, "alpha", "location", "park", plate.reference.id)).toMatchObject({
      id: plate.reference.id,
    });
    await removeReference(runtime, "alpha", "location", "park", other.reference.mediaId);
    expect((await listReferences(runtime, "alpha", "location", "park")).references).toEqual([]);
    await expect(removeReference(runtime, "alpha", "location", "park", plate.reference.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("stores nothing when the Brain refuses the reference", async () => {
    const before = await runtime.media.listByProject("alpha");
    const put = vi.spyOn(runtime.store, "put");
    const forProject = runtime.brain.forProject.bind(runtime.brain);
    const spy = vi.spyOn(runtime.brain, "forProject").mockImplementation((projectId) => {
      const brain = forProject(projectId);
      brain.saveReference = async () => {
        throw new CutroomError("BRAIN_VALIDATION", "the Brain is refusing writes");
      };
      return brain;
    });
    try {
      await expect(
        addUploadedReference(runtime, "alpha", { owner: "character", name: "Sarah", bytes: await photo(200) }),
      ).rejects.toMatchObject({ code: "BRAIN_VALIDATION", message: "the Brain is refusing writes" });
    } finally {
      spy.mockRestore();
    }
    const after = await runtime.media.listByProject("alpha");
    expect(after.map((record) => record.id)).toEqual(before.map((record) => record.id));
    // The object was written, then removed again with its record.
    expect(put).toHaveBeenCalledTimes(1);
    expect(await runtime.store.head(put.mock.calls[0]![0])).toBeNull();
    put.mockRestore();
  });

  it("refuses a bad image before writing anything", async () => {
    const before = (await runtime.media.listByProject("alpha")).length;
    await expect(
      addUploadedReference(runtime, "alpha", {
        owner: "character",
        name: "Nobody",
        bytes: Buffer.from("not an image"),
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "image" });
    expect((await runtime.media.listByProject("alpha")).length).toBe(before);
    expect(await runtime.brain.forProject("alpha").findCharacterByName("Nobody")).toBeNull();
  });
});
