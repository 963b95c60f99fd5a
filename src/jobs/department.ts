/**
 * The department's long work as jobs. A job may be retried after a crash, so each handler first looks for
 * what an earlier attempt already finished, and removes objects an interrupted attempt stored without a
 * media record (every object key is journaled before it is written).
 */
import type { GeneratedClipOutput, ShotTask } from "../specialists/video-generator/index.js";
import { runVideoGenerator } from "../specialists/video-generator/index.js";
import { runSceneAssembler } from "../specialists/scene-assembler/index.js";
import { runQualityVerifier } from "../specialists/quality-verifier/index.js";
import { createToolContext } from "../tools/context.js";
import type { Runtime } from "../runtime.js";
import type { MediaRecord, ObjectStore } from "../storage/types.js";
import type { JobContext } from "./types.js";

export interface GenerateJobData {
  projectId: string;
  takeId: string;
  shot: ShotTask;
}

export interface TakeJobData<Input> {
  projectId: string;
  takeId: string;
  input: Input;
}

export type GenerateJobResult = Awaited<ReturnType<typeof runVideoGenerator>>;

const PUT_ENTRY = "put ";

/** One generation per take and clip index: the job id is the idempotency key. */
export function generateJobId(takeId: string, shotIndex: number): string {
  return `generate-${takeId}-${shotIndex}`;
}

export function registerDepartmentJobs(runtime: Runtime): void {
  runtime.jobs.register("generate", (data, context) =>
    generateClip(runtime, data as unknown as GenerateJobData, context),
  );
  runtime.jobs.register("assemble", (data, context) => {
    const job = data as unknown as TakeJobData<Parameters<typeof runSceneAssembler>[1]>;
    return tracked(runtime, job, context, (scoped) => runSceneAssembler(scoped, job.input));
  });
  runtime.jobs.register("verify", (data, context) => {
    const job = data as unknown as TakeJobData<Parameters<typeof runQualityVerifier>[1]>;
    return tracked(runtime, job, context, (scoped) => runQualityVerifier(scoped, job.input));
  });
}

async function generateClip(runtime: Runtime, data: GenerateJobData, context: JobContext): Promise<GenerateJobResult> {
  await context.progress(0);
  const records = await runtime.media.listByProject(data.projectId);
  await removeOrphans(runtime.store, records, await context.journal.entries());
  const stored = records.find(
    (record) =>
      record.kind === "video" &&
      record.status === "live" &&
      record.generation.takeId === data.takeId &&
      record.generation.shotIndex === data.shot.index &&
      // A clip its checks rejected is not reused: the next attempt is a new job that must render anew.
      record.generation.shotPassed !== false,
  );
  if (stored !== undefined) {
    // An earlier attempt stored this clip and then died: reuse it rather than render (and pay) again.
    await context.progress(1);
    return reusedClip(runtime, stored, data.shot);
  }
  return tracked(runtime, data, context, (scoped) => runVideoGenerator(scoped, data.shot));
}

/** Runs the work with a store that journals every key before writing it, and forwards step progress. */
async function tracked<T>(
  runtime: Runtime,
  data: { projectId: string; takeId: string },
  context: JobContext,
  work: (scoped: Awaited<ReturnType<typeof createToolContext>>) => Promise<T>,
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
    const result = await work(scoped);
    await context.progress(1);
    return result;
  } finally {
    unsubscribe();
  }
}

function journaling(store: ObjectStore, context: JobContext): ObjectStore {
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
async function removeOrphans(store: ObjectStore, records: MediaRecord[], journal: string[]): Promise<void> {
  const recorded = new Set(records.map((record) => record.key));
  for (const entry of journal) {
    if (!entry.startsWith(PUT_ENTRY)) continue;
    const key = entry.slice(PUT_ENTRY.length);
    if (!recorded.has(key) && (await store.head(key)) !== null) await store.delete(key);
  }
}

async function reusedClip(runtime: Runtime, record: MediaRecord, shot: ShotTask): Promise<GenerateJobResult> {
  const generation = record.generation;
  const head = await runtime.store.head(record.key);
  const output: GeneratedClipOutput = {
    index: shot.index,
    mediaId: record.id,
    key: record.key,
    path: head?.path ?? null,
    durationSeconds: record.durationSeconds ?? Number(generation.durationSeconds ?? shot.durationSeconds),
    width: record.width ?? Number(generation.width),
    height: record.height ?? Number(generation.height),
    fps: record.fps ?? Number(generation.fps),
    method: shot.method,
    model: String(generation.model ?? "unknown"),
    seed: Number(generation.seed ?? shot.seed),
    prompt: String(generation.prompt ?? shot.prompt),
    costUsd: Number(generation.costUsd ?? 0),
    characters: (generation.characters as string[] | undefined) ?? shot.characters,
    location: (generation.location as string | null | undefined) ?? shot.location,
    action: String(generation.action ?? shot.action),
    camera: String(generation.camera ?? shot.camera),
  };
  const { width, height, fps } = runtime.config.video;
  const issues: string[] = [];
  if (output.width !== width || output.height !== height)
    issues.push(`clip is ${output.width}x${output.height}, asked ${width}x${height}`);
  if (Math.abs(output.fps - fps) > 0.01) issues.push(`clip runs at ${output.fps} fps, asked ${fps}`);
  const completeness = Math.min(1, output.durationSeconds / shot.durationSeconds);
  return {
    output,
    selfAssessment: { confidence: Math.max(0, 1 - 0.25 * issues.length), completeness, issues },
    mode: "deterministic",
    toolCalls: [],
  };
}
