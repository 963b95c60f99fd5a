/**
 * MCP over streamable HTTP at /mcp on the server, driven by the SDK's own client: the bearer key of
 * /api/v1 is required, and each key reaches its own project only.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { KEY_A, KEY_B, startHarness, type Harness } from "../e2e/harness.js";
import {
  expectAccepted,
  expectCatalogue,
  expectCheapToolAndErrors,
  expectVideoResource,
  makeTake,
  textOf,
} from "./mcp-shared.js";

describe("MCP over HTTP at /mcp", () => {
  let harness: Harness;
  let listener: Server;
  let base: string;
  const clients: Client[] = [];

  async function connect(key: string): Promise<Client> {
    const client = new Client({ name: "cutroom-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const initialize = (headers: Record<string, string>) =>
    fetch(`${base}/mcp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
      }),
    });

  beforeAll(async () => {
    harness = await startHarness();
    listener = harness.server.app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => listener.once("listening", () => resolve()));
    base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    await harness.cleanup();
  });

  it("answers 401 without a key or with a wrong one", async () => {
    expect((await initialize({})).status).toBe(401);
    const wrong = await initialize({ Authorization: "Bearer not-a-key-0123456789abcdef" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/Bearer/);
    await expect(connect("wrong-key-0123456789abcdef")).rejects.toThrow(/UNAUTHORIZED/);
  });

  it("lists the tools, runs a cheap one and reports bad arguments as tool errors", async () => {
    const client = await connect(KEY_A);
    await expectCatalogue(client);
    await expectCheapToolAndErrors(client, harness.dataDir);
  });

  it("makes a take with progress, serves it as a resource and its MP4 by URL, keeps it from other keys, accepts it", async () => {
    const alpha = await connect(KEY_A);
    const { videoId, body } = await makeTake(alpha, harness.dataDir);
    expect(body.url).toBe(`${base}/api/v1/projects/alpha/videos/${videoId}/file`);
    const metadata = await expectVideoResource(alpha, "alpha", videoId, harness.dataDir);
    expect(metadata.mp4Url).toBe(body.url);
    const mp4 = await fetch(String(metadata.mp4Url), { headers: { Authorization: `Bearer ${KEY_A}` } });
    expect(mp4.status).toBe(200);
    expect(mp4.headers.get("content-type")).toMatch(/video\/mp4/);

    // Project bravo's key reaches nothing of alpha's: not the resource, the take's provenance or its choice.
    const bravo = await connect(KEY_B);
    const uri = `cutroom://projects/alpha/videos/${videoId}`;
    await expect(bravo.readResource({ uri })).rejects.toThrow(/not found/);
    await expect(bravo.readResource({ uri: `cutroom://projects/bravo/videos/${videoId}` })).rejects.toThrow(
      /not found/,
    );
    const { resources } = await bravo.listResources();
    expect(resources.map((resource) => resource.uri).join(" ")).not.toContain(videoId);
    const why = await bravo.callTool({ name: "brain_why", arguments: { takeId: videoId } });
    expect(why.isError).toBe(true);
    const decision = await bravo.callTool({ name: "take_decision", arguments: { videoId, decision: "discard" } });
    expect(decision.isError).toBe(true);
    expect(textOf(decision)).toMatch(/NOT_FOUND.*videoId/s);
    const department = await bravo.callTool({
      name: "video_department",
      arguments: { request: "generate Sarah waving", projectId: "alpha" },
    });
    expect(department.isError).toBe(true);
    expect(textOf(department)).toMatch(/projectId/);

    // Another key cannot ride on alpha's session either.
    const sessionId = (alpha.transport as StreamableHTTPClientTransport).sessionId!;
    const hijack = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${KEY_B}`,
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "mcp-session-id": sessionId,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
    });
    expect(hijack.status).toBe(404);

    await expectAccepted(alpha, videoId);
  });
});
