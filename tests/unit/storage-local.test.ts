import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { LocalObjectStore, assertObjectKey } from "../../src/storage/local-store.js";

let directory: string;
let source: string;
let store: LocalObjectStore;
const options = { contentType: "video/mp4", metadata: { takeId: "vid_1" } };

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-store-"));
  source = join(directory, "clip.mp4");
  await writeFile(source, "fake mp4 bytes");
  store = new LocalObjectStore({ root: join(directory, "root") });
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function expectInvalidKey(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isCutroomError(error, "INVALID_ID") && error.field === "key", String(error)).toBe(true);
}

describe("LocalObjectStore", () => {
  it("stores a copy with its content type and a file URL", async () => {
    const stored = await store.put("videos/p1/vid_1.mp4", source, options);
    expect(stored.key).toBe("videos/p1/vid_1.mp4");
    expect(stored.size).toBe("fake mp4 bytes".length);
    expect(stored.contentType).toBe("video/mp4");
    expect(stored.path).toBe(join(directory, "root", "objects", "videos", "p1", "vid_1.mp4"));
    expect(stored.url.startsWith("file://")).toBe(true);
    expect(fileURLToPath(stored.url)).toBe(stored.path);
    expect(await readFile(stored.path ?? "", "utf8")).toBe("fake mp4 bytes");
    expect(await store.head("videos/p1/vid_1.mp4")).toEqual(stored);
    expect(await store.metadata("videos/p1/vid_1.mp4")).toEqual({ takeId: "vid_1" });
    expect(await store.localPath("videos/p1/vid_1.mp4", join(directory, "cache"))).toBe(stored.path);
    // No temporary files are left next to the object.
    expect((await readdir(join(directory, "root", "objects", "videos", "p1"))).sort()).toEqual([
      "vid_1.mp4",
      "vid_1.mp4.meta.json",
    ]);
  });

  it("answers null or NOT_FOUND for missing objects", async () => {
    expect(await store.head("videos/none.mp4")).toBeNull();
    await store.put("videos/a/b.mp4", source, options);
    expect(await store.head("videos/a")).toBeNull();
    const error = await store.localPath("videos/none.mp4", directory).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCutroomError(error, "NOT_FOUND")).toBe(true);
  });

  it("rejects unsafe keys", async () => {
    for (const key of [
      "../x",
      "/abs",
      "a//b",
      "a b",
      "a/../b",
      "a/./b",
      "",
      "x/",
      "a\\b",
      "k.meta.json",
      "x".repeat(513),
    ]) {
      expect(() => assertObjectKey(key), key).toThrow();
      await expectInvalidKey(store.put(key, source, options));
      await expectInvalidKey(store.head(key));
    }
    expect(assertObjectKey("videos/p-1/take_2.v1.mp4")).toBe("videos/p-1/take_2.v1.mp4");
  });

  it("leaves nothing behind when the source is missing", async () => {
    const error = await store.put("videos/x.mp4", join(directory, "absent.mp4"), options).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCutroomError(error, "STORAGE")).toBe(true);
    expect(await readdir(join(directory, "root", "objects", "videos"))).toEqual([]);
  });

  it("tombstones move the bytes out of the live namespace", async () => {
    await store.put("videos/vid_1.mp4", source, options);
    const tombstoneKey = await store.tombstone("videos/vid_1.mp4");
    expect(tombstoneKey).toBe("tombstones/videos/vid_1.mp4");
    expect(await store.head("videos/vid_1.mp4")).toBeNull();
    expect(await readFile(join(directory, "root", tombstoneKey), "utf8")).toBe("fake mp4 bytes");
    expect(JSON.parse(await readFile(join(directory, "root", `${tombstoneKey}.meta.json`), "utf8"))).toMatchObject({
      contentType: "video/mp4",
    });

    // Tombstoning the same key again keeps the first tombstone.
    await store.put("videos/vid_1.mp4", source, options);
    const second = await store.tombstone("videos/vid_1.mp4");
    expect(second).not.toBe(tombstoneKey);
    expect((await stat(join(directory, "root", tombstoneKey))).isFile()).toBe(true);
    const error = await store.tombstone("videos/vid_1.mp4").then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCutroomError(error, "NOT_FOUND")).toBe(true);
  });

  it("deletes object and sidecar, and tolerates a missing object", async () => {
    await store.put("images/ref.png", source, { contentType: "image/png", metadata: {} });
    await store.delete("images/ref.png");
    expect(await store.head("images/ref.png")).toBeNull();
    expect(await readdir(join(directory, "root", "objects", "images"))).toEqual([]);
    await expect(store.delete("images/ref.png")).resolves.toBeUndefined();
  });
});
