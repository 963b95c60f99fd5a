/**
 * Media records in an embedded document file (NeDB), one document per stored object.
 * NeDB holds the whole file in memory from the moment it loads, so before every operation the repository
 * reloads when the file changed on disk: CLI processes that take turns on one data dir see each other's writes.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import NedbModule from "@seald-io/nedb";
import { CutroomError, assertId } from "../errors.js";
import type { MediaRecord, MediaRepository } from "./types.js";

// The package's types declare an ES default export but the module is CommonJS: under NodeNext the default
// import is the whole module.exports, which is the Datastore class itself.
const Datastore = NedbModule as unknown as typeof NedbModule.default;
type Datastore = InstanceType<typeof Datastore>;

/**
 * `generation` is free-form provider output; NeDB refuses field names holding '.' or starting with '$',
 * so it is stored as JSON text rather than as a nested document.
 */
type StoredMedia = Omit<MediaRecord, "generation"> & { generation: string; _id?: string };

export class EmbeddedMediaRepository implements MediaRepository {
  readonly name = "embedded-nedb";
  private fingerprint: string | null = null;
  // One operation at a time, so a reload never swaps the data under a running query.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly datastore: Datastore,
  ) {}

  static async open(options: { file: string }): Promise<EmbeddedMediaRepository> {
    const file = resolve(options.file);
    const datastore = new Datastore({ filename: file, autoload: true });
    try {
      await datastore.autoloadPromise;
      await datastore.ensureIndexAsync({ fieldName: "id", unique: true });
      await datastore.ensureIndexAsync({ fieldName: "projectId" });
    } catch (error) {
      throw storageError(file, error);
    }
    const repository = new EmbeddedMediaRepository(file, datastore);
    repository.fingerprint = await fingerprintOf(file);
    return repository;
  }

  insert(record: MediaRecord): Promise<void> {
    return this.serialized(async () => {
      assertId(record.id, "id");
      if ((await this.findStored(record.id)) !== null) {
        throw new CutroomError("INVALID_INPUT", `media record ${record.id} already exists; update it instead`, {
          field: "id",
        });
      }
      try {
        await this.datastore.insertAsync(toStored(record));
      } catch (error) {
        if ((error as { errorType?: string }).errorType === "uniqueViolated") {
          throw new CutroomError("INVALID_INPUT", `media record ${record.id} already exists; update it instead`, {
            field: "id",
            cause: error,
          });
        }
        throw storageError(this.file, error);
      }
    }, true);
  }

  get(id: string): Promise<MediaRecord | null> {
    return this.serialized(async () => {
      const stored = await this.findStored(id);
      return stored === null ? null : fromStored(stored);
    });
  }

  update(id: string, patch: Partial<Omit<MediaRecord, "id">>): Promise<MediaRecord> {
    return this.serialized(async () => {
      const current = await this.findStored(id);
      if (current === null) throw new CutroomError("NOT_FOUND", `media record ${id} does not exist`, { field: "id" });
      // The id is the identity and never changes, whatever the patch carries at run time.
      const next: MediaRecord = {
        ...fromStored(current),
        ...patch,
        id,
        updatedAt: new Date().toISOString(),
      };
      await this.datastore.updateAsync({ id }, toStored(next), {});
      return next;
    }, true);
  }

  delete(id: string): Promise<void> {
    return this.serialized(async () => {
      await this.datastore.removeAsync({ id }, { multi: true });
    }, true);
  }

  listByProject(projectId: string): Promise<MediaRecord[]> {
    return this.serialized(async () => {
      const found = (await this.datastore.findAsync({ projectId })) as unknown as StoredMedia[];
      return found.map(fromStored).sort((left, right) => {
        return left.createdAt === right.createdAt
          ? left.id.localeCompare(right.id)
          : left.createdAt.localeCompare(right.createdAt);
      });
    });
  }

  /** Rewrites the append-only datafile down to one line per live record. */
  close(): Promise<void> {
    return this.serialized(async () => {
      await this.datastore.compactDatafileAsync();
    }, true);
  }

  private serialized<T>(work: () => Promise<T>, writes = false): Promise<T> {
    const run = this.queue.then(async () => {
      await this.reloadIfChanged();
      try {
        return await work();
      } finally {
        // Our own writes change the file too; remember them so they do not trigger a needless reload.
        if (writes) this.fingerprint = await fingerprintOf(this.file);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadIfChanged(): Promise<void> {
    const fingerprint = await fingerprintOf(this.file);
    if (fingerprint === this.fingerprint) return;
    try {
      await this.datastore.loadDatabaseAsync();
    } catch (error) {
      throw storageError(this.file, error);
    }
    // Loading rewrites the file, so its fingerprint is taken afterwards.
    this.fingerprint = await fingerprintOf(this.file);
  }

  private async findStored(id: string): Promise<StoredMedia | null> {
    const found = (await this.datastore.findOneAsync({ id })) as unknown as StoredMedia | null;
    return found ?? null;
  }
}

async function fingerprintOf(file: string): Promise<string | null> {
  try {
    const stats = await stat(file, { bigint: true });
    return `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw storageError(file, error);
  }
}

function toStored(record: MediaRecord): StoredMedia {
  return { ...record, generation: JSON.stringify(record.generation ?? {}) };
}

function fromStored(stored: StoredMedia): MediaRecord {
  // NeDB's own _id is an internal detail and never leaves the repository.
  const { _id, generation, ...rest } = stored;
  void _id;
  return { ...rest, generation: JSON.parse(generation) as Record<string, unknown> };
}

function storageError(file: string, error: unknown): CutroomError {
  const message = error instanceof Error ? error.message : String(error);
  return new CutroomError("STORAGE", `media database ${file}: ${message}; check the data directory is writable`, {
    cause: error,
  });
}
