/**
 * The department over MCP as a chat thread, so a take can be answered the way the CLI and /api/v1/chat
 * answer it: `video_department` starts a thread's turn and its take waits for a choice; `take_decision`
 * answers that choice (or the yes a costly request waits for) with the same ChatService turn.
 */
import { z } from "zod";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { assertId, CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import type { ChatService, TurnResult } from "../orchestrator/chat.js";
import { COST_CHOICES } from "../orchestrator/nodes/cost.js";
import { CHOICES } from "../orchestrator/state.js";
import type { Runtime } from "../runtime.js";
import { turnForClient } from "../server/routes/chat.js";
import { videoUri } from "./resources.js";
import { jsonResult, withProgress, type CallExtra, type McpScope } from "./scope.js";

export const TakeDecisionSchema = z.object({
  decision: z
    .enum([...CHOICES, ...COST_CHOICES])
    .describe("accept, regenerate or discard a take; proceed or cancel a request that waits for a yes on its cost"),
  videoId: z
    .string()
    .min(1)
    .max(64)
    .nullish()
    .describe("the take (vid_…) waiting for a choice; needed for accept, regenerate and discard"),
  threadId: z
    .string()
    .min(1)
    .max(64)
    .nullish()
    .describe("the thread (thr_…) whose request waits for a yes on its cost; needed for proceed and cancel"),
  note: z.string().max(1000).nullish().describe("why, or what to change on a regenerate ('shot 2 brighter')"),
});

export const TAKE_DECISION_DESCRIPTION =
  "Answer a take made by video_department: accept it (marked ACCEPTED in the Brain), regenerate it (a new take " +
  "REGENERATED_FROM it, the note kept as feedback) or discard it (its objects tombstoned); or proceed / cancel a " +
  "request that waits for a yes on its estimated cost.";

export class DepartmentThreads {
  constructor(
    private readonly runtime: Runtime,
    private readonly chat: ChatService,
    private readonly scope: McpScope,
  ) {}

  /** The thread of one request: the department's take waits there for accept / regenerate / discard. */
  async request(args: { request: string; projectId?: string | null }, extra: CallExtra): Promise<CallToolResult> {
    if (args.projectId != null && args.projectId !== this.scope.projectId) {
      throw new CutroomError(
        "NOT_FOUND",
        `projectId ${args.projectId} is not reachable here: this connection works in project ${this.scope.projectId} (leave projectId out)`,
        { field: "projectId" },
      );
    }
    this.scope.beforeGenerating();
    const threadId = newId("thr");
    await this.scope.claimThread(threadId);
    return this.turn(threadId, { message: args.request }, extra);
  }

  async decide(args: z.infer<typeof TakeDecisionSchema>, extra: CallExtra): Promise<CallToolResult> {
    const { decision } = args;
    const note = args.note ?? null;
    if (decision === "proceed" || decision === "cancel") {
      if (!args.threadId)
        throw new CutroomError("INVALID_INPUT", `threadId is required to ${decision} a request`, { field: "threadId" });
      const threadId = await this.ownedThread(args.threadId, "threadId");
      if (decision === "proceed") this.scope.beforeGenerating();
      return this.turn(threadId, { choice: decision, note }, extra);
    }
    if (!args.videoId)
      throw new CutroomError("INVALID_INPUT", `videoId is required to ${decision} a take`, { field: "videoId" });
    const videoId = assertId(args.videoId, "videoId");
    const take = await this.runtime.brain.forProject(this.scope.projectId).getTake(videoId);
    if (take === null) throw new CutroomError("NOT_FOUND", `videoId ${videoId}: no such take`, { field: "videoId" });
    const threadId = await this.ownedThread(take.video.threadId, "videoId");
    const pending = (await this.chat.threadExists(threadId)) ? (await this.chat.thread(threadId)).pending : null;
    if (pending?.kind !== "take" || pending.videoId !== videoId) {
      throw new CutroomError(
        "NO_PENDING_CHOICE",
        `videoId ${videoId}: the take is not waiting for a choice (it is ${take.video.status}); only the latest take of a video_department request can be answered, once`,
        { field: "videoId" },
      );
    }
    if (decision === "regenerate") this.scope.beforeGenerating();
    return this.turn(threadId, { choice: decision, note }, extra);
  }

  /** Another project's thread answers exactly like a missing one. */
  private async ownedThread(threadId: string, field: string): Promise<string> {
    assertId(threadId, field);
    if ((await this.scope.threadOwner(threadId)) !== this.scope.projectId)
      throw new CutroomError("NOT_FOUND", `${field}: thread ${threadId} not found`, { field });
    return threadId;
  }

  private async turn(
    threadId: string,
    input: { message?: string; choice?: string; note?: string | null },
    extra: CallExtra,
  ): Promise<CallToolResult> {
    const { projectId } = this.scope;
    const result = await withProgress(extra, (progress) =>
      this.chat.turn({ threadId, ...input, projectId, progress, signal: extra.signal, surface: "http" }),
    );
    return this.present(result);
  }

  /** The `cutroom chat --json` shape without server paths, with the take's resource and MP4 URL. */
  private present(result: TurnResult): CallToolResult {
    const { projectId, baseUrl } = this.scope;
    const client = turnForClient(result, projectId, this.runtime.config.dataDir);
    const resource = client.videoId ? videoUri(projectId, client.videoId) : null;
    const url = client.url && baseUrl !== null ? `${baseUrl}${client.url}` : null;
    // The reply names the take's file route; a client without the HTTP server reads the resource instead.
    const reply = client.url ? client.reply.replaceAll(client.url, url ?? resource ?? "") : client.reply;
    const links: CallToolResult["content"] =
      resource && result.status === "awaiting-choice"
        ? [{ type: "resource_link", uri: resource, name: client.videoId!, mimeType: "application/json" }]
        : [];
    return jsonResult({ ...client, reply, url, resource }, links);
  }
}
