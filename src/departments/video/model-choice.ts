/**
 * A video model chosen for one request (`cutroom chat|plan --model`, the API's `model` field): a view of
 * the runtime in which every generation method the model serves is made with it. The plan, the prompt
 * written for the model's family, the cost estimate and the recorded cost all read the model from that
 * view, so they agree; methods the model does not serve keep the configured models.
 *
 * The model must be one the registry lists (providers/video/fal/registry.ts), with FAL rendering the
 * video; anything else is refused with a message naming the field and what the model can or cannot do.
 */
import { adapterFor } from "../../config.js";
import { GENERATION_METHODS, type ClipRequest, type GenerationMethod } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import {
  aspectOfSize,
  MODEL_REGISTRY,
  registryEntry,
  unsuitability,
  type ModelEntry,
} from "../../providers/video/fal/registry.js";
import type { GenerateOptions, VideoProvider } from "../../providers/video/types.js";
import type { Runtime } from "../../runtime.js";

const METHOD_VARIABLE: Record<GenerationMethod, string> = {
  "text-to-video": "FAL_AI_TEXT_TO_VIDEO",
  "image-to-video": "FAL_AI_IMAGE_TO_VIDEO",
  "first-last-frame": "FAL_AI_FIRST_LAST_TO_VIDEO",
  "composite-to-video": "FAL_AI_VIDEO_TO_VIDEO",
};

/** The generation methods a registry model serves. */
export function methodsOf(entry: ModelEntry): GenerationMethod[] {
  return GENERATION_METHODS.filter((method) => entry.tasks.includes(method));
}

/** The registry entry for a model a caller named, or a clear error naming `field`. */
export function chosenModelEntry(runtime: Pick<Runtime, "config">, modelId: string, field = "model"): ModelEntry {
  const entry = registryEntry(modelId.trim());
  if (entry === null) {
    const known = MODEL_REGISTRY.filter((candidate) => methodsOf(candidate).length > 0).map(
      (candidate) => candidate.id,
    );
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: unknown video model ${JSON.stringify(modelId)}; known: ${known.join(", ")}`,
      {
        field,
      },
    );
  }
  if (methodsOf(entry).length === 0)
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: ${entry.id} does not generate video (it does ${entry.tasks.join(", ")})`,
      {
        field,
      },
    );
  const { width, height } = runtime.config.video;
  const problems = unsuitability(entry, { task: methodsOf(entry)[0]!, aspectRatio: aspectOfSize(width, height) });
  if (problems.length > 0)
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: ${problems.join("; ")} (this request renders ${width}x${height})`,
      {
        field,
      },
    );
  if (adapterFor(runtime.config, "video") !== "fal")
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: ${entry.id} is a FAL model, and video is rendered by the local renderer here: set FAL_KEY to use it`,
      { field },
    );
  return entry;
}

/** The configured provider, with the chosen model sent for the methods it serves. */
class ChosenModelProvider implements VideoProvider {
  readonly name: string;
  readonly acceptsDrawings: boolean;

  constructor(
    private readonly base: VideoProvider,
    private readonly entry: ModelEntry,
  ) {
    this.name = base.name;
    this.acceptsDrawings = base.acceptsDrawings;
  }

  modelFor(method: GenerationMethod): string {
    return this.entry.tasks.includes(method) ? this.entry.id : this.base.modelFor(method);
  }

  private with(method: GenerationMethod, request: ClipRequest): ClipRequest {
    return this.entry.tasks.includes(method) ? { ...request, model: this.entry.id } : request;
  }

  textToVideo(request: ClipRequest, options: GenerateOptions) {
    return this.base.textToVideo(this.with("text-to-video", request), options);
  }

  imageToVideo(request: ClipRequest, options: GenerateOptions) {
    return this.base.imageToVideo(this.with("image-to-video", request), options);
  }

  firstLastFrame(request: ClipRequest, options: GenerateOptions) {
    return this.base.firstLastFrame(this.with("first-last-frame", request), options);
  }

  compositeToVideo(request: ClipRequest, options: GenerateOptions) {
    return this.base.compositeToVideo(this.with("composite-to-video", request), options);
  }
}

/**
 * The runtime for a request that chose a video model (unchanged when none was chosen): its config names
 * the model for the methods it serves (so estimates price it) and its video port sends it.
 */
export function withChosenModel(runtime: Runtime, modelId: string | null | undefined, field = "model"): Runtime {
  if (modelId === null || modelId === undefined || modelId.trim() === "") return runtime;
  const entry = chosenModelEntry(runtime, modelId, field);
  const env = { ...runtime.config.env } as Record<string, unknown>;
  for (const method of methodsOf(entry)) env[METHOD_VARIABLE[method]] = entry.id;
  return {
    ...runtime,
    config: { ...runtime.config, env: env as Runtime["config"]["env"] },
    video: new ChosenModelProvider(runtime.video, entry),
  };
}
