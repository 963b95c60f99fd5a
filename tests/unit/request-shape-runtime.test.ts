import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { GenerationMethod } from "../../src/domain.js";
import { CutroomError } from "../../src/errors.js";
import { withChosenModel } from "../../src/departments/video/model-choice.js";
import {
  aspectRatioOf,
  withFrame,
  withRequestChoices,
  withRequestShape,
  withShape,
} from "../../src/departments/video/shape.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import type { Runtime } from "../../src/runtime.js";

const HAILUO = "fal-ai/minimax/hailuo-2.3/standard/text-to-video";

/** A runtime with only what shapes read: the config and the video port. */
function runtimeWith(env: Record<string, string>): Runtime {
  const config = loadConfig(env, "/tmp/cutroom-shape");
  const video = config.adapters.some((choice) => choice.port === "video" && choice.adapter === "fal")
    ? // Shapes read only which model each method is sent to.
      { name: "fal", acceptsDrawings: false, modelFor: (method: GenerationMethod) => modelsOf(env)[method] }
    : new LocalAnimaticProvider();
  return { config, video } as unknown as Runtime;
}

function modelsOf(env: Record<string, string>): Record<GenerationMethod, string> {
  return {
    "text-to-video": env.FAL_AI_TEXT_TO_VIDEO ?? "fal-ai/kling-video/v3/standard/text-to-video",
    "image-to-video": "fal-ai/kling-video/o3/standard/image-to-video",
    "first-last-frame": "fal-ai/veo3.1/fast/first-last-frame-to-video",
    "composite-to-video": "fal-ai/kling-video/o3/standard/image-to-video",
  };
}

describe("a request's shape as a view of the runtime", () => {
  it("keeps the configured short side and marks what asked for it", () => {
    const runtime = runtimeWith({});
    const vertical = withShape(runtime, "9:16", "--aspect");
    expect(vertical.config.video).toMatchObject({ width: 720, height: 1280, shapeFrom: "--aspect" });
    expect(withShape(runtime, "1:1", "--aspect").config.video).toMatchObject({ width: 720, height: 720 });
    expect(withShape(runtime, null, "--aspect")).toBe(runtime);
    // The configured runtime is left as it was.
    expect(runtime.config.video).toMatchObject({ width: 1280, height: 720 });
    expect(runtime.config.video.shapeFrom).toBeUndefined();
  });

  it("reads the words only when no field fixed the shape", () => {
    const runtime = runtimeWith({});
    const text = "generate Sarah waving on the beach, vertical for TikTok";
    expect(withRequestShape(runtime, text).config.video).toMatchObject({ width: 720, height: 1280 });
    expect(withRequestShape(runtime, "generate Sarah waving on the beach")).toBe(runtime);
    const square = withShape(runtime, "1:1", "parameters.aspectRatio");
    expect(withRequestShape(square, text).config.video).toMatchObject({ width: 720, height: 720 });
  });

  it("refuses a shape a configured FAL model cannot render, naming the field and what the model renders", () => {
    const runtime = runtimeWith({ FAL_KEY: "k", FAL_AI_TEXT_TO_VIDEO: HAILUO });
    let refusal: unknown = null;
    try {
      withShape(runtime, "9:16", "parameters.aspectRatio");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CutroomError);
    expect((refusal as CutroomError).code).toBe("INVALID_INPUT");
    expect((refusal as CutroomError).field).toBe("parameters.aspectRatio");
    expect((refusal as CutroomError).message).toMatch(/^parameters\.aspectRatio: 9:16 .*renders 16:9, not 9:16/);
    expect(() => withRequestShape(runtime, "Sarah waving, 9:16")).toThrowError(/request \("9:16"\)/);
    // 16:9 is one it renders; the local renderer renders any shape.
    expect(withShape(runtime, "16:9", "--aspect").config.video.width).toBe(1280);
    expect(withShape(runtimeWith({}), "9:16", "--aspect").config.video.height).toBe(1280);
  });

  it("checks a chosen model against the request's shape", () => {
    const runtime = runtimeWith({ FAL_KEY: "k" });
    expect(() =>
      withRequestChoices(runtime, {
        aspectRatio: "9:16",
        aspectField: "--aspect",
        model: HAILUO,
        modelField: "--model",
      }),
    ).toThrowError(/--model: .*renders 16:9, not 9:16 \(this request renders 720x1280\)/);
    const veo = withRequestChoices(runtime, {
      aspectRatio: "9:16",
      aspectField: "--aspect",
      model: "fal-ai/veo3.1",
      modelField: "--model",
    });
    expect(veo.config.video).toMatchObject({ width: 720, height: 1280 });
    expect(veo.video.modelFor("text-to-video")).toBe("fal-ai/veo3.1");
    // Veo renders 16:9 and 9:16 only.
    expect(() => withShape(withChosenModel(runtime, "fal-ai/veo3.1"), "1:1", "--aspect")).toThrowError(
      /--aspect: 1:1 .*fal-ai\/veo3\.1 renders 16:9, 9:16, not 1:1/,
    );
  });

  it("checks a caller's value and frames a job's runtime", () => {
    expect(aspectRatioOf("9:16", "--aspect")).toBe("9:16");
    expect(aspectRatioOf(undefined, "--aspect")).toBeNull();
    expect(() => aspectRatioOf("4:3", "parameters.aspectRatio")).toThrowError(
      /^parameters\.aspectRatio: expected one of 16:9, 9:16, 1:1; got "4:3"$/,
    );
    const runtime = runtimeWith({});
    expect(withFrame(runtime, undefined)).toBe(runtime);
    expect(withFrame(runtime, { width: 1280, height: 720 })).toBe(runtime);
    expect(withFrame(runtime, { width: 720, height: 1280 }).config.video).toMatchObject({ width: 720, height: 1280 });
  });
});
