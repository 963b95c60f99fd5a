/**
 * The journal-and-reuse contract every department job keeps: each object key is journaled before it is
 * written, so a retried attempt (or a resumed run) deletes what an interrupted one stored without a media
 * record, and the work runs with the job's signal and progress.
 */
import { createToolContext, type ToolContext } from "../tools/context.js";
import type { Runtime } from "../runtime.js";
import type { MediaRecord, ObjectStore } from "../storage/types.js";
import type { JobContext } from "./types.js";

const PUT_ENTRY = "put ";

/** Runs the work with a store that journals every key before writing it, and forwards step progress. */
export async function tracked<T>(
  runtime: Runtime,
  data: { projectId: string; takeId: string },
  context: JobContext,
  work: (scoped: ToolContext) => Promise<T>,
): Promise<T> {
  if (context.attempt > 1) {
    await removeOrphans(
      runtime.store,
      await runtime.media.listByProject(data.projectId),
      await context.journal.entries(),
    );
  }
  const store = journaling(runtime.store, context);
  const scoped = await createToolContext({ ...runtime, store }, data.projectId, data.takeId);
  const unsubscribe = runtime.progress.subscribe((event) => {
    if (event.fraction !== null) void context.progress(Math.min(0.99, event.fraction)).catch(() => undefined);
  });
  try {
    const result = await work({ ...scoped, signal: context.signal });
    await context.progress(1);
    return result;
  } finally {
    unsubscribe();
  }
}

export function journaling(store: ObjectStore, context: JobContext): ObjectStore {
  return {
    name: store.name,
    put: async (key, sourcePath, options) => {
      await context.journal.append(`${PUT_ENTRY}${key}`);
      return store.put(key, sourcePath, options);
    },
    head: (key) => store.head(key),
    localPath: (key, cacheDir) => store.localPath(key, cacheDir),
    delete: (key) => store.delete(key),
    tombstone: (key) => store.tombstone(key),
  };
}

/** Objects an earlier attempt journaled but never recorded belong to nobody: delete them. */
export async function removeOrphans(store: ObjectStore, records: MediaRecord[], journal: string[]): Promise<void> {
  const recorded = new Set(records.map((record) => record.key));
  for (const entry of journal) {
    if (!entry.startsWith(PUT_ENTRY)) continue;
    const key = entry.slice(PUT_ENTRY.length);
    if (!recorded.has(key) && (await store.head(key)) !== null) await store.delete(key);
  }
}
