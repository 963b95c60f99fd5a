/**
 * Video Generator tools: the four generation methods of the design and save_video.
 * Characters and locations are named; their looks come from the Brain so every take draws them the same.
 */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import {
  ACTIONS,
  CAMERA_MOVES,
  LONGEST_CLIP_SECONDS,
  MAX_CLIP_SECONDS,
  type CharacterInShot,
  type ClipRequest,
  type GeneratedClip,
  type GenerationMethod,
} from "../domain.js";
import { adapterFor } from "../config.js";
import { CutroomError } from "../errors.js";
import { seedFrom } from "../ids.js";
import { assertModelId } from "../providers/video/fal/models.js";
import { registryEntry, unsuitability } from "../providers/video/fal/registry.js";
import { isFinalFailure } from "../jobs/types.js";
import {
  createSaveTool,
  generationImagePath,
  progressReporter,
  scratchIdOf,
  toolResult,
  type ToolContext,
} from "./context.js";
import { clipSpeech, speechField } from "./speech.js";

const MIN_CLIP_SECONDS = 0.1;

const shotFields = {
  prompt: z.string().min(1).max(2000).describe("what the clip shows"),
  // A clip shorter than a few frames is no video at all: a provider would be paid and answer with nothing
  // readable. A tenth of a second still allows the shortest shot a plan can hold.
  durationSeconds: z
    .number()
    .min(MIN_CLIP_SECONDS)
    .max(LONGEST_CLIP_SECONDS)
    .describe(
      `clip length in seconds, from ${MIN_CLIP_SECONDS} to ${MAX_CLIP_SECONDS} on the local renderer, up to ${LONGEST_CLIP_SECONDS} with a model that renders longer clips`,
    ),
  characters: z.array(z.string().min(1).max(40)).max(4).default([]).describe("names of Brain characters in the shot"),
  location: z.string().min(1).max(40).nullable().default(null).describe("name of the Brain location"),
  action: z.enum(ACTIONS).default("stand"),
  camera: z.enum(CAMERA_MOVES).default("static"),
  motionStrength: z.number().min(0).max(1).default(0.6).describe("how much motion, 0..1"),
  negativePrompt: z.string().max(500).nullable().default(null),
  seed: z.number().int().min(0).max(0xffffffff).nullable().default(null),
  model: z
    .string()
    .min(3)
    .max(200)
    .nullable()
    .default(null)
    .describe("a FAL video model id for this clip (see the README's model table); null: the configured one"),
  speech: speechField,
};
const ShotSchema = z.object(shotFields);
type ShotArgs = z.infer<typeof ShotSchema>;

async function buildClipRequest(
  context: ToolContext,
  method: GenerationMethod,
  args: ShotArgs,
  images: Partial<Pick<ClipRequest, "sourceImage" | "firstFrame" | "lastFrame" | "compositeImage">>,
): Promise<ClipRequest> {
  const { config } = context.runtime;
  const brain = context.runtime.brain.forProject(context.projectId);
  const characters: CharacterInShot[] = [];
  for (const name of args.characters) {
    const character = await brain.findCharacterByName(name);
    if (!character) {
      throw new CutroomError("NOT_FOUND", `characters: ${name} is not in the Brain; create it before generating`, {
        field: "characters",
      });
    }
    characters.push({ id: character.id, name: character.name, profile: character.profile });
  }
  let location: ClipRequest["location"] = null;
  if (args.location !== null) {
    const found = await brain.findLocationByName(args.location);
    if (!found)
      throw new CutroomError("NOT_FOUND", `location: ${args.location} is not in the Brain`, { field: "location" });
    location = { id: found.id, name: found.name, look: found.look };
  }
  const caption = [characters.map((character) => character.name).join(" & "), args.action, location?.name]
    .filter((part) => part && part.length > 0)
    .join(" · ");
  return {
    method,
    prompt: args.prompt,
    negativePrompt: args.negativePrompt,
    durationSeconds: args.durationSeconds,
    width: config.video.width,
    height: config.video.height,
    fps: config.video.fps,
    seed: args.seed ?? seedFrom(`${context.takeId}:${args.prompt}`),
    action: args.action,
    camera: args.camera,
    motionStrength: args.motionStrength,
    characters,
    location,
    sourceImage: images.sourceImage ?? null,
    firstFrame: images.firstFrame ?? null,
    lastFrame: images.lastFrame ?? null,
    compositeImage: images.compositeImage ?? null,
    // A debugging aid, drawn only when asked for: it is not part of the picture a user ordered.
    caption: config.video.debugCaption && caption.length > 0 ? caption : null,
    model: args.model === null ? null : modelForClip(context, method, args.model),
    speech: await clipSpeech(context, args.speech, args.durationSeconds),
  };
}

/**
 * A model a caller named for a clip: only with FAL rendering, in the form FAL takes, and, when the
 * registry lists it, one that makes this method.
 */
function modelForClip(context: ToolContext, method: GenerationMethod, model: string): string {
  if (adapterFor(context.runtime.config, "video") !== "fal")
    throw new CutroomError(
      "INVALID_INPUT",
      `model: ${model} needs FAL to render video; this runtime uses the local renderer`,
      {
        field: "model",
      },
    );
  assertModelId(model, "model");
  const entry = registryEntry(model);
  if (entry !== null) {
    const problems = unsuitability(entry, { task: method });
    if (problems.length > 0)
      throw new CutroomError("INVALID_INPUT", `model: ${problems.join("; ")}`, { field: "model" });
  }
  return model;
}

function clipSummary(clip: GeneratedClip, request: ClipRequest) {
  return {
    clipId: scratchIdOf(clip.path),
    method: clip.method,
    model: clip.model,
    seed: clip.seed,
    durationSeconds: clip.durationSeconds,
    width: clip.width,
    height: clip.height,
    fps: clip.fps,
    costUsd: clip.costUsd,
    generationSeconds: clip.generationSeconds,
    // A lip-sync pass (its model and cost) is part of how the clip was made.
    passes: clip.passes ?? [],
    prompt: request.prompt,
    characters: request.characters.map((character) => character.name),
    location: request.location?.name ?? null,
    action: request.action,
    camera: request.camera,
  };
}

export function createGeneratorTools(context: ToolContext) {
  const { video } = context.runtime;
  const options = () => ({
    outputDir: context.workDir,
    onProgress: progressReporter(context, "generate"),
    signal: context.signal ?? null,
  });
  /*
   * A refusal that another try cannot mend (content policy, a wrong key, a cancel) ends generation for
   * these tools: a chat model that calls again, or the plan that follows it, gets the same error
   * without a second paid submission.
   */
  let stopped: unknown = null;
  const generate = async (
    method: GenerationMethod,
    request: ClipRequest,
    run: (request: ClipRequest) => Promise<GeneratedClip>,
  ): Promise<string> => {
    if (stopped !== null) throw stopped;
    if (context.signal?.aborted) throw new CutroomError("CANCELLED", `${method} was cancelled before it started`);
    try {
      return toolResult(clipSummary(await run(request), request));
    } catch (error) {
      if (isFinalFailure(error)) stopped = error;
      throw error;
    }
  };

  const textToVideo = tool(
    async (args) => {
      const request = await buildClipRequest(context, "text-to-video", args, {});
      return generate("text-to-video", request, (built) => video.textToVideo(built, options()));
    },
    {
      name: "generate_text_to_video",
      description: "Generate a clip (at most 7 s) from a text prompt.",
      schema: ShotSchema,
    },
  );

  const imageToVideo = tool(
    async (args) => {
      const sourceImage = await generationImagePath(context, args.sourceImage, "sourceImage");
      const request = await buildClipRequest(context, "image-to-video", args, { sourceImage });
      return generate("image-to-video", request, (built) => video.imageToVideo(built, options()));
    },
    {
      name: "generate_image_to_video",
      description: "Animate a source image (a stored reference's media id) into a clip, with a camera motion.",
      schema: ShotSchema.extend({ sourceImage: z.string().describe("media id of the source image") }),
    },
  );

  const firstLast = tool(
    async (args) => {
      const firstFrame = await generationImagePath(context, args.firstFrame, "firstFrame");
      const lastFrame = await generationImagePath(context, args.lastFrame, "lastFrame");
      const request = await buildClipRequest(context, "first-last-frame", args, { firstFrame, lastFrame });
      return generate("first-last-frame", request, (built) => video.firstLastFrame(built, options()));
    },
    {
      name: "generate_first_last_frame",
      description: "Generate a clip that starts on one image and ends on another (media or frame ids).",
      schema: ShotSchema.extend({ firstFrame: z.string(), lastFrame: z.string() }),
    },
  );

  const composite = tool(
    async (args) => {
      const compositeImage = await generationImagePath(context, args.compositeImage, "compositeImage");
      const request = await buildClipRequest(context, "composite-to-video", args, { compositeImage });
      return generate("composite-to-video", request, (built) => video.compositeToVideo(built, options()));
    },
    {
      name: "generate_composite_to_video",
      description: "Animate a composite image (location plate) with the named characters performing the action.",
      schema: ShotSchema.extend({ compositeImage: z.string().describe("media id of the composite / location image") }),
    },
  );

  const saveVideo = createSaveTool(context, {
    name: "save_video",
    description: "Store a generated clip in object storage with its media record (generation parameters as metadata).",
    kind: "video",
    objectName: "clip",
    thumbnail: false,
  });

  return [textToVideo, imageToVideo, firstLast, composite, saveVideo];
}

export const METHOD_TOOL: Record<GenerationMethod, string> = {
  "text-to-video": "generate_text_to_video",
  "image-to-video": "generate_image_to_video",
  "first-last-frame": "generate_first_last_frame",
  "composite-to-video": "generate_composite_to_video",
};
