/**
 * A wire-level fake of an OpenAI-compatible chat completions server on 127.0.0.1. Replies are
 * scripted: tool calls, plain text, errors, a hang or a malformed body; a responder function may
 * decide per request instead (it sees the tools offered), for runs whose call order is not fixed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ChatReply =
  | { kind: "tools"; calls: Array<{ name: string; args: unknown }> }
  | { kind: "text"; content: string }
  | { kind: "status"; status: number; body: unknown }
  | { kind: "hang"; holdMs: number }
  | { kind: "malformed" };

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: unknown }>;
  tools?: Array<{ type: string; function: { name: string; parameters: unknown } }>;
  tool_choice?: unknown;
}

export interface FakeOpenAi {
  /** Base URL including /v1, as OPENAI_BASE_URL expects. */
  url: string;
  requests: ChatRequestBody[];
  authorizations: string[];
  script(...replies: ChatReply[]): void;
  /** Drops scripted replies nobody asked for (a loop that stopped early leaves its last one). */
  reset(): void;
  /** Decides replies when the script is empty. */
  respond: ((body: ChatRequestBody) => ChatReply) | null;
  close(): Promise<void>;
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

let counter = 0;

function completion(body: ChatRequestBody, reply: Extract<ChatReply, { kind: "tools" | "text" }>) {
  counter++;
  const message =
    reply.kind === "text"
      ? { role: "assistant", content: reply.content }
      : {
          role: "assistant",
          content: null,
          tool_calls: reply.calls.map((call, index) => ({
            id: `call_${counter}_${index}`,
            type: "function",
            function: { name: call.name, arguments: JSON.stringify(call.args) },
          })),
        };
  return {
    id: `chatcmpl-${counter}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, finish_reason: reply.kind === "text" ? "stop" : "tool_calls", logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

export async function startFakeOpenAi(options: { apiKey: string }): Promise<FakeOpenAi> {
  const replies: ChatReply[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
      return json(response, 404, { error: { message: "not found", type: "invalid_request_error" } });
    }
    fake.authorizations.push(String(request.headers.authorization ?? ""));
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return json(response, 401, {
        error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" },
      });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString()) as ChatRequestBody;
    fake.requests.push(body);
    const reply = replies.shift() ?? fake.respond?.(body) ?? { kind: "text", content: "Done." };
    if (reply.kind === "status") return json(response, reply.status, reply.body);
    if (reply.kind === "malformed") {
      response.writeHead(200, { "content-type": "application/json" });
      return response.end('{"id": "chatcmpl-x", "choices": [ {"message": ');
    }
    if (reply.kind === "hang") {
      await new Promise((resolve) => setTimeout(resolve, reply.holdMs));
      return json(response, 200, completion(body, { kind: "text", content: "late" }));
    }
    return json(response, 200, completion(body, reply));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: { message: String(error) } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: FakeOpenAi = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: [],
    authorizations: [],
    script: (...next) => replies.push(...next),
    reset: () => {
      replies.length = 0;
      fake.requests.length = 0;
    },
    respond: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
