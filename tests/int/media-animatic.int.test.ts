import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipRequest, GenerationMethod } from "../../src/domain.js";
import { isCutroomError } from "../../src/errors.js";
import { seedFrom } from "../../src/ids.js";
import { frameContinuity, measureCutContinuity } from "../../src/media/continuity.js";
import { extractFrame } from "../../src/media/frames.js";
import { decodeRawFrames, probe, runFfmpeg } from "../../src/media/runner.js";
import {
  LocalAnimaticProvider,
  renderCharacterReference,
  renderLocationReference,
} from "../../src/providers/video/local.js";
import { alice, clipRequest, park } from "../helpers/fixtures.js";

let directory = "";
let characterReference = "";
let locationReference = "";
const provider = new LocalAnimaticProvider({ timeoutMs: 60_000 });

function request(overrides: Partial<ClipRequest> = {}): ClipRequest {
  return clipRequest({ camera: "pan-right", motionStrength: 0.6, ...overrides });
}

/** How closely a clip's frame at `at` seconds matches an image (the continuity measure, 1 = identical). */
async function measureFrameAgainst(path: string, at: number, image: string): Promise<number> {
  const [frame] = await decodeRawFrames(path, { times: [at], width: 160, height: 90 });
  const [still] = await decodeRawFrames(image, { times: [0], width: 160, height: 90 });
  return frameContinuity(new Uint8Array(frame!), new Uint8Array(still!));
}

async function expectInvalid(promise: Promise<unknown>, field: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isCutroomError(error, "INVALID_INPUT")).toBe(true);
  expect((error as { field: string }).field).toBe(field);
  expect((error as Error).message).toContain(field);
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-animatic-"));
  characterReference = await renderCharacterReference(alice, join(directory, "alice.png"), { width: 320, height: 180 });
  locationReference = await renderLocationReference(park, seedFrom("park"), join(directory, "park.png"), {
    width: 320,
    height: 180,
  });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("LocalAnimaticProvider", () => {
  const methods: Array<
    [
      GenerationMethod,
      (input: ClipRequest) => ClipRequest,
      "textToVideo" | "imageToVideo" | "firstLastFrame" | "compositeToVideo",
    ]
  > = [
    ["text-to-video", (input) => input, "textToVideo"],
    ["image-to-video", (input) => ({ ...input, sourceImage: locationReference, camera: "dolly-in" }), "imageToVideo"],
    [
      "first-last-frame",
      (input) => ({
        ...input,
        firstFrame: characterReference,
        lastFrame: locationReference,
        characters: [],
        camera: "static",
      }),
      "firstLastFrame",
    ],
    [
      "composite-to-video",
      (input) => ({ ...input, compositeImage: locationReference, action: "wave", camera: "tracking" }),
      "compositeToVideo",
    ],
  ];

  it.each(methods)("renders %s to an MP4 of the requested duration, size and rate", async (method, adapt, call) => {
    const progress: number[] = [];
    const outputDir = join(directory, method);
    const clip = await provider[call](adapt(request({ method })), {
      outputDir,
      onProgress: (fraction) => progress.push(fraction),
      signal: null,
    });
    const facts = await probe(clip.path);
    expect(clip.path.startsWith(join(outputDir, `${method}-11-`))).toBe(true);
    expect(Math.abs(facts.durationSeconds - 2.5)).toBeLessThanOrEqual(1 / 24 + 1e-6);
    expect([facts.width, facts.height, facts.fps]).toEqual([320, 180, 24]);
    expect(facts.videoCodec).toBe("h264");
    expect(facts.pixelFormat).toBe("yuv420p");
    expect(facts.hasAudio).toBe(false);
    expect(clip).toMatchObject({
      method,
      model: "cutroom-animatic-1",
      seed: 11,
      costUsd: 0,
      width: 320,
      height: 180,
      fps: 24,
    });
    expect(clip.generationSeconds).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
  });

  it("starts a clip made from a frame on that frame, then moves away from it", async () => {
    // The previous shot's last frame: a park with Alice in it, as a continuing shot receives it.
    const previous = await provider.compositeToVideo(
      request({
        method: "composite-to-video",
        compositeImage: locationReference,
        characters: [{ id: "a", name: "Alice", profile: alice }],
      }),
      { outputDir: join(directory, "previous"), onProgress: null, signal: null },
    );
    const lastFrame = join(directory, "previous-last.png");
    await extractFrame(previous.path, "last", lastFrame);
    const next = await provider.firstLastFrame(
      request({ method: "first-last-frame", firstFrame: lastFrame, lastFrame: locationReference, camera: "tracking" }),
      { outputDir: join(directory, "next"), onProgress: null, signal: null },
    );
    // Measured as the verifier measures a continuing cut, then the clip moves on from the frame.
    expect(await measureCutContinuity(previous.path, next.path)).toBeGreaterThan(0.9);
    const [opening, later] = [
      await measureFrameAgainst(next.path, 0, lastFrame),
      await measureFrameAgainst(next.path, 2, lastFrame),
    ];
    expect(later).toBeLessThan(opening - 0.05);
  });

  it("renders other frames for another seed of the same request, at a fixed place and for a figure that stands", async () => {
    const digest = async (seed: number, action: ClipRequest["action"]) => {
      const outputDir = join(directory, `seed-${action}-${seed}`);
      await mkdir(outputDir, { recursive: true });
      const clip = await provider.textToVideo(request({ seed, action, camera: "static", durationSeconds: 1 }), {
        outputDir,
        onProgress: null,
        signal: null,
      });
      return createHash("sha256")
        .update(await readFile(clip.path))
        .digest("hex");
    };
    // Seeds of one parity used to draw the same walk at a place whose scenery the location fixes.
    expect(await digest(2, "walk")).not.toBe(await digest(4, "walk"));
    expect(await digest(2, "stand")).not.toBe(await digest(4, "stand"));
    expect(await digest(2, "walk")).toBe(await digest(2, "walk"));
  });

  it("burns in a caption read from a file, whatever characters the text and directory hold", async () => {
    const outputDir = join(directory, "odd: dir, [it's]; a=b");
    await mkdir(outputDir, { recursive: true });
    const caption = "It's 5:00 — [late]; a=b, \\ 100% done\nsecond line";
    const clip = await provider.textToVideo(request({ caption }), { outputDir, onProgress: null, signal: null });
    expect((await probe(clip.path)).durationSeconds).toBeCloseTo(2.5, 1);
    expect((await readdir(outputDir)).filter((name) => name.endsWith(".txt"))).toEqual([]);
  });

  it("rejects invalid requests before rendering, naming the field", async () => {
    const options = { outputDir: directory, onProgress: null, signal: null };
    await expectInvalid(provider.textToVideo(request({ durationSeconds: 8 }), options), "durationSeconds");
    await expectInvalid(provider.textToVideo(request({ durationSeconds: 0 }), options), "durationSeconds");
    await expectInvalid(provider.textToVideo(request({ width: 321 }), options), "width");
    await expectInvalid(provider.textToVideo(request({ height: 4000 }), options), "height");
    await expectInvalid(provider.textToVideo(request({ fps: 0 }), options), "fps");
    await expectInvalid(provider.imageToVideo(request({ sourceImage: null }), options), "sourceImage");
    await expectInvalid(
      provider.firstLastFrame(
        request({ firstFrame: characterReference, lastFrame: join(directory, "missing.png") }),
        options,
      ),
      "lastFrame",
    );
    await expectInvalid(
      provider.compositeToVideo(request({ compositeImage: join(directory, "missing.png") }), options),
      "compositeImage",
    );
  });

  it("stops ffmpeg when cancelled or out of time", async () => {
    const controller = new AbortController();
    const rendering = provider.textToVideo(request({ durationSeconds: 7, width: 1920, height: 1080 }), {
      outputDir: directory,
      onProgress: null,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 150);
    const cancelled = await rendering.then(
      () => null,
      (error: unknown) => error,
    );
    expect(isCutroomError(cancelled, "FFMPEG_CANCELLED")).toBe(true);

    const hurried = new LocalAnimaticProvider({ timeoutMs: 100 });
    const timedOut = await hurried
      .textToVideo(request({ durationSeconds: 7, width: 1920, height: 1080 }), {
        outputDir: directory,
        onProgress: null,
        signal: null,
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isCutroomError(timedOut, "FFMPEG_TIMEOUT")).toBe(true);
    expect((timedOut as Error).message).toContain("100 ms");
    expect((await readdir(directory)).filter((name) => name.endsWith(".mp4"))).toEqual([]);
  });

  it("reports ffmpeg failures as MEDIA errors with ffmpeg's own words", async () => {
    const error = await runFfmpeg({
      inputs: [{ source: "color=c=black:s=64x64:d=1", options: ["-f", "lavfi"] }],
      filterComplex: "[0:v]nosuchfilter[vout]",
      outputOptions: ["-map", "[vout]"],
      output: join(directory, "x.mp4"),
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCutroomError(error, "MEDIA")).toBe(true);
    expect((error as Error).message).toMatch(/nosuchfilter|No such filter/);
  });
});
