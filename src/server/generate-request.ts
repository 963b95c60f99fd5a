/**
 * The generate route's body. A chat-style `{ prompt }` leaves every decision to the department head; the
 * design's GenerateVideoRequest (`method`, `input`, `parameters`, `references`) fixes some of them. Both
 * shapes are one schema, so a mistake is reported against the exact field whichever shape was meant.
 */
import { z } from "zod";
import { GENERATION_METHODS, LONGEST_CLIP_SECONDS, MAX_CLIP_SECONDS, type GenerationMethod } from "../domain.js";
import { QUALITY_LEVELS, type AskedTake } from "../departments/video/asked.js";
import { ASPECT_RATIOS } from "../departments/video/shape.js";
import { CAPTION_MODES } from "../media/captions.js";
import type { Runtime } from "../runtime.js";
import { isLocalDrawing } from "../tools/context.js";
import { ApiError, notFound } from "./errors.js";

const Prompt = z.string().trim().min(3).max(2000);
const ImageId = z.string().regex(/^med_[A-Za-z0-9_-]{1,60}$/, "a stored image's media id (med_…)");
const Name = z
  .string()
  .trim()
  .regex(/^[\p{L}][\p{L}\p{N} '-]{0,63}$/u, "a name: letters, digits, spaces, ' and -, up to 64 characters");
const IMAGE_FIELDS = ["sourceImage", "firstFrame", "lastFrame", "compositeImage"] as const;
type ImageField = (typeof IMAGE_FIELDS)[number];

/** The images each method starts from; a location reference can stand in where `orLocation` is true. */
const METHOD_IMAGES: Record<GenerationMethod, { needs: ImageField[]; orLocation: boolean }> = {
  "text-to-video": { needs: [], orLocation: false },
  "image-to-video": { needs: ["sourceImage"], orLocation: true },
  "first-last-frame": { needs: ["firstFrame", "lastFrame"], orLocation: false },
  "composite-to-video": { needs: ["compositeImage"], orLocation: true },
};

/** Given images and no method: the method those images are for. */
function methodOfImages(input: Partial<Record<ImageField, string>>): GenerationMethod | null {
  if (input.firstFrame || input.lastFrame) return "first-last-frame";
  if (input.compositeImage) return "composite-to-video";
  if (input.sourceImage) return "image-to-video";
  return null;
}

export const GenerateBodySchema = z
  .object({
    prompt: Prompt.optional().describe("what to make, read like a chat request (or input.prompt)"),
    method: z
      .enum(GENERATION_METHODS)
      .optional()
      .describe("fix the generation method instead of letting the head choose"),
    input: z
      .object({
        prompt: Prompt.optional(),
        sourceImage: ImageId.optional(),
        firstFrame: ImageId.optional(),
        lastFrame: ImageId.optional(),
        compositeImage: ImageId.optional(),
      })
      .strict()
      .optional(),
    parameters: z
      .object({
        duration: z
          .number()
          .positive()
          .max(LONGEST_CLIP_SECONDS)
          .optional()
          .describe(
            `seconds, one clip: at most ${MAX_CLIP_SECONDS} on the local renderer, up to what the model renders`,
          ),
        quality: z
          .enum(QUALITY_LEVELS)
          .optional()
          .describe("draft: one take, no automatic regeneration; standard; high: bar of at least 0.8, up to 3 takes"),
        aspectRatio: z
          .enum(ASPECT_RATIOS, { error: `one of ${ASPECT_RATIOS.join(", ")}` })
          .optional()
          .describe("the frame shape: 9:16 is vertical (720x1280 at the default size), 1:1 square, 16:9 wide"),
        model: z
          .string()
          .trim()
          .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*){1,5}$/i, "a FAL model id such as fal-ai/veo3.1")
          .optional()
          .describe("the FAL video model for this request (one the README's model table lists)"),
        captions: z
          .enum(CAPTION_MODES)
          .optional()
          .describe(
            "the dialogue's captions: files (default: SRT and WebVTT beside the video), burn (the files, and the captions drawn into the picture) or none",
          ),
      })
      .strict()
      .optional(),
    references: z
      .object({
        character: Name.optional().describe("a character's name; made in the Brain if new"),
        location: Name.optional().describe("a location's name; made in the Brain if new"),
      })
      .strict()
      .optional(),
    webhookUrl: z
      .url({ protocol: /^https?$/, error: "an http(s) URL" })
      .max(2000)
      .nullish(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.prompt !== undefined && body.input?.prompt !== undefined)
      context.addIssue({ code: "custom", path: ["input", "prompt"], message: "give prompt or input.prompt, not both" });
    if (body.prompt === undefined && body.input?.prompt === undefined)
      context.addIssue({ code: "custom", path: ["prompt"], message: "what to make: prompt or input.prompt" });
    const images = body.input ?? {};
    const method = body.method ?? methodOfImages(images);
    if (method === null) return;
    const rule = METHOD_IMAGES[method];
    for (const field of IMAGE_FIELDS) {
      if (images[field] !== undefined && !rule.needs.includes(field))
        context.addIssue({
          code: "custom",
          path: ["input", field],
          message: `${method} does not start from a ${field}`,
        });
    }
    const hasLocation = body.references?.location !== undefined;
    for (const field of rule.needs) {
      if (images[field] === undefined && !(rule.orLocation && hasLocation))
        context.addIssue({
          code: "custom",
          path: ["input", field],
          message: `${method} needs input.${field}${rule.orLocation ? " (or references.location)" : ""}`,
        });
    }
  });

export type GenerateBody = z.infer<typeof GenerateBodySchema>;

/**
 * What the department is asked: the request text and what the caller fixed (null for a plain prompt).
 * Images must be live images of the caller's project (the frame shape is checked with the model). A paid
 * model is never sent a drawing: an image the local renderer drew is refused when named here (a location
 * reference the caller did not name is left out by the head, which then makes the clip from the prompt).
 */
export async function askedOf(
  runtime: Runtime,
  projectId: string,
  body: GenerateBody,
): Promise<{ prompt: string; asked: AskedTake | null }> {
  const prompt = (body.prompt ?? body.input?.prompt)!;
  const images: AskedTake["images"] = {};
  for (const field of IMAGE_FIELDS) {
    const id = body.input?.[field];
    if (id === undefined) continue;
    const record = await runtime.media.get(id);
    if (!record || record.projectId !== projectId || record.status !== "live") throw notFound("image", id);
    if (record.kind !== "image") {
      throw new ApiError(400, "INVALID_INPUT", `input.${field}: ${id} is a ${record.kind}, not an image`, {
        fields: { [`input.${field}`]: "a stored image's media id" },
      });
    }
    if (!runtime.video.acceptsDrawings && isLocalDrawing(record)) {
      throw new ApiError(
        400,
        "INVALID_INPUT",
        `input.${field}: ${id} was drawn by the local renderer; a paid model is never sent a drawing: ` +
          `leave input.${field} out (with method text-to-video) or give an image of your own`,
        { fields: { [`input.${field}`]: "an image that was not drawn by the local renderer" } },
      );
    }
    images[field] = id;
  }
  const fixed =
    body.method !== undefined ||
    body.parameters !== undefined ||
    body.references !== undefined ||
    Object.keys(images).length > 0;
  if (!fixed) return { prompt, asked: null };
  return {
    prompt,
    asked: {
      method: body.method ?? methodOfImages(images),
      images,
      durationSeconds: body.parameters?.duration ?? null,
      characters: body.references?.character ? [body.references.character] : [],
      location: body.references?.location?.toLowerCase() ?? null,
      quality: body.parameters?.quality ?? "standard",
    },
  };
}
