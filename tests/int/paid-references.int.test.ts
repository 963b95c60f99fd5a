/**
 * With FAL configured for video and images (the wire-level fake), the department makes real references:
 * a master still and a turnaround sheet for the character, a plate for the location, and a composite for
 * the shot, each stored and linked in the Brain with what it was made from; the clip is animated from the
 * composite. Every image uploaded to FAL storage is one FAL made or the user uploaded, never a drawing; a
 * user's own photo wins over a generated master, and the take's provenance says which was used.
 */
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addUploadedReference } from "../../src/brain/uploads.js";
import { FAL_DEFAULT_MODELS } from "../../src/config.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { promptProblems } from "../../src/providers/video/prompts/index.js";
import type { Runtime } from "../../src/runtime.js";
import { isLocalDrawing } from "../../src/tools/context.js";
import type { FakeFal } from "../fakes/fal.js";
import { startPaidFal, type PaidFal } from "../helpers/paid-fal.js";
import { createTestRuntime } from "../helpers/runtime.js";

const KEY = "fal-references-key-81d0";

/** Bytes of every live stored image, split into local drawings and the rest. */
async function storedImages(runtime: Runtime, directory: string) {
  const records = (await runtime.media.listByProject(runtime.config.projectId)).filter(
    (record) => record.kind === "image" && record.status === "live",
  );
  const drawn: Buffer[] = [];
  const made: Buffer[] = [];
  for (const record of records) {
    const bytes = await readFile(await runtime.store.localPath(record.key, directory));
    (isLocalDrawing(record) ? drawn : made).push(bytes);
  }
  return { drawn, made };
}

/** Every image FAL storage received is a stored image that is not a local drawing. */
async function expectNoDrawingUploaded(fal: FakeFal, runtime: Runtime, directory: string) {
  const { drawn, made } = await storedImages(runtime, directory);
  const images = fal.uploads.filter((upload) => upload.contentType.startsWith("image/"));
  expect(images.length).toBeGreaterThan(0);
  for (const upload of images) {
    expect(drawn.some((bytes) => bytes.equals(upload.bytes))).toBe(false);
    expect(made.some((bytes) => bytes.equals(upload.bytes))).toBe(true);
  }
}

describe("references made by a real image model", () => {
  let directory: string;
  let fal: FakeFal;
  let env: Record<string, string>;

  let paid: PaidFal;

  beforeAll(async () => {
    paid = await startPaidFal(KEY, "cutroom-paid-refs-", { CUTROOM_MAX_ATTEMPTS: "1" });
    ({ directory, fal, env } = paid);
  });
  afterAll(async () => paid.close());
  beforeEach(() => {
    fal.submissions.length = 0;
    fal.uploads.length = 0;
  });

  it("makes master, turnaround, plate and a shot composite, and animates the composite", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      expect(runtime.image.drawsLocally).toBe(false);
      const chat = new ChatService(runtime);
      const turn = await chat.turn({ threadId: "refs-paid", message: "generate Sarah walking in the park" });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const brain = runtime.brain.forProject(runtime.config.projectId);
      const sarah = (await brain.findCharacterByName("Sarah"))!;
      const park = (await brain.findLocationByName("park"))!;
      const sarahRefs = await brain.referencesOf(sarah.id);
      expect(sarahRefs.map((reference) => reference.kind).sort()).toEqual(["character-master", "character-turnaround"]);
      const master = sarahRefs.find((reference) => reference.kind === "character-master")!;
      const turnaround = sarahRefs.find((reference) => reference.kind === "character-turnaround")!;
      expect(master).toMatchObject({ source: "generated", madeFrom: [] });
      expect(master.madeBy).not.toBe("local-renderer");
      expect(turnaround.madeFrom).toEqual([master.id]);
      const [plate] = await brain.referencesOf(park.id);
      expect(plate).toMatchObject({ kind: "location-master", source: "generated" });

      const why = (await brain.why(turn.videoId!))!;
      expect(why.method).toBe("composite-to-video");
      const composite = why.references.find((reference) => reference.kind === "shot-composite")!;
      expect(composite).toMatchObject({ source: "generated" });
      expect(why.references.map((reference) => reference.id)).toEqual(
        expect.arrayContaining([master.id, turnaround.id, plate!.id, composite.id]),
      );
      const counts = await brain.counts();
      // Turnaround ← master; composite ← master and plate.
      expect(counts.relationships.MADE_FROM).toBe(3);

      // Two text-to-image (master, plate), two edits (turnaround, composite), one clip.
      const videoModels: string[] = Object.values(FAL_DEFAULT_MODELS);
      const clips = fal.submissions.filter((submission) => videoModels.includes(submission.model));
      expect(fal.submissions).toHaveLength(5);
      expect(clips).toHaveLength(1);
      const clipSubmission = clips[0]!;
      expect(clipSubmission.model).toBe(FAL_DEFAULT_MODELS["composite-to-video"]);
      expect(JSON.stringify(clipSubmission.body)).toMatch(/\/files\//);
      await expectNoDrawingUploaded(fal, runtime, directory);
      // Every prompt describes people and places in words: no hex colour, id, file name or score.
      for (const submission of fal.submissions) {
        for (const field of ["prompt", "negative_prompt"]) {
          expect(promptProblems(String(submission.body[field] ?? "")), `${submission.model} ${field}`).toEqual([]);
        }
      }
      expect(String(clipSubmission.body.prompt)).toMatch(/Sarah/);
      expect(String(clipSubmission.body.prompt)).toMatch(/walking/);

      // A second request for Sarah in the park pays only for its composite and its clip.
      fal.submissions.length = 0;
      const again = await chat.turn({ threadId: "refs-paid-2", message: "generate Sarah waving in the park" });
      expect(again.status, again.reply).toBe("awaiting-choice");
      expect(fal.submissions.length).toBe(2);
      expect((await brain.referencesOf(sarah.id)).map((reference) => reference.id).sort()).toEqual(
        [master.id, turnaround.id].sort(),
      );
    } finally {
      await cleanup();
    }
  });

  it("uses the user's own photo over a generated master, and says so in the provenance", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env });
    try {
      const photo = await sharp({
        create: { width: 600, height: 800, channels: 3, background: { r: 180, g: 40, b: 40 } },
      })
        .jpeg()
        .withExif({ IFD0: { Copyright: "someone", Artist: "gps-bearing camera" } })
        .toBuffer();
      const uploaded = await addUploadedReference(runtime, runtime.config.projectId, {
        owner: "character",
        name: "Sarah",
        bytes: photo,
      });
      const chat = new ChatService(runtime);
      const turn = await chat.turn({ threadId: "refs-upload", message: "generate Sarah walking in the park" });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const brain = runtime.brain.forProject(runtime.config.projectId);
      const sarah = (await brain.findCharacterByName("Sarah"))!;
      const refs = await brain.referencesOf(sarah.id);
      // No master was generated: the upload is the master, and the turnaround was made from it.
      expect(refs.filter((reference) => reference.kind === "character-master")).toHaveLength(1);
      const turnaround = refs.find((reference) => reference.kind === "character-turnaround")!;
      expect(turnaround.madeFrom).toEqual([uploaded.reference.id]);
      const why = (await brain.why(turn.videoId!))!;
      expect(why.references.find((reference) => reference.id === uploaded.reference.id)).toMatchObject({
        source: "uploaded",
      });
      // What FAL received for the turnaround is the re-encoded upload: stored bytes, no EXIF.
      const stored = await runtime.media.get(uploaded.reference.mediaId);
      const storedBytes = await readFile(await runtime.store.localPath(stored!.key, directory));
      expect(fal.uploads.some((upload) => upload.bytes.equals(storedBytes))).toBe(true);
      expect((await sharp(storedBytes).metadata()).exif).toBeUndefined();
      await expectNoDrawingUploaded(fal, runtime, directory);
    } finally {
      await cleanup();
    }
  });
});
