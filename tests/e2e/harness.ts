/** A real server over a temp-dir runtime, with two projects' keys, for the HTTP and browser tests. */
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { createServer, type CutroomServer, type ServerOptions } from "../../src/server/app.js";
import { createTestRuntime } from "../helpers/runtime.js";

export const KEY_A = "key-alpha-0123456789abcdef";
export const KEY_B = "key-bravo-0123456789abcdef";
export const WEBHOOK_SECRET = "whsec_test_0123456789abcdef";

export interface Harness {
  server: CutroomServer;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function startHarness(
  options: { env?: Record<string, string>; server?: ServerOptions; keys?: boolean } = {},
): Promise<Harness> {
  const env: Record<string, string> = { CUTROOM_WEBHOOK_SECRET: WEBHOOK_SECRET, ...options.env };
  if (options.keys !== false) env.CUTROOM_API_KEYS = `${KEY_A}=alpha,${KEY_B}=bravo`;
  const { runtime, dataDir, cleanup } = await createTestRuntime({ env });
  const server = await createServer(runtime, { allowPrivateWebhooks: true, ...options.server });
  return {
    server,
    dataDir,
    async cleanup() {
      await server.close();
      await cleanup();
    },
  };
}

export interface ReceivedHook {
  headers: IncomingMessage["headers"];
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers with the scripted statuses, then 200. */
export async function startReceiver(statuses: number[] = []): Promise<{
  url: string;
  received: ReceivedHook[];
  next(): Promise<ReceivedHook>;
  close(): Promise<void>;
}> {
  const received: ReceivedHook[] = [];
  const waiters: Array<(hook: ReceivedHook) => void> = [];
  const script = [...statuses];
  const server: Server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const hook = { headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(hook);
      response.statusCode = script.shift() ?? 200;
      response.end();
      waiters.shift()?.(hook);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Splits an SSE body into events. */
export function parseEvents(text: string): Array<{ event: string; data: unknown }> {
  return text
    .split("\n\n")
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? "",
      data: /^data: (.*)$/m.exec(block)?.[1],
    }))
    .filter((item) => item.event !== "" && item.data !== undefined)
    .map((item) => ({ event: item.event, data: JSON.parse(item.data!) as unknown }));
}

/** Polls an API job until it completes or fails, and returns its last view. */
export async function finishedJob<View extends { status: string }>(
  app: CutroomServer["app"],
  headers: Record<string, string>,
  jobId: string,
  project = "alpha",
): Promise<View> {
  for (;;) {
    const view = (await request(app).get(`/api/v1/projects/${project}/videos/jobs/${jobId}`).set(headers).expect(200))
      .body as View;
    if (view.status === "completed" || view.status === "failed") return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
