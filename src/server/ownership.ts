/**
 * Which project owns each thread and each tool-call take started over HTTP, kept in a small JSON file
 * in the data dir so ownership survives restarts. Writes go through one queue and an atomic rename.
 */
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

interface OwnershipFile {
  threads: Record<string, string>;
  takes: Record<string, string>;
}

export type OwnedKind = keyof OwnershipFile;

export class OwnershipStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly data: OwnershipFile,
  ) {}

  static async open(dataDir: string): Promise<OwnershipStore> {
    const file = join(dataDir, "http-owners.json");
    const data: OwnershipFile = { threads: {}, takes: {} };
    if (existsSync(file)) {
      const saved = JSON.parse(await readFile(file, "utf8")) as Partial<OwnershipFile>;
      Object.assign(data.threads, saved.threads ?? {});
      Object.assign(data.takes, saved.takes ?? {});
    }
    return new OwnershipStore(file, data);
  }

  owner(kind: OwnedKind, id: string): string | null {
    return Object.hasOwn(this.data[kind], id) ? this.data[kind][id]! : null;
  }

  /** Records the owner unless one is already recorded; returns the owner that holds afterwards. */
  async claim(kind: OwnedKind, id: string, projectId: string): Promise<string> {
    const existing = this.owner(kind, id);
    if (existing !== null) return existing;
    this.data[kind][id] = projectId;
    await this.persist();
    return projectId;
  }

  private persist(): Promise<void> {
    const next = this.writing.then(async () => {
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(this.data));
      await rename(temporary, this.file);
    });
    // A failed write must not wedge the queue for later claims; the caller still sees this failure.
    this.writing = next.catch(() => {});
    return next;
  }

  async flush(): Promise<void> {
    await this.writing;
  }
}
