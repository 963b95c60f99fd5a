/**
 * A clip request checked and made ready for any video provider: the local renderer and the paid ones take
 * the same request, so neither imports the other to check it.
 */
import { mkdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  LocationLookSchema,
  LONGEST_CLIP_SECONDS,
  MAX_CLIP_SECONDS,
  VisualProfileSchema,
  type ClipRequest,
  type GenerationMethod,
} from "../../domain.js";
import { CutroomError } from "../../errors.js";
import { maxSecondsOf, registryEntry } from "./fal/registry.js";

const MAX_CHARACTERS = 6;
const MAX_CAPTION_LENGTH = 500;

/** The image each method animates; first-last needs both ends. */
const REQUIRED_IMAGES: Record<
  GenerationMethod,
  Array<"sourceImage" | "firstFrame" | "lastFrame" | "compositeImage">
> = {
  "text-to-video": [],
  "image-to-video": ["sourceImage"],
  "first-last-frame": ["firstFrame", "lastFrame"],
  "composite-to-video": ["compositeImage"],
};

/**
 * Longest clip a model renders in one generation, seconds: a listed model's own longest length, else (the
 * local renderer, a model the registry does not list) the 7 s every model rendered before.
 */
export function clipLimitOf(model: string | null | undefined): { maxSeconds: number; model: string } {
  const entry = model === null || model === undefined ? null : registryEntry(model);
  const max = entry === null ? null : maxSecondsOf(entry);
  return entry === null || max === null
    ? { maxSeconds: MAX_CLIP_SECONDS, model: model ?? "the local renderer" }
    : { maxSeconds: Math.min(max, LONGEST_CLIP_SECONDS), model: entry.id };
}

export function invalid(field: string, message: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field} ${message}`, { field });
}

export function checkDimension(field: "width" | "height", value: number): void {
  if (!Number.isInteger(value) || value < 64 || value > 3840 || value % 2 !== 0) {
    throw invalid(
      field,
      `must be an even whole number of pixels from 64 to 3840 (H.264 with 4:2:0 needs even sizes); got ${value}`,
    );
  }
}

/**
 * The request a provider works from: the method called (whatever the request says), image paths made
 * absolute, every field checked, and the output directory made.
 */
export async function preparedClipRequest(
  method: GenerationMethod,
  request: ClipRequest,
  outputDirectory: string,
  /** The model that will render it, whose lengths it is held to (the request's own model when left out). */
  renderedBy: string | null = request.model ?? null,
): Promise<{ clip: ClipRequest; outputDir: string }> {
  const absolute = (path: string | null) => (path === null ? null : resolve(path));
  const clip: ClipRequest = {
    ...request,
    method,
    sourceImage: absolute(request.sourceImage),
    firstFrame: absolute(request.firstFrame),
    lastFrame: absolute(request.lastFrame),
    compositeImage: absolute(request.compositeImage),
  };
  await validateClipRequest(clip, renderedBy);
  const outputDir = resolve(outputDirectory);
  await mkdir(outputDir, { recursive: true });
  return { clip, outputDir };
}

/** Rejects a request no provider can honour, naming the field, before any ffmpeg work or paid call starts. */
export async function validateClipRequest(
  request: ClipRequest,
  renderedBy: string | null = request.model ?? null,
): Promise<void> {
  const { durationSeconds, fps, seed, motionStrength } = request;
  const limit = clipLimitOf(renderedBy);
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0 || durationSeconds > limit.maxSeconds) {
    throw invalid(
      "durationSeconds",
      `must be more than 0 and at most ${limit.maxSeconds} seconds per clip with ${limit.model} (split longer shots); got ${durationSeconds}`,
    );
  }
  checkDimension("width", request.width);
  checkDimension("height", request.height);
  if (!Number.isFinite(fps) || fps < 1 || fps > 60) throw invalid("fps", `must be from 1 to 60; got ${fps}`);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw invalid("seed", `must be a non-negative whole number; got ${seed}`);
  if (!Number.isFinite(motionStrength) || motionStrength < 0 || motionStrength > 1) {
    throw invalid("motionStrength", `must be from 0 to 1; got ${motionStrength}`);
  }
  if (request.characters.length > MAX_CHARACTERS) {
    throw invalid(
      "characters",
      `may hold at most ${MAX_CHARACTERS} characters per clip; got ${request.characters.length}`,
    );
  }
  request.characters.forEach((character, index) => {
    const parsed = VisualProfileSchema.safeParse(character.profile);
    if (!parsed.success)
      throw invalid(
        `characters[${index}].profile`,
        `is not a valid visual profile: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
  });
  if (request.location !== null) {
    const parsed = LocationLookSchema.safeParse(request.location.look);
    if (!parsed.success)
      throw invalid("location.look", `is not a valid location look: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  if (request.caption !== null && request.caption.length > MAX_CAPTION_LENGTH) {
    throw invalid("caption", `may be at most ${MAX_CAPTION_LENGTH} characters; got ${request.caption.length}`);
  }
  for (const field of REQUIRED_IMAGES[request.method]) {
    const path = request[field];
    if (path === null || path === "") throw invalid(field, `is required for ${request.method}`);
    const found = await stat(path).catch(() => null);
    if (found === null || !found.isFile()) throw invalid(field, `does not exist or is not a file: ${path}`);
  }
}
