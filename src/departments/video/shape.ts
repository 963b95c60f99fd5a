/**
 * The frame shape of one request: 16:9, 9:16 or 1:1, asked for by a field (`cutroom chat|plan --aspect`,
 * the API's `parameters.aspectRatio`) or by the request's words ("vertical for TikTok"). The shape is a
 * view of the runtime whose `config.video` has the request's width and height, so everything that reads
 * the frame size from the runtime (the plan, the references, the clips, the assembly and the verifier)
 * works at that shape. Jobs carry the frame with them, since their handlers hold the runtime they were
 * registered with (`frameOf`, `withFrame`).
 *
 * A shape a configured FAL model cannot render is refused before anything is made, naming what asked for
 * it and the shapes the model renders.
 */
import { adapterFor } from "../../config.js";
import { GENERATION_METHODS } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import { aspectOfSize, registryEntry, unsuitability } from "../../providers/video/fal/registry.js";
import type { Runtime } from "../../runtime.js";
import { withChosenModel } from "./model-choice.js";
import { ASPECT_RATIOS, frameFor, isAspectRatio, shapeInRequest, type AspectRatio } from "./reading/shape.js";

export { ASPECT_RATIOS, isAspectRatio, type AspectRatio };

export interface Frame {
  width: number;
  height: number;
}

/** The field a shape was asked for by, when `shapedBy` is read back: the words, or the caller's field. */
export const WORDS_FIELD = "request";

/** A caller's value for a shape field, checked: one of the shapes, or a clear error naming the field. */
export function aspectRatioOf(value: unknown, field: string): AspectRatio | null {
  if (value === undefined || value === null || value === "") return null;
  if (isAspectRatio(value)) return value;
  throw new CutroomError(
    "INVALID_INPUT",
    `${field}: expected one of ${ASPECT_RATIOS.join(", ")}; got ${JSON.stringify(value)}`,
    { field },
  );
}

/** The runtime with `config.video` at a frame size (unchanged when it already is, or when none is given). */
export function withFrame(runtime: Runtime, frame: Frame | null | undefined, shapeFrom?: string): Runtime {
  if (frame === null || frame === undefined) return runtime;
  const video = runtime.config.video;
  if (
    video.width === frame.width &&
    video.height === frame.height &&
    (shapeFrom ?? video.shapeFrom) === video.shapeFrom
  )
    return runtime;
  return {
    ...runtime,
    config: {
      ...runtime.config,
      video: { ...video, width: frame.width, height: frame.height, ...(shapeFrom ? { shapeFrom } : {}) },
    },
  };
}

/** The frame a runtime renders at, for a job's data: its handler renders, assembles and verifies at it. */
export function frameOf(runtime: Pick<Runtime, "config">): Frame {
  return { width: runtime.config.video.width, height: runtime.config.video.height };
}

/** What in the configured (or chosen) video models cannot render a shape, in words. */
function modelProblems(runtime: Runtime, aspectRatio: AspectRatio): string[] {
  if (adapterFor(runtime.config, "video") !== "fal") return [];
  const models = new Set(GENERATION_METHODS.map((method) => runtime.video.modelFor(method)));
  return [...models].flatMap((model) => {
    const entry = registryEntry(model);
    if (entry === null) return [];
    return unsuitability(entry, { task: entry.tasks[0]!, aspectRatio });
  });
}

/**
 * The runtime for a request at a shape: its frame keeps the configured short side (1280x720 gives 720x1280
 * for 9:16, 720x720 for 1:1). Unchanged when no shape is asked for. `field` names what asked for it, in the
 * refusal when a video model cannot render it, and marks the view so the request's words do not override it.
 */
export function withShape(runtime: Runtime, aspectRatio: AspectRatio | null, field: string): Runtime {
  if (aspectRatio === null) return runtime;
  const problems = modelProblems(runtime, aspectRatio);
  if (problems.length > 0)
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: ${aspectRatio} cannot be rendered here: ${problems.join("; ")}; ask for another shape or choose a model that renders ${aspectRatio}`,
      { field },
    );
  return withFrame(runtime, frameFor(aspectRatio, runtime.config.video), field);
}

/** The shape a runtime view renders at, as one of the shapes when it is one. */
export function shapeOf(runtime: Pick<Runtime, "config">): string {
  return aspectOfSize(runtime.config.video.width, runtime.config.video.height);
}

/**
 * A request's choices a caller fixed, in the order that keeps them honest: the shape first (so a chosen
 * model is checked against the frame it will render), then the model, then every model the request
 * renders with is checked against the shape.
 */
export function withRequestChoices(
  runtime: Runtime,
  choices: {
    aspectRatio: AspectRatio | null;
    aspectField: string;
    model: string | null | undefined;
    modelField: string;
  },
): Runtime {
  if (choices.aspectRatio === null) return withChosenModel(runtime, choices.model, choices.modelField);
  const framed = withFrame(runtime, frameFor(choices.aspectRatio, runtime.config.video), choices.aspectField);
  return withShape(
    withChosenModel(framed, choices.model, choices.modelField),
    choices.aspectRatio,
    choices.aspectField,
  );
}

/**
 * The runtime a request runs in: the caller's shape when one was fixed, else the one the words ask for,
 * else the configured frame.
 */
export function withRequestShape(runtime: Runtime, text: string): Runtime {
  if (runtime.config.video.shapeFrom !== undefined) return runtime;
  const read = shapeInRequest(text);
  if (read === null) return runtime;
  return withShape(runtime, read.aspectRatio, `${WORDS_FIELD} ("${read.said}")`);
}
