/** Pure parts of the image port: model, price and adapter choice from the environment, input mapping, errors, specs. */
import { describe, expect, it } from "vitest";
import { FAL_IMAGE_PRICES_USD_PER_IMAGE, loadConfig } from "../../src/config.js";
import { lookForLocation, profileForCharacter } from "../../src/brain/profiles.js";
import { isCutroomError } from "../../src/errors.js";
import { specToArgs } from "../../src/media/runner.js";
import { imageFamilyOf, imageResultUrl, nearestAspectRatio, routeOf } from "../../src/providers/image/fal/models.js";
import { FalImageProvider } from "../../src/providers/image/fal/provider.js";
import { falImageOptionsFrom } from "../../src/providers/image/fal/settings.js";
import { compositeSpec, openingWindow, turnaroundSpec } from "../../src/providers/image/local-specs.js";
import { LocalImageProvider } from "../../src/providers/image/local.js";
import type { ImageRequest } from "../../src/providers/image/types.js";
import { classify, FalStatusError, toCutroomError } from "../../src/providers/video/fal/errors.js";
import { reviseInput } from "../../src/providers/video/fal/models.js";
import { imageCostUsd } from "../../src/providers/video/pricing.js";
import { createImageProvider } from "../../src/runtime.js";

const quiet = { info: () => {}, warn: () => {} };
const sarah = { name: "Sarah", profile: profileForCharacter("Sarah") };
const park = { name: "park", look: lookForLocation("park"), layoutSeed: 41 };

function request(overrides: Partial<ImageRequest> = {}): ImageRequest {
  return {
    subject: { kind: "character-master", character: sarah },
    prompt: "Sarah, full body, front on, plain grey background",
    negativePrompt: "blurry",
    references: [],
    width: 768,
    height: 432,
    seed: 11,
    ...overrides,
  };
}

describe("image models, prices and adapter from the environment", () => {
  it("runs the local renderer without FAL and FAL with a key, listed by doctor as the image port", () => {
    const local = loadConfig({});
    expect(local.adapters.find((choice) => choice.port === "image")).toMatchObject({ adapter: "local-renderer" });
    expect(createImageProvider(local, quiet)).toBeInstanceOf(LocalImageProvider);
    const paid = loadConfig({ FAL_KEY: "fal-secret", FAL_BASE_URL: "http://127.0.0.1:9" });
    expect(paid.adapters.find((choice) => choice.port === "image")).toMatchObject({ adapter: "fal" });
    const provider = createImageProvider(paid, quiet);
    expect(provider).toBeInstanceOf(FalImageProvider);
    expect(provider.drawsLocally).toBe(false);
    expect(JSON.stringify(paid.adapters)).not.toContain("fal-secret");
  });

  it("defaults to flux/dev and nano-banana-2/edit with per-route fallbacks, all overridable", () => {
    const defaults = falImageOptionsFrom(loadConfig({ FAL_KEY: "k" }), quiet);
    expect(defaults.models).toEqual({ "text-to-image": "fal-ai/flux/dev", edit: "fal-ai/nano-banana-2/edit" });
    expect(defaults.fallbackModels).toEqual({
      "text-to-image": "fal-ai/flux-pro/v1.1",
      edit: "fal-ai/flux-pro/kontext/multi",
    });
    const chosen = falImageOptionsFrom(
      loadConfig({
        FAL_KEY: "k",
        FAL_AI_TEXT_TO_IMAGE: "fal-ai/nano-banana-2",
        FAL_AI_IMAGE_EDIT: "fal-ai/bytedance/seedream/v4/edit",
        CUTROOM_FAL_IMAGE_FALLBACK_MODEL: "fal-ai/flux-pro/kontext/multi",
      }),
      quiet,
    );
    expect(chosen.models).toEqual({
      "text-to-image": "fal-ai/nano-banana-2",
      edit: "fal-ai/bytedance/seedream/v4/edit",
    });
    expect(chosen.fallbackModels).toEqual({
      "text-to-image": "fal-ai/flux-pro/kontext/multi",
      edit: "fal-ai/flux-pro/kontext/multi",
    });
    expect(() => falImageOptionsFrom(loadConfig({ FAL_BASE_URL: "http://127.0.0.1:9" }), quiet)).toThrow(/FAL_KEY/);
  });

  it("prices an image by the longest listed prefix, with CUTROOM_IMAGE_PRICES on top and the local renderer free", () => {
    const config = loadConfig({ CUTROOM_IMAGE_PRICES: '{"fal-ai/flux":0.01,"local-renderer":0.002}' });
    expect(config.imagePrices).toMatchObject({ ...FAL_IMAGE_PRICES_USD_PER_IMAGE, "fal-ai/flux": 0.01 });
    expect(imageCostUsd("fal-ai/flux/dev", config.imagePrices)).toBe(0.025);
    expect(imageCostUsd("fal-ai/flux/schnell", config.imagePrices)).toBe(0.01);
    expect(imageCostUsd("fal-ai/nano-banana-2/edit", config.imagePrices)).toBe(0.08);
    expect(imageCostUsd("fal-ai/flux-pro/kontext/multi", config.imagePrices)).toBe(0.04);
    expect(imageCostUsd("acme/unlisted", config.imagePrices)).toBe(0);
    expect(imageCostUsd("local-renderer", loadConfig({}).imagePrices)).toBe(0);
    expect(createImageProvider(config, quiet).priceOf("character-master")).toBe(0.002);
    for (const text of ["not json", '{"fal-ai/flux/dev":-1}']) {
      let thrown: unknown;
      try {
        loadConfig({ CUTROOM_IMAGE_PRICES: text });
      } catch (error) {
        thrown = error;
      }
      expect(isCutroomError(thrown, "CONFIG") && thrown.field).toBe("CUTROOM_IMAGE_PRICES");
    }
  });

  it("estimates each kind at the model its route goes to", () => {
    const provider = new FalImageProvider(falImageOptionsFrom(loadConfig({ FAL_KEY: "k" }), quiet));
    expect(provider.priceOf("character-master")).toBe(0.025);
    expect(provider.priceOf("location-master")).toBe(0.025);
    expect(provider.priceOf("character-turnaround")).toBe(0.08);
    expect(provider.priceOf("shot-composite")).toBe(0.08);
  });

  it("refuses a model id that is not owner/model[/path]", () => {
    const options = falImageOptionsFrom(loadConfig({ FAL_KEY: "k" }), quiet);
    expect(() => new FalImageProvider({ ...options, models: { ...options.models, edit: "https://evil/x" } })).toThrow(
      /owner\/model/,
    );
  });
});

describe("FAL image input mapping", () => {
  it("sends masters to text-to-image, and turnarounds and composites with references to the edit model", () => {
    expect(routeOf("character-master", 0)).toBe("text-to-image");
    expect(routeOf("location-master", 2)).toBe("text-to-image");
    expect(routeOf("character-turnaround", 1)).toBe("edit");
    expect(routeOf("shot-composite", 3)).toBe("edit");
    expect(routeOf("shot-composite", 0)).toBe("text-to-image");
  });

  it("gives FLUX [dev] a pixel size and steps, halved for a draft, and no image URLs", () => {
    const family = imageFamilyOf("fal-ai/flux/dev");
    const input = family.build(request(), [], "standard");
    expect(input).toEqual({
      prompt: "Sarah, full body, front on, plain grey background Avoid: blurry.",
      image_size: { width: 768, height: 432 },
      num_inference_steps: 28,
      seed: 11,
      num_images: 1,
      output_format: "png",
      enable_safety_checker: true,
    });
    expect(family.build(request(), [], "draft").num_inference_steps).toBe(14);
  });

  it("gives nano-banana edit the uploaded references in order and the nearest listed aspect ratio", () => {
    const urls = ["https://v3.fal.media/files/a.png", "https://v3.fal.media/files/b.png"];
    const input = imageFamilyOf("fal-ai/nano-banana-2/edit").build(request({ negativePrompt: null }), urls, "standard");
    expect(input).toEqual({
      prompt: "Sarah, full body, front on, plain grey background",
      image_urls: urls,
      aspect_ratio: "16:9",
      seed: 11,
      num_images: 1,
      output_format: "png",
    });
    expect(
      imageFamilyOf("fal-ai/flux-pro/kontext/multi").build(request({ width: 512, height: 512 }), urls, "standard"),
    ).toMatchObject({ image_urls: urls, aspect_ratio: "1:1" });
    expect(imageFamilyOf("acme/other-image").build(request(), [], "standard")).toMatchObject({
      negative_prompt: "blurry",
      image_size: { width: 768, height: 432 },
    });
    expect(imageFamilyOf("acme/other-image").build(request(), [], "standard")).not.toHaveProperty("image_urls");
    expect(nearestAspectRatio({ width: 432, height: 768 }, ["16:9", "1:1", "9:16"])).toBe("9:16");
  });

  it("revises a rejected input by dropping the optional field the model named", () => {
    const family = imageFamilyOf("fal-ai/flux/dev");
    const input = family.build(request(), [], "standard");
    const revised = reviseInput(input, family, [{ field: "num_inference_steps", message: "not allowed" }]);
    expect(revised).not.toBeNull();
    expect(revised).not.toHaveProperty("num_inference_steps");
    expect(revised).toHaveProperty("image_size");
  });

  it("reads the first image's URL and refuses a result without one", () => {
    expect(imageResultUrl({ images: [{ url: "https://v3.fal.media/files/x.png", width: 1 }], seed: 2 })).toBe(
      "https://v3.fal.media/files/x.png",
    );
    expect(imageResultUrl({ images: [] })).toBeNull();
    expect(imageResultUrl({ video: { url: "https://v3.fal.media/files/x.mp4" } })).toBeNull();
  });

  it("maps a content-policy refusal to CONTENT_POLICY and an unavailable model to a fallback hint", () => {
    const policy = classify(
      new FalStatusError(
        422,
        { detail: [{ loc: ["body", "prompt"], msg: "flagged", type: "content_policy_violation" }] },
        null,
      ),
    );
    expect(policy.kind).toBe("content-policy");
    expect(toCutroomError(policy, "fal-ai/nano-banana-2/edit", 1)).toMatchObject({
      code: "CONTENT_POLICY",
      field: "prompt",
    });
    const unavailable = classify(new FalStatusError(503, { detail: "down" }, null));
    expect(unavailable.kind).toBe("unavailable");
    expect(toCutroomError(unavailable, "fal-ai/flux/dev", 1).message).toMatch(/fallback/);
  });
});

describe("local image specs", () => {
  it("lays four views of the figure side by side inside the sheet", () => {
    const spec = turnaroundSpec(sarah.profile, "/tmp/sheet.png", { width: 512, height: 256 });
    const graph = spec.filterComplex!;
    expect(graph.match(/overlay=/g)).toHaveLength(4);
    expect(graph).toContain("hflip");
    expect(graph).toContain("colorchannelmixer");
    const xs = [...graph.matchAll(/overlay=x=(\d+):y=(\d+)/g)].map((match) => Number(match[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(Math.max(...xs)).toBeLessThan(512);
    expect(specToArgs(spec)).toContain("[vout]");
  });

  it("puts no request text into a composite's filter graph", () => {
    const hostile = { name: "Sa'rah:[x],;", profile: sarah.profile };
    const spec = compositeSpec(
      {
        kind: "shot-composite",
        characters: [hostile, sarah],
        location: { ...park, name: "pa'rk=1" },
        action: "wave",
        camera: "pan-left",
      },
      "/tmp/composite.png",
      { width: 640, height: 360 },
      5,
    );
    expect(spec.filterComplex).not.toMatch(/Sa'rah|pa'rk|Sarah/);
    expect(spec.filterComplex!.match(/overlay=/g)).toHaveLength(2);
    expect(spec.filterComplex).toMatch(/crop=640:360:\d+:\d+,scale=640:360/);
  });

  it("opens each camera move where the animatic starts it", () => {
    const framing = { canvasWidth: 800, canvasHeight: 450, frameX: 80, frameY: 45, frameWidth: 640, frameHeight: 360 };
    expect(openingWindow("static", framing)).toEqual({ x: 80, y: 45, width: 640, height: 360 });
    expect(openingWindow("pan-right", framing).x).toBe(0);
    expect(openingWindow("pan-left", framing).x).toBe(160);
    expect(openingWindow("dolly-out", framing).width).toBeLessThan(640);
  });
});
