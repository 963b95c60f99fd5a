import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { EmbeddedMediaRepository } from "../../src/storage/embedded-media.js";
import type { MediaRecord } from "../../src/storage/types.js";

let directory: string;
let file: string;
let repository: EmbeddedMediaRepository;

function record(id: string, overrides: Partial<MediaRecord> = {}): MediaRecord {
  return {
    id,
    projectId: "proj_1",
    kind: "video",
    key: `videos/${id}.mp4`,
    url: `file:///tmp/${id}.mp4`,
    status: "live",
    durationSeconds: 5,
    fps: 24,
    width: 640,
    height: 360,
    // Field names NeDB would refuse as document keys must survive the round trip.
    generation: { model: "local", "fal.request": "r1", $cost: 0, nested: { seed: 3 } },
    qualityScore: 0.8,
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-media-"));
  file = join(directory, "media.db");
  repository = await EmbeddedMediaRepository.open({ file });
});

afterEach(async () => {
  await repository.close();
  await rm(directory, { recursive: true, force: true });
});

describe("EmbeddedMediaRepository", () => {
  it("inserts, reads, updates, lists and deletes records without NeDB's _id", async () => {
    await repository.insert(record("med_1"));
    await repository.insert(record("med_2", { createdAt: "2024-12-31T00:00:00.000Z" }));
    await repository.insert(record("med_3", { projectId: "proj_2" }));
    const fetched = await repository.get("med_1");
    expect(fetched).toEqual(record("med_1"));
    expect(fetched).not.toHaveProperty("_id");

    const updated = await repository.update("med_1", { status: "tombstoned", qualityScore: 0.9 });
    expect(updated).toMatchObject({ id: "med_1", status: "tombstoned", qualityScore: 0.9 });
    expect(updated.updatedAt > record("med_1").updatedAt).toBe(true);
    expect(await repository.get("med_1")).toEqual(updated);

    expect((await repository.listByProject("proj_1")).map((item) => item.id)).toEqual(["med_2", "med_1"]);
    expect(await repository.listByProject("proj_none")).toEqual([]);

    await repository.delete("med_2");
    expect(await repository.get("med_2")).toBeNull();
    await expect(repository.delete("med_2")).resolves.toBeUndefined();
  });

  it("refuses duplicates, unknown ids and unsafe ids", async () => {
    await repository.insert(record("med_1"));
    expect(isCutroomError(await caught(repository.insert(record("med_1"))), "INVALID_INPUT")).toBe(true);
    expect(isCutroomError(await caught(repository.update("med_none", { status: "live" })), "NOT_FOUND")).toBe(true);
    expect(isCutroomError(await caught(repository.insert(record("../bad"))), "INVALID_ID")).toBe(true);
    expect((await repository.listByProject("proj_1")).length).toBe(1);
  });

  it("shows one instance's writes to another opened on the same file", async () => {
    const other = await EmbeddedMediaRepository.open({ file });
    try {
      await repository.insert(record("med_1"));
      expect((await other.get("med_1"))?.id).toBe("med_1");
      await other.update("med_1", { qualityScore: 0.5 });
      await other.insert(record("med_2"));
      expect((await repository.get("med_1"))?.qualityScore).toBe(0.5);
      expect((await repository.listByProject("proj_1")).length).toBe(2);
      // The duplicate check sees the other instance's insert too.
      expect(isCutroomError(await caught(repository.insert(record("med_2"))), "INVALID_INPUT")).toBe(true);
    } finally {
      await other.close();
    }
    await repository.close();
    const reopened = await EmbeddedMediaRepository.open({ file });
    expect((await reopened.listByProject("proj_1")).map((item) => item.id).sort()).toEqual(["med_1", "med_2"]);
    await reopened.close();
  });
});
