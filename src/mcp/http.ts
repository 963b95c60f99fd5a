/**
 * MCP over streamable HTTP at /mcp on `cutroom serve`. Every request carries the same bearer API key
 * the /api routes take; a session is opened by one key and answers that key only, in its project only.
 */
import { randomUUID } from "node:crypto";
import { Router, type NextFunction, type Request, type Response } from "express";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { authenticate, principalOf } from "../server/auth.js";
import type { ServerContext } from "../server/context.js";
import { ApiError } from "../server/errors.js";
import { createMcpServer, type CutroomMcpServer } from "./server.js";

interface Session {
  transport: StreamableHTTPServerTransport;
  mcp: CutroomMcpServer;
  keyId: string;
  lastSeen: number;
}

/** A session nobody has used for this long is closed (a client that went away without DELETE). */
const IDLE_MS = 60 * 60 * 1000;

function rpcError(response: Response, status: number, message: string): void {
  response.status(status).json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null });
}

/** MCP clients send the key as a bearer token; the page's cookie session is not a way in here. */
function requireBearer(request: Request, _response: Response, next: NextFunction): void {
  if (request.headers.authorization !== undefined) return next();
  next(
    new ApiError(401, "UNAUTHORIZED", "send Authorization: Bearer <API key> (see `cutroom serve` output)", {
      headers: { "WWW-Authenticate": 'Bearer realm="cutroom"' },
    }),
  );
}

export function mcpRoutes(context: ServerContext): { router: Router; close(): Promise<void> } {
  const { runtime, chat, owners } = context;
  const sessions = new Map<string, Session>();
  const router = Router();

  const closeIdle = () => {
    const now = Date.now();
    for (const [id, session] of sessions)
      if (now - session.lastSeen > IDLE_MS) void session.transport.close().finally(() => sessions.delete(id));
  };

  /** The request's session, if it names one this key opened; another key's session is not found. */
  const sessionOf = (request: Request): Session | null => {
    const id = request.headers["mcp-session-id"];
    const session = typeof id === "string" ? sessions.get(id) : undefined;
    if (!session || session.keyId !== principalOf(request).keyId) return null;
    session.lastSeen = Date.now();
    return session;
  };

  async function open(request: Request): Promise<StreamableHTTPServerTransport> {
    closeIdle();
    const principal = principalOf(request);
    const { projectId } = principal;
    const mcp = await createMcpServer(runtime, chat, {
      projectId,
      baseUrl: `${request.protocol}://${request.get("host")}`,
      threadOwner: async (threadId) =>
        owners.owner("threads", threadId) ?? ((await chat.threadExists(threadId)) ? runtime.config.projectId : null),
      claimThread: async (threadId) => {
        await owners.claim("threads", threadId, projectId);
      },
      beforeGenerating: () => void context.limiter.take(principal.keyId),
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, mcp, keyId: principal.keyId, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      void mcp.close();
    };
    await mcp.server.connect(transport);
    return transport;
  }

  router.use(requireBearer, authenticate(context.ring));

  router.post("/", async (request, response) => {
    const session = sessionOf(request);
    if (session) return session.transport.handleRequest(request, response, request.body);
    if (request.headers["mcp-session-id"] !== undefined)
      return rpcError(response, 404, "session not found: initialize a new one");
    if (!isInitializeRequest(request.body))
      return rpcError(response, 400, "no session: the first request must be initialize");
    const transport = await open(request);
    await transport.handleRequest(request, response, request.body);
  });

  // GET opens the session's notification stream; DELETE ends the session.
  const existing = async (request: Request, response: Response) => {
    const session = sessionOf(request);
    if (!session) return rpcError(response, 404, "session not found: initialize a new one");
    await session.transport.handleRequest(request, response);
  };
  router.get("/", existing);
  router.delete("/", existing);

  return {
    router,
    async close() {
      await Promise.all([...sessions.values()].map((session) => session.transport.close().catch(() => undefined)));
      sessions.clear();
    },
  };
}
