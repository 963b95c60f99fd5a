/**
 * Produced videos as MCP resources: a take's (or stored clip's) metadata as JSON, its MP4 by URL when an
 * HTTP server serves it and as a blob otherwise, and its stills (a stored contact sheet; a thumbnail, stored or
 * cut from the video when read) as PNG blobs. Only the connection's project is listed or read; another project's video is not found.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { McpError, ErrorCode, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { extractFrame } from "../media/frames.js";
import { probe } from "../media/runner.js";
import type { Runtime } from "../runtime.js";
import type { MediaRecord } from "../storage/types.js";
import { ApiError } from "../server/errors.js";
import { forClient, resolveVideo, videoDetails, type ResolvedVideo } from "../server/videos.js";
import type { McpScope } from "./scope.js";

/** JSON-RPC's "resource not found" (the MCP specification's code for it). */
const RESOURCE_NOT_FOUND = -32002;
/** A blob travels base64 inside one JSON message; larger videos are fetched by URL instead. */
const MAX_BLOB_BYTES = 32 * 1024 * 1024;

export function videoUri(projectId: string, videoId: string): string {
  return `cutroom://projects/${projectId}/videos/${videoId}`;
}

/** Stored stills made from a video, found by the generation field that names it. */
const STILLS = { "contact-sheet": "contactSheetOf", thumbnail: "thumbnailOf" } as const;
type Still = keyof typeof STILLS;

function notFound(uri: URL): McpError {
  return new McpError(RESOURCE_NOT_FOUND, `resource ${uri.href} not found`, { uri: uri.href });
}

/** The video named by the URI's variables, inside the connection's project; anything else is not found. */
async function videoOf(runtime: Runtime, scope: McpScope, uri: URL, variables: Record<string, unknown>) {
  const projectId = String(variables.projectId);
  const videoId = String(variables.videoId);
  if (projectId !== scope.projectId) throw notFound(uri);
  try {
    return await resolveVideo(runtime, projectId, videoId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw notFound(uri);
    throw error;
  }
}

async function stillOf(runtime: Runtime, video: ResolvedVideo, still: Still): Promise<MediaRecord | null> {
  const field = STILLS[still];
  const records = await runtime.media.listByProject(video.record.projectId);
  return (
    records.find(
      (record) => record.status === "live" && record.kind === "image" && record.generation[field] === video.record.id,
    ) ?? null
  );
}

async function blob(runtime: Runtime, uri: URL, record: MediaRecord, mimeType: string): Promise<ReadResourceResult> {
  const path = await runtime.store.localPath(record.key, runtime.scratchDir);
  const size = (await stat(path)).size;
  if (size > MAX_BLOB_BYTES) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `${uri.href} is ${size} bytes, more than the ${MAX_BLOB_BYTES} sent inline; read its metadata resource and fetch mp4Url from the HTTP server`,
    );
  }
  return { contents: [{ uri: uri.href, mimeType, blob: (await readFile(path)).toString("base64") }] };
}

/**
 * The thumbnail of a video stored without one (a shot clip): the same 320-wide frame a third of the way in
 * that a stored thumbnail is, cut from the video now and not stored (reading a resource writes nothing).
 */
async function madeThumbnail(runtime: Runtime, uri: URL, record: MediaRecord): Promise<ReadResourceResult> {
  const source = await runtime.store.localPath(record.key, runtime.scratchDir);
  await mkdir(runtime.scratchDir, { recursive: true });
  const directory = await mkdtemp(join(runtime.scratchDir, "thumbnail-"));
  try {
    const { durationSeconds } = await probe(source, { requireVideo: true });
    const png = await extractFrame(source, durationSeconds / 3, join(directory, "thumbnail.png"), {
      width: 320,
      timeoutMs: 30_000,
    });
    return { contents: [{ uri: uri.href, mimeType: "image/png", blob: (await readFile(png)).toString("base64") }] };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** This project's live videos, newest first, each under its take id when it is a take's final video. */
async function listVideos(runtime: Runtime, scope: McpScope) {
  const brain = runtime.brain.forProject(scope.projectId);
  const records = (await runtime.media.listByProject(scope.projectId))
    .filter((record) => record.status === "live" && (record.kind === "video" || record.kind === "scene"))
    .sort((left, right) => right.createdAt.localeCompare(left.createdAt))
    .slice(0, 100);
  const resources = [];
  for (const record of records) {
    const takeId = record.generation.takeId;
    const take = typeof takeId === "string" ? await brain.getTake(takeId) : null;
    const id = take?.video.mediaId === record.id ? take.video.id : record.id;
    resources.push({
      uri: videoUri(scope.projectId, id),
      name: id,
      title: take ? `take ${id} (${take.video.status}, grade ${take.video.grade.overall})` : `${record.kind} ${id}`,
      mimeType: "application/json",
    });
  }
  return { resources };
}

export function registerVideoResources(server: McpServer, runtime: Runtime, scope: McpScope): void {
  const base = "cutroom://projects/{projectId}/videos/{videoId}";

  // The more specific templates first: the SDK reads a URI with the first template that matches it.
  server.registerResource(
    "video-file",
    new ResourceTemplate(`${base}/file`, { list: undefined }),
    { title: "A video's MP4", mimeType: "video/mp4", description: "The MP4 bytes (up to 32 MB inline)." },
    async (uri, variables) => blob(runtime, uri, (await videoOf(runtime, scope, uri, variables)).record, "video/mp4"),
  );
  for (const still of Object.keys(STILLS) as Still[]) {
    server.registerResource(
      `video-${still}`,
      new ResourceTemplate(`${base}/${still}`, { list: undefined }),
      { title: `A video's ${still.replace("-", " ")}`, mimeType: "image/png" },
      async (uri, variables) => {
        const video = await videoOf(runtime, scope, uri, variables);
        const record = await stillOf(runtime, video, still);
        if (record !== null) return blob(runtime, uri, record, "image/png");
        if (still === "thumbnail") return madeThumbnail(runtime, uri, video.record);
        throw notFound(uri);
      },
    );
  }
  server.registerResource(
    "video",
    new ResourceTemplate(base, { list: () => listVideos(runtime, scope) }),
    {
      title: "A produced video",
      mimeType: "application/json",
      description:
        "A take (vid_…) or stored clip (med_…): status, grade, quality report, and where to get the MP4 (mp4Url over HTTP, or the /file resource).",
    },
    async (uri, variables) => {
      const video = await videoOf(runtime, scope, uri, variables);
      const details = videoDetails(video);
      const self = videoUri(video.record.projectId, video.id);
      const stills: Record<string, string | null> = {};
      for (const still of Object.keys(STILLS) as Still[])
        stills[still] = still === "thumbnail" || (await stillOf(runtime, video, still)) ? `${self}/${still}` : null;
      const metadata = {
        ...details,
        // Both name the API's file route, of no use without the server: mp4Url says where it is.
        url: undefined,
        storeUrl: undefined,
        mp4Url:
          scope.baseUrl !== null
            ? `${scope.baseUrl}${details.url}`
            : /^https?:/.test(details.storeUrl)
              ? details.storeUrl
              : null,
        resources: { file: `${self}/file`, contactSheet: stills["contact-sheet"], thumbnail: stills.thumbnail },
      };
      const text = JSON.stringify(await forClient(runtime, scope.projectId, metadata), null, 2);
      return { contents: [{ uri: uri.href, mimeType: "application/json", text }] };
    },
  );
}
