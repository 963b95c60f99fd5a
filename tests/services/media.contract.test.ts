/** One contract for the MediaRepository port: the embedded SQLite file and MongoDB (wire protocol). */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MongoClient } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCutroomError, type CutroomErrorCode } from "../../src/errors.js";
import { connectMongo } from "../../src/storage/mongo/client.js";
import { MongoMediaRepository } from "../../src/storage/mongo/media.js";
import { SqliteMediaRepository } from "../../src/storage/sqlite-media.js";
import type { MediaRecord, MediaRepository } from "../../src/storage/types.js";
import { servicesEnv } from "./env.js";

function record(id: string, overrides: Partial<MediaRecord> = {}): MediaRecord {
  return {
    id,
    projectId: "proj_a",
    kind: "video",
    key: `projects/proj_a/takes/vid_1/clip-${id}.mp4`,
    url: `file:///store/${id}.mp4`,
    status: "live",
    durationSeconds: 2,
    fps: 12,
    width: 320,
    height: 180,
    generation: {
      method: "text-to-video",
      seed: 7,
      shotIndex: 1,
      takeId: "vid_1",
      characters: ["Ana"],
      nested: { a: [1, 2] },
    },
    qualityScore: null,
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

async function expectCode(promise: Promise<unknown>, code: CutroomErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isCutroomError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

function mediaContract(
  name: string,
  open: () => Promise<{ repository: MediaRepository; cleanup(): Promise<void> }>,
): void {
  describe(`MediaRepository contract: ${name}`, () => {
    let repository: MediaRepository;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ repository, cleanup } = await open());
    });
    afterEach(async () => {
      await repository.close();
      await cleanup();
    });

    it("stores, reads, patches and deletes one document per object", async () => {
      await repository.insert(record("med_1"));
      expect(await repository.get("med_1")).toEqual(record("med_1"));
      await expectCode(repository.insert(record("med_1")), "INVALID_INPUT");
      await expectCode(repository.insert(record("bad/id")), "INVALID_ID");
      const patched = await repository.update("med_1", { qualityScore: 0.82, status: "tombstoned" });
      expect(patched).toMatchObject({ id: "med_1", qualityScore: 0.82, status: "tombstoned", generation: { seed: 7 } });
      expect(patched.updatedAt > "2025-01-01T00:00:00.000Z").toBe(true);
      expect(await repository.get("med_1")).toEqual(patched);
      const smuggled = await repository.update("med_1", { id: "med_other" } as Partial<MediaRecord>);
      expect(smuggled.id).toBe("med_1");
      await expectCode(repository.update("med_missing", { qualityScore: 1 }), "NOT_FOUND");
      await repository.delete("med_1");
      expect(await repository.get("med_1")).toBeNull();
      await repository.delete("med_1");
    });

    it("lists a project's records in time order", async () => {
      await repository.insert(record("med_b", { createdAt: "2025-01-02T00:00:00.000Z" }));
      await repository.insert(record("med_a", { createdAt: "2025-01-01T00:00:00.000Z" }));
      await repository.insert(record("med_c", { createdAt: "2025-01-02T00:00:00.000Z" }));
      await repository.insert(record("med_x", { projectId: "proj_b" }));
      expect((await repository.listByProject("proj_a")).map((item) => item.id)).toEqual(["med_a", "med_b", "med_c"]);
      expect((await repository.listByProject("proj_b")).map((item) => item.id)).toEqual(["med_x"]);
      expect(await repository.listByProject("proj_none")).toEqual([]);
    });
  });
}

mediaContract("embedded-sqlite", async () => {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-media-contract-"));
  const repository = await SqliteMediaRepository.open({ file: join(directory, "media.sqlite") });
  return { repository, cleanup: () => rm(directory, { recursive: true, force: true }) };
});

const env = servicesEnv();
describe.skipIf(env === null)("on a MongoDB-protocol server", () => {
  mediaContract("mongodb", async () => {
    const client: MongoClient = await connectMongo(env!.MONGODB_URI);
    const database = `contract_${randomBytes(4).toString("hex")}`;
    const repository = await MongoMediaRepository.open({ client, database, uri: env!.MONGODB_URI });
    return {
      repository,
      cleanup: async () => {
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  });
});
