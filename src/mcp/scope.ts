/**
 * What one MCP connection may reach, and how its tool results and errors are shaped for a client:
 * one project, server paths never shown, errors as tool results that name the field.
 */
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ProgressBus } from "../jobs/progress.js";
import type { Logger } from "../runtime.js";
import { describeError } from "../server/errors.js";
import { redactText } from "../server/redact.js";

export interface McpScope {
  /** Every tool call, resource and decision of this connection works in this project only. */
  projectId: string;
  /** Where `/api/v1/…/file` is served (`http://host:port`), or null when no HTTP server is known. */
  baseUrl: string | null;
  /** Which project started a chat thread (null: nobody we know of); another project's thread is not found. */
  threadOwner(threadId: string): Promise<string | null>;
  /** Records that this connection's project started the thread (over HTTP, so /api/v1/chat agrees). */
  claimThread(threadId: string): Promise<void>;
  /** Called before anything that starts a render: over HTTP the key's generation limit (throws when spent). */
  beforeGenerating(): void;
}

export type CallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Runs work with a progress bus of its own; when the client asked for progress (a progressToken), each
 * event is sent as a notifications/progress while the work runs, and none after it ended.
 */
export async function withProgress<T>(extra: CallExtra, work: (progress: ProgressBus) => Promise<T>): Promise<T> {
  const progress = new ProgressBus();
  const token = extra._meta?.progressToken;
  if (token === undefined) return work(progress);
  let count = 0;
  const unsubscribe = progress.subscribe((event) => {
    count += 1;
    // `progress` must increase with every notification; the step's own fraction goes into the message.
    const fraction = event.fraction === null ? "" : ` ${Math.round(event.fraction * 100)}%`;
    void extra
      .sendNotification({
        method: "notifications/progress",
        params: {
          progressToken: token,
          progress: count,
          message: redactText(`${event.step}${fraction}: ${event.message}`),
        },
      })
      .catch(() => undefined);
  });
  try {
    return await work(progress);
  } finally {
    unsubscribe();
  }
}

/** A JSON result (already redacted by the caller) as MCP text content. */
export function jsonResult(value: unknown, extra: CallToolResult["content"] = []): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }, ...extra] };
}

/**
 * Any failure as a tool result with isError: the stable code, the message and the fields it is about, the
 * way the HTTP API describes it (server paths replaced). Unexpected errors are logged, not shown.
 */
export function errorResult(error: unknown, log: Logger): CallToolResult {
  const { status, body } = describeError(error);
  if (status >= 500 && body.error.code === "INTERNAL")
    log.warn(
      `mcp tool call failed: ${redactText(error instanceof Error ? (error.stack ?? error.message) : String(error))}`,
    );
  const fields = body.error.fields ? Object.keys(body.error.fields) : [];
  const about = fields.length > 0 ? ` (field: ${fields.join(", ")})` : "";
  return { content: [{ type: "text", text: `${body.error.code}: ${body.error.message}${about}` }], isError: true };
}
