/**
 * A project's library: its takes and threads, newest first, a page at a time. Both Brain backends hand
 * this module the same rows (every take with its request and cast), and the filters, order and cursors
 * are applied here once, so the embedded graph and Neo4j cannot answer a page differently.
 */
import { CutroomError } from "../errors.js";
import type { TakeStatus } from "../domain.js";
import type { LibraryTake, LibraryThread, Page, Position, TakeListQuery, ThreadListQuery } from "./library-types.js";
import { normalName } from "./rules.js";
import type { RequestNode, VideoNode } from "./types.js";

export type { LibraryTake, LibraryThread, Page, Position, TakeListQuery, ThreadListQuery };

export const TAKE_STATUSES: readonly TakeStatus[] = ["pending", "accepted", "discarded", "superseded"];
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A take as the backends read it: the Video, the Request that produced it, and who and where it shows. */
export interface LibraryRow {
  video: VideoNode;
  request: RequestNode | null;
  characters: string[];
  location: string | null;
}

const TITLE_WORDS = 10;
const TITLE_CHARS = 60;
/** Words that ask rather than describe: "please make me a video of" says nothing about the video. */
const ASKING =
  /^(?:(?:please|can you|could you|would you|i want|i'd like|i would like|let's|lets)\s+)*(?:(?:make|generate|create|render|produce|give|show|film|shoot)(?:\s+(?:me|us))?\s+)?(?:(?:an?|the)\s+)?/i;

/** What the request is a video of: "a 4 second vertical scene of" says how, not what. */
const FORMAT =
  /^(?:an?\s+)?(?:\d+(?:\.\d+)?[- ]?(?:seconds?|secs?|s)\b[- ]?(?:long\s+)?)?(?:(?:short|long|quick|vertical|square|wide|landscape|portrait|cinematic|little|new)\s+)*(?:scene|clip|video|shot|film|movie|reel|tiktok|story)\s+(?:of|with|where|in which|showing|about)\s+/i;

/**
 * A short title from the request's words: the asking and format words dropped, its first words kept (a cut is marked
 * with "…"), the first letter capitalised. "generate Sarah walking in the park" → "Sarah walking in the park".
 */
export function titleOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const described =
    flat
      .replace(ASKING, "")
      .replace(FORMAT, "")
      .replace(/[.!?]+$/, "")
      .trim() || flat;
  const words = described.split(" ");
  let title = words.slice(0, TITLE_WORDS).join(" ");
  if (title.length > TITLE_CHARS) title = title.slice(0, TITLE_CHARS).replace(/\s+\S*$/, "");
  const cut = title.length < described.length;
  if (title === "") return "Untitled";
  return `${title[0]!.toUpperCase()}${title.slice(1)}${cut ? "…" : ""}`;
}

/** Newest first; the id breaks ties so the order is total and a cursor never skips or repeats. */
function newestFirst(left: Position, right: Position): number {
  if (left.at !== right.at) return left.at < right.at ? 1 : -1;
  return left.id < right.id ? 1 : left.id > right.id ? -1 : 0;
}

function page<T>(items: T[], positionOf: (item: T) => Position, limit: number, after: Position | null): Page<T> {
  const sorted = [...items].sort((left, right) => newestFirst(positionOf(left), positionOf(right)));
  const start = after === null ? sorted : sorted.filter((item) => newestFirst(positionOf(item), after) > 0);
  const shown = start.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown,
    nextCursor: start.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}

export function libraryTakeOf(row: LibraryRow): LibraryTake {
  const { video, request } = row;
  const text = request?.text ?? video.prompt;
  return {
    id: video.id,
    title: video.title ?? titleOf(text),
    request: { id: video.requestId, text },
    threadId: video.threadId,
    status: video.status,
    overall: video.grade.overall,
    passed: video.grade.passed,
    durationSeconds: video.durationSeconds,
    costUsd: video.costUsd,
    attempt: video.attempt,
    model: video.model,
    width: video.width,
    height: video.height,
    characters: [...row.characters].sort(),
    location: row.location,
    createdAt: video.createdAt,
  };
}

export function pageOfTakes(rows: LibraryRow[], query: TakeListQuery): Page<LibraryTake> {
  const character = query.character === null ? null : normalName(query.character);
  const words = (query.text ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const takes = rows.map(libraryTakeOf).filter((take, index) => {
    if (query.status !== null && take.status !== query.status) return false;
    if (query.threadId !== null && take.threadId !== query.threadId) return false;
    if (character !== null && !take.characters.some((name) => normalName(name) === character)) return false;
    const haystack = `${take.title}\n${take.request.text}\n${rows[index]!.video.prompt}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  return page(takes, (take) => ({ at: take.createdAt, id: take.id }), query.limit, query.after);
}

/** Threads are known by the requests made on them: a thread shows once it has produced a take. */
export function pageOfThreads(rows: LibraryRow[], query: ThreadListQuery): Page<LibraryThread> {
  const byThread = new Map<string, LibraryTake[]>();
  for (const take of rows.map(libraryTakeOf))
    byThread.set(take.threadId, [...(byThread.get(take.threadId) ?? []), take]);
  const threads = [...byThread.entries()].map(([threadId, takes]): LibraryThread => {
    const ordered = takes.sort((left, right) =>
      newestFirst({ at: right.createdAt, id: right.id }, { at: left.createdAt, id: left.id }),
    );
    const first = ordered[0]!;
    const last = ordered[ordered.length - 1]!;
    return {
      threadId,
      title: first.title,
      firstRequest: first.request.text,
      lastRequest: last.request.text,
      requestCount: new Set(ordered.map((take) => take.request.id)).size,
      takeCount: ordered.length,
      latestStatus: last.status,
      costUsd: Math.round(ordered.reduce((sum, take) => sum + take.costUsd, 0) * 1e6) / 1e6,
      startedAt: first.createdAt,
      updatedAt: last.createdAt,
    };
  });
  return page(threads, (thread) => ({ at: thread.updatedAt, id: thread.threadId }), query.limit, query.after);
}

/** An opaque cursor: base64url of the last item's time and id. */
export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), "utf8").toString("base64url");
}

function invalid(field: string, message: string): CutroomError {
  return new CutroomError("INVALID_INPUT", message, { field });
}

export function decodeCursor(value: string, field = "cursor"): Position {
  const bad = () => invalid(field, `${field} must be the nextCursor of an earlier page; got ${JSON.stringify(value)}`);
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(value)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== "string" ||
    typeof parsed[1] !== "string" ||
    Number.isNaN(Date.parse(parsed[0]))
  )
    throw bad();
  return { at: parsed[0], id: parsed[1] };
}

/** What a caller sent (query string, CLI flags), checked: each bad value is refused naming its field. */
export function listOptions(
  input: { limit?: unknown; cursor?: unknown; status?: unknown },
  fields: { limit: string; cursor: string; status: string } = { limit: "limit", cursor: "cursor", status: "status" },
): { limit: number; after: Position | null; status: TakeStatus | null } {
  let limit = DEFAULT_PAGE_SIZE;
  if (input.limit !== undefined) {
    const text = String(input.limit);
    if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_PAGE_SIZE)
      throw invalid(
        fields.limit,
        `${fields.limit} must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${JSON.stringify(input.limit)}`,
      );
    limit = Number(text);
  }
  const after =
    input.cursor === undefined || input.cursor === "" ? null : decodeCursor(String(input.cursor), fields.cursor);
  let status: TakeStatus | null = null;
  if (input.status !== undefined) {
    if (!(TAKE_STATUSES as readonly unknown[]).includes(input.status))
      throw invalid(
        fields.status,
        `${fields.status} must be one of ${TAKE_STATUSES.join(", ")}; got ${JSON.stringify(input.status)}`,
      );
    status = input.status as TakeStatus;
  }
  return { limit, after, status };
}
