/** The FAL model registry: each entry's lengths, shapes, fields and price rule, as data the adapter and planner use. */
import { describe, expect, it } from "vitest";
import { FAL_DEFAULT_MODELS } from "../../src/config.js";
import type { ClipRequest } from "../../src/domain.js";
import { familyOf, type FalMedia } from "../../src/providers/video/fal/models.js";
import {
  aspectOfSize,
  lengthsInWords,
  MODEL_REGISTRY,
  modelCostUsd,
  registryEntry,
  renderedSeconds,
  unsuitability,
} from "../../src/providers/video/fal/registry.js";
import { videoCostUsd } from "../../src/providers/video/pricing.js";

const request: ClipRequest = {
  method: "image-to-video",
  prompt: "Sarah walks through the park",
  negativePrompt: "blurry",
  durationSeconds: 5,
  width: 720,
  height: 1280,
  fps: 24,
  seed: 7,
  action: "walk",
  camera: "static",
  motionStrength: 0.6,
  characters: [],
  location: null,
  sourceImage: "/tmp/a.png",
  firstFrame: null,
  lastFrame: null,
  compositeImage: null,
  caption: null,
};
const media: FalMedia = {
  image: "https://fal.media/a.png",
  firstFrame: null,
  lastFrame: "https://fal.media/z.png",
  video: null,
};

describe("model registry", () => {
  it("lists every entry once, with a cited source, a price rule and the tasks it serves", () => {
    const ids = MODEL_REGISTRY.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of MODEL_REGISTRY) {
      expect(entry.source, entry.id).toMatch(/^https:\/\/fal\.ai\//);
      expect(entry.tasks.length).toBeGreaterThan(0);
      expect(entry.resolutions).toContain(entry.defaultResolution);
    }
    for (const model of Object.values(FAL_DEFAULT_MODELS)) expect(registryEntry(model), model).not.toBeNull();
  });

  it("renders the shortest allowed length at least as long as asked, or refuses", () => {
    const veo = registryEntry("fal-ai/veo3.1")!;
    expect(renderedSeconds(veo, 5)).toBe(6);
    expect(renderedSeconds(veo, 2)).toBe(4);
    expect(renderedSeconds(veo, 8)).toBe(8);
    expect(renderedSeconds(veo, 9)).toBeNull();
    expect(lengthsInWords(veo)).toBe("4, 6 or 8 s");
    const kling = registryEntry("fal-ai/kling-video/v3/standard/text-to-video")!;
    expect(renderedSeconds(kling, 4.2)).toBe(5);
    expect(renderedSeconds(kling, 1)).toBe(3);
    expect(renderedSeconds(kling, 16)).toBeNull();
  });

  it("prices per second by resolution and sound, per clip by length tier", () => {
    const veo = registryEntry("fal-ai/veo3.1")!;
    expect(modelCostUsd(veo, { seconds: 5 })).toBe(1.2); // billed 6 s at $0.20
    expect(modelCostUsd(veo, { seconds: 5, audio: true })).toBe(2.4);
    expect(modelCostUsd(veo, { seconds: 8, resolution: "4k", audio: true })).toBe(4.8);
    const hailuo = registryEntry("fal-ai/minimax/hailuo-2.3/standard/text-to-video")!;
    expect(modelCostUsd(hailuo, { seconds: 4 })).toBe(0.28);
    expect(modelCostUsd(hailuo, { seconds: 7 })).toBe(0.56);
    expect(modelCostUsd(hailuo, { seconds: 11 })).toBeNull();
    const seedance = registryEntry("bytedance/seedance-2.0/fast/text-to-video")!;
    expect(modelCostUsd(seedance, { seconds: 5, audio: true })).toBe(modelCostUsd(seedance, { seconds: 5 }));
    // The shared rule: a listed per-second override wins over the registry's.
    expect(videoCostUsd("fal-ai/veo3.1", 5, {})).toBe(1.2);
    expect(videoCostUsd("fal-ai/veo3.1", 5, { "fal-ai/veo3.1": 0.1 })).toBe(0.5);
  });

  it("builds a model's input from its own field names, length format and shape", () => {
    const o3 = familyOf("fal-ai/kling-video/o3/standard/image-to-video").build(request, media, "standard");
    expect(o3).toEqual({
      prompt: expect.stringContaining("Sarah walks through the park"),
      duration: "5",
      image_url: "https://fal.media/a.png",
      end_image_url: "https://fal.media/z.png",
      generate_audio: false,
    });
    const veo = familyOf("fal-ai/veo3.1/fast/first-last-frame-to-video").build(
      { ...request, method: "first-last-frame" },
      { ...media, image: null, firstFrame: "https://fal.media/a.png" },
      "draft",
    );
    expect(veo).toMatchObject({
      duration: "6s",
      first_frame_url: "https://fal.media/a.png",
      last_frame_url: "https://fal.media/z.png",
      aspect_ratio: "9:16",
      resolution: "720p",
      seed: 7,
      negative_prompt: "blurry",
    });
    const hailuo = familyOf("fal-ai/minimax/hailuo-2.3/standard/text-to-video").build(
      { ...request, method: "text-to-video", durationSeconds: 3 },
      { image: null, firstFrame: null, lastFrame: null, video: null },
      "standard",
    );
    expect(hailuo).toEqual({ prompt: expect.any(String), duration: "6", prompt_optimizer: true });
  });

  it("says what a model cannot do, naming it and its limit", () => {
    const veo = registryEntry("fal-ai/veo3.1")!;
    expect(unsuitability(veo, { task: "text-to-video", seconds: 6, aspectRatio: "9:16" })).toEqual([]);
    expect(unsuitability(veo, { task: "image-to-video", seconds: 12, aspectRatio: "1:1" })).toEqual([
      "fal-ai/veo3.1 does not do image-to-video (it does text-to-video)",
      "fal-ai/veo3.1 renders 4, 6 or 8 s, not 12 s",
      "fal-ai/veo3.1 renders 16:9, 9:16, not 1:1",
    ]);
    expect(aspectOfSize(1280, 720)).toBe("16:9");
    expect(aspectOfSize(720, 1280)).toBe("9:16");
    expect(aspectOfSize(1080, 1080)).toBe("1:1");
  });
});
