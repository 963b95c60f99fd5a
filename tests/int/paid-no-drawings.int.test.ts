/**
 * With FAL configured for video but images kept local (CUTROOM_IMAGES=local), nothing the local renderer
 * drew is uploaded to the paid model:
 * a single clip of Sarah in the park is made from text, a scene's first shot too, and its continuing shot
 * starts from a frame of the clip FAL made. The report says why. A photo the user uploads is sent: the
 * clip starts from it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addUploadedReference } from "../../src/brain/uploads.js";
import { FAL_DEFAULT_MODELS } from "../../src/config.js";
import { DRAWINGS_WITHHELD_REASON } from "../../src/departments/video/policy.js";
import { extractFrame } from "../../src/media/frames.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import type { Runtime } from "../../src/runtime.js";
import { isLocalDrawing } from "../../src/tools/context.js";
import type { FakeFal } from "../fakes/fal.js";
import { startPaidFal, type PaidFal } from "../helpers/paid-fal.js";
import { createTestRuntime } from "../helpers/runtime.js";

const KEY = "fal-drawings-key-5c2e";

/** The bytes of every stored image the local renderer drew. */
async function drawings(runtime: Runtime, directory: string): Promise<Buffer[]> {
  const records = (await runtime.media.listByProject("default")).filter(
    (record) => record.kind === "image" && isLocalDrawing(record),
  );
  return Promise.all(records.map(async (record) => readFile(await runtime.store.localPath(record.key, directory))));
}

describe("a paid video model with only local drawings as references", () => {
  let directory: string;
  let fal: FakeFal;
  let env: Record<string, string>;

  let paid: PaidFal;

  beforeAll(async () => {
    // Images stay on the local renderer: a paid video model with no paid image model.
    paid = await startPaidFal(KEY, "cutroom-paid-drawings-", { CUTROOM_IMAGES: "local" });
    ({ directory, fal, env } = paid);
  });
  afterAll(async () => paid.close());
  beforeEach(() => {
    fal.submissions.length = 0;
    fal.uploads.length = 0;
  });

  it("makes a single clip from text, uploads nothing, and says why", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      expect(runtime.video.acceptsDrawings).toBe(false);
      const turn = await new ChatService(runtime).turn({
        threadId: "paid-single",
        message: "generate Sarah walking in the park",
      });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      // The references were drawn (the local verifier still compares against them) but never sent.
      expect((await drawings(runtime, directory)).length).toBeGreaterThanOrEqual(2);
      expect(fal.uploads).toEqual([]);
      // The only consistency the take could be checked on is against drawings: that proves nothing about a
      // generated clip, so it is reported as ignored and no second take is paid for on it.
      expect(fal.submissions).toHaveLength(1);
      const ignored = (turn.quality as { ignored?: Array<{ type: string; why: string }> }).ignored ?? [];
      expect(ignored.map((item) => item.type).sort()).toEqual(["character-consistency", "location-consistency"]);
      for (const item of ignored) expect(item.why).toMatch(/local drawing/);
      for (const submission of fal.submissions) {
        expect(submission.model).toBe(FAL_DEFAULT_MODELS["text-to-video"]);
        expect(JSON.stringify(submission.body)).not.toMatch(/image_url|\/files\//);
      }
      const generated = turn.report!.outputs.find((output) => output.specialist === "video-generator")!;
      expect(generated.output).toMatchObject({ method: "text-to-video" });
      expect(String((generated.output as { methodReason?: string }).methodReason)).toContain(DRAWINGS_WITHHELD_REASON);
      const stored = await runtime.media.get((generated.output as { mediaId: string }).mediaId);
      expect(stored?.generation.method).toBe("text-to-video");
    } finally {
      await cleanup();
    }
  });

  it("animates the user's own photo of the character, and still sends no drawing", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const photo = await sharp({
        create: { width: 480, height: 640, channels: 3, background: { r: 30, g: 90, b: 160 } },
      })
        .png()
        .toBuffer();
      const uploaded = await addUploadedReference(runtime, runtime.config.projectId, {
        owner: "character",
        name: "Sarah",
        bytes: photo,
      });
      const turn = await new ChatService(runtime).turn({
        threadId: "paid-photo",
        message: "generate Sarah walking in the park",
      });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const generated = turn.report!.outputs.find((output) => output.specialist === "video-generator")!;
      expect(generated.output).toMatchObject({ method: "image-to-video" });
      const stored = (await runtime.media.get(uploaded.reference.mediaId))!;
      const bytes = await readFile(await runtime.store.localPath(stored.key, directory));
      // Every upload (one per attempt) is the photo as stored.
      expect(fal.uploads.length).toBeGreaterThan(0);
      expect(fal.uploads.every((upload) => upload.bytes.equals(bytes))).toBe(true);
      const drawn = await drawings(runtime, directory);
      expect(drawn.length).toBeGreaterThanOrEqual(1);
      const why = (await runtime.brain.forProject(runtime.config.projectId).why(turn.videoId!))!;
      expect(why.references).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: uploaded.reference.id, source: "uploaded" })]),
      );
    } finally {
      await cleanup();
    }
  });

  it("makes a scene's first shot from text and continues the next from a frame of FAL's clip", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const turn = await new ChatService(runtime).turn({
        threadId: "paid-scene",
        message: "a 10 second scene: Sarah walks in the park, walks on",
      });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const outputs = turn.report!.outputs.filter((output) => output.specialist === "video-generator");
      const byShot = new Map(outputs.map((output) => [(output.output as { shotIndex: number }).shotIndex, output]));
      expect([...byShot.keys()].sort()).toEqual([1, 2]);
      const first = byShot.get(1)!.output as { method: string; mediaId: string; methodReason: string };
      const second = byShot.get(2)!.output as { method: string; methodReason: string };
      expect(first.method).toBe("text-to-video");
      expect(second.method).toBe("image-to-video");
      expect(first.methodReason).toContain(DRAWINGS_WITHHELD_REASON);

      // Only the continuing shot uploaded anything: the last frame of shot 1 as FAL made it, no drawing.
      const drawn = await drawings(runtime, directory);
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      for (const upload of fal.uploads) {
        expect(drawn.some((bytes) => bytes.equals(upload.bytes))).toBe(false);
      }
      expect(fal.uploads).toHaveLength(1);
      const stored = await runtime.media.get(first.mediaId);
      const frame = join(directory, "shot-1-last.png");
      await extractFrame(await runtime.store.localPath(stored!.key, directory), "last", frame, {
        timeoutMs: 30_000,
      });
      expect(fal.uploads[0]!.bytes.equals(await readFile(frame))).toBe(true);
      const models = fal.submissions.map((submission) => submission.model);
      expect(models[0]).toBe(FAL_DEFAULT_MODELS["text-to-video"]);
      expect(models).toContain(FAL_DEFAULT_MODELS["image-to-video"]);
    } finally {
      await cleanup();
    }
  });
});
