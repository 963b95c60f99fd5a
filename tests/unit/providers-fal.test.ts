/** Pure parts of the real adapters: URL safety, FAL input mapping and revision, error rows, prices, config. */
import { ApiError, ValidationError } from "@fal-ai/client";
import { describe, expect, it } from "vitest";
import { FAL_DEFAULT_MODELS, FAL_PRICES_USD_PER_SECOND, loadConfig } from "../../src/config.js";
import type { ClipRequest } from "../../src/domain.js";
import { assertSafeUrl, isPrivateAddress } from "../../src/net/safe-fetch.js";
import { classify, FalStatusError, FalTimeoutError } from "../../src/providers/video/fal/errors.js";
import { pricePerSecond } from "../../src/providers/video/fal/media.js";
import { aspectRatioOf, familyOf, reviseInput, sanitizePrompt } from "../../src/providers/video/fal/models.js";
import { falOptionsFrom } from "../../src/providers/video/fal/settings.js";
import { settingsForEmotion } from "../../src/providers/voice/elevenlabs/provider.js";

const quiet = { info: () => {}, warn: () => {} };

describe("URL safety", () => {
  it("knows private, loopback, link-local and mapped addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it("allows https from allowed hosts only, checks what they resolve to, trusts configured hosts", async () => {
    const policy = { allowedHosts: ["*.fal.media"], trustedHosts: ["127.0.0.1:8080"] };
    const publicLookup = async () => ["34.1.2.3"];
    await expect(assertSafeUrl("https://v3.fal.media/files/a.mp4", policy, publicLookup)).resolves.toBeInstanceOf(URL);
    const refused = async (url: string, lookup = publicLookup) =>
      expect(assertSafeUrl(url, policy, lookup)).rejects.toMatchObject({ code: "UNSAFE_URL" });
    await refused("http://v3.fal.media/files/a.mp4");
    await refused("https://evil.example.com/a.mp4");
    await refused("https://fal.media.evil.com/a.mp4");
    await refused("https://v3.fal.media/a.mp4", async () => ["169.254.169.254"]);
    await refused("https://user:pass@v3.fal.media/a.mp4");
    await refused("file:///etc/passwd");
    await refused("http://127.0.0.1:9999/a.mp4");
    await expect(assertSafeUrl("http://127.0.0.1:8080/files/a.mp4", policy)).resolves.toBeInstanceOf(URL);
  });
});

const request: ClipRequest = {
  method: "image-to-video",
  prompt: "Sarah waves",
  negativePrompt: "blur",
  durationSeconds: 3,
  width: 1280,
  height: 720,
  fps: 24,
  seed: 3,
  action: "wave",
  camera: "static",
  motionStrength: 0.5,
  characters: [],
  location: null,
  sourceImage: null,
  firstFrame: null,
  lastFrame: null,
  compositeImage: null,
  caption: null,
};
const media = { image: "https://v3.fal.media/a.png", firstFrame: null, lastFrame: null, video: null };

describe("FAL model mapping", () => {
  it("maps each family's fields", () => {
    expect(familyOf("fal-ai/minimax-video").build(request, media, "standard")).toEqual({
      prompt: "Sarah waves.",
      image_url: media.image,
      prompt_optimizer: true,
    });
    expect(familyOf("fal-ai/kling-video/v1/standard/image-to-video").build(request, media, "draft")).toMatchObject({
      duration: "5",
      aspect_ratio: "16:9",
      negative_prompt: "blur",
      cfg_scale: 0.3,
    });
    expect(
      familyOf("fal-ai/runway-gen3/turbo/image-to-video").build(
        { ...request, width: 720, height: 1280 },
        media,
        "standard",
      ),
    ).toMatchObject({ ratio: "9:16", duration: 5, seed: 3 });
    expect(familyOf("fal-ai/luma-video-to-video").videoInput).toBe(true);
    expect(familyOf("someone/new-model").name).toBe("generic");
    expect(aspectRatioOf({ width: 500, height: 500 })).toBe("1:1");
  });

  it("revises rejected input: drops optional fields, resets duration, cleans the prompt, stops when nothing changes", () => {
    const kling = familyOf("fal-ai/kling-video/v1/standard/image-to-video");
    const input = kling.build(request, media, "standard");
    expect(reviseInput(input, kling, [{ field: "negative_prompt", message: "bad" }])).not.toHaveProperty(
      "negative_prompt",
    );
    expect(reviseInput({ ...input, duration: "7" }, kling, [{ field: "duration", message: "bad" }])).toMatchObject({
      duration: "5",
    });
    const minimax = familyOf("fal-ai/minimax-video");
    expect(reviseInput({ prompt: "ok" }, minimax, [{ field: "image_url", message: "bad" }])).toBeNull();
    expect(sanitizePrompt("Sarah\u0000 walks\n\n\tin  the park")).toBe("Sarah walks in the park");
  });

  it("sorts failures into the design's rows", () => {
    expect(classify(new FalStatusError(429, { detail: "slow down" }, 3))).toMatchObject({
      kind: "rate-limit",
      retryAfterSeconds: 3,
    });
    expect(classify(new FalStatusError(503, {}, null)).kind).toBe("unavailable");
    expect(classify(new ApiError({ message: "nf", status: 404, body: {} })).kind).toBe("unavailable");
    expect(classify(new FalStatusError(502, {}, null)).kind).toBe("transient");
    expect(classify(new FalTimeoutError("late")).kind).toBe("timeout");
    const invalid = classify(
      new ValidationError({
        message: "bad",
        status: 422,
        body: { detail: [{ loc: ["body", "duration"], msg: "no", type: "value_error" }] },
      }),
    );
    expect(invalid).toMatchObject({ kind: "invalid-input", problems: [{ field: "duration" }] });
    const policy = new ValidationError({
      message: "x",
      status: 422,
      body: { detail: [{ loc: ["body", "prompt"], msg: "flagged", type: "content_policy_violation" }] },
    });
    expect(classify(policy).kind).toBe("content-policy");
    expect(classify(new ApiError({ message: "no", status: 401, body: {} })).kind).toBe("auth");
  });

  it("prices by the longest listed prefix", () => {
    expect(pricePerSecond("fal-ai/kling-video/v1/standard/image-to-video", FAL_PRICES_USD_PER_SECOND)).toBe(0.045);
    expect(pricePerSecond("fal-ai/minimax-video", FAL_PRICES_USD_PER_SECOND)).toBe(0.085);
    // A variant of a listed family is priced like it, as the estimate prices it, never recorded as free.
    expect(pricePerSecond("fal-ai/minimax-video-01-live", FAL_PRICES_USD_PER_SECOND)).toBe(0.085);
    expect(pricePerSecond("acme/unlisted-video", FAL_PRICES_USD_PER_SECOND)).toBeNull();
  });
});

describe("real adapter configuration", () => {
  it("chooses fal, elevenlabs and s3 from their variables, and never puts key values in the reasons", () => {
    const config = loadConfig({
      FAL_KEY: "fal-secret-1",
      ELEVENLABS_API_KEY: "xi-secret-2",
      R2_BUCKET_NAME: "media",
      R2_ACCESS_KEY_ID: "a",
      R2_SECRET_ACCESS_KEY: "s3-secret-3",
    });
    expect(Object.fromEntries(config.adapters.map((choice) => [choice.port, choice.adapter]))).toMatchObject({
      video: "fal",
      voice: "elevenlabs",
      objectStore: "s3",
    });
    const reasons = JSON.stringify(config.adapters);
    for (const secret of ["fal-secret-1", "xi-secret-2", "s3-secret-3"]) expect(reasons).not.toContain(secret);
  });

  it("reads models, fallbacks, timeouts and trusted hosts from the environment", () => {
    const config = loadConfig({
      FAL_API_KEY: "k",
      FAL_BASE_URL: "http://127.0.0.1:9000",
      FAL_AI_TEXT_TO_VIDEO: "fal-ai/kling-video/v1/standard/text-to-video",
      CUTROOM_FAL_FALLBACK_MODEL: "fal-ai/luma-dream-machine",
      CUTROOM_FAL_TIMEOUT_MS: "5000",
      CUTROOM_FETCH_ALLOWED_HOSTS: "cdn.example.com",
    });
    const options = falOptionsFrom(config, quiet);
    expect(options).toMatchObject({ apiKey: "k", baseUrl: "http://127.0.0.1:9000", timeoutMs: 5000 });
    expect(options.models["text-to-video"]).toBe("fal-ai/kling-video/v1/standard/text-to-video");
    expect(options.models["image-to-video"]).toBe(FAL_DEFAULT_MODELS["image-to-video"]);
    expect(options.fallbackModels["composite-to-video"]).toBe("fal-ai/luma-dream-machine");
    expect(options.urlPolicy).toMatchObject({ trustedHosts: ["127.0.0.1:9000"] });
    expect(options.urlPolicy.allowedHosts).toContain("cdn.example.com");
    expect(falOptionsFrom(loadConfig({ FAL_KEY: "k", FAL_BASE_URL: "https://fal.run" }), quiet).baseUrl).toBeNull();
    expect(() => loadConfig({ CUTROOM_FAL_TIMEOUT_MS: "10" })).toThrow(/CUTROOM_FAL_TIMEOUT_MS/);
  });

  it("maps emotions to ElevenLabs voice settings, unknown ones to neutral", () => {
    expect(settingsForEmotion("ANGRY")).toMatchObject({ stability: 0.3, style: 0.7 });
    expect(settingsForEmotion("bewildered")).toEqual(settingsForEmotion("neutral"));
  });
});
