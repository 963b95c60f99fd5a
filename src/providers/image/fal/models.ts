/**
 * Our image request mapped onto each FAL image model's input fields. Families differ in how they take the
 * size (image_size in pixels or an aspect_ratio from a fixed list), whether they take a negative prompt,
 * and which take reference images (`image_urls`); an unknown model id gets the fields most FAL image
 * endpoints accept. Field names as FAL's model pages list them (see FAL_IMAGE_PRICES_USD_PER_IMAGE).
 */
import { z } from "zod";
import type { FalInput, ModelFamily, Quality } from "../../video/fal/models.js";
import type { ResultUrl } from "../../video/fal/queue.js";
import type { ImageKind, ImageRequest } from "../types.js";

/** Which of the two configured models serves a request. */
export type ImageRoute = "text-to-image" | "edit";

/**
 * Turnarounds and composites are edits of their references; with none given (a user's first character,
 * say) they are made from the prompt alone, like the masters.
 */
export function routeOf(kind: ImageKind, referenceCount: number): ImageRoute {
  return (kind === "character-turnaround" || kind === "shot-composite") && referenceCount > 0
    ? "edit"
    : "text-to-image";
}

export interface ImageModelFamily extends Pick<ModelFamily, "optional" | "safeDuration"> {
  name: "flux" | "kontext" | "nano-banana" | "seedream" | "generic";
  build(request: ImageRequest, referenceUrls: string[], quality: Quality): FalInput;
}

const MAX_PROMPT_CHARACTERS = 2000;

/** The prompt, with what to avoid said in words for models that take no negative prompt. */
function promptWithAvoid(request: ImageRequest): string {
  const prompt = request.prompt.trim();
  const avoid = request.negativePrompt?.trim() ?? "";
  return (avoid === "" ? prompt : `${prompt} Avoid: ${avoid}.`).slice(0, MAX_PROMPT_CHARACTERS);
}

/** The listed ratio nearest the request's shape (compared on a log scale, so 2:1 and 1:2 are equally far). */
export function nearestAspectRatio(request: Pick<ImageRequest, "width" | "height">, ratios: readonly string[]): string {
  const wanted = Math.log(request.width / request.height);
  let best = ratios[0]!;
  for (const ratio of ratios) {
    const [width, height] = ratio.split(":").map(Number) as [number, number];
    const [bestWidth, bestHeight] = best.split(":").map(Number) as [number, number];
    if (Math.abs(Math.log(width / height) - wanted) < Math.abs(Math.log(bestWidth / bestHeight) - wanted)) {
      best = ratio;
    }
  }
  return best;
}

const NANO_BANANA_RATIOS = ["21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16"] as const;
const KONTEXT_RATIOS = ["21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"] as const;

function withoutNulls(input: FalInput): FalInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined));
}

const references = (urls: string[]) => (urls.length > 0 ? urls : null);

/** A family sized by an aspect ratio from its list, taking what to avoid in the prompt: Kontext and Nano Banana. */
function byAspectRatio(name: "kontext" | "nano-banana", ratios: readonly string[]): ImageModelFamily {
  return {
    name,
    optional: ["aspect_ratio", "seed"],
    safeDuration: null,
    build: (request, urls) =>
      withoutNulls({
        prompt: promptWithAvoid(request),
        image_urls: references(urls),
        aspect_ratio: nearestAspectRatio(request, ratios),
        seed: request.seed,
        num_images: 1,
        output_format: "png",
      }),
  };
}

const FAMILIES: Record<ImageModelFamily["name"], ImageModelFamily> = {
  flux: {
    name: "flux",
    optional: ["num_inference_steps", "enable_safety_checker", "seed", "image_size"],
    safeDuration: null,
    build: (request, _urls, quality) =>
      withoutNulls({
        prompt: promptWithAvoid(request),
        image_size: { width: request.width, height: request.height },
        // FLUX.1 [dev] defaults to 28 steps; a draft after a timeout takes half.
        num_inference_steps: quality === "standard" ? 28 : 14,
        seed: request.seed,
        num_images: 1,
        output_format: "png",
        enable_safety_checker: true,
      }),
  },
  kontext: byAspectRatio("kontext", KONTEXT_RATIOS),
  "nano-banana": byAspectRatio("nano-banana", NANO_BANANA_RATIOS),
  seedream: {
    name: "seedream",
    optional: ["image_size", "seed"],
    safeDuration: null,
    build: (request, urls) =>
      withoutNulls({
        prompt: promptWithAvoid(request),
        image_urls: references(urls),
        image_size: { width: request.width, height: request.height },
        seed: request.seed,
        num_images: 1,
      }),
  },
  generic: {
    name: "generic",
    optional: ["negative_prompt", "seed", "image_size", "output_format"],
    safeDuration: null,
    build: (request, urls) =>
      withoutNulls({
        prompt: request.prompt.trim().slice(0, MAX_PROMPT_CHARACTERS),
        negative_prompt: request.negativePrompt,
        image_urls: references(urls),
        image_size: { width: request.width, height: request.height },
        seed: request.seed,
        num_images: 1,
        output_format: "png",
      }),
  },
};

export function imageFamilyOf(modelId: string): ImageModelFamily {
  const id = modelId.toLowerCase();
  if (id.includes("kontext")) return FAMILIES.kontext;
  if (id.includes("banana")) return FAMILIES["nano-banana"];
  if (id.includes("seedream")) return FAMILIES.seedream;
  if (id.includes("flux")) return FAMILIES.flux;
  return FAMILIES.generic;
}

const ImageResultSchema = z.object({
  images: z.array(z.object({ url: z.string().url() })).min(1),
  seed: z.number().optional(),
});

/** An image model's result: `{ images: [{ url, ... }] }`; we ask for one image and take the first. */
export const imageResultUrl: ResultUrl = (data) => {
  const parsed = ImageResultSchema.safeParse(data);
  return parsed.success ? parsed.data.images[0]!.url : null;
};
