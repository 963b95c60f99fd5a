/**
 * What a caller of the generate route fixed instead of leaving it to the head (the design's
 * GenerateVideoRequest): the method and the images it starts from, the length, the characters and the
 * location by name, and how hard to try. Whatever is not fixed is decided as for a chat request.
 */
import type { Config } from "../../config.js";
import type { GenerationMethod } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import type { ShotTask } from "../../specialists/video-generator/index.js";
import { DRAWINGS_WITHHELD_REASON, type MethodChoice } from "./policy.js";
import type { VideoBrief } from "./understand.js";
import type { AskedTake } from "./asked-take.js";

export { QUALITY_LEVELS, type AskedTake, type QualityLevel } from "./asked-take.js";

/** The bar one take must pass for a quality level, and how many takes may be made to pass it. */
export function takeBar(
  asked: AskedTake | null,
  config: Pick<Config, "qualityThreshold" | "maxAttempts">,
): { threshold: number; maxAttempts: number } {
  switch (asked?.quality ?? "standard") {
    case "draft":
      // A draft is looked at, not polished: graded like any take, never made again automatically.
      return { threshold: config.qualityThreshold, maxAttempts: 1 };
    case "high":
      return { threshold: Math.max(config.qualityThreshold, 0.8), maxAttempts: Math.max(config.maxAttempts, 3) };
    default:
      return { threshold: config.qualityThreshold, maxAttempts: config.maxAttempts };
  }
}

/** A caller who fixed the method, an image or the length wants one clip, not a planned scene. */
export function asksForOneClip(asked: AskedTake | null): boolean {
  return (
    asked !== null &&
    (asked.method !== null || asked.durationSeconds !== null || Object.values(asked.images).some(Boolean))
  );
}

/** The brief read from the words, with what the caller fixed put over it. */
export function withAsked(brief: VideoBrief, asked: AskedTake | null): VideoBrief {
  if (asked === null) return brief;
  const characters = [...new Set([...asked.characters, ...brief.characters])].slice(0, 4);
  return {
    ...brief,
    characters,
    location: asked.location ?? brief.location,
    durationSeconds: asked.durationSeconds ?? brief.durationSeconds,
  };
}

/**
 * The caller's method, when one was fixed. The images it needs were checked when the request was taken;
 * a location reference stands in for a missing source or composite image, so its absence is checked here.
 * A location whose only reference is a local drawing cannot stand in for a paid model
 * (`locationDrawingWithheld`): the clip is made from the prompt instead, and the reason says so.
 */
export function askedMethod(
  asked: AskedTake | null,
  hasLocationReference: boolean,
  locationDrawingWithheld = false,
): MethodChoice | null {
  if (asked?.method == null) return null;
  const needs: Partial<Record<GenerationMethod, keyof ShotTask["images"]>> = {
    "image-to-video": "sourceImage",
    "composite-to-video": "compositeImage",
  };
  const image = needs[asked.method];
  if (image !== undefined && asked.images[image] === undefined && !hasLocationReference && locationDrawingWithheld) {
    return {
      method: "text-to-video",
      reason: `${asked.method} was asked for with references.location, but ${DRAWINGS_WITHHELD_REASON}: generate from the prompt`,
    };
  }
  if (image !== undefined && asked.images[image] === undefined && !hasLocationReference) {
    throw new CutroomError(
      "INVALID_INPUT",
      `input.${image}: ${asked.method} needs an image to start from (or references.location)`,
      { field: `input.${image}` },
    );
  }
  return { method: asked.method, reason: "asked for by the caller" };
}
