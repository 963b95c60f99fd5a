/**
 * The FAL adapter driving the real @fal-ai/client against a wire-level fake on 127.0.0.1: the queue
 * flow, uploads, every row of the design's error table, timeouts, malformed answers and key hygiene.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAL_PRICES_USD_PER_SECOND } from "../../src/config.js";
import type { ClipRequest } from "../../src/domain.js";
import { CutroomError } from "../../src/errors.js";
import { probe } from "../../src/media/runner.js";
import { FalVideoProvider, type Clock, type FalVideoOptions } from "../../src/providers/video/fal/provider.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderTestClip, renderTestImage } from "../fakes/media.js";
import { sarahInThePark } from "../helpers/fixtures.js";

const KEY = "fal-test-key-5f2c9e7d1b";

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (milliseconds, signal) => {
      if (signal?.aborted) throw new Error("aborted");
      sleeps.push(milliseconds);
      now += milliseconds;
    },
  };
}

function request(overrides: Partial<ClipRequest> = {}): ClipRequest {
  return sarahInThePark({ negativePrompt: "blurry", camera: "tracking", ...overrides });
}

describe("FAL video provider against the fake queue API", () => {
  let directory: string;
  let fal: FakeFal;
  let image: string;
  let logs: string[];
  let clock: ReturnType<typeof fakeClock>;

  const provider = (overrides: Partial<FalVideoOptions> = {}) =>
    new FalVideoProvider({
      apiKey: KEY,
      baseUrl: fal.url,
      models: {
        "text-to-video": "fal-ai/minimax-video",
        "image-to-video": "fal-ai/kling-video/v1/standard/image-to-video",
        "first-last-frame": "fal-ai/runway-gen3/turbo/image-to-video",
        "composite-to-video": "fal-ai/luma-video-to-video",
      },
      fallbackModels: {
        "text-to-video": "fal-ai/luma-dream-machine",
        "image-to-video": "fal-ai/luma-dream-machine/image-to-video",
        "first-last-frame": "fal-ai/luma-dream-machine/image-to-video",
        "composite-to-video": "fal-ai/luma-dream-machine/image-to-video",
      },
      timeoutMs: 180_000,
      pollIntervalMs: 1000,
      httpTimeoutMs: 5000,
      webhookUrl: null,
      pricesPerSecond: FAL_PRICES_USD_PER_SECOND,
      urlPolicy: { allowedHosts: ["*.fal.media"], trustedHosts: [new URL(fal.url).host] },
      ffmpegTimeoutMs: 60_000,
      log: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
      clock,
      ...overrides,
    });
  const options = (
    extra: Partial<{ onProgress: (fraction: number, message: string) => void; signal: AbortSignal }> = {},
  ) => ({
    outputDir: join(directory, "out"),
    onProgress: extra.onProgress ?? null,
    signal: extra.signal ?? null,
  });
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CutroomError);
    return error as CutroomError;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-fal-"));
    const clip = await renderTestClip(directory, 5);
    image = await renderTestImage(directory);
    fal = await startFakeFal({ apiKey: KEY, video: clip });
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    logs = [];
    clock = fakeClock();
    fal.submissions.length = 0;
    fal.cancelled.length = 0;
    fal.uploads.length = 0;
  });

  it("text-to-video: submits, polls with progress, downloads and conforms the clip, prices it", async () => {
    const progress: Array<[number, string]> = [];
    const clip = await provider({ webhookUrl: "https://hooks.example.com/fal" }).textToVideo(
      request(),
      options({ onProgress: (fraction, message) => progress.push([fraction, message]) }),
    );
    expect(fal.submissions).toHaveLength(1);
    const [submission] = fal.submissions;
    expect(submission!.model).toBe("fal-ai/minimax-video");
    expect(submission!.body).toMatchObject({ prompt_optimizer: true });
    expect(String(submission!.body.prompt)).toMatch(/^Sarah walking in the park\. Characters: Sarah:/);
    expect(submission!.query).toEqual({ fal_webhook: "https://hooks.example.com/fal" });
    expect(progress.map(([, message]) => message)).toEqual(
      expect.arrayContaining([
        "queued at fal-ai/minimax-video (position 0)",
        "generating with fal-ai/minimax-video",
        "generated",
      ]),
    );
    const fractions = progress.map(([fraction]) => fraction);
    expect(fractions).toEqual([...fractions].sort((left, right) => left - right));
    const probed = await probe(clip.path);
    // The fake renders 5 s like the real model; the adapter trims to the 2 s asked.
    expect(probed).toMatchObject({ width: 320, height: 180, videoCodec: "h264" });
    expect(Math.abs(probed.durationSeconds - 2)).toBeLessThanOrEqual(1 / 12 + 0.001);
    expect(clip).toMatchObject({ method: "text-to-video", model: "fal-ai/minimax-video", costUsd: 0.425 });
    expect(clip.generationSeconds).toBeGreaterThan(0);
  });

  it("image-to-video uploads the local still through FAL storage and maps kling's fields", async () => {
    await provider().imageToVideo(request({ sourceImage: image, method: "image-to-video" }), options());
    expect(fal.uploads).toHaveLength(1);
    expect(fal.uploads[0]!.contentType).toBe("image/png");
    expect(fal.submissions[0]!.body).toMatchObject({
      duration: "5",
      aspect_ratio: "16:9",
      negative_prompt: "blurry",
      image_url: `${fal.url}/files/${fal.uploads[0]!.id}`,
    });
  });

  it("first-last frame sends both frames to runway; composite goes to luma as a still video", async () => {
    const second = await renderTestImage(directory, "last.png", "orange");
    await provider().firstLastFrame(request({ firstFrame: image, lastFrame: second }), options());
    expect(fal.submissions[0]!.body).toMatchObject({ duration: 5, ratio: "16:9", seed: 11 });
    expect(fal.submissions[0]!.body.tail_image_url).toBe(`${fal.url}/files/${fal.uploads[1]!.id}`);
    await provider().compositeToVideo(request({ compositeImage: image }), options());
    expect(fal.submissions[1]!.model).toBe("fal-ai/luma-video-to-video");
    expect(fal.uploads[2]!.contentType).toBe("video/mp4");
    expect(fal.submissions[1]!.body).toMatchObject({
      video_url: `${fal.url}/files/${fal.uploads[2]!.id}`,
      resolution: "720p",
    });
  });

  it("rate limit: backs off exponentially and succeeds; gives up after 5 tries", async () => {
    const limited = { kind: "submit-error", status: 429, body: { detail: "Rate limit exceeded" } } as const;
    fal.script(limited, limited);
    await provider().textToVideo(request(), options());
    expect(fal.submissions).toHaveLength(3);
    expect(clock.sleeps.slice(0, 2)).toEqual([1000, 2000]);

    clock.sleeps.length = 0;
    fal.submissions.length = 0;
    fal.script(limited, limited, limited, limited, limited);
    const error = await failure(provider().textToVideo(request(), options()));
    expect(error.code).toBe("RATE_LIMITED");
    expect(fal.submissions).toHaveLength(5);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  it("generation timeout: cancels, retries at draft quality up to twice, then fails", async () => {
    fal.script({ kind: "never-finishes" });
    const clip = await provider().textToVideo(request(), options());
    expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
    expect(fal.submissions[1]!.body.prompt_optimizer).toBe(false);
    expect(clip.model).toBe("fal-ai/minimax-video");

    fal.submissions.length = 0;
    fal.script({ kind: "never-finishes" }, { kind: "never-finishes" }, { kind: "never-finishes" });
    const error = await failure(provider().textToVideo(request(), options()));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    expect(error.message).toMatch(/CUTROOM_FAL_TIMEOUT_MS/);
    expect(fal.submissions).toHaveLength(3);
  });

  it("a slow HTTP answer hits the request deadline and counts as a timeout", async () => {
    const hang = { kind: "hang-submit", holdMs: 3000 } as const;
    fal.script(hang, hang, hang);
    const started = Date.now();
    const error = await failure(provider({ httpTimeoutMs: 150 }).textToVideo(request(), options()));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("invalid input: drops or resets the fields named, up to 3 revisions", async () => {
    const rejects = (field: string) =>
      ({
        kind: "submit-error",
        status: 422,
        body: { detail: [{ loc: ["body", field], msg: `bad ${field}`, type: "value_error" }] },
      }) as const;
    fal.script(rejects("negative_prompt"));
    const input = request({ sourceImage: image, method: "image-to-video" });
    await provider().imageToVideo(input, options());
    expect(fal.submissions[0]!.body).toHaveProperty("negative_prompt");
    expect(fal.submissions[1]!.body).not.toHaveProperty("negative_prompt");

    fal.submissions.length = 0;
    fal.script(rejects("negative_prompt"), rejects("cfg_scale"), rejects("aspect_ratio"), rejects("duration"));
    const error = await failure(provider().imageToVideo(input, options()));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.field).toBe("duration");
    expect(fal.submissions).toHaveLength(4);
  });

  it("model unavailable: switches to the fallback model once", async () => {
    fal.script({ kind: "submit-error", status: 503, body: { detail: "Application is temporarily unavailable" } });
    const clip = await provider().textToVideo(request(), options());
    expect(fal.submissions.map((submission) => submission.model)).toEqual([
      "fal-ai/minimax-video",
      "fal-ai/luma-dream-machine",
    ]);
    expect(clip.model).toBe("fal-ai/luma-dream-machine");
    expect(fal.submissions[1]!.body).toMatchObject({ aspect_ratio: "16:9", resolution: "720p" });

    fal.submissions.length = 0;
    fal.script(
      { kind: "submit-error", status: 404, body: { detail: "Not found" } },
      { kind: "submit-error", status: 503, body: {} },
    );
    const error = await failure(provider().textToVideo(request(), options()));
    expect(error.code).toBe("PROVIDER");
    expect(fal.submissions).toHaveLength(2);
  });

  it("content policy: fails at once with a message for the user", async () => {
    fal.script({
      kind: "result-error",
      status: 422,
      body: {
        detail: [
          { loc: ["body", "prompt"], msg: "The content could not be processed", type: "content_policy_violation" },
        ],
      },
    });
    const error = await failure(provider().textToVideo(request(), options()));
    expect(error.code).toBe("CONTENT_POLICY");
    expect(error.message).toMatch(/content policy.*rephrase the prompt/);
    expect(fal.submissions).toHaveLength(1);
  });

  it("malformed answers fail clearly", async () => {
    fal.script({ kind: "malformed-result" });
    expect((await failure(provider().textToVideo(request(), options()))).message).toMatch(/malformed result/);
    fal.script({ kind: "malformed-status" });
    expect((await failure(provider().textToVideo(request(), options()))).message).toMatch(/malformed status/);
  });

  it("cancels the queued request when the caller aborts", async () => {
    fal.script({ kind: "never-finishes" });
    const controller = new AbortController();
    const error = await failure(
      provider().textToVideo(
        request(),
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

  it("a stop while the submission is in flight cancels the request FAL accepted, and never polls it", async () => {
    fal.script({ kind: "hang-submit", holdMs: 300 });
    const controller = new AbortController();
    const generating = failure(provider().textToVideo(request(), options({ signal: controller.signal })));
    await expect.poll(() => fal.submissions.length).toBe(1);
    const polled = fal.statusCalls.length;
    controller.abort();
    expect((await generating).code).toBe("CANCELLED");
    expect(fal.cancelled).toEqual([fal.submissions[0]!.requestId]);
    expect(fal.statusCalls).toHaveLength(polled);
  });

  it("refuses to download a result from a host that is neither allowed nor configured", async () => {
    const error = await failure(
      provider({ urlPolicy: { allowedHosts: ["*.fal.media"], trustedHosts: [] } }).textToVideo(request(), options()),
    );
    expect(error.code).toBe("UNSAFE_URL");
  });

  it("never puts the key in logs or errors, and names the variable when it is wrong", async () => {
    const limited = { kind: "submit-error", status: 429, body: { detail: "Rate limit exceeded" } } as const;
    fal.script(limited, limited, limited, limited, limited);
    const errors = [await failure(provider().textToVideo(request(), options()))];
    const wrong = await failure(provider({ apiKey: `${KEY}-revoked` }).textToVideo(request(), options()));
    expect(wrong.code).toBe("CONFIG");
    expect(wrong.field).toBe("FAL_KEY");
    errors.push(wrong);
    expect(fal.authorizations).toContain(`Key ${KEY}`);
    const seen = [...logs, ...errors.flatMap((error) => [error.message, String(error.cause ?? "")])].join("\n");
    expect(seen).not.toContain(KEY);
    expect(logs.length).toBeGreaterThan(0);
  });
});
