/**
 * Every route of the HTTP API with the statuses it can answer: the source of /api/openapi.json (see
 * openapi-document.ts) and of the methods each path allows.
 */
import type { z } from "zod";
import { SessionBodySchema } from "./auth.js";
import { ChatBodySchema } from "./routes/chat.js";
import { GenerateBodySchema } from "./generate-request.js";
import { CHAT_BODY_RULES } from "./openapi-rules.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TAKE_STATUSES } from "../brain/library.js";
import { AssembleBodySchema, VerifyBodySchema } from "./routes/projects.js";
import { PreviewBodySchema } from "./routes/preview.js";
import { REFERENCE_CONTENT_TYPES } from "./routes/references.js";
import { ToolCallSchema } from "./routes/tools.js";

export interface RouteDoc {
  method: "get" | "post" | "delete";
  path: string;
  summary: string;
  auth: boolean;
  body?: z.ZodType;
  /** JSON Schema rules the body's zod refinements check, added to its generated schema. */
  bodyRules?: Record<string, unknown>;
  /** A body of raw bytes (a file) instead of JSON: the content types it may be sent as. */
  rawBody?: { contentTypes: string[]; description: string };
  /** Query parameters the route reads. */
  query?: Array<{ name: string; description: string; schema: Record<string, unknown> }>;
  /** Success status → description. */
  responses: Record<string, string>;
  /** Every error status the route can answer (its description comes from ERROR_STATUSES). */
  errors: readonly ErrorStatus[];
  stream?: boolean;
}

/** What each error status means across the API; every route lists the ones it can answer. */
export const ERROR_STATUSES = {
  400: "invalid input (fields named), a malformed path or an unreadable body",
  401: "missing or invalid API key",
  404: "not found, or another project's",
  409: "the thread or take is not in a state for this (a turn running, no choice pending)",
  412: "If-Match does not match the file",
  413: "request body is larger than its limit: 64 kB of JSON, 20 MB for an uploaded image",
  415: "request body encoding or charset is not supported",
  416: "the Range lies outside the file; Content-Range: bytes */size gives the size",
  422: "the department refused the work (content policy, unusable media, an invalid Brain write, an estimate above the budget)",
  429: "generation limit reached; Retry-After says when",
  500: "an unexpected failure; the server log has the details",
  502: "a provider or store answered with an error",
  503: "a provider or store is unreachable, or the work was cancelled; Retry-After says when to try again",
  504: "a provider or a render took too long",
} as const;
export type ErrorStatus = keyof typeof ERROR_STATUSES;

// Sets of statuses by what a route does, combined per route below.
const ANY = [500] as const;
const AUTH = [401] as const;
const BY_ID = [400, 404] as const;
const BODY = [400, 413, 415] as const;
const STORES = [502, 503] as const;
const WORK = [409, 422, 502, 503, 504] as const;

const PAGE_QUERY: NonNullable<RouteDoc["query"]> = [
  {
    name: "limit",
    description: `how many items a page holds, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  },
  {
    name: "cursor",
    description: "the nextCursor of the page before; absent for the first page",
    schema: { type: "string" },
  },
];

export const ROUTES: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness",
    auth: false,
    responses: { 200: "the process is up" },
    errors: [...ANY],
  },
  {
    method: "get",
    path: "/readyz",
    summary: "Readiness: every adapter (Brain, media repository, object store, checkpointer, ffmpeg) answers",
    auth: false,
    responses: { 200: "ready", 503: "an adapter is unreachable" },
    errors: [...ANY],
  },
  {
    method: "get",
    path: "/metrics",
    summary:
      "Prometheus metrics (text format): jobs per queue and state, job durations, provider calls and failures, USD spent per project, Brain write latency. Needs Authorization: Bearer <CUTROOM_METRICS_TOKEN>, unless CUTROOM_METRICS_PUBLIC=true",
    auth: false,
    responses: { 200: "the metrics, in Prometheus' text exposition format" },
    errors: [...ANY, ...AUTH],
  },
  {
    method: "get",
    path: "/api/openapi.json",
    summary: "This document",
    auth: false,
    responses: { 200: "OpenAPI" },
    errors: [...ANY],
  },
  {
    method: "post",
    path: "/api/v1/session",
    summary: "Sign the web page in: trades an API key for an HttpOnly, SameSite=Strict session cookie",
    auth: false,
    body: SessionBodySchema,
    responses: { 201: "signed in" },
    errors: [...ANY, ...BODY, ...AUTH],
  },
  {
    method: "delete",
    path: "/api/v1/session",
    summary: "Sign out",
    auth: false,
    responses: { 204: "signed out" },
    errors: [...ANY],
  },
  {
    method: "get",
    path: "/api/v1/me",
    summary: "The key's project and remaining generations",
    auth: true,
    responses: { 200: "who you are" },
    errors: [...ANY, ...AUTH],
  },
  {
    method: "post",
    path: "/api/v1/chat",
    summary:
      "One chat turn (the same JSON as `cutroom chat --json`). With `Accept: text/event-stream` the answer is an SSE stream: `thread`, `progress`…, then `result` or `error`.",
    auth: true,
    body: ChatBodySchema,
    bodyRules: CHAT_BODY_RULES,
    responses: { 200: "the turn's result" },
    errors: [...ANY, ...AUTH, ...BODY, 404, 429, ...WORK],
    stream: true,
  },
  {
    method: "get",
    path: "/api/v1/threads",
    summary:
      "The threads of the key's project that produced takes, most recently active first, a page at a time: { items: [{ threadId, title, firstRequest, lastRequest, requestCount, takeCount, latestStatus, costUsd, startedAt, updatedAt }], nextCursor }",
    auth: true,
    query: PAGE_QUERY,
    responses: { 200: "a page of threads" },
    errors: [...ANY, ...AUTH, 400, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/threads/{threadId}",
    summary: "A thread's history, takes, choices and pending choice",
    auth: true,
    responses: { 200: "the thread" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/threads/{threadId}/events",
    summary: "SSE: turn-started, progress and turn-finished events of the thread's turns as they run",
    auth: true,
    responses: { 200: "event stream" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
    stream: true,
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/videos/generate",
    summary:
      "Queue the department on a request ({ prompt }, or the design's { method, input, parameters, references }); counts against the hourly generation limit",
    auth: true,
    body: GenerateBodySchema,
    responses: { 202: "{ jobId, status: 'queued', estimatedTime }" },
    // 422: the request is estimated above the server's budget (BUDGET_EXCEEDED), so it is not queued.
    errors: [...ANY, ...AUTH, ...BODY, 404, 422, 429, ...STORES],
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/videos/assemble",
    summary: "Queue the assembly of stored clips into a scene, with transitions and post-processing",
    auth: true,
    body: AssembleBodySchema,
    responses: { 202: "{ jobId, status: 'queued', estimatedTime }" },
    errors: [...ANY, ...AUTH, ...BODY, 404, ...STORES],
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/videos/verify",
    summary: "Measure a stored video now (synchronous); a take is compared with its Brain references",
    auth: true,
    body: VerifyBodySchema,
    responses: { 200: "{ passed, overallQuality, checks, issues, suggestions }" },
    errors: [...ANY, ...AUTH, ...BODY, 404, ...WORK],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/jobs/{jobId}",
    summary: "A job's status, progress, result or error",
    auth: true,
    responses: { 200: "the job" },
    errors: [...ANY, ...AUTH, ...BY_ID],
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/videos/jobs/{jobId}/cancel",
    summary: "Cancel a queued or running job: its renders and provider requests stop; it fails with code CANCELLED",
    auth: true,
    responses: { 200: "the job" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...BODY],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/jobs/{jobId}/events",
    summary: "SSE: status and progress events of a job, ending with `completed` or `failed`",
    auth: true,
    responses: { 200: "event stream" },
    errors: [...ANY, ...AUTH, ...BY_ID],
    stream: true,
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos",
    summary:
      "The project's takes, newest first, a page at a time: { items: [{ id, title, request, threadId, status, overall, passed, durationSeconds, costUsd, characters, location, createdAt, url }], nextCursor }",
    auth: true,
    query: [
      ...PAGE_QUERY,
      {
        name: "status",
        description: "only takes in this state",
        schema: { type: "string", enum: [...TAKE_STATUSES] },
      },
      {
        name: "character",
        description: "only takes that show this character (by name, any case)",
        schema: { type: "string" },
      },
      { name: "thread", description: "only takes made on this thread", schema: { type: "string" } },
      {
        name: "q",
        description: "words found in the title, the request or the prompt, any case",
        schema: { type: "string" },
      },
    ],
    responses: { 200: "a page of takes" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/{videoId}",
    summary: "A video's details: a take (vid_…) with its grade and quality report, or a stored scene (med_…)",
    auth: true,
    responses: { 200: "the video" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/{videoId}/file",
    summary:
      "The video's bytes (video/mp4, Range requests supported), named after its title in Content-Disposition: inline, or attachment with ?download=1",
    auth: true,
    query: [
      {
        name: "download",
        description: "1 to save the file (Content-Disposition: attachment) rather than play it (inline)",
        schema: { type: "string", enum: ["1", "0", "true", "false"] },
      },
    ],
    responses: { 200: "MP4", 206: "partial content", 304: "not modified (If-None-Match / If-Modified-Since)" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES, 412, 416],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/{videoId}/captions.vtt",
    summary: "The dialogue's captions as WebVTT (text/vtt), for a player's text track; 404 when the video has none",
    auth: true,
    responses: { 200: "WebVTT" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/{videoId}/captions.srt",
    summary: "The dialogue's captions as SRT (application/x-subrip); 404 when the video has none",
    auth: true,
    responses: { 200: "SRT" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/{videoId}/contact-sheet.png",
    summary: "The video's contact sheet (image/png): one still per shot; 404 when the video has none",
    auth: true,
    responses: { 200: "PNG" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/plans/preview",
    summary:
      "What a request will become before anything is spent: one clip or a scene's plan (shots, lengths, lines) and its estimated cost; the plan may be edited and sent back with the chat request",
    auth: true,
    body: PreviewBodySchema,
    responses: { 200: "the preview" },
    errors: [...ANY, ...BODY, ...AUTH, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/videos/{videoId}/plan",
    summary:
      "The take's plan as recorded: its shots (length, method, model), lines and music and sound cues; a single clip is one shot",
    auth: true,
    responses: { 200: "the plan" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/characters/{name}",
    summary: "The Brain's facts about a character: its takes in this project, accepted and discarded",
    auth: true,
    responses: { 200: "the character" },
    errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
  },
  ...referenceRouteDocs("characters", "character", "a photo of the character (its face and clothes, front on)"),
  ...referenceRouteDocs("locations", "location", "a plate of the location (the place, empty)"),
  {
    method: "get",
    path: "/api/v1/tools",
    summary: "The tool catalogue with JSON schemas",
    auth: true,
    responses: { 200: "tools" },
    errors: [...ANY, ...AUTH],
  },
  {
    method: "post",
    path: "/api/v1/tools/{name}",
    summary: "Run a catalogue tool; its zod schema validates `arguments`. Pass the returned takeId to chain calls.",
    auth: true,
    body: ToolCallSchema,
    responses: { 200: "{ tool, takeId, result, progress }" },
    errors: [...ANY, ...AUTH, ...BODY, 404, 429, ...WORK],
  },
];

/** Upload, list and detach of one owner kind's references (see routes/references.ts). */
function referenceRouteDocs(segment: string, owner: string, shows: string): RouteDoc[] {
  const path = `/api/v1/projects/{projectId}/${segment}/{name}/references`;
  return [
    {
      method: "post",
      path,
      summary:
        `Upload ${shows} as the ${owner}'s master reference; the ${owner} is created if new. The body is the ` +
        "PNG, JPEG or WebP file itself (recognised by its bytes, at most 20 MB, at least 256 px on the short side); " +
        "it is stored re-encoded as PNG, orientation applied, with no metadata (EXIF, GPS) kept",
      auth: true,
      rawBody: { contentTypes: REFERENCE_CONTENT_TYPES, description: "the image file's bytes" },
      query: [
        {
          name: "replace",
          description: `true: detach the ${owner}'s earlier master references once this one is saved`,
          schema: { type: "string", enum: ["true", "false"] },
        },
      ],
      responses: {
        201: "{ owner, ownerId, name, reference: { id, kind, source, madeBy, mediaId, createdAt }, detached }",
      },
      errors: [...ANY, ...AUTH, ...BODY, 404, 422, ...STORES],
    },
    {
      method: "get",
      path,
      summary: `The ${owner}'s current references, oldest first, each with its kind and source (uploaded or generated)`,
      auth: true,
      responses: { 200: "{ owner, ownerId, name, references }" },
      errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
    },
    {
      method: "get",
      path: `${path}/{referenceId}/image`,
      summary: `One of the ${owner}'s current references as its image (PNG, JPEG or WebP)`,
      auth: true,
      responses: { 200: "the image" },
      errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
    },
    {
      method: "delete",
      path: `${path}/{referenceId}`,
      summary:
        `Detach one of the ${owner}'s references (by reference id or media id): new takes stop using it, ` +
        "takes that used it keep it in their provenance",
      auth: true,
      responses: { 200: "{ detached: reference }" },
      errors: [...ANY, ...AUTH, ...BY_ID, ...STORES],
    },
  ];
}
