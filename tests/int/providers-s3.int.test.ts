/** The S3/R2 object store with the real AWS SDK against s3rver on 127.0.0.1. */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { CutroomError } from "../../src/errors.js";
import { S3ObjectStore } from "../../src/storage/s3/store.js";
import { startFakeS3, type FakeS3 } from "../fakes/s3.js";

describe("S3 object store against s3rver", () => {
  let s3: FakeS3;
  let directory: string;
  let store: S3ObjectStore;

  beforeAll(async () => {
    s3 = await startFakeS3();
    directory = await mkdtemp(join(tmpdir(), "cutroom-s3-"));
    store = S3ObjectStore.fromConfig(loadConfig({ ...s3.env, CUTROOM_DATA_DIR: directory }));
  });
  afterAll(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("is the store the config chooses when S3_ENDPOINT is set", () => {
    const config = loadConfig({ ...s3.env, CUTROOM_DATA_DIR: directory });
    expect(config.adapters.find((choice) => choice.port === "objectStore")).toMatchObject({ adapter: "s3" });
  });

  it("stores bytes intact with metadata, presigns a URL that serves them, and caches a local copy", async () => {
    const source = join(directory, "clip.bin");
    const bytes = randomBytes(300_000);
    await writeFile(source, bytes);
    const stored = await store.put("projects/p1/takes/t1/clip.mp4", source, {
      contentType: "video/mp4",
      metadata: { mediaId: "med_1", note: "Sarah im Park – café" },
    });
    expect(stored).toMatchObject({ size: bytes.length, contentType: "video/mp4", path: null });
    expect(await store.metadata("projects/p1/takes/t1/clip.mp4")).toEqual({
      mediaid: "med_1",
      note: "Sarah im Park – café",
    });
    const fetched = await fetch(stored.url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
    const local = await store.localPath("projects/p1/takes/t1/clip.mp4", join(directory, "cache"));
    expect((await readFile(local)).equals(bytes)).toBe(true);
  });

  it("uploads large files in parts", async () => {
    const multipart = S3ObjectStore.fromConfig(loadConfig({ ...s3.env, CUTROOM_DATA_DIR: directory }), {
      multipartThresholdBytes: 6 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    });
    const source = join(directory, "large.bin");
    const bytes = randomBytes(11 * 1024 * 1024 + 123);
    await writeFile(source, bytes);
    const stored = await multipart.put("big/large.bin", source, {
      contentType: "application/octet-stream",
      metadata: {},
    });
    expect(stored.size).toBe(bytes.length);
    const local = await multipart.localPath("big/large.bin", join(directory, "cache"));
    expect((await readFile(local)).equals(bytes)).toBe(true);
  });

  it("tombstones by copy and delete, keeping an earlier tombstone", async () => {
    const source = join(directory, "small.txt");
    await writeFile(source, "first");
    await store.put("a/b.txt", source, { contentType: "text/plain", metadata: { kind: "audio" } });
    expect(await store.tombstone("a/b.txt")).toBe("tombstones/a/b.txt");
    expect(await store.head("a/b.txt")).toBeNull();
    expect(await store.metadata("tombstones/a/b.txt")).toEqual({ kind: "audio" });
    await writeFile(source, "second");
    await store.put("a/b.txt", source, { contentType: "text/plain", metadata: {} });
    const again = await store.tombstone("a/b.txt");
    expect(again).toMatch(/^tombstones\/a\/b\.txt\.[a-z0-9]+$/);
    const error = await store.tombstone("a/b.txt").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CutroomError);
    expect((error as CutroomError).code).toBe("NOT_FOUND");
  });

  it("uses the public domain for URLs when R2_PUBLIC_DOMAIN is set, and rejects unsafe keys", async () => {
    const cdn = S3ObjectStore.fromConfig(
      loadConfig({ ...s3.env, R2_PUBLIC_DOMAIN: "media.example.com", CUTROOM_DATA_DIR: directory }),
    );
    expect(await cdn.urlOf("projects/p1/a b.mp4")).toBe("https://media.example.com/projects/p1/a%20b.mp4");
    await expect(cdn.head("../etc/passwd")).rejects.toMatchObject({ code: "INVALID_ID" });
  });

  it("names the missing variable, and never shows the secret in errors", async () => {
    expect(() => S3ObjectStore.fromConfig(loadConfig({ S3_ENDPOINT: s3.endpoint, R2_BUCKET_NAME: "x" }))).toThrow(
      /R2_ACCESS_KEY_ID/,
    );
    const wrong = S3ObjectStore.fromConfig(
      loadConfig({
        ...s3.env,
        R2_SECRET_ACCESS_KEY: "wrong-secret-8e1f",
        R2_BUCKET_NAME: "no-such-bucket",
        CUTROOM_DATA_DIR: directory,
      }),
    );
    const source = join(directory, "x.txt");
    await writeFile(source, "x");
    const error = (await wrong
      .put("x.txt", source, { contentType: "text/plain", metadata: {} })
      .catch((caught: unknown) => caught)) as CutroomError;
    expect(error.code).toBe("STORAGE");
    expect(error.message).toMatch(/no-such-bucket|NoSuchBucket/);
    expect(error.message).not.toContain("wrong-secret-8e1f");
  });
});
