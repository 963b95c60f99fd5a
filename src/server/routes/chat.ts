/**
 * The chat over HTTP: one turn per POST (the same JSON as `cutroom chat --json`), a thread's history,
 * and its live progress. A thread belongs to the project of the key that started it.
 */
import { Router, type Request } from "express";
import { z } from "zod";
import { ScenePlanSchema } from "../../departments/video/planner/plan.js";
import { COST_CHOICES } from "../../orchestrator/nodes/cost.js";
import { CHOICES } from "../../orchestrator/state.js";
import { parseChoice, routeByPolicy } from "../../orchestrator/router.js";
import { CutroomError, ID_PATTERN, isCutroomError } from "../../errors.js";
import { newId } from "../../ids.js";
import { ProgressBus } from "../../jobs/progress.js";
import { principalOf } from "../auth.js";
import type { ServerContext } from "../context.js";
import { ApiError, describeError, notFound, parseWith } from "../errors.js";
import { contactSheetUrl } from "../library.js";
import { openEventStream, wantsEventStream } from "../sse.js";
import { captionsUrl, fileUrl, scrub } from "../videos.js";
import type { ThreadView, TurnResult } from "../../orchestrator/chat.js";

const Id = z.string().regex(ID_PATTERN, "letters, digits, '-' or '_' (1-64, starting with a letter or digit)");

export const ChatBodySchema = z
  .object({
    threadId: Id.nullish(),
    message: z.string().max(4000).nullish(),
    // A take's choice, or the answer to a cost confirmation.
    choice: z.enum([...CHOICES, ...COST_CHOICES]).nullish(),
    note: z.string().max(1000).nullish(),
    /** A plan from the plan preview, edited (lengths, order, lines): the department follows it. */
    plan: ScenePlanSchema.nullish(),
  })
  .strict()
  .refine((body) => (body.message ?? "").trim() !== "" || body.choice, {
    message: "send a message or a choice",
    path: ["message"],
  });
export type ChatBody = z.infer<typeof ChatBodySchema>;

/**
 * Does this turn start a render? Regenerating does; so does a message the router sends to the department
 * (counted then, so a later "proceed" on its cost is not counted again).
 */
function startsGeneration(body: ChatBody): boolean {
  if (body.choice) return body.choice === "regenerate";
  const message = (body.message ?? "").trim();
  const choice = parseChoice(message);
  if (choice !== null) return choice === "regenerate";
  return routeByPolicy(message).kind === "video";
}

/** The owning project of an existing thread; threads made by the CLI belong to the configured project. */
async function threadOwner(context: ServerContext, threadId: string): Promise<string | null> {
  const recorded = context.owners.owner("threads", threadId);
  if (recorded !== null) return recorded;
  return (await context.chat.threadExists(threadId)) ? context.runtime.config.projectId : null;
}

/**
 * Server file paths stay on the server: a take's local path becomes null and its URLs (in fields and
 * in reply text) become the authenticated file route. The shape stays that of `cutroom chat --json`.
 */
function hidePaths<T extends { path: string | null; url: string | null }>(
  item: T & { videoId: string | null },
  projectId: string,
  text: (from: string, to: string) => void,
): T {
  if (!item.videoId) return { ...item, path: null };
  const url = fileUrl(projectId, item.videoId);
  for (const local of [item.path, item.url]) if (local) text(local, url);
  return { ...item, path: null, url };
}

export function turnForClient(result: TurnResult, projectId: string, dataDir: string): TurnResult {
  let reply = result.reply;
  const client = hidePaths(result, projectId, (from, to) => (reply = reply.replaceAll(from, to)));
  // Caption files are fetched through their authenticated routes too.
  const captions =
    result.captions && result.videoId
      ? {
          ...result.captions,
          srt: { ...result.captions.srt, path: null, url: captionsUrl(projectId, result.videoId, "srt") },
          vtt: { ...result.captions.vtt, path: null, url: captionsUrl(projectId, result.videoId, "vtt") },
        }
      : null;
  return scrub({ ...client, captions, contactSheet: sheetForClient(result, projectId), reply }, dataDir);
}

/** A take's contact sheet is fetched through its authenticated route, never from a store path. */
function sheetForClient(
  item: { videoId: string | null; contactSheet?: TurnResult["contactSheet"] | undefined },
  projectId: string,
): TurnResult["contactSheet"] {
  if (!item.contactSheet || !item.videoId) return null;
  return { ...item.contactSheet, path: null, url: contactSheetUrl(projectId, item.videoId) };
}

export function threadForClient(view: ThreadView, projectId: string, dataDir: string) {
  const replacements: Array<[string, string]> = [];
  const takes = view.takes.map((take) => ({
    ...hidePaths(take, projectId, (from, to) => replacements.push([from, to])),
    contactSheet: sheetForClient(take, projectId),
  }));
  const messages = view.messages.map((message) => ({
    ...message,
    text: replacements.reduce((text, [from, to]) => text.replaceAll(from, to), message.text),
  }));
  return scrub({ ...view, takes, messages }, dataDir);
}

export async function ownedThread(context: ServerContext, request: Request, threadId: string): Promise<void> {
  const owner = ID_PATTERN.test(threadId) ? await threadOwner(context, threadId) : null;
  if (owner === null || owner !== principalOf(request).projectId) throw notFound("thread", threadId);
}

export function chatRoutes(context: ServerContext): Router {
  const router = Router();

  router.post("/chat", async (request, response) => {
    const principal = principalOf(request);
    const body = parseWith(ChatBodySchema, request.body);
    if (body.choice && !body.threadId) {
      throw new CutroomError("INVALID_INPUT", "a choice needs threadId: the thread whose take you are answering", {
        field: "threadId",
      });
    }
    const threadId = body.threadId ?? newId("thr");
    const owner = body.threadId ? await threadOwner(context, threadId) : null;
    if (owner !== null && owner !== principal.projectId) throw notFound("thread", threadId);
    // Checked and marked in one synchronous step: a request that awaited anything in between (the owner
    // record, the rate limit) could otherwise pass the same check as this one.
    if (!context.threads.begin(threadId)) {
      throw new ApiError(409, "THREAD_BUSY", `thread ${threadId} is already running a turn; wait for it to finish`);
    }
    let stream: ReturnType<typeof openEventStream> | null = null;
    let finished = false;
    const finish = (result: TurnResult | null, error: { code: string; message: string } | null) => {
      if (finished) return;
      finished = true;
      context.threads.end(threadId, result, error);
    };
    try {
      if (startsGeneration(body)) {
        for (const [name, value] of Object.entries(context.limiter.take(principal.keyId).headers))
          response.setHeader(name, value);
      }
      await context.owners.claim("threads", threadId, principal.projectId);
      const progress = new ProgressBus();
      stream = wantsEventStream(request) ? openEventStream(request, response) : null;
      const events = stream;
      progress.subscribe((event) => {
        events?.send("progress", event);
        context.threads.emit({ type: "progress", threadId, event });
      });
      stream?.send("thread", { threadId });
      // A streamed turn whose client went away is stopped, with the renders and paid requests it started.
      const disconnected = new AbortController();
      if (stream) response.on("close", () => response.writableEnded || disconnected.abort());
      const result = await context.chat.turn({
        threadId,
        message: body.message ?? null,
        choice: body.choice ?? null,
        note: body.note ?? null,
        plan: body.plan ?? null,
        projectId: principal.projectId,
        progress,
        surface: "http",
        signal: disconnected.signal,
      });
      const shown = turnForClient(result, principal.projectId, context.runtime.config.dataDir);
      finish(shown, null);
      if (stream) {
        stream.send("result", shown);
        stream.close();
      } else {
        response.json(shown);
      }
    } catch (error) {
      // Another process (a CLI turn, a second server on this data dir) holds the thread's lock.
      const failure = isCutroomError(error, "THREAD_BUSY") ? new ApiError(409, "THREAD_BUSY", error.message) : error;
      const described = describeError(failure);
      finish(null, described.body.error);
      if (!stream) throw failure;
      stream.send("error", { status: described.status, ...described.body });
      stream.close();
    }
  });

  router.get("/threads/:threadId", async (request, response) => {
    const { threadId } = request.params;
    await ownedThread(context, request, threadId);
    const view = threadForClient(
      await context.chat.thread(threadId),
      principalOf(request).projectId,
      context.runtime.config.dataDir,
    );
    response.json({ ...view, running: context.threads.isRunning(threadId) });
  });

  router.get("/threads/:threadId/events", async (request, response) => {
    const { threadId } = request.params;
    await ownedThread(context, request, threadId);
    const stream = openEventStream(request, response);
    stream.send("ready", { threadId, running: context.threads.isRunning(threadId) });
    const unsubscribe = context.threads.subscribe(threadId, (event) => stream.send(event.type, event));
    request.on("close", unsubscribe);
  });

  return router;
}
