/**
 * A client that drops a streamed chat turn stops the work it started: the FAL request is cancelled on the
 * wire-level fake and polling stops, instead of rendering (and billing) for nobody.
 */
import { request as httpRequest, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../src/server/app.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderTestClip } from "../fakes/media.js";
import { createTestRuntime } from "../helpers/runtime.js";

const FAL_KEY = "fal-sse-key-51d0";
const API_KEY = "key-sse-0123456789abcdef";

describe("a dropped streamed chat turn", () => {
  let directory: string;
  let fal: FakeFal;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-chat-drop-"));
    fal = await startFakeFal({ apiKey: FAL_KEY, video: await renderTestClip(directory, 5) });
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("cancels the FAL request it started and stops polling", async () => {
    fal.script({ kind: "never-finishes" });
    const { runtime, cleanup } = await createTestRuntime({
      env: {
        FAL_KEY,
        FAL_BASE_URL: fal.url,
        CUTROOM_FAL_POLL_MS: "20",
        CUTROOM_API_KEYS: `${API_KEY}=alpha`,
        CUTROOM_WEBHOOK_SECRET: "whsec_test_0123456789abcdef",
      },
    });
    const server = await createServer(runtime);
    const http: Server = server.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => http.once("listening", resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const body = JSON.stringify({ threadId: "dropped", message: "generate Sarah walking in the park" });
      const client = httpRequest({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/chat",
        headers: {
          authorization: `Bearer ${API_KEY}`,
          accept: "text/event-stream",
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      });
      client.on("error", () => undefined);
      client.on("response", (response) => response.resume());
      client.end(body);
      await expect.poll(() => fal.statusCalls.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      client.destroy();
      await expect.poll(() => fal.cancelled, { timeout: 10_000 }).toEqual([fal.submissions[0]!.requestId]);
      expect(await fal.pollsDuring(300)).toBe(0);
      expect(fal.submissions).toHaveLength(1);
    } finally {
      await new Promise((resolve) => http.close(resolve));
      await server.close();
      await cleanup();
    }
  });
});
