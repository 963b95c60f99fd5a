/**
 * What the adapters record a clip as costing is what the estimate said: the real FAL adapter (configured
 * as the runtime configures it, against the wire-level fake) and the priced local renderer, for every
 * default model, the fallbacks, a listed family's variant and CUTROOM_PRICES overrides.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAL_DEFAULT_MODELS, LOCAL_VIDEO_MODEL, loadConfig } from "../../src/config.js";
import { clipCostUsd, priceOfModel } from "../../src/departments/video/planner/cost.js";
import type { ClipRequest, GenerationMethod } from "../../src/domain.js";
import { probe } from "../../src/media/runner.js";
import { FalVideoProvider } from "../../src/providers/video/fal/provider.js";
import { falOptionsFrom } from "../../src/providers/video/fal/settings.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import type { VideoProvider } from "../../src/providers/video/types.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderTestClip, renderTestImage } from "../fakes/media.js";
import { sarahInThePark } from "../helpers/fixtures.js";

const KEY = "fal-test-key-5f2c9e7d1b";
const VARIABLE: Record<GenerationMethod, string> = {
  "text-to-video": "FAL_AI_TEXT_TO_VIDEO",
  "image-to-video": "FAL_AI_IMAGE_TO_VIDEO",
  "first-last-frame": "FAL_AI_FIRST_LAST_TO_VIDEO",
  "composite-to-video": "FAL_AI_VIDEO_TO_VIDEO",
};
const OVERRIDES = JSON.stringify({ "fal-ai/minimax-video": 0.12, "acme/new-model": 0.2, [LOCAL_VIDEO_MODEL]: 0.03 });

/** Each method with the models it is priced for: its default, the fallbacks, a variant and an unlisted-family override. */
const CASES: Array<{ method: GenerationMethod; model: string; env?: Record<string, string> }> = [
  ...(Object.keys(FAL_DEFAULT_MODELS) as GenerationMethod[]).map((method) => ({
    method,
    model: FAL_DEFAULT_MODELS[method],
  })),
  { method: "text-to-video", model: "fal-ai/luma-dream-machine" },
  { method: "image-to-video", model: "fal-ai/luma-dream-machine/image-to-video" },
  { method: "text-to-video", model: "fal-ai/minimax-video-01-live" },
  { method: "text-to-video", model: "fal-ai/minimax-video-01-live", env: { CUTROOM_PRICES: OVERRIDES } },
  { method: "composite-to-video", model: "acme/new-model-2", env: { CUTROOM_PRICES: OVERRIDES } },
];

describe("recorded clip cost against the estimate", () => {
  let directory: string;
  let fal: FakeFal;
  let image: string;
  let billedSeconds: number;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-pricing-"));
    // The fake renders exactly the 2 s asked, so the seconds billed are the seconds estimated.
    const clip = await renderTestClip(directory, 2);
    billedSeconds = (await probe(clip)).durationSeconds;
    image = await renderTestImage(directory);
    fal = await startFakeFal({ apiKey: KEY, video: clip });
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });

  const generate = (provider: VideoProvider, method: GenerationMethod, request: ClipRequest) => {
    const options = { outputDir: join(directory, "out"), onProgress: null, signal: null };
    if (method === "text-to-video") return provider.textToVideo(request, options);
    if (method === "image-to-video") return provider.imageToVideo({ ...request, sourceImage: image }, options);
    if (method === "first-last-frame")
      return provider.firstLastFrame({ ...request, firstFrame: image, lastFrame: image }, options);
    return provider.compositeToVideo({ ...request, compositeImage: image }, options);
  };

  const named = CASES.map((item) => ({ ...item, prices: item.env ? "CUTROOM_PRICES" : "list prices" }));
  it.each(named)("$method on $model at $prices", async ({ method, model, env }) => {
    const config = loadConfig({
      FAL_KEY: KEY,
      FAL_BASE_URL: fal.url,
      CUTROOM_FAL_POLL_MS: "10",
      [VARIABLE[method]]: model,
      ...env,
    });
    const provider = new FalVideoProvider(falOptionsFrom(config, { info: () => {}, warn: () => {} }));
    const clip = await generate(provider, method, sarahInThePark({ method, durationSeconds: 2 }));
    expect(clip.model).toBe(model);
    expect(clip.costUsd).toBeGreaterThan(0);
    expect(clip.costUsd).toBe(clipCostUsd(config, method, billedSeconds));
  });

  it("the local renderer, free by default and priced when CUTROOM_PRICES says so", async () => {
    for (const env of [{}, { CUTROOM_PRICES: OVERRIDES }]) {
      const config = loadConfig(env);
      const provider = new LocalAnimaticProvider({ pricePerSecondUsd: priceOfModel(config, LOCAL_VIDEO_MODEL) });
      const clip = await generate(provider, "text-to-video", sarahInThePark({ durationSeconds: 2 }));
      expect(clip.costUsd).toBe(clipCostUsd(config, "text-to-video", clip.durationSeconds));
    }
    expect(clipCostUsd(loadConfig({ CUTROOM_PRICES: OVERRIDES }), "text-to-video", 2)).toBe(0.06);
  });
});
