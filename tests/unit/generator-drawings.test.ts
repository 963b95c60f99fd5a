/**
 * The generator tools are the last step before a provider: an image whose record says the local renderer
 * drew it is never passed to a provider that does not take drawings, whatever asked for it.
 */
import { join } from "node:path";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClipRequest } from "../../src/domain.js";
import type { CutroomError } from "../../src/errors.js";
import { seedFrom } from "../../src/ids.js";
import { lookForLocation } from "../../src/brain/profiles.js";
import { LocalAnimaticProvider, renderLocationReference } from "../../src/providers/video/local.js";
import type { GenerateOptions } from "../../src/providers/video/types.js";
import { createGeneratorTools } from "../../src/tools/generator.js";
import { createToolContext, LOCAL_RENDERER, storeMedia, type ToolContext } from "../../src/tools/context.js";
import { createTestRuntime } from "../helpers/runtime.js";

/** Renders locally but declares itself paid, recording every image it is handed. */
class PaidRenderer extends LocalAnimaticProvider {
  override readonly acceptsDrawings: boolean = false;
  received: ClipRequest[] = [];
  protected override async generate(method: ClipRequest["method"], request: ClipRequest, options: GenerateOptions) {
    this.received.push(request);
    return super.generate(method, request, options);
  }
}

const SHOT = { prompt: "a quiet park", durationSeconds: 0.5, characters: [], location: null };

let test: Awaited<ReturnType<typeof createTestRuntime>>;
let provider: PaidRenderer;
let context: ToolContext;
let plate: string;

async function storeImage(generation: Record<string, unknown>): Promise<string> {
  const saved = await storeMedia(context, { path: plate, kind: "image", name: "image", generation });
  return saved.mediaId;
}

function tool(name: string, on: ToolContext = context): StructuredToolInterface {
  return createGeneratorTools(on).find((candidate) => candidate.name === name) as StructuredToolInterface;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (caught: unknown) => caught as CutroomError,
  );

beforeEach(async () => {
  provider = new PaidRenderer({});
  test = await createTestRuntime({ video: provider });
  context = await createToolContext(test.runtime, "default", "vid_drawings");
  plate = join(context.workDir, "plate.png");
  await renderLocationReference(lookForLocation("park"), seedFrom("park"), plate, { width: 320, height: 180 });
});
afterEach(async () => test.cleanup());

describe("a drawing at the boundary to a paid model", () => {
  it("is refused for every image field, naming it, before the provider is called", async () => {
    const drawing = await storeImage({ referenceKind: "location-master", drawnBy: LOCAL_RENDERER });
    const cases: Array<[string, Record<string, string>, string]> = [
      ["generate_image_to_video", { sourceImage: drawing }, "sourceImage"],
      ["generate_composite_to_video", { compositeImage: drawing }, "compositeImage"],
      ["generate_first_last_frame", { firstFrame: drawing, lastFrame: drawing }, "firstFrame"],
    ];
    for (const [name, images, field] of cases) {
      const error = await failure(tool(name).invoke({ ...SHOT, ...images }));
      expect(error?.code).toBe("INVALID_INPUT");
      expect(error?.field).toBe(field);
      expect(error?.message).toContain("drawn by the local renderer; a paid model is never sent a drawing");
      expect(error?.message).toContain("generate_text_to_video");
    }
    expect(provider.received).toEqual([]);
  });

  it("refuses a reference stored before drawings were marked", async () => {
    const legacy = await storeImage({ referenceKind: "character-master", characterId: "chr_old" });
    const error = await failure(tool("generate_image_to_video").invoke({ ...SHOT, sourceImage: legacy }));
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.field).toBe("sourceImage");
    expect(provider.received).toEqual([]);
  });

  it("passes an image that was not drawn, and a drawing to the local renderer", async () => {
    const own = await storeImage({ uploadedBy: "caller" });
    const made = JSON.parse(String(await tool("generate_image_to_video").invoke({ ...SHOT, sourceImage: own })));
    expect(made.method).toBe("image-to-video");
    expect(provider.received).toHaveLength(1);

    const local = await createTestRuntime();
    try {
      const localContext = await createToolContext(local.runtime, "default", "vid_local");
      const drawing = await storeMedia(localContext, {
        path: plate,
        kind: "image",
        name: "master",
        generation: { referenceKind: "location-master", drawnBy: LOCAL_RENDERER },
      });
      const animate = tool("generate_image_to_video", localContext);
      const clip = JSON.parse(String(await animate.invoke({ ...SHOT, sourceImage: drawing.mediaId })));
      expect(clip.method).toBe("image-to-video");
    } finally {
      await local.cleanup();
    }
  });
});

describe("the local renderer's debug caption", () => {
  it("is off by default and drawn only with CUTROOM_DEBUG_CAPTION=on", async () => {
    await tool("generate_text_to_video").invoke({ ...SHOT, action: "wave" });
    expect(provider.received).toHaveLength(1);
    expect(provider.received[0]!.caption).toBeNull();
    const debug = await createTestRuntime({ video: provider, env: { CUTROOM_DEBUG_CAPTION: "on" } });
    try {
      const on = await createToolContext(debug.runtime, "default", "vid_caption");
      await tool("generate_text_to_video", on).invoke({ ...SHOT, action: "wave" });
      expect(provider.received).toHaveLength(2);
      expect(provider.received[1]!.caption).toBe("wave");
    } finally {
      await debug.cleanup();
    }
  });
});
