/**
 * A graphology multigraph kept in one JSON file. Several CLI processes may share the file, so every write
 * runs under a file lock on a freshly loaded copy and replaces the file atomically; a change that fails
 * midway never reaches the disk.
 */
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { MultiDirectedGraph } from "graphology";
import type { SerializedGraph } from "graphology-types";
import lockfile from "proper-lockfile";
import { CutroomError } from "../errors.js";
import { withLegacyProject } from "./embedded-legacy.js";
import type { BrainGraph, EdgeAttributes, NodeAttributes } from "./graph-types.js";

const FORMAT = "cutroom-brain";
// The version is written first so a change can be detected from the file's opening bytes alone.
const VERSION_HEADER = /^\{"version":(\d+)/;
const HEADER_BYTES = 64;
const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
};

export const newGraph = (): BrainGraph => new MultiDirectedGraph<NodeAttributes, EdgeAttributes>();

export class GraphFile {
  private graph: BrainGraph = newGraph();
  private version = 0;
  private fingerprint: string | null = null;
  /** The loaded file holds nodes without a project; they were moved to the legacy project in memory. */
  private migrated = false;
  // One operation at a time per instance; other processes are kept out by the file lock.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly file: string) {}

  static async open(file: string): Promise<GraphFile> {
    const graphFile = new GraphFile(resolve(file));
    await mkdir(dirname(graphFile.file), { recursive: true });
    await graphFile.serialized(async () => {
      if ((await graphFile.refresh()) && !graphFile.migrated) return;
      // A missing file is created empty; an older file is written back once with its nodes in a project.
      await graphFile.withLock(async (assertHeld) => {
        if (!(await graphFile.refresh())) await graphFile.persist(newGraph(), assertHeld);
        else if (graphFile.migrated) await graphFile.persist(graphFile.graph, assertHeld);
      });
    });
    return graphFile;
  }

  read<T>(query: (graph: BrainGraph) => T): Promise<T> {
    return this.serialized(async () => {
      await this.refresh();
      return query(this.graph);
    });
  }

  mutate<T>(change: (draft: BrainGraph) => T): Promise<T> {
    return this.serialized(() =>
      this.withLock(async (assertHeld) => {
        await this.refresh();
        // The change runs on a copy: if it throws, neither the file nor this instance's graph has changed.
        const draft = this.graph.copy();
        const result = change(draft);
        await this.persist(draft, assertHeld);
        return result;
      }),
    );
  }

  async close(): Promise<void> {
    await this.serialized(async () => undefined);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async withLock<T>(work: (assertHeld: () => void) => Promise<T>): Promise<T> {
    const lockState: { compromised: Error | null } = { compromised: null };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        ...LOCK_OPTIONS,
        onCompromised: (error) => (lockState.compromised = error),
      });
    } catch (error) {
      throw new CutroomError(
        "STORAGE",
        `could not lock the brain file ${this.file}: ${messageOf(error)}; if no cutroom process is running, remove ${this.file}.lock`,
        { cause: error },
      );
    }
    const assertHeld = (): void => {
      if (lockState.compromised !== null) {
        throw new CutroomError(
          "STORAGE",
          `lost the lock on ${this.file} (${lockState.compromised.message}); nothing was written, retry`,
          { cause: lockState.compromised },
        );
      }
    };
    try {
      return await work(assertHeld);
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** Loads the file when it is not the one last loaded. Returns false when there is no file. */
  private async refresh(): Promise<boolean> {
    let handle;
    try {
      handle = await open(this.file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw storageError(this.file, error);
      [this.graph, this.version, this.fingerprint, this.migrated] = [newGraph(), 0, null, false];
      return false;
    }
    try {
      const fingerprint = await fingerprintOf(handle);
      if (fingerprint === this.fingerprint) return true;
      const parsed = parseBrainFile(await handle.readFile({ encoding: "utf8" }), this.file);
      [this.graph, this.version, this.fingerprint] = [parsed.graph, parsed.version, fingerprint];
      this.migrated = parsed.migrated;
      return true;
    } finally {
      await handle.close();
    }
  }

  private async persist(graph: BrainGraph, assertHeld: () => void): Promise<void> {
    const version = this.version + 1;
    const text = JSON.stringify({ version, format: FORMAT, graph: graph.export() });
    const temporary = `${this.file}.tmp-${process.pid}`;
    try {
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      assertHeld();
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error instanceof CutroomError ? error : storageError(this.file, error);
    }
    await syncDirectory(dirname(this.file));
    const handle = await open(this.file, "r");
    const fingerprint = await fingerprintOf(handle).finally(() => handle.close());
    [this.graph, this.version, this.fingerprint, this.migrated] = [graph, version, fingerprint, false];
  }
}

/** Identity, size, time and the stored version together: timestamps alone are too coarse for quick writes. */
async function fingerprintOf(handle: FileHandle): Promise<string> {
  const stats = await handle.stat({ bigint: true });
  const header = Buffer.alloc(HEADER_BYTES);
  // A positioned read leaves the handle's offset at 0 for a following readFile.
  const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
  const version = VERSION_HEADER.exec(header.toString("utf8", 0, bytesRead))?.[1] ?? "none";
  return `${stats.ino}:${stats.size}:${stats.mtimeNs}:${version}`;
}

function parseBrainFile(text: string, file: string): { graph: BrainGraph; version: number; migrated: boolean } {
  try {
    const data = JSON.parse(text) as { version?: unknown; graph?: SerializedGraph<NodeAttributes, EdgeAttributes> };
    const graph = newGraph();
    graph.import(data.graph ?? {});
    const migrated = withLegacyProject(graph);
    return {
      graph: migrated ?? graph,
      version: typeof data.version === "number" ? data.version : 0,
      migrated: migrated !== null,
    };
  } catch (error) {
    throw new CutroomError(
      "STORAGE",
      `the brain file ${file} is not a readable graph (${messageOf(error)}); restore it from a backup or move it aside to start empty`,
      { cause: error },
    );
  }
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable; some filesystems refuse to fsync a directory, which is harmless.
  try {
    const handle = await open(directory, "r");
    await handle.sync().finally(() => handle.close());
  } catch {
    return;
  }
}

function storageError(file: string, error: unknown): CutroomError {
  return new CutroomError(
    "STORAGE",
    `brain file ${file}: ${messageOf(error)}; check the data directory's permissions and free space`,
    { cause: error },
  );
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
