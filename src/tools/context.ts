/**
 * What every tool works with: the runtime's adapters and the take being made. Tools pass ids, never
 * bytes: scratch files live under the take's work dir, stored objects are found through their media record.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { assertId, CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { extractFrame } from "../media/frames.js";
import { probe } from "../media/runner.js";
import type { Runtime } from "../runtime.js";
import type { MediaKind, MediaRecord } from "../storage/types.js";

export interface ToolContext {
  runtime: Runtime;
  projectId: string;
  /** The take (Brain Video id) everything made in this run belongs to. */
  takeId: string;
  /** Scratch directory of the take. */
  workDir: string;
  /** Aborts when the job or turn this work is for is cancelled; tools pass it to providers and ffmpeg. */
  signal?: AbortSignal | null;
}

export async function createToolContext(runtime: Runtime, projectId: string, takeId: string): Promise<ToolContext> {
  assertId(projectId, "projectId");
  assertId(takeId, "takeId");
  await sweepScratch(runtime.scratchDir);
  const workDir = join(runtime.scratchDir, takeId);
  await mkdir(workDir, { recursive: true });
  return { runtime, projectId, takeId, workDir };
}

/**
 * A take's scratch directory, removed when the take ends. Nothing stored is lost: stored objects are in
 * the object store (a remote store's local copies are cached under the take and fetched again on demand).
 */
export async function removeTakeScratch(runtime: Pick<Runtime, "scratchDir">, takeId: string): Promise<void> {
  assertId(takeId, "takeId");
  await rm(join(runtime.scratchDir, takeId), { recursive: true, force: true });
}

/**
 * Scratch nobody has written to for this long is left by a run that was killed and never resumed (or
 * by tool calls over the API that shared a take and stopped): a take's own work never idles this long.
 */
export const SCRATCH_IDLE_MS = 24 * 60 * 60 * 1000;
/** Sweeps run at most this often per scratch directory: reading it on every tool context would be waste. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const lastSweep = new Map<string, number>();

/** Removes the entries of a scratch directory idle (unmodified) for longer than `idleMs`. */
export async function sweepScratch(
  scratchDir: string,
  options: { idleMs?: number; nowMs?: number; force?: boolean } = {},
): Promise<string[]> {
  const now = options.nowMs ?? Date.now();
  if (!options.force && now - (lastSweep.get(scratchDir) ?? -Infinity) < SWEEP_EVERY_MS) return [];
  lastSweep.set(scratchDir, now);
  const idleMs = options.idleMs ?? SCRATCH_IDLE_MS;
  const removed: string[] = [];
  for (const name of await readdir(scratchDir).catch(() => [] as string[])) {
    const path = join(scratchDir, name);
    const found = await stat(path).catch(() => null);
    if (found === null || now - found.mtimeMs <= idleMs) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Scratch ids are file names in the take's work dir: "<id>.<ext>", id validated so it cannot escape. */
export function scratchPath(context: ToolContext, scratchId: string, field: string): string {
  assertId(scratchId, field);
  for (const extension of ["mp4", "wav", "png"]) {
    const candidate = join(context.workDir, `${scratchId}.${extension}`);
    if (existsSync(candidate)) return candidate;
  }
  throw new CutroomError("NOT_FOUND", `${field} ${scratchId} is not a file made in this take`, { field });
}

export function scratchIdOf(path: string): string {
  return basename(path).replace(/\.[a-z0-9]+$/i, "");
}

/** A media record's local bytes (downloaded into the work dir when the store is remote). */
export async function mediaPath(
  context: ToolContext,
  mediaId: string,
  field: string,
): Promise<{ record: MediaRecord; path: string }> {
  assertId(mediaId, field);
  const record = await context.runtime.media.get(mediaId);
  if (!record || record.status !== "live") {
    throw new CutroomError("NOT_FOUND", `${field} ${mediaId} is not a stored, live media record`, { field });
  }
  return { record, path: await context.runtime.store.localPath(record.key, context.workDir) };
}

/** A scratch id or a stored media id, whichever the argument names. */
export async function anyMediaPath(context: ToolContext, id: string, field: string): Promise<string> {
  if (id.startsWith("med_")) return (await mediaPath(context, id, field)).path;
  return scratchPath(context, id, field);
}

/** Who drew an image, in its media record's `generation.drawnBy`, when it was the local renderer. */
export const LOCAL_RENDERER = "local-renderer";

/**
 * Whether a stored image was drawn by the local renderer. References stored before images carried
 * `drawnBy` were all drawn locally, so a record with a `referenceKind` and no `drawnBy` is one too; a
 * user's upload (`source: "uploaded"`) never is.
 */
export function isLocalDrawing(record: Pick<MediaRecord, "generation">): boolean {
  const { drawnBy, referenceKind, source } = record.generation;
  if (source === "uploaded") return false;
  return drawnBy === undefined ? referenceKind !== undefined : drawnBy === LOCAL_RENDERER;
}

/**
 * The path of an image a generation starts from (a scratch frame or a stored image). A paid model is never
 * sent a drawing: a stored image the local renderer drew is refused, naming the field, before any upload.
 */
export async function generationImagePath(context: ToolContext, id: string, field: string): Promise<string> {
  if (!id.startsWith("med_")) return scratchPath(context, id, field);
  const { record, path } = await mediaPath(context, id, field);
  if (!context.runtime.video.acceptsDrawings && isLocalDrawing(record)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `${field} ${id} was drawn by the local renderer; a paid model is never sent a drawing: generate from ` +
        "text (generate_text_to_video), start from a frame of a generated clip, or give an image of your own",
      { field },
    );
  }
  return path;
}

const CONTENT_TYPES: Record<string, string> = {
  mp4: "video/mp4",
  wav: "audio/wav",
  png: "image/png",
  srt: "application/x-subrip",
  vtt: "text/vtt",
};

/**
 * Stores a file as an object and writes its media record. If the record cannot be written the object is
 * removed again, so there is never an object without its record.
 */
export async function storeMedia(
  context: ToolContext,
  input: {
    path: string;
    kind: MediaKind;
    name: string;
    generation: Record<string, unknown>;
    prefix?: string;
    /**
     * The character or location a reference belongs to. Such an object is not the take's: it carries no
     * takeId, so discarding or regenerating the take that first needed it never touches it.
     */
    ownerId?: string;
    /** Whether a video gets a stored thumbnail (default yes); see createSaveTool's `thumbnail`. */
    thumbnail?: boolean;
  },
): Promise<{ mediaId: string; key: string; url: string; path: string | null; record: MediaRecord }> {
  const extension = input.path.split(".").pop() ?? "bin";
  const mediaId = newId("med");
  const prefix = input.prefix ?? `takes/${context.takeId}`;
  const key = `projects/${context.projectId}/${prefix}/${input.name}-${mediaId}.${extension}`;
  const contentType = CONTENT_TYPES[extension] ?? "application/octet-stream";
  const probed = extension === "mp4" || extension === "wav" ? await probe(input.path) : null;
  const belongsTo: Record<string, string> =
    input.ownerId === undefined ? { takeId: context.takeId } : { ownerId: input.ownerId };
  const stored = await context.runtime.store.put(key, input.path, {
    contentType,
    metadata: { mediaId, ...belongsTo, projectId: context.projectId, kind: input.kind },
  });
  const now = new Date().toISOString();
  const record: MediaRecord = {
    id: mediaId,
    projectId: context.projectId,
    kind: input.kind,
    key,
    url: stored.url,
    status: "live",
    durationSeconds: probed?.durationSeconds ?? null,
    fps: probed && probed.width > 0 ? probed.fps : null,
    width: probed && probed.width > 0 ? probed.width : null,
    height: probed && probed.height > 0 ? probed.height : null,
    generation: { ...input.generation, ...belongsTo, sizeBytes: (await stat(input.path)).size },
    qualityScore: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await context.runtime.media.insert(record);
  } catch (error) {
    await context.runtime.store.delete(key);
    throw error;
  }
  if (extension === "mp4" && probed !== null && probed.width > 0 && input.thumbnail !== false)
    await storeThumbnail(context, input, mediaId, probed);
  return { mediaId, key, url: stored.url, path: stored.path, record };
}

/**
 * A stored video gets a 320-wide PNG of a frame a third of the way in, as its own image record
 * (generation.thumbnailOf). A thumbnail is a convenience: failing to make one is logged, not fatal.
 */
async function storeThumbnail(
  context: ToolContext,
  input: { path: string; name: string; prefix?: string },
  mediaId: string,
  probed: { durationSeconds: number },
): Promise<void> {
  const thumbnail = join(context.workDir, `${mediaId}-thumb.png`);
  try {
    await extractFrame(input.path, probed.durationSeconds / 3, thumbnail, { width: 320, timeoutMs: 30_000 });
    await storeMedia(context, {
      path: thumbnail,
      kind: "image",
      name: `${input.name}-thumb`,
      generation: { thumbnailOf: mediaId },
      ...(input.prefix === undefined ? {} : { prefix: input.prefix }),
    });
  } catch (error) {
    context.runtime.log.warn(`no thumbnail for ${mediaId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Gives a stored video its thumbnail when it was stored without one (a take whose video is its one shot
 * clip): the take's video always has one. A video that already has a live thumbnail is left as it is.
 */
export async function ensureThumbnail(context: ToolContext, record: MediaRecord): Promise<void> {
  if (record.kind !== "video" && record.kind !== "scene") return;
  const records = await context.runtime.media.listByProject(record.projectId);
  if (records.some((other) => other.status === "live" && other.generation.thumbnailOf === record.id)) return;
  const path = await context.runtime.store.localPath(record.key, context.workDir);
  const probed = await probe(path, { requireVideo: true }).catch(() => null);
  if (probed === null || probed.width === 0) return;
  // The thumbnail goes beside its video: projects/<project>/<prefix>/<name>-<mediaId>.mp4.
  const folders = record.key.split("/");
  const name = basename(record.key).replace(new RegExp(`-${record.id}\\.[a-z0-9]+$`), "");
  await storeThumbnail(context, { path, name, prefix: folders.slice(2, -1).join("/") }, record.id, probed);
}

/** Tool results are JSON text for the model and parsed back by the specialist. */
export function toolResult(value: unknown): string {
  return JSON.stringify(value);
}

export function progressReporter(context: ToolContext, step: string) {
  return (fraction: number, message: string) => context.runtime.progress.emit(step, fraction, message);
}

/**
 * The specialists' save tools (save_video, save_assembled_scene, save_with_audio): a scratch file of this
 * take stored as an object with its media record, generation parameters as metadata.
 */
export function createSaveTool(
  context: ToolContext,
  options: {
    name: string;
    description: string;
    kind: MediaKind;
    objectName: string;
    /**
     * Whether the stored video gets a thumbnail now (default yes). A shot clip, a step towards its take's
     * video, does not: the ffmpeg run would hold the clip's job (and a worker's slot) for a still nobody
     * shows; a thumbnail asked for later is cut from the clip then.
     */
    thumbnail?: boolean;
  },
) {
  return tool(
    async ({ clipId, metadata }) => {
      const saved = await storeMedia(context, {
        path: scratchPath(context, clipId, "clipId"),
        kind: options.kind,
        name: options.objectName,
        generation: metadata,
        ...(options.thumbnail === undefined ? {} : { thumbnail: options.thumbnail }),
      });
      return toolResult({
        mediaId: saved.mediaId,
        key: saved.key,
        url: saved.url,
        path: saved.path,
        durationSeconds: saved.record.durationSeconds,
      });
    },
    {
      name: options.name,
      description: options.description,
      schema: z.object({ clipId: z.string(), metadata: z.record(z.string(), z.unknown()).default({}) }),
    },
  );
}
