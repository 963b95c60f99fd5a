/** One price rule: the estimate before a request and the cost recorded on its clips agree for every model. */
import { describe, expect, it } from "vitest";
import { FAL_DEFAULT_MODELS, FAL_PRICES_USD_PER_SECOND, LOCAL_VIDEO_MODEL, loadConfig } from "../../src/config.js";
import { clipCostUsd, modelFor } from "../../src/departments/video/planner/cost.js";
import type { GenerationMethod } from "../../src/domain.js";
import { estimateRequestCost } from "../../src/orchestrator/nodes/cost.js";
import { recordedCostUsd } from "../../src/providers/video/fal/media.js";
import { modelCostUsd, registryEntry } from "../../src/providers/video/fal/registry.js";
import { falOptionsFrom } from "../../src/providers/video/fal/settings.js";
import { costAtRate, listedPricePerSecond, videoCostUsd } from "../../src/providers/video/pricing.js";
import { createTestRuntime } from "../helpers/runtime.js";

const METHODS: GenerationMethod[] = ["text-to-video", "image-to-video", "first-last-frame", "composite-to-video"];
const VARIABLE: Record<GenerationMethod, string> = {
  "text-to-video": "FAL_AI_TEXT_TO_VIDEO",
  "image-to-video": "FAL_AI_IMAGE_TO_VIDEO",
  "first-last-frame": "FAL_AI_FIRST_LAST_TO_VIDEO",
  "composite-to-video": "FAL_AI_VIDEO_TO_VIDEO",
};
const quiet = { info: () => {}, warn: () => {} };

/** What the FAL adapter records for a clip of `seconds` that rendered at that length. */
function falRecorded(model: string, seconds: number, prices: Record<string, number>): number {
  return recordedCostUsd(model, seconds, seconds, prices);
}

describe("the price rule", () => {
  it("takes the longest listed prefix of the model id", () => {
    const prices = { "fal-ai/kling-video": 0.2, "fal-ai/kling-video/v1/pro": 0.3 };
    expect(listedPricePerSecond("fal-ai/kling-video/v1/pro/image-to-video", prices)).toBe(0.3);
    expect(listedPricePerSecond("fal-ai/kling-video/v1/standard/image-to-video", prices)).toBe(0.2);
    expect(listedPricePerSecond("fal-ai/other", prices)).toBeNull();
    expect(videoCostUsd("fal-ai/other", 5, prices)).toBe(0);
  });

  it("prices fal-ai/minimax-video-01-live the same before and after: $0.085 a second", () => {
    const model = "fal-ai/minimax-video-01-live";
    const config = loadConfig({ FAL_KEY: "k", FAL_AI_TEXT_TO_VIDEO: model });
    expect(modelFor(config, "text-to-video")).toBe(model);
    expect(clipCostUsd(config, "text-to-video", 5)).toBe(0.425);
    expect(falRecorded(model, 5, falOptionsFrom(config, quiet).pricesPerSecond)).toBe(0.425);
  });

  it("gives the estimate and the recorded cost for every default model and the local renderer", () => {
    const config = loadConfig({ FAL_KEY: "k" });
    const options = falOptionsFrom(config, quiet);
    const fallbacks = Object.values(options.fallbackModels).filter((model): model is string => model !== null);
    const models = new Set<string>([...Object.values(FAL_DEFAULT_MODELS), ...fallbacks]);
    for (const model of models) {
      // Every default and fallback is in the registry, priced by its own rule.
      const entry = registryEntry(model);
      expect(entry, model).not.toBeNull();
      expect(listedPricePerSecond(model, FAL_PRICES_USD_PER_SECOND), model).toBeNull();
      for (const seconds of [1, 2.5, 5, 4.041667]) {
        const method = METHODS.find((candidate) => modelFor(config, candidate) === model);
        const estimate = method
          ? clipCostUsd(config, method, seconds)
          : clipCostUsd(loadConfig({ FAL_KEY: "k", FAL_AI_TEXT_TO_VIDEO: model }), "text-to-video", seconds);
        expect(estimate, `${model} ${seconds}s`).toBe(falRecorded(model, seconds, options.pricesPerSecond));
        expect(estimate).toBe(modelCostUsd(entry!, { seconds }));
        expect(estimate).toBeGreaterThan(0);
      }
    }
    const local = loadConfig({});
    for (const method of METHODS) expect(clipCostUsd(local, method, 5)).toBe(0);
    expect(modelFor(local, "text-to-video")).toBe(LOCAL_VIDEO_MODEL);
  });

  it("uses CUTROOM_PRICES over the list prices, for the estimate and the recorded cost alike", () => {
    const overrides = {
      "fal-ai/minimax-video": 0.12,
      "fal-ai/kling-video/o3/standard/image-to-video": 0.07,
      "fal-ai/veo3.1": 0.09,
      "acme/new-model": 0.2,
      [LOCAL_VIDEO_MODEL]: 0.01,
    };
    const env = {
      FAL_KEY: "k",
      CUTROOM_PRICES: JSON.stringify(overrides),
      FAL_AI_TEXT_TO_VIDEO: "fal-ai/minimax-video",
      FAL_AI_VIDEO_TO_VIDEO: "acme/new-model-2",
    };
    const config = loadConfig(env);
    const prices = falOptionsFrom(config, quiet).pricesPerSecond;
    const expected: Record<GenerationMethod, number> = {
      "text-to-video": 0.12,
      "image-to-video": 0.07,
      "first-last-frame": 0.09,
      "composite-to-video": 0.2,
    };
    for (const method of METHODS) {
      const model = config.env[VARIABLE[method] as keyof typeof config.env] as string | undefined;
      expect(clipCostUsd(config, method, 3)).toBe(costAtRate(expected[method], 3));
      expect(clipCostUsd(config, method, 3)).toBe(falRecorded(model ?? modelFor(config, method), 3, prices));
    }
    const local = loadConfig({ CUTROOM_PRICES: JSON.stringify(overrides) });
    expect(clipCostUsd(local, "text-to-video", 4)).toBe(0.04);
  });

  it("estimates a request as the sum of what its clips and reference images will be recorded at", async () => {
    const text = "generate Sarah walking in the park for 4 seconds";
    // FAL for video and images: Sarah's master and turnaround, the park's plate and the shot's composite are
    // made first, then the clip is made composite-to-video.
    const paid = await createTestRuntime({ env: { FAL_KEY: "k" } });
    try {
      const { config, image } = paid.runtime;
      const images =
        image.priceOf("character-master") +
        image.priceOf("character-turnaround") +
        image.priceOf("location-master") +
        image.priceOf("shot-composite");
      expect(images).toBeGreaterThan(0);
      expect(await estimateRequestCost(paid.runtime, text)).toBeCloseTo(
        clipCostUsd(config, "composite-to-video", 4) + images,
        6,
      );
    } finally {
      await paid.cleanup();
    }
    // A paid video model with images kept local is never sent the drawn plate: the clip is made from text.
    // (Text on another model than composites, so the two estimates tell the methods apart.)
    const textOnly = await createTestRuntime({
      env: { FAL_KEY: "k", CUTROOM_IMAGES: "local", FAL_AI_TEXT_TO_VIDEO: "fal-ai/veo3.1" },
    });
    try {
      const { config } = textOnly.runtime;
      expect(clipCostUsd(config, "text-to-video", 4)).not.toBe(clipCostUsd(config, "composite-to-video", 4));
      expect(await estimateRequestCost(textOnly.runtime, text)).toBe(clipCostUsd(config, "text-to-video", 4));
    } finally {
      await textOnly.cleanup();
    }
    // The local renderer composes from the plate, priced as configured.
    const local = await createTestRuntime({ env: { CUTROOM_PRICES: JSON.stringify({ [LOCAL_VIDEO_MODEL]: 0.01 }) } });
    try {
      expect(await estimateRequestCost(local.runtime, text)).toBe(
        clipCostUsd(local.runtime.config, "composite-to-video", 4),
      );
    } finally {
      await local.cleanup();
    }
  });
});
