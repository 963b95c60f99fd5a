/**
 * The image port on real media: the local renderer draws each kind of still as a real PNG of the asked
 * size, and the FAL adapter drives the real @fal-ai/client against the wire-level fake (text-to-image,
 * edits with uploaded references, the content policy, a fallback model, cancelling).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAL_IMAGE_PRICES_USD_PER_IMAGE } from "../../src/config.js";
import { lookForLocation, profileForCharacter } from "../../src/brain/profiles.js";
import { CutroomError } from "../../src/errors.js";
import { probe } from "../../src/media/runner.js";
import { FalImageProvider, type FalImageOptions } from "../../src/providers/image/fal/provider.js";
import { LocalImageProvider } from "../../src/providers/image/local.js";
import type { ImageRequest, ImageSubject } from "../../src/providers/image/types.js";
import type { Clock } from "../../src/providers/fal-client.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderLavfi } from "../fakes/media.js";

const KEY = "fal-image-key-3c81d0";
const sarah = { name: "Sarah", profile: profileForCharacter("Sarah") };
const tom = { name: "Tom", profile: profileForCharacter("Tom") };
const park = { name: "park", look: lookForLocation("park"), layoutSeed: 41 };

const SUBJECTS: ImageSubject[] = [
  { kind: "character-master", character: sarah },
  { kind: "character-turnaround", character: sarah },
  { kind: "location-master", location: park },
  { kind: "shot-composite", characters: [sarah, tom], location: park, action: "wave", camera: "pan-right" },
];

function request(subject: ImageSubject, overrides: Partial<ImageRequest> = {}): ImageRequest {
  return {
    subject,
    prompt: `a ${subject.kind.replace("-", " ")}`,
    negativePrompt: null,
    references: [],
    width: 480,
    height: 270,
    seed: 9,
    ...overrides,
  };
}

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CutroomError);
  return error as CutroomError;
};

describe("local image renderer", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-image-local-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("draws each kind as a real PNG of the asked size, free and marked as the local renderer's", async () => {
    const provider = new LocalImageProvider();
    for (const subject of SUBJECTS) {
      const made = await provider.generate(request(subject), { outputDir: directory, onProgress: null, signal: null });
      const probed = await probe(made.path, { requireVideo: true });
      expect(probed, subject.kind).toMatchObject({ width: 480, height: 270, videoCodec: "png" });
      expect(made).toMatchObject({ width: 480, height: 270, model: "local-renderer", seed: 9, costUsd: 0 });
      expect(made.path.endsWith(".png")).toBe(true);
    }
  });

  it("draws the turnaround as four figures: the sheet is not plain grey in any quarter", async () => {
    const made = await new LocalImageProvider().generate(request(SUBJECTS[1]!, { width: 512, height: 256 }), {
      outputDir: directory,
      onProgress: null,
      signal: null,
    });
    // Each quarter cropped and reduced to one pixel: a figure on grey changes the average from #808080.
    for (let quarter = 0; quarter < 4; quarter++) {
      const pixel = join(directory, `quarter-${quarter}.rgb`);
      await renderLavfi(
        `movie=${made.path},crop=128:256:${quarter * 128}:0,scale=1:1:flags=area`,
        ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24"],
        pixel,
      );
      const [red, green, blue] = await readFile(pixel);
      expect(
        Math.abs(red! - 128) + Math.abs(green! - 128) + Math.abs(blue! - 128),
        `quarter ${quarter}`,
      ).toBeGreaterThan(6);
    }
  });

  it("rejects a bad size naming the field, and stops when cancelled", async () => {
    const provider = new LocalImageProvider();
    const options = { outputDir: directory, onProgress: null, signal: null };
    expect((await failure(provider.generate(request(SUBJECTS[0]!, { width: 101 }), options))).field).toBe("width");
    const controller = new AbortController();
    controller.abort();
    const error = await failure(provider.generate(request(SUBJECTS[3]!), { ...options, signal: controller.signal }));
    // As the local video renderer reports it: ffmpeg's own cancellation.
    expect(error.code).toBe("FFMPEG_CANCELLED");
  });
});

describe("FAL image adapter against the fake queue API", () => {
  let directory: string;
  let fal: FakeFal;
  let references: string[];
  let logs: string[];
  let clock: Clock & { sleeps: number[] };

  const provider = (overrides: Partial<FalImageOptions> = {}) =>
    new FalImageProvider({
      apiKey: KEY,
      baseUrl: fal.url,
      models: { "text-to-image": "fal-ai/flux/dev", edit: "fal-ai/nano-banana-2/edit" },
      fallbackModels: { "text-to-image": "fal-ai/flux-pro/v1.1", edit: "fal-ai/flux-pro/kontext/multi" },
      timeoutMs: 180_000,
      pollIntervalMs: 1000,
      httpTimeoutMs: 5000,
      webhookUrl: null,
      pricesPerImage: FAL_IMAGE_PRICES_USD_PER_IMAGE,
      urlPolicy: { allowedHosts: ["*.fal.media"], trustedHosts: [new URL(fal.url).host] },
      ffmpegTimeoutMs: 60_000,
      log: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
      clock,
      ...overrides,
    });
  const options = (extra: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void } = {}) => ({
    outputDir: join(directory, "out"),
    onProgress: extra.onProgress ?? null,
    signal: extra.signal ?? null,
  });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-image-fal-"));
    references = [
      await renderLavfi("color=c=red:size=320x320", ["-frames:v", "1"], join(directory, "sarah.png")),
      await renderLavfi("color=c=blue:size=320x320", ["-frames:v", "1"], join(directory, "tom.jpg")),
      await renderLavfi("color=c=green:size=640x360", ["-frames:v", "1"], join(directory, "park.png")),
    ];
    fal = await startFakeFal({ apiKey: KEY });
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    logs = [];
    let now = 1_000_000;
    const sleeps: number[] = [];
    clock = {
      sleeps,
      now: () => now,
      sleep: async (milliseconds, signal) => {
        if (signal?.aborted) throw new Error("aborted");
        sleeps.push(milliseconds);
        now += milliseconds;
      },
    };
    fal.submissions.length = 0;
    fal.cancelled.length = 0;
    fal.uploads.length = 0;
  });

  it("text-to-image: a master is made by the text model, downloaded as a PNG, measured and priced", async () => {
    const progress: string[] = [];
    const made = await provider().generate(
      request(SUBJECTS[0]!),
      options({ onProgress: (_fraction, message) => progress.push(message) }),
    );
    expect(fal.submissions).toHaveLength(1);
    expect(fal.submissions[0]!.model).toBe("fal-ai/flux/dev");
    expect(fal.submissions[0]!.body).toMatchObject({ image_size: { width: 480, height: 270 }, seed: 9 });
    expect(fal.uploads).toHaveLength(0);
    expect(await probe(made.path, { requireVideo: true })).toMatchObject({
      width: 512,
      height: 512,
      videoCodec: "png",
    });
    expect(made).toMatchObject({ width: 512, height: 512, model: "fal-ai/flux/dev", seed: 9, costUsd: 0.025 });
    expect(made.path.endsWith(".png")).toBe(true);
    expect(progress).toEqual(expect.arrayContaining(["generating with fal-ai/flux/dev", "generated"]));
  });

  it("edit: uploads exactly the reference bytes, in order, and passes them as image_urls", async () => {
    const subject = SUBJECTS[3]!;
    const made = await provider().generate(request(subject, { references }), options());
    expect(fal.uploads).toHaveLength(3);
    for (const [index, path] of references.entries()) {
      expect(fal.uploads[index]!.bytes.equals(await readFile(path)), path).toBe(true);
    }
    expect(fal.uploads.map((upload) => upload.contentType)).toEqual(["image/png", "image/jpeg", "image/png"]);
    expect(fal.submissions[0]!.model).toBe("fal-ai/nano-banana-2/edit");
    expect(fal.submissions[0]!.body.image_urls).toEqual(fal.uploads.map((upload) => `${fal.url}/files/${upload.id}`));
    expect(made).toMatchObject({ model: "fal-ai/nano-banana-2/edit", costUsd: 0.08 });
  });

  it("a turnaround without references is made from the prompt by the text model", async () => {
    await provider().generate(request(SUBJECTS[1]!), options());
    expect(fal.submissions[0]!.model).toBe("fal-ai/flux/dev");
    expect(fal.uploads).toHaveLength(0);
  });

  it("a content-policy refusal is not retried", async () => {
    fal.script({ kind: "content-policy" });
    const error = await failure(
      provider().generate(request(SUBJECTS[1]!, { references: [references[0]!] }), options()),
    );
    expect(error.code).toBe("CONTENT_POLICY");
    expect(fal.submissions).toHaveLength(1);
  });

  it("an unavailable model (503) falls back to the route's fallback model", async () => {
    fal.script({ kind: "submit-error", status: 503, body: { detail: "Service Unavailable" } });
    const made = await provider().generate(request(SUBJECTS[3]!, { references }), options());
    expect(fal.submissions.map((submission) => submission.model)).toEqual([
      "fal-ai/nano-banana-2/edit",
      "fal-ai/flux-pro/kontext/multi",
    ]);
    // The references are uploaded once and given to the fallback too.
    expect(fal.uploads).toHaveLength(3);
    expect(fal.submissions[1]!.body.image_urls).toEqual(fal.submissions[0]!.body.image_urls);
    expect(made).toMatchObject({ model: "fal-ai/flux-pro/kontext/multi", costUsd: 0.04 });
    expect(logs.join("\n")).toMatch(/fallback model fal-ai\/flux-pro\/kontext\/multi/);
  });

  it("cancels the queued request when the caller aborts", async () => {
    fal.script({ kind: "never-finishes" });
    const controller = new AbortController();
    const error = await failure(
      provider().generate(
        request(SUBJECTS[2]!),
        options({
          signal: controller.signal,
          onProgress: (_fraction, message) => message.startsWith("generating") && controller.abort(),
        }),
      ),
    );
    expect(error.code).toBe("CANCELLED");
    expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
    expect(await fal.pollsDuring(200)).toBe(0);
  });

  it("re-encodes a result that is neither PNG nor JPEG to PNG", async () => {
    const webp = await renderLavfi(
      "color=c=yellow:size=300x200",
      ["-frames:v", "1", "-c:v", "libwebp"],
      join(directory, "r.webp"),
    );
    const other = await startFakeFal({ apiKey: KEY, image: webp });
    try {
      const made = await provider({
        baseUrl: other.url,
        urlPolicy: { allowedHosts: [], trustedHosts: [new URL(other.url).host] },
      }).generate(request(SUBJECTS[0]!), options());
      expect(made.path.endsWith(".png")).toBe(true);
      expect(await probe(made.path, { requireVideo: true })).toMatchObject({
        width: 300,
        height: 200,
        videoCodec: "png",
      });
    } finally {
      await other.close();
    }
  });
});
