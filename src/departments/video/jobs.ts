/**
 * The department's long work as jobs. A job may be retried after a crash, so each handler first looks for
 * what an earlier attempt already finished, and removes objects an interrupted attempt stored without a
 * media record (every object key is journaled before it is written).
 *
 * The handlers run specialists, and specialists import the runtime, so the runtime cannot import this
 * module: this module adds its handlers to every runtime instead (`setUpEveryRuntime`), as soon as it is
 * loaded. The department's graph loads it, and so does the library entry (src/index.ts).
 */
import type { GeneratedClipOutput, ShotTask } from "../../specialists/video-generator/index.js";
import { runVideoGenerator } from "../../specialists/video-generator/index.js";
import { runSceneAssembler } from "../../specialists/scene-assembler/index.js";
import { runQualityVerifier } from "../../specialists/quality-verifier/index.js";
import { setUpEveryRuntime, type Runtime } from "../../runtime.js";
import type { MediaRecord } from "../../storage/types.js";
import { removeOrphans, tracked } from "../../jobs/journal.js";
import type { JobContext } from "../../jobs/types.js";
import { registerVoiceJob } from "../../jobs/voice.js";
import { withFrame, type Frame } from "./shape.js";

export interface GenerateJobData {
  projectId: string;
  takeId: string;
  shot: ShotTask;
  /** The request's frame size (a vertical request's is not the configured one); the handler's own when absent. */
  frame?: Frame;
}

export interface TakeJobData<Input> {
  projectId: string;
  takeId: string;
  input: Input;
  frame?: Frame;
}

export type GenerateJobResult = Awaited<ReturnType<typeof runVideoGenerator>>;

/** One generation per take and clip index: the job id is the idempotency key. */
export function generateJobId(takeId: string, shotIndex: number): string {
  return `generate-${takeId}-${shotIndex}`;
}

export function registerDepartmentJobs(runtime: Runtime): void {
  // A handler holds the runtime it was registered with: the job's frame makes it work at the request's shape.
  runtime.jobs.register("generate", (data, context) => {
    const job = data as unknown as GenerateJobData;
    return generateClip(withFrame(runtime, job.frame), job, context);
  });
  runtime.jobs.register("assemble", (data, context) => {
    const job = data as unknown as TakeJobData<Parameters<typeof runSceneAssembler>[1]>;
    return tracked(withFrame(runtime, job.frame), job, context, (scoped) => runSceneAssembler(scoped, job.input));
  });
  runtime.jobs.register("verify", (data, context) => {
    const job = data as unknown as TakeJobData<Parameters<typeof runQualityVerifier>[1]>;
    return tracked(withFrame(runtime, job.frame), job, context, (scoped) => runQualityVerifier(scoped, job.input));
  });
  registerVoiceJob(runtime);
}

setUpEveryRuntime(registerDepartmentJobs);

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
    passes: (generation.passes as GeneratedClipOutput["passes"]) ?? [],
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
