/**
 * What a request already holds in storage, so no shot is generated (or paid for) twice: which run made a
 * clip, which shots a regenerate must make anew, and a stored shot taken back into this take. A resumed
 * run finds its own clips through the same round.
 */
import type { Runtime } from "../../../runtime.js";
import type { GeneratedClipOutput, ShotTask } from "../../../specialists/video-generator/index.js";
import type { ToolContext } from "../../../tools/context.js";
import type { DepartmentStateValue } from "../state.js";

/**
 * Which run of a request made a clip: the first run, or the regenerate of a given take. A resumed run
 * has the same round, so it finds what it already made.
 */
export function roundOf(state: Pick<DepartmentStateValue, "previousTakeId">): string {
  return state.previousTakeId ?? "first";
}

/** Shots this run must make anew (a regenerate's), rather than take from storage. */
export function mustRedo(
  state: Pick<DepartmentStateValue, "previousTakeId" | "redoShots">,
  shotIndex: number,
): boolean {
  if (state.previousTakeId === null) return false;
  return state.redoShots === null || state.redoShots.includes(shotIndex);
}

/**
 * Marks a clip just generated as the request's: its request, round, shot and cost go on its media record,
 * so every later run knows what the request has spent and which shots it holds. True when the clip was
 * stored before `startedMs`, i.e. by a killed run this one resumed: paid for then, not now.
 */
export async function markRequestClip(
  runtime: Runtime,
  state: Pick<DepartmentStateValue, "requestId" | "previousTakeId">,
  clip: { mediaId: string; costUsd: number; shotIndex: number; startedMs: number },
  checked: { shotPassed: boolean; qualityScore: number } | null = null,
): Promise<boolean> {
  const record = await runtime.media.get(clip.mediaId);
  await runtime.media.update(clip.mediaId, {
    generation: {
      ...(record?.generation ?? {}),
      requestId: state.requestId,
      round: roundOf(state),
      shotIndex: clip.shotIndex,
      ...(checked ? { shotPassed: checked.shotPassed } : {}),
      costUsd: clip.costUsd,
    },
    ...(checked ? { qualityScore: checked.qualityScore } : {}),
  });
  return record !== null && Date.parse(record.createdAt) < clip.startedMs;
}

/** The clip this request already stored for a shot, if any (so a resumed run does not pay twice). */
export async function storedShot(runtime: Runtime, state: DepartmentStateValue, shotIndex: number) {
  const records = await runtime.media.listByProject(state.projectId);
  const redo = mustRedo(state, shotIndex);
  return (
    records.find(
      (record) =>
        record.status === "live" &&
        record.kind === "video" &&
        record.generation.requestId === state.requestId &&
        record.generation.shotIndex === shotIndex &&
        record.generation.shotPassed === true &&
        (!redo || record.generation.round === roundOf(state)),
    ) ?? null
  );
}

export async function reuse(
  context: ToolContext,
  record: NonNullable<Awaited<ReturnType<typeof storedShot>>>,
  shot: ShotTask,
): Promise<GeneratedClipOutput> {
  const generation = record.generation as Record<string, unknown>;
  await context.runtime.media.update(record.id, { generation: { ...generation, takeId: context.takeId } });
  return {
    index: shot.index,
    mediaId: record.id,
    key: record.key,
    path: await context.runtime.store.localPath(record.key, context.workDir),
    durationSeconds: record.durationSeconds ?? shot.durationSeconds,
    width: record.width ?? 0,
    height: record.height ?? 0,
    fps: record.fps ?? 0,
    method: (generation.method as ShotTask["method"]) ?? shot.method,
    model: String(generation.model ?? "unknown"),
    seed: Number(generation.seed ?? shot.seed),
    prompt: String(generation.prompt ?? shot.prompt),
    // The clip keeps what it cost when it was made; the run's ledger charges a reused clip nothing.
    costUsd: Number(generation.costUsd ?? 0),
    characters: shot.characters,
    location: shot.location,
    action: shot.action,
    camera: shot.camera,
    passes: (generation.passes as GeneratedClipOutput["passes"]) ?? [],
  };
}
