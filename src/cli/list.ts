/** `cutroom list`: the project's videos and threads, newest first, to find a take again without its id. */
import { listOptions, type LibraryTake, type LibraryThread, type Page } from "../brain/library.js";
import { CutroomError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { parse } from "./args.js";
import type { Write } from "./session.js";

export const LIST_HELP = `cutroom list [--status pending|accepted|discarded|superseded] [--character NAME] [--thread ID]
             [--search WORDS] [--limit N] [--cursor C] [--threads] [--json]
  The project's videos, newest first (when, title, status, grade, length, cost, id, then the request),
  and the threads that made them.
  --status     only videos in this state (pending: waiting for your choice)
  --character  only videos that show this character (by name, any case)
  --thread     only videos made on this thread
  --search     only videos whose title, request or prompt holds all these words
  --limit      how many videos to show, 1 to 100 (default 20)
  --cursor     the next page: the cursor printed under the last one
  --threads    the threads only, most recently active first
  --json       one JSON document: { projectId, videos: { items, nextCursor }, threads: { items, nextCursor } }`;

export async function listCommand(runtime: Runtime, argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {
    status: { type: "string" },
    character: { type: "string" },
    thread: { type: "string" },
    search: { type: "string" },
    limit: { type: "string" },
    cursor: { type: "string" },
    threads: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${LIST_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    throw new CutroomError(
      "INVALID_INPUT",
      `list takes no words of its own (got ${JSON.stringify(positionals.join(" "))}); to look for words use --search "${positionals.join(" ")}"`,
      { field: "search" },
    );
  }
  const options = listOptions(values, { limit: "--limit", cursor: "--cursor", status: "--status" });
  const projectId = runtime.config.projectId;
  const brain = runtime.brain.forProject(projectId);
  const filtered = values.status !== undefined || values.character !== undefined || values.thread !== undefined;
  const videos: Page<LibraryTake> | null = values.threads
    ? null
    : await brain.listTakes({
        ...options,
        character: values.character ?? null,
        threadId: values.thread ?? null,
        text: values.search ?? null,
      });
  // The threads are shown beside the first, unfiltered page; asked for alone they page with --limit/--cursor.
  const threads: Page<LibraryThread> | null =
    values.threads || (!filtered && values.search === undefined && options.after === null)
      ? await brain.listThreads(
          values.threads ? { limit: options.limit, after: options.after } : { limit: 10, after: null },
        )
      : null;
  write(values.json === true, { projectId, videos, threads }, formatLibrary(projectId, videos, threads, filtered));
  return 0;
}

/** "2026-11-30 18:20" in UTC: the minute is enough to tell takes apart by eye, the id does the rest. */
function when(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export function formatVideo(take: LibraryTake): string[] {
  const cast = [take.characters.join(", "), take.location].filter(Boolean).join(" in ");
  return [
    `  ${when(take.createdAt)}  ${fit(take.title, 36)} ${take.status.padEnd(10)} grade ${take.overall.toFixed(2)}  ${`${take.durationSeconds.toFixed(1)} s`.padStart(6)}  $${take.costUsd.toFixed(4)}  ${take.id}`,
    `      "${take.request.text}"${cast ? ` · ${cast}` : ""} · thread ${take.threadId}`,
  ];
}

export function formatThread(thread: LibraryThread): string {
  const takes = `${thread.takeCount} take${thread.takeCount === 1 ? "" : "s"}`;
  return `  ${when(thread.updatedAt)}  ${fit(thread.title, 36)} ${takes.padEnd(9)} latest ${thread.latestStatus.padEnd(10)} $${thread.costUsd.toFixed(4)}  ${thread.threadId}`;
}

export function formatLibrary(
  projectId: string,
  videos: Page<LibraryTake> | null,
  threads: Page<LibraryThread> | null,
  filtered: boolean,
): string {
  const lines: string[] = [];
  if (videos !== null) {
    if (videos.items.length === 0) {
      lines.push(
        filtered
          ? `no videos in project ${projectId} match`
          : `no videos yet in project ${projectId}: make one with cutroom chat "a 4 second scene of Sarah walking in the park"`,
      );
    } else {
      lines.push(`videos in project ${projectId}, newest first:`);
      for (const take of videos.items) lines.push(...formatVideo(take));
      if (videos.nextCursor !== null) lines.push(`  more: cutroom list --cursor ${videos.nextCursor}`);
    }
  }
  if (threads !== null && threads.items.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push("threads, most recently active first (cutroom chat --thread ID to go on):");
    for (const thread of threads.items) lines.push(formatThread(thread));
    if (videos === null && threads.nextCursor !== null)
      lines.push(`  more: cutroom list --threads --cursor ${threads.nextCursor}`);
  } else if (videos === null) {
    lines.push(`no threads yet in project ${projectId}`);
  }
  lines.push(
    "",
    "its file, grade and cast: cutroom brain take <id> · go on with a thread: cutroom chat --thread <thread>",
  );
  return lines.join("\n");
}
