/**
 * Videos as the HTTP API sees them: a Brain take (`vid_…`) or a stored media record (`med_…`), always
 * resolved inside the caller's project, and the work behind the generate / assemble / verify routes.
 */
import type { AskedTake } from "../departments/video/asked.js";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { runDepartment, type CostConsent } from "../departments/video/entry.js";
import { frameFor } from "../departments/video/reading/shape.js";
import { aspectRatioOf, isAspectRatio, withFrame, withRequestChoices } from "../departments/video/shape.js";
import { aspectOfSize } from "../providers/video/fal/registry.js";
import { withCaptions } from "../departments/video/captions.js";
import { QUALITY_CHECK_TYPES, type QualityCheckType, type VideoQualityResult } from "../domain.js";
import { ID_PATTERN } from "../errors.js";
import { newId } from "../ids.js";
import type { ProgressBus } from "../jobs/progress.js";
import { verifyVideo } from "../media/quality.js";
import type { Runtime } from "../runtime.js";
import type { TakeView } from "../brain/types.js";
import type { MediaRecord } from "../storage/types.js";
import { cancelledBy } from "../jobs/cancel.js";
import { createToolContext } from "../tools/context.js";
import { createSceneTools } from "../tools/scene.js";
import { storeContactSheet } from "../tools/contact-sheet.js";
import { notFound } from "./errors.js";
import { redactValue, registerRoot } from "./redact.js";
import type { JobQueue } from "../jobs/types.js";
import { requestJobName, requestProgress, type RequestJobData, type RequestKind } from "./jobs.js";

export interface ResolvedVideo {
  id: string;
  record: MediaRecord;
  take: TakeView | null;
}

export function fileUrl(projectId: string, videoId: string): string {
  return `/api/v1/projects/${projectId}/videos/${videoId}/file`;
}

/**
 * Any server path left deep inside (a report's outputs, a message quoting a file) is reduced: local path
 * fields become null and the data, scratch and temp dirs become neutral tokens.
 */
export function scrub<T>(value: T, dataDir: string): T {
  registerRoot(dataDir, "<data>");
  return redactValue(value);
}

/** A store URL a client can fetch (an https object URL); a file:// one is of no use off this machine. */
function clientStoreUrl(url: string, apiUrl: string): string {
  return /^https?:\/\//.test(url) ? url : apiUrl;
}

/**
 * A tool's or job's result as a client may see it: a stored video's file:// URL becomes its API file
 * route (other stored kinds have none, so null), local paths are dropped and server roots redacted.
 */
export async function forClient<T>(runtime: Runtime, projectId: string, value: T): Promise<T> {
  const kinds = new Map<string, string | null>();
  const collect = async (item: unknown): Promise<void> => {
    if (Array.isArray(item)) for (const child of item) await collect(child);
    else if (item && typeof item === "object") {
      const mediaId = (item as Record<string, unknown>).mediaId;
      if (typeof mediaId === "string" && ID_PATTERN.test(mediaId) && !kinds.has(mediaId)) {
        const record = await runtime.media.get(mediaId);
        kinds.set(mediaId, record && record.projectId === projectId && record.status === "live" ? record.kind : null);
      }
      for (const child of Object.values(item)) await collect(child);
    }
  };
  await collect(value);
  registerRoot(runtime.config.dataDir, "<data>");
  registerRoot(runtime.scratchDir, "<scratch>");
  return redactValue(value, (owner) => {
    const mediaId = owner.mediaId;
    if (typeof mediaId !== "string") return null;
    const kind = kinds.get(mediaId);
    return kind === "video" || kind === "scene" ? fileUrl(projectId, mediaId) : null;
  });
}

/** Caption file formats the API serves, with their content types. */
export const CAPTION_CONTENT_TYPES = {
  vtt: "text/vtt; charset=utf-8",
  srt: "application/x-subrip; charset=utf-8",
} as const;
export type CaptionFileFormat = keyof typeof CAPTION_CONTENT_TYPES;

export function captionsUrl(projectId: string, videoId: string, format: CaptionFileFormat): string {
  return `/api/v1/projects/${projectId}/videos/${videoId}/captions.${format}`;
}

/** A take's captions as a client is shown them: the API's routes to its files, never store paths. */
export function captionsForClient(
  projectId: string,
  videoId: string,
  captions: { language: string; cueCount: number; burnedIn: boolean } | null,
) {
  if (captions === null) return null;
  return {
    language: captions.language,
    cueCount: captions.cueCount,
    burnedIn: captions.burnedIn,
    vtt: captionsUrl(projectId, videoId, "vtt"),
    srt: captionsUrl(projectId, videoId, "srt"),
  };
}

/**
 * The captions of a video of the project: a take's as the Brain links them, a stored video's by the
 * records that name it. Null when it has none.
 */
export async function captionsOfVideo(
  runtime: Runtime,
  video: ResolvedVideo,
): Promise<
  (Record<CaptionFileFormat, MediaRecord> & { language: string; cueCount: number; burnedIn: boolean }) | null
> {
  const { projectId } = video.record;
  const live = async (mediaId: string) => {
    const record = await runtime.media.get(mediaId);
    return record && record.projectId === projectId && record.status === "live" && record.kind === "captions"
      ? record
      : null;
  };
  if (video.take) {
    const node = await runtime.brain.forProject(projectId).captionsOf(video.take.video.id);
    if (node === null) return null;
    const [vtt, srt] = [await live(node.vtt.mediaId), await live(node.srt.mediaId)];
    if (vtt === null || srt === null) return null;
    return { vtt, srt, language: node.language, cueCount: node.cueCount, burnedIn: node.burnedIn };
  }
  const records = (await runtime.media.listByProject(projectId)).filter(
    (record) =>
      record.kind === "captions" && record.status === "live" && record.generation.captionsOf === video.record.id,
  );
  const vtt = records.find((record) => record.generation.format === "vtt");
  const srt = records.find((record) => record.generation.format === "srt");
  if (vtt === undefined || srt === undefined) return null;
  return {
    vtt,
    srt,
    language: String(vtt.generation.language ?? "en"),
    cueCount: Number(vtt.generation.cueCount ?? 0),
    burnedIn: video.record.generation.captionsBurned === true,
  };
}

/** The video if it exists, is live and belongs to the project; otherwise 404, whichever it was. */
export async function resolveVideo(runtime: Runtime, projectId: string, videoId: string): Promise<ResolvedVideo> {
  if (!ID_PATTERN.test(videoId)) throw notFound("video", videoId);
  const take = videoId.startsWith("vid_") ? await runtime.brain.forProject(projectId).getTake(videoId) : null;
  const mediaId = take ? take.video.mediaId : videoId;
  const record = await runtime.media.get(mediaId);
  if (!record || record.projectId !== projectId || record.status !== "live") throw notFound("video", videoId);
  if (!take && record.kind !== "video" && record.kind !== "scene") throw notFound("video", videoId);
  return { id: videoId, record, take };
}

export function videoDetails(video: ResolvedVideo) {
  const { record, take } = video;
  return {
    id: video.id,
    projectId: record.projectId,
    type: record.kind,
    mediaId: record.id,
    url: fileUrl(record.projectId, video.id),
    storeUrl: clientStoreUrl(record.url, fileUrl(record.projectId, video.id)),
    status: take?.video.status ?? record.status,
    metadata: {
      method: take?.video.method ?? (record.generation.method as string | undefined) ?? null,
      duration: record.durationSeconds,
      fps: record.fps,
      resolution: record.width && record.height ? `${record.width}x${record.height}` : null,
      qualityScore: take?.report?.overallQuality ?? record.qualityScore,
      grade: take?.video.grade ?? null,
      attempt: take?.video.attempt ?? null,
      characters: take?.characters.map((character) => character.name) ?? [],
      location: take?.location?.name ?? null,
      regeneratedFrom: take?.regeneratedFrom ?? null,
      threadId: take?.video.threadId ?? null,
    },
    quality: take?.report ?? null,
    createdAt: record.createdAt,
  };
}

/** A character of the project, with its takes whose video is still there; another project's is not found. */
export async function characterFacts(runtime: Runtime, projectId: string, name: string) {
  const brain = runtime.brain.forProject(projectId);
  const view = await brain.characterView(name);
  if (!view) throw notFound("character", name);
  const takes = [];
  for (const take of view.takes) {
    const found = await brain.getTake(take.id);
    const record = found ? await runtime.media.get(found.video.mediaId) : null;
    if (record?.projectId === projectId) takes.push({ ...take, url: fileUrl(projectId, take.id) });
  }
  return {
    name: view.character.name,
    id: view.character.id,
    description: view.character.profile.description,
    references: view.references.length,
    takes,
    counts: {
      accepted: takes.filter((take) => take.status === "accepted").length,
      discarded: takes.filter((take) => take.status === "discarded").length,
      pending: takes.filter((take) => take.status === "pending").length,
      superseded: takes.filter((take) => take.status === "superseded").length,
    },
  };
}

export interface VerifyRequest {
  videoId: string;
  checkTypes: QualityCheckType[] | null;
  expectedDuration: number | null;
  characterReference: string | null;
  locationReference: string | null;
}

async function referencePath(runtime: Runtime, projectId: string, mediaId: string): Promise<string> {
  const record = await runtime.media.get(mediaId);
  if (!record || record.projectId !== projectId || record.status !== "live" || record.kind !== "image")
    throw notFound("reference image", mediaId);
  return runtime.store.localPath(record.key, runtime.scratchDir);
}

/** Measures a stored video now; a take's own Brain references are compared unless others are named. */
export async function verifyStoredVideo(
  runtime: Runtime,
  projectId: string,
  request: VerifyRequest,
): Promise<VideoQualityResult> {
  const video = await resolveVideo(runtime, projectId, request.videoId);
  const path = await runtime.store.localPath(video.record.key, runtime.scratchDir);
  const ofKind = (kind: string) =>
    (video.take?.references ?? []).filter((reference) => reference.kind === kind).map((reference) => reference.mediaId);
  const characterIds = request.characterReference ? [request.characterReference] : ofKind("character-master");
  const locationIds = request.locationReference ? [request.locationReference] : ofKind("location-master");
  const characterReferences = await Promise.all(characterIds.map((id) => referencePath(runtime, projectId, id)));
  const locationReferences = await Promise.all(locationIds.map((id) => referencePath(runtime, projectId, id)));
  // A take is measured against the size it was made at (its request's shape), other videos against the server's.
  const { width, height } = video.take?.video ?? runtime.config.video;
  const { fps } = runtime.config.video;
  const checks =
    request.checkTypes ??
    QUALITY_CHECK_TYPES.filter((type) => type !== "duration" || request.expectedDuration !== null);
  return verifyVideo({
    path,
    expectedDurationSeconds: request.expectedDuration,
    expectedWidth: width,
    expectedHeight: height,
    expectedFps: fps,
    characterReferences,
    locationReferences,
    checks,
    threshold: runtime.config.qualityThreshold,
  });
}

/** Frames × pixels this machine renders per second, before the queue calibrates it on real runs. */
const PIXEL_FRAMES_PER_SECOND = 1_500_000;

function renderSeconds(runtime: Runtime, seconds: number): number {
  const { width, height, fps } = runtime.config.video;
  return (seconds * fps * width * height) / PIXEL_FRAMES_PER_SECOND;
}

/** The job's own progress bus, and a queue view whose jobs are cancelled with the API job. */
function withProgress(runtime: Runtime, progress: ProgressBus, signal: AbortSignal): Runtime {
  return { ...runtime, progress, jobs: cancelledBy(runtime.jobs, signal) };
}

/**
 * What a generate request may spend: the body has no budget of its own, so the server's (CUTROOM_BUDGET_USD)
 * is the explicit limit; a request estimated above it is refused instead of asked about.
 */
export function generateBudget(runtime: Runtime): CostConsent {
  return { kind: "budget", budgetUsd: runtime.config.budgetUsd };
}

/** Seconds a request should take on this machine before the estimates are calibrated on real runs. */
export function requestSeconds(runtime: Runtime, kind: RequestKind, request: Record<string, unknown>): number {
  if (kind === "generate") {
    const asked = request.asked as AskedTake | null | undefined;
    return 4 + 2.5 * renderSeconds(runtime, asked?.durationSeconds ?? runtime.config.video.clipSeconds);
  }
  const clips = Array.isArray(request.clips) ? request.clips.length : 1;
  return 2 + renderSeconds(runtime, clips * runtime.config.video.clipSeconds);
}

/**
 * The handlers of the request kinds, on the server's request queue. Their failure's stack goes to the log
 * here: a client sees only a department error's code and message.
 */
export function registerRequestJobs(jobs: JobQueue, runtime: Runtime): void {
  for (const kind of ["generate", "assemble"] as const) {
    jobs.register(requestJobName(kind), async (data, context) => {
      const job = data as unknown as RequestJobData;
      const { progress, stop } = requestProgress(context);
      try {
        return await runRequest(runtime, kind, job.request, {
          projectId: job.projectId,
          progress,
          signal: context.signal,
        });
      } catch (error) {
        runtime.log.warn(
          `job ${context.jobId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        throw error;
      } finally {
        stop();
      }
    });
  }
}

/** The work of one request, with the job's progress bus and signal. */
export function runRequest(
  runtime: Runtime,
  kind: RequestKind,
  request: Record<string, unknown>,
  options: RequestRun,
): Promise<unknown> {
  return kind === "generate" ? generateVideo(runtime, request, options) : assembleScene(runtime, request, options);
}

interface RequestRun {
  projectId: string;
  progress: ProgressBus;
  signal: AbortSignal;
}

async function generateVideo(
  runtime: Runtime,
  payload: Record<string, unknown>,
  { projectId, progress, signal }: RequestRun,
): Promise<unknown> {
  // HTTP cannot ask its caller to confirm a cost: the server's budget is the job's explicit limit.
  const model = typeof payload.model === "string" ? payload.model : null;
  const captions = typeof payload.captions === "string" ? payload.captions : null;
  const chosen = withCaptions(
    withRequestChoices(runtime, {
      aspectRatio: aspectRatioOf(payload.aspectRatio, "parameters.aspectRatio"),
      aspectField: "parameters.aspectRatio",
      model,
      modelField: "parameters.model",
    }),
    captions,
    "parameters.captions",
  );
  const result = await runDepartment(
    chosen,
    {
      projectId,
      text: String(payload.prompt),
      asked: (payload.asked as AskedTake | null | undefined) ?? null,
    },
    { cost: generateBudget(chosen), signal, progress },
  );
  const take = result.take;
  if (!take) return { videoId: null, report: await forClient(runtime, projectId, result.report) };
  return forClient(runtime, projectId, {
    videoId: take.videoId,
    mediaId: take.mediaId,
    url: fileUrl(projectId, take.videoId),
    duration: take.durationSeconds,
    qualityScore: take.quality.overallQuality,
    grade: take.grade,
    quality: take.quality,
    captions: captionsForClient(projectId, take.videoId, take.captions ?? null),
    contactSheet: take.contactSheet ? contactSheetUrl(projectId, take.videoId) : null,
    report: result.report,
  });
}

/**
 * The runtime an assembly is made in: at its first clip's shape (a vertical take's clips make a vertical
 * scene) with the server's short side; the server's frame when the clip's shape is not one a request may ask for.
 */
async function assemblyFrame(
  runtime: Runtime,
  projectId: string,
  clips: Array<{ clipId: string; sequence: number }>,
): Promise<Runtime> {
  const first = [...clips].sort((left, right) => left.sequence - right.sequence)[0];
  if (first === undefined) return runtime;
  const { record } = await resolveVideo(runtime, projectId, first.clipId);
  if (!record.width || !record.height) return runtime;
  const shape = aspectOfSize(record.width, record.height);
  return isAspectRatio(shape) ? withFrame(runtime, frameFor(shape, runtime.config.video)) : runtime;
}

async function assembleScene(
  runtime: Runtime,
  payload: Record<string, unknown>,
  { projectId, progress, signal }: RequestRun,
): Promise<unknown> {
  const framed = await assemblyFrame(runtime, projectId, payload.clips as Array<{ clipId: string; sequence: number }>);
  const scoped = await createToolContext(withProgress(framed, progress, signal), projectId, newId("vid"));
  const context = { ...scoped, signal };
  const tools: Record<string, StructuredToolInterface> = Object.fromEntries(
    createSceneTools(context).map((item) => [item.name, item as StructuredToolInterface]),
  );
  const assembled = JSON.parse(
    String(await tools.assemble_video_clips!.invoke({ clips: payload.clips, transitions: payload.transitions ?? [] })),
  ) as { clipId: string; durationSeconds: number; contactSheetId?: string };
  let clipId = assembled.clipId;
  if (payload.postProcessing) {
    const graded = JSON.parse(
      String(await tools.apply_post_processing!.invoke({ clipId, options: payload.postProcessing })),
    ) as { clipId: string };
    clipId = graded.clipId;
  }
  const saved = JSON.parse(
    String(
      await tools.save_assembled_scene!.invoke({
        clipId,
        metadata: { sceneId: payload.sceneId ?? null, clips: payload.clips },
      }),
    ),
  ) as { mediaId: string; durationSeconds: number };
  const sheet =
    assembled.contactSheetId === undefined
      ? null
      : await storeContactSheet(context, {
          scratchId: assembled.contactSheetId,
          sceneMediaId: saved.mediaId,
          shotCount: (payload.clips as unknown[]).length,
        });
  return {
    videoId: saved.mediaId,
    url: fileUrl(projectId, saved.mediaId),
    duration: saved.durationSeconds,
    contactSheet: sheet === null ? null : contactSheetUrl(projectId, saved.mediaId),
  };
}

/** The route of a take's stored contact sheet. */
export function contactSheetUrl(projectId: string, videoId: string): string {
  return `/api/v1/projects/${projectId}/videos/${videoId}/contact-sheet.png`;
}
