import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { SqliteMediaRepository } from "../../src/storage/sqlite-media.js";
import type { MediaRecord } from "../../src/storage/types.js";

let directory: string;
let file: string;
let legacy: string;
let repository: SqliteMediaRepository;

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
    // Field names a document store would refuse as keys must survive the round trip.
    generation: { model: "local", "fal.request": "r1", $cost: 0, nested: { seed: 3 } },
    qualityScore: 0.8,
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** One line of the earlier document file, as NeDB wrote it: generation as JSON text, NeDB's own _id last. */
function nedbLine(nedbId: string, value: MediaRecord): string {
  return JSON.stringify({ ...value, generation: JSON.stringify(value.generation), _id: nedbId });
}

const INDEX_LINES = [
  JSON.stringify({ $$indexCreated: { fieldName: "id", unique: true } }),
  JSON.stringify({ $$indexCreated: { fieldName: "projectId" } }),
];

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-media-"));
  file = join(directory, "media.sqlite");
  legacy = join(directory, "media.db");
  repository = await SqliteMediaRepository.open({ file });
});

afterEach(async () => {
  await repository.close();
  await rm(directory, { recursive: true, force: true });
});

describe("SqliteMediaRepository", () => {
  it("inserts, reads, updates, lists and deletes records", async () => {
    await repository.insert(record("med_1"));
    await repository.insert(record("med_2", { createdAt: "2024-12-31T00:00:00.000Z" }));
    await repository.insert(record("med_3", { projectId: "proj_2" }));
    expect(await repository.get("med_1")).toEqual(record("med_1"));

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

  it("keeps one typed row per record in WAL mode", async () => {
    await repository.insert(record("med_1"));
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      const row = raw.prepare("SELECT * FROM media").get() as Record<string, unknown>;
      expect(row).toMatchObject({ id: "med_1", project_id: "proj_1", kind: "video", width: 640, fps: 24 });
      expect(JSON.parse(row["generation"] as string)).toEqual(record("med_1").generation);
    } finally {
      raw.close();
    }
  });

  it("refuses duplicates, unknown ids, unsafe ids and malformed fields, naming the field", async () => {
    await repository.insert(record("med_1"));
    expect(isCutroomError(await caught(repository.insert(record("med_1"))), "INVALID_INPUT")).toBe(true);
    expect(isCutroomError(await caught(repository.update("med_none", { status: "live" })), "NOT_FOUND")).toBe(true);
    expect(isCutroomError(await caught(repository.insert(record("../bad"))), "INVALID_ID")).toBe(true);

    const badKind = await caught(repository.insert(record("med_2", { kind: "gif" as MediaRecord["kind"] })));
    expect(isCutroomError(badKind, "INVALID_INPUT") && badKind.field).toBe("kind");
    expect((badKind as Error).message).toMatch(/kind must be one of video, image, audio, scene, captions; got "gif"/);
    const badWidth = await caught(repository.update("med_1", { width: 12.5 }));
    expect(isCutroomError(badWidth, "INVALID_INPUT") && badWidth.field).toBe("width");
    expect(await repository.get("med_1")).toEqual(record("med_1"));
    expect((await repository.listByProject("proj_1")).length).toBe(1);
  });

  it("shows one instance's writes to another opened on the same file", async () => {
    const other = await SqliteMediaRepository.open({ file });
    try {
      await repository.insert(record("med_1"));
      expect((await other.get("med_1"))?.id).toBe("med_1");
      await other.update("med_1", { qualityScore: 0.5 });
      await other.insert(record("med_2"));
      expect((await repository.get("med_1"))?.qualityScore).toBe(0.5);
      expect((await repository.listByProject("proj_1")).length).toBe(2);
      // The duplicate check sees the other instance's insert too.
      expect(isCutroomError(await caught(repository.insert(record("med_2"))), "INVALID_INPUT")).toBe(true);
      await other.delete("med_1");
      expect(await repository.get("med_1")).toBeNull();
    } finally {
      await other.close();
    }
    await repository.close();
    repository = await SqliteMediaRepository.open({ file });
    expect((await repository.listByProject("proj_1")).map((item) => item.id)).toEqual(["med_2"]);
  });

  it("waits for a writer in another process instead of failing", async () => {
    // The other process takes the write lock, says so, and holds it for a moment before committing.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const Database = require("better-sqlite3");
         const database = new Database(process.argv[1]);
         database.exec("BEGIN IMMEDIATE");
         database.prepare("UPDATE media SET quality_score = 0.1").run();
         process.stdout.write("locked\\n");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);
         database.exec("COMMIT");`,
        file,
      ],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    await once(holder.stdout!, "data");
    await repository.insert(record("med_waited"));
    const [code] = await once(holder, "exit");
    expect(code).toBe(0);
    expect((await repository.get("med_waited"))?.id).toBe("med_waited");
  });
});

describe("schema versions", () => {
  it("moves a version 1 file's rows to the table that accepts captions, keeping every record", async () => {
    const old = join(directory, "v1.sqlite");
    const raw = new Database(old);
    raw.exec(`CREATE TABLE media (
      id TEXT PRIMARY KEY NOT NULL, project_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('video', 'image', 'audio', 'scene')),
      key TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('live', 'tombstoned')),
      duration_seconds REAL, fps REAL, width INTEGER, height INTEGER, generation TEXT NOT NULL,
      quality_score REAL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT`);
    raw
      .prepare("INSERT INTO media VALUES (?, ?, 'video', ?, ?, 'live', 5, 24, 640, 360, ?, 0.8, ?, ?)")
      .run("med_old", "proj_1", "videos/med_old.mp4", "file:///tmp/med_old.mp4", "{}", "2025-01-01", "2025-01-01");
    raw.pragma("user_version = 1");
    raw.close();

    const migrated = await SqliteMediaRepository.open({ file: old });
    try {
      expect((await migrated.get("med_old"))?.key).toBe("videos/med_old.mp4");
      const captions = record("med_srt", { kind: "captions", key: "videos/med_old.srt", durationSeconds: null });
      await migrated.insert(captions);
      expect(await migrated.get("med_srt")).toEqual(captions);
    } finally {
      await migrated.close();
    }
    const check = new Database(old, { readonly: true });
    try {
      expect(check.pragma("user_version", { simple: true })).toBe(2);
    } finally {
      check.close();
    }
  });
});

describe("importing the earlier document file (media.db)", () => {
  it("imports the latest version of every live record once, then renames the file", async () => {
    const first = record("med_1", { qualityScore: null });
    const lines = [
      ...INDEX_LINES,
      nedbLine("n1", first),
      nedbLine("n2", record("med_2")),
      nedbLine("n3", record("med_3", { projectId: "proj_2", kind: "image", fps: null, durationSeconds: null })),
      nedbLine("n1", { ...first, qualityScore: 0.7, updatedAt: "2025-01-02T00:00:00.000Z" }),
      JSON.stringify({ $$deleted: true, _id: "n2" }),
    ];
    await writeFile(legacy, `${lines.join("\n")}\n`);
    await repository.close();
    repository = await SqliteMediaRepository.open({ file, importFrom: legacy });

    expect(repository.imported).toEqual({ source: legacy, records: 2 });
    expect(await repository.get("med_1")).toEqual({
      ...first,
      qualityScore: 0.7,
      updatedAt: "2025-01-02T00:00:00.000Z",
    });
    expect(await repository.get("med_2")).toBeNull();
    expect(await repository.get("med_3")).toMatchObject({ kind: "image", projectId: "proj_2", fps: null });
    expect(existsSync(legacy)).toBe(false);
    expect(await readFile(`${legacy}.imported`, "utf8")).toBe(`${lines.join("\n")}\n`);

    // The same content offered again (a restored copy) is recognised and only moved aside.
    await repository.update("med_1", { qualityScore: 0.9 });
    await writeFile(legacy, `${lines.join("\n")}\n`);
    await repository.close();
    repository = await SqliteMediaRepository.open({ file, importFrom: legacy });
    expect(repository.imported).toBeNull();
    expect((await repository.get("med_1"))?.qualityScore).toBe(0.9);
    expect(existsSync(legacy)).toBe(false);
  });

  it("imports NeDB's temporary copy when a crash left only that", async () => {
    await writeFile(`${legacy}~`, [...INDEX_LINES, nedbLine("n1", record("med_1"))].join("\n"));
    await repository.close();
    repository = await SqliteMediaRepository.open({ file, importFrom: legacy });
    expect(repository.imported).toEqual({ source: `${legacy}~`, records: 1 });
    expect(await repository.get("med_1")).toEqual(record("med_1"));
    expect(existsSync(`${legacy}~`)).toBe(false);
  });

  it("ignores and removes a stale temporary copy beside the document file", async () => {
    await writeFile(legacy, nedbLine("n1", record("med_1")));
    await writeFile(`${legacy}~`, nedbLine("n9", record("med_stale")));
    await repository.close();
    repository = await SqliteMediaRepository.open({ file, importFrom: legacy });
    expect(repository.imported).toEqual({ source: legacy, records: 1 });
    expect(existsSync(`${legacy}~`)).toBe(false);
    await repository.close();
    repository = await SqliteMediaRepository.open({ file, importFrom: legacy });
    expect(repository.imported).toBeNull();
    expect(await repository.get("med_stale")).toBeNull();
  });

  it("imports once when two instances open the file together", async () => {
    await writeFile(legacy, [nedbLine("n1", record("med_1")), nedbLine("n2", record("med_2"))].join("\n"));
    const opened = await Promise.all([
      SqliteMediaRepository.open({ file, importFrom: legacy }),
      SqliteMediaRepository.open({ file, importFrom: legacy }),
    ]);
    try {
      expect(opened.map((item) => item.imported?.records ?? 0).sort()).toEqual([0, 2]);
      expect((await repository.listByProject("proj_1")).map((item) => item.id)).toEqual(["med_1", "med_2"]);
    } finally {
      await Promise.all(opened.map((item) => item.close()));
    }
  });

  it("refuses a line cut in half with the file, the line and a remedy, importing nothing", async () => {
    const whole = nedbLine("n2", record("med_2"));
    const text = [...INDEX_LINES, nedbLine("n1", record("med_1")), whole.slice(0, whole.length / 2), ""].join("\n");
    await writeFile(legacy, text);
    await repository.close();
    const error = await caught(SqliteMediaRepository.open({ file, importFrom: legacy }));
    expect(isCutroomError(error, "STORAGE")).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(legacy);
    expect(message).toMatch(/line 4 is not valid JSON/);
    expect(message).toMatch(/repair that line .*or delete line 4 to drop that one record/);

    repository = await SqliteMediaRepository.open({ file });
    expect(await repository.listByProject("proj_1")).toEqual([]);
    expect(await readFile(legacy, "utf8")).toBe(text);
  });

  it("refuses a document that is not a media record, naming its line and field", async () => {
    const broken = JSON.stringify({ ...record("med_2"), kind: undefined, generation: "{}", _id: "n2" });
    await writeFile(legacy, [nedbLine("n1", record("med_1")), broken].join("\n"));
    const error = await caught(SqliteMediaRepository.open({ file, importFrom: legacy }));
    expect(isCutroomError(error, "STORAGE")).toBe(true);
    expect((error as Error).message).toMatch(/line 2 is not a media record: kind must be one of/);
    expect(await repository.get("med_1")).toBeNull();

    await writeFile(legacy, nedbLine("n1", record("med_1")).replace('"generation":"{', '"generation":"{oops'));
    const badGeneration = await caught(SqliteMediaRepository.open({ file, importFrom: legacy }));
    expect((badGeneration as Error).message).toMatch(/line 1 has a generation that is not valid JSON text/);
  });
});
