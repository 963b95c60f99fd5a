/**
 * Media records in an SQLite file in the data dir, one row per stored object. Several processes (a CLI
 * chat next to `cutroom serve`, two CLIs) share the file safely: SQLite locks it for every write, WAL lets
 * readers go on while one process writes, and a writer that finds the file locked waits its turn.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { CutroomError, assertId } from "../errors.js";
import { describeProblem, MEDIA_KINDS, pickRecord, recordProblem } from "./media-record.js";
import { readLegacyMedia, retireLegacyFile, type LegacyMedia } from "./nedb-import.js";
import type { MediaKind, MediaRecord, MediaRepository } from "./types.js";

// Writes are a few rows each, so a writer holds the lock for milliseconds; waiting up to this long
// covers a busy machine without hanging forever on a file some other program keeps locked.
const BUSY_TIMEOUT_MS = 15_000;
/** 2: the kind "captions" (a scene's SRT and WebVTT files) joins the kinds the table accepts. */
const SCHEMA_VERSION = 2;

/** The media table's definition under a name, so a migration can build the new table beside the old one. */
const mediaTable = (name: string): string => `
  CREATE TABLE IF NOT EXISTS ${name} (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN (${MEDIA_KINDS.map((kind) => `'${kind}'`).join(", ")})),
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('live', 'tombstoned')),
    duration_seconds REAL,
    fps REAL,
    width INTEGER,
    height INTEGER,
    generation TEXT NOT NULL,
    quality_score REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;`;

const SCHEMA = `
  ${mediaTable("media")}
  CREATE INDEX IF NOT EXISTS media_by_project ON media (project_id, created_at, id);
  -- One row per imported document file (by content), so an import runs once however many processes start.
  CREATE TABLE IF NOT EXISTS legacy_imports (
    digest TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    records INTEGER NOT NULL,
    imported_at TEXT NOT NULL
  ) STRICT;
`;

interface MediaRow {
  id: string;
  project_id: string;
  kind: string;
  key: string;
  url: string;
  status: string;
  duration_seconds: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  generation: string;
  quality_score: number | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  "id, project_id, kind, key, url, status, duration_seconds, fps, width, height, generation, quality_score, created_at, updated_at";
const VALUES =
  "@id, @project_id, @kind, @key, @url, @status, @duration_seconds, @fps, @width, @height, @generation, @quality_score, @created_at, @updated_at";

export interface OpenOptions {
  file: string;
  /** An earlier version's NeDB document file to import once and then rename to `<file>.imported`. */
  importFrom?: string | null;
}

export interface ImportReport {
  source: string;
  records: number;
}

export class SqliteMediaRepository implements MediaRepository {
  readonly name = "embedded-sqlite";
  /** What this instance imported when it opened; null when there was nothing to import or another did it. */
  imported: ImportReport | null = null;

  private constructor(
    readonly file: string,
    private readonly database: Database.Database,
  ) {}

  static async open(options: OpenOptions): Promise<SqliteMediaRepository> {
    const file = resolve(options.file);
    await mkdir(dirname(file), { recursive: true }).catch((error: unknown) => {
      throw storageError(file, error);
    });
    // Parsed before the database opens: a corrupt line refuses the start and leaves both files untouched.
    const legacy = options.importFrom ? await readLegacyMedia(resolve(options.importFrom)) : null;
    let repository: SqliteMediaRepository;
    try {
      repository = new SqliteMediaRepository(file, await openDatabase(file));
    } catch (error) {
      throw asStorageError(file, error);
    }
    try {
      if (legacy !== null) {
        repository.imported = repository.importLegacy(legacy);
        await retireLegacyFile(resolve(options.importFrom!), legacy);
      }
    } catch (error) {
      repository.database.close();
      throw error;
    }
    return repository;
  }

  async insert(record: MediaRecord): Promise<void> {
    assertId(record.id, "id");
    const row = toRow(checked(record as unknown as Record<string, unknown>));
    this.run(() => {
      try {
        this.database.prepare(`INSERT INTO media (${COLUMNS}) VALUES (${VALUES})`).run(row);
      } catch (error) {
        if (sqliteCode(error) === "SQLITE_CONSTRAINT_PRIMARYKEY") {
          throw new CutroomError("INVALID_INPUT", `media record ${record.id} already exists; update it instead`, {
            field: "id",
          });
        }
        throw error;
      }
    });
  }

  async get(id: string): Promise<MediaRecord | null> {
    const row = this.run(
      () => this.database.prepare("SELECT * FROM media WHERE id = ?").get(id) as MediaRow | undefined,
    );
    return row === undefined ? null : fromRow(row);
  }

  async update(id: string, patch: Partial<Omit<MediaRecord, "id">>): Promise<MediaRecord> {
    // Read and write in one immediate transaction, so a patch from another process in between is not undone.
    const change = this.database.transaction(() => {
      const row = this.database.prepare("SELECT * FROM media WHERE id = ?").get(id) as MediaRow | undefined;
      if (row === undefined) throw new CutroomError("NOT_FOUND", `media record ${id} does not exist`, { field: "id" });
      // A field patched to undefined means "not given", as in a spread of optional values.
      const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      // The id is the identity and never changes, whatever the patch carries at run time.
      const next = checked({ ...fromRow(row), ...given, id, updatedAt: new Date().toISOString() });
      this.database.prepare(`UPDATE media SET (${COLUMNS}) = (${VALUES}) WHERE id = @id`).run(toRow(next));
      return next;
    });
    return this.run(() => change.immediate());
  }

  async delete(id: string): Promise<void> {
    this.run(() => this.database.prepare("DELETE FROM media WHERE id = ?").run(id));
  }

  async listByProject(projectId: string): Promise<MediaRecord[]> {
    const rows = this.run(
      () =>
        this.database
          .prepare("SELECT * FROM media WHERE project_id = ? ORDER BY created_at, id")
          .all(projectId) as MediaRow[],
    );
    return rows.map(fromRow);
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  /** Inserts the file's records and marks its content imported, all or nothing. */
  private importLegacy(legacy: LegacyMedia): ImportReport | null {
    const load = this.database.transaction((): ImportReport | null => {
      const done = this.database.prepare("SELECT 1 FROM legacy_imports WHERE digest = ?").get(legacy.digest);
      if (done !== undefined) return null;
      // A record already in SQLite has been used and changed since; the file's copy of it is older.
      const insert = this.database.prepare(
        `INSERT INTO media (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT (id) DO NOTHING`,
      );
      let records = 0;
      for (const record of legacy.records) records += insert.run(toRow(record)).changes;
      this.database
        .prepare("INSERT INTO legacy_imports (digest, source, records, imported_at) VALUES (?, ?, ?, ?)")
        .run(legacy.digest, legacy.source, records, new Date().toISOString());
      return { source: legacy.source, records };
    });
    // Immediate: the marker check and the inserts happen under the write lock, so of two processes
    // starting together exactly one imports and the other finds the marker.
    return this.run(() => load.immediate());
  }

  private run<T>(work: () => T): T {
    return guarded(this.file, work);
  }
}

async function openDatabase(file: string): Promise<Database.Database> {
  const database = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    await switchToWal(database, file);
    const version = database.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new CutroomError(
        "STORAGE",
        `media database ${file} has schema version ${version}, newer than this cutroom's ${SCHEMA_VERSION}; upgrade cutroom`,
      );
    }
    database
      .transaction(() => {
        // Read again under the write lock: of two processes opening an old file together, one migrates it.
        const current = database.pragma("user_version", { simple: true }) as number;
        if (current === 1) migrateKinds(database);
        database.exec(SCHEMA);
        database.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * Version 1 to 2: SQLite cannot change a CHECK constraint in place, so the rows move to a table with the
 * new list of kinds, inside the caller's transaction (all or nothing).
 */
function migrateKinds(database: Database.Database): void {
  database.exec(mediaTable("media_next"));
  database.exec(`INSERT INTO media_next (${COLUMNS}) SELECT ${COLUMNS} FROM media`);
  database.exec("DROP TABLE media");
  database.exec("ALTER TABLE media_next RENAME TO media");
}

/**
 * A file not yet in WAL mode must be held alone for a moment to switch, and SQLite answers SQLITE_BUSY at
 * once, without waiting, when another process opening a new data dir is doing the same: so retry here.
 */
async function switchToWal(database: Database.Database, file: string): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      const mode = database.pragma("journal_mode = WAL", { simple: true });
      if (mode === "wal") return;
      throw new CutroomError(
        "STORAGE",
        `media database ${file} cannot use write-ahead logging (journal mode stays ${String(mode)}); ` +
          "put the data directory on a local file system",
      );
    } catch (error) {
      if (!sqliteCode(error)?.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
}

/** Refuses a record that is not one, naming the field, before SQLite sees it. */
function checked(candidate: Record<string, unknown>): MediaRecord {
  const problem = recordProblem(candidate);
  if (problem !== null) {
    throw new CutroomError("INVALID_INPUT", `media record: ${describeProblem(problem)}`, { field: problem.field });
  }
  return pickRecord(candidate);
}

function toRow(record: MediaRecord): MediaRow {
  return {
    id: record.id,
    project_id: record.projectId,
    kind: record.kind,
    key: record.key,
    url: record.url,
    status: record.status,
    duration_seconds: record.durationSeconds,
    fps: record.fps,
    width: record.width,
    height: record.height,
    // Free-form provider output: kept whole as JSON text rather than spread over columns.
    generation: JSON.stringify(record.generation),
    quality_score: record.qualityScore,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function fromRow(row: MediaRow): MediaRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind as MediaKind,
    key: row.key,
    url: row.url,
    status: row.status as MediaRecord["status"],
    durationSeconds: row.duration_seconds,
    fps: row.fps,
    width: row.width,
    height: row.height,
    generation: JSON.parse(row.generation) as Record<string, unknown>,
    qualityScore: row.quality_score,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** SQLite's own failures become STORAGE errors naming the file; the repository's own errors pass through. */
function guarded<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asStorageError(file, error);
  }
}

function asStorageError(file: string, error: unknown): CutroomError {
  return error instanceof CutroomError ? error : storageError(file, error);
}

function sqliteCode(error: unknown): string | null {
  return error instanceof Database.SqliteError ? error.code : null;
}

function storageError(file: string, error: unknown): CutroomError {
  const message = error instanceof Error ? error.message : String(error);
  const remedy =
    sqliteCode(error) === "SQLITE_BUSY"
      ? `another process held it locked for over ${BUSY_TIMEOUT_MS / 1000} s; retry`
      : "check the data directory is writable and the file is an SQLite database";
  return new CutroomError("STORAGE", `media database ${file}: ${message}; ${remedy}`, { cause: error });
}
