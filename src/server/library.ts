/**
 * A project's library over HTTP: its takes and threads a page at a time, a video's contact sheet, and
 * the name a video is downloaded under.
 */
import { z } from "zod";
import { listOptions, titleOf, type LibraryTake } from "../brain/library.js";
import { isCutroomError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import type { MediaRecord } from "../storage/types.js";
import { ApiError, parseWith } from "./errors.js";
import { contactSheetUrl, fileUrl, type ResolvedVideo } from "./videos.js";

const Text = z.string().trim().min(1).max(200);

const PageQuery = { limit: z.string().optional(), cursor: z.string().max(400).optional() };

export const VideoListQuerySchema = z
  .object({
    ...PageQuery,
    status: z.string().optional(),
    character: Text.optional(),
    thread: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "a thread id")
      .optional(),
    q: Text.optional(),
  })
  .strict();

export const ThreadListQuerySchema = z.object(PageQuery).strict();

/** A bad limit, cursor or status is a 400 naming its field, as a bad body field is. */
function checked<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isCutroomError(error, "INVALID_INPUT") && error.field !== null)
      throw new ApiError(400, "INVALID_INPUT", error.message, { fields: { [error.field]: error.message } });
    throw error;
  }
}

export { contactSheetUrl };

export async function listVideos(runtime: Runtime, projectId: string, query: unknown) {
  const asked = parseWith(VideoListQuerySchema, query);
  const options = checked(() => listOptions(asked));
  const page = await runtime.brain.forProject(projectId).listTakes({
    ...options,
    character: asked.character ?? null,
    threadId: asked.thread ?? null,
    text: asked.q ?? null,
  });
  return {
    items: page.items.map((take: LibraryTake) => ({
      ...take,
      // A discarded take's file went to the tombstones: it is listed, but has nothing to play.
      url: take.status === "discarded" ? null : fileUrl(projectId, take.id),
    })),
    nextCursor: page.nextCursor,
  };
}

export async function listThreads(runtime: Runtime, projectId: string, query: unknown) {
  const asked = parseWith(ThreadListQuerySchema, query);
  const { limit, after } = checked(() => listOptions(asked));
  return runtime.brain.forProject(projectId).listThreads({ limit, after });
}

/**
 * A video's contact sheet, when it has a live one in its project: a take's as the Brain links it, a
 * stored scene's by the image record made from it.
 */
export async function contactSheetOfVideo(runtime: Runtime, video: ResolvedVideo): Promise<MediaRecord | null> {
  const { projectId } = video.record;
  const usable = (record: MediaRecord | null) =>
    record !== null && record.projectId === projectId && record.status === "live" && record.kind === "image"
      ? record
      : null;
  if (video.take) {
    const node = await runtime.brain.forProject(projectId).contactSheetOf(video.take.video.id);
    return node === null ? null : usable(await runtime.media.get(node.mediaId));
  }
  const records = await runtime.media.listByProject(projectId);
  return (
    records.find((record) => usable(record) !== null && record.generation.contactSheetOf === video.record.id) ?? null
  );
}

/** `?download=1` asks for the file as an attachment; absent or 0, it plays inline. */
export function wantsDownload(value: unknown): boolean {
  if (value === undefined || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  const message = `download must be 1 or 0; got ${JSON.stringify(value)}`;
  throw new ApiError(400, "INVALID_INPUT", message, { fields: { download: message } });
}

/**
 * The Content-Disposition of a video file: named after the take's title (the request's words), in plain
 * ASCII for every client and exactly in UTF-8 for those that read RFC 5987's filename*.
 */
export function contentDisposition(video: ResolvedVideo, download: boolean): string {
  const title = video.take ? (video.take.video.title ?? titleOf(video.take.request.text)) : video.id;
  const name =
    title
      .replace(/…$/, "")
      .replace(/[\p{Cc}/\\:*?"<>|]+/gu, " ")
      .replace(/\s+/g, " ")
      .trim() || video.id;
  const ascii =
    name
      .normalize("NFKD")
      .replace(/[^\x20-\x7e]/g, "")
      .trim() || video.id;
  const kind = download ? "attachment" : "inline";
  const encoded = encodeURIComponent(`${name}.mp4`).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}.mp4"; filename*=UTF-8''${encoded}`;
}
