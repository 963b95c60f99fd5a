/**
 * Thumbnails: a shot clip is stored without one (the clip's job does not spend an ffmpeg run on a still
 * nobody shows), the take's video always has one stored beside it, and the MCP thumbnail resource of a clip
 * stored without one is cut from the clip when it is read, writing nothing.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerVideoResources } from "../../src/mcp/resources.js";
import type { MediaRecord } from "../../src/storage/types.js";
import { createToolContext, ensureThumbnail, storeMedia, type ToolContext } from "../../src/tools/context.js";
import { renderTestClip } from "../fakes/media.js";
import { createTestRuntime } from "../helpers/runtime.js";

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("thumbnails", () => {
  let context: ToolContext;
  let cleanup: () => Promise<void>;
  let clip: string;
  const thumbnailsOf = async (mediaId: string): Promise<MediaRecord[]> =>
    (await context.runtime.media.listByProject("default")).filter(
      (record) => record.status === "live" && record.generation.thumbnailOf === mediaId,
    );

  /** A shot clip as save_video stores it: without a thumbnail. */
  const storeShot = () =>
    storeMedia(context, { path: clip, kind: "video", name: "clip", generation: {}, thumbnail: false });

  beforeAll(async () => {
    const test = await createTestRuntime();
    cleanup = test.cleanup;
    context = await createToolContext(test.runtime, "default", "vid_thumbs");
    clip = await renderTestClip(context.workDir, 2);
  });
  afterAll(async () => cleanup());

  it("stores a video with a thumbnail beside it unless told not to", async () => {
    const scene = await storeMedia(context, { path: clip, kind: "scene", name: "scene", generation: {} });
    const [thumbnail] = await thumbnailsOf(scene.mediaId);
    expect(thumbnail?.key).toMatch(/^projects\/default\/takes\/vid_thumbs\/scene-thumb-med_[a-z0-9]+\.png$/);

    const shot = await storeShot();
    expect(await thumbnailsOf(shot.mediaId)).toEqual([]);
  });

  it("gives a video stored without a thumbnail one, once", async () => {
    const shot = await storeShot();
    await ensureThumbnail(context, shot.record);
    await ensureThumbnail(context, shot.record);
    const made = await thumbnailsOf(shot.mediaId);
    expect(made).toHaveLength(1);
    expect(made[0]!.key).toBe(shot.key.replace(/clip-med_[a-z0-9]+\.mp4$/, `clip-thumb-${made[0]!.id}.png`));
    expect(await context.runtime.store.head(made[0]!.key)).not.toBeNull();
    const png = await readFile(await context.runtime.store.localPath(made[0]!.key, context.workDir));
    expect(pngSize(png)).toEqual({ width: 320, height: 180 });
  });

  it("serves a clip's thumbnail over MCP, cut from the clip when none is stored", async () => {
    const shot = await storeShot();
    const server = new McpServer({ name: "thumbnails-test", version: "0.0.0" });
    registerVideoResources(server, context.runtime, {
      projectId: "default",
      baseUrl: null,
      threadOwner: async () => null,
      claimThread: async () => undefined,
      beforeGenerating: () => undefined,
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "thumbnails-test-client", version: "0.0.0" });
    await client.connect(clientSide);
    try {
      const uri = `cutroom://projects/default/videos/${shot.mediaId}`;
      const metadata = JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text) as {
        resources: { thumbnail: string | null };
      };
      expect(metadata.resources.thumbnail).toBe(`${uri}/thumbnail`);
      const read = await client.readResource({ uri: `${uri}/thumbnail` });
      expect(read.contents[0]!.mimeType).toBe("image/png");
      expect(pngSize(Buffer.from((read.contents[0] as { blob: string }).blob, "base64"))).toEqual({
        width: 320,
        height: 180,
      });
      // Reading wrote nothing.
      expect(await thumbnailsOf(shot.mediaId)).toEqual([]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
