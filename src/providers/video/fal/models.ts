/**
 * Our clip request mapped onto each FAL model's input fields. Model families differ in field names
 * (aspect_ratio vs ratio, tail_image_url, video_url) and in allowed durations, so each family has its
 * own mapping; an unknown model id gets the common fields most FAL video endpoints accept.
 */
import type { ClipRequest } from "../../../domain.js";
import { characterInWords, locationInWords } from "../../../brain/words.js";
import { CutroomError } from "../../../errors.js";
import { promptProblems } from "../prompts/sanitize.js";
import { spokenInWords } from "./lip-sync.js";
import {
  aspectOfSize,
  registryEntry,
  renderedSeconds,
  type DurationFormat,
  type FalInput,
  type ModelEntry,
} from "./registry.js";

export type { FalInput } from "./registry.js";

/** Remote URLs of the request's images (uploaded to FAL storage first). */
export interface FalMedia {
  image: string | null;
  firstFrame: string | null;
  lastFrame: string | null;
  /** A still video of the composite image, for models that only animate video input. */
  video: string | null;
  /** The clip's voice track, for a model that takes the audio it animates to (absent: none). */
  audio?: string | null;
}

export type Quality = "standard" | "draft";

export interface ModelFamily {
  name: "minimax" | "kling" | "runway" | "luma-video" | "luma" | "generic";
  /** Takes a video rather than an image for composite input. */
  videoInput: boolean;
  /** Fields that may be dropped when the model rejects them. */
  optional: string[];
  build(request: ClipRequest, media: FalMedia, quality: Quality): FalInput;
  /** The duration value the model is sure to accept, for a rejected duration. */
  safeDuration: unknown;
}

const MAX_PROMPT_CHARACTERS = 1500;

export function aspectRatioOf(request: Pick<ClipRequest, "width" | "height">): "16:9" | "9:16" | "1:1" {
  const ratio = request.width / request.height;
  if (ratio >= 1.3) return "16:9";
  if (ratio <= 0.77) return "9:16";
  return "1:1";
}

/** A name followed by words about it: "Ivan, a tall man", "Ivan (a tall man)", "Ivan: a tall man", "Ivan in a red coat". */
function describes(prompt: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const described = new RegExp(
    `\\b${escaped}\\b(?:\\s*\\(\\s*|\\s*[,:]\\s*|\\s+(?:is|wears|wearing|dressed in|in)\\s+)` +
      "(?:a|an|the|his|her|their|wearing|dressed|with|who)\\b",
    "i",
  );
  return described.test(prompt);
}

/**
 * The prompt we send: the request's prompt as given (a builder in prompts/ wrote it for this family), plus,
 * in words, any character or setting it does not already describe, so the model draws them consistently.
 * Never the renderer's profile text: it may hold hex colours, which a model would draw as text or ignore.
 */
export function promptOf(request: ClipRequest): string {
  const given = request.prompt.trim();
  const shot = given === "" || /[.!?]$/.test(given) ? given : `${given}.`;
  const looks = request.characters
    .filter((character) => !describes(shot, character.name))
    .map((character) => characterInWords(character.name, character.profile))
    .filter((words) => promptProblems(words).length === 0);
  const location = request.location;
  const place =
    location !== null && !describes(shot, location.name) ? locationInWords(location.name, location.look) : null;
  const mentionsCamera = /\b(?:camera|pan|pans|panning|dolly|dollies|tracking|push in|pull out|static shot)\b/i.test(
    shot,
  );
  const camera = request.camera === "static" || mentionsCamera ? "" : `Camera: ${request.camera.replace("-", " ")}.`;
  return [
    shot,
    spokenInWords(request.speech ?? null),
    looks.length > 0 ? `Characters: ${looks.join("; ")}.` : "",
    place !== null && promptProblems(place).length === 0 ? `Setting: ${place}.` : "",
    camera,
  ]
    .filter((part) => part !== "")
    .join(" ")
    .slice(0, MAX_PROMPT_CHARACTERS);
}

function firstImage(media: FalMedia): string | null {
  return media.image ?? media.firstFrame;
}

function withoutNulls(input: FalInput): FalInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined));
}

const FAMILIES: Record<ModelFamily["name"], ModelFamily> = {
  minimax: {
    name: "minimax",
    videoInput: false,
    optional: ["prompt_optimizer"],
    safeDuration: null,
    build: (request, media, quality) =>
      withoutNulls({
        prompt: promptOf(request),
        image_url: firstImage(media),
        // The optimizer rewrites the prompt with a second model pass; draft skips it to finish sooner.
        prompt_optimizer: quality === "standard",
      }),
  },
  kling: {
    name: "kling",
    videoInput: false,
    optional: ["negative_prompt", "cfg_scale", "tail_image_url", "aspect_ratio"],
    safeDuration: "5",
    build: (request, media, quality) =>
      withoutNulls({
        prompt: promptOf(request),
        negative_prompt: request.negativePrompt,
        image_url: firstImage(media),
        tail_image_url: media.lastFrame,
        // Kling renders 5 or 10 s; we trim to the asked length afterwards.
        duration: request.durationSeconds <= 5 ? "5" : "10",
        aspect_ratio: aspectRatioOf(request),
        cfg_scale: quality === "standard" ? 0.5 : 0.3,
      }),
  },
  runway: {
    name: "runway",
    videoInput: false,
    optional: ["seed", "tail_image_url", "ratio"],
    safeDuration: 5,
    build: (request, media) =>
      withoutNulls({
        prompt: promptOf(request),
        image_url: firstImage(media),
        tail_image_url: media.lastFrame,
        duration: request.durationSeconds <= 5 ? 5 : 10,
        ratio: aspectRatioOf(request) === "9:16" ? "9:16" : "16:9",
        seed: request.seed,
      }),
  },
  "luma-video": {
    name: "luma-video",
    videoInput: true,
    optional: ["aspect_ratio", "resolution"],
    safeDuration: null,
    build: (request, media, quality) =>
      withoutNulls({
        prompt: promptOf(request),
        video_url: media.video,
        image_url: media.video === null ? firstImage(media) : null,
        aspect_ratio: aspectRatioOf(request),
        resolution: quality === "standard" ? "720p" : "540p",
      }),
  },
  luma: {
    name: "luma",
    videoInput: false,
    optional: ["aspect_ratio", "resolution", "end_image_url", "loop"],
    safeDuration: "5s",
    build: (request, media, quality) =>
      withoutNulls({
        prompt: promptOf(request),
        image_url: firstImage(media),
        end_image_url: media.lastFrame,
        aspect_ratio: aspectRatioOf(request),
        resolution: quality === "standard" ? "720p" : "540p",
        duration: "5s",
        loop: false,
      }),
  },
  generic: {
    name: "generic",
    videoInput: false,
    optional: ["negative_prompt", "seed", "aspect_ratio", "num_inference_steps"],
    safeDuration: 5,
    build: (request, media, quality) =>
      withoutNulls({
        prompt: promptOf(request),
        negative_prompt: request.negativePrompt,
        image_url: firstImage(media),
        duration: Math.ceil(request.durationSeconds),
        aspect_ratio: aspectRatioOf(request),
        seed: request.seed,
        num_inference_steps: quality === "standard" ? 30 : 15,
      }),
  },
};

/** Picture lines of a resolution name: "720p" → 720, "4k" → 2160. */
function linesOf(resolution: string): number {
  const progressive = /^(\d+)p$/i.exec(resolution);
  if (progressive) return Number(progressive[1]);
  const k = /^(\d+)k$/i.exec(resolution);
  return k ? Number(k[1]) * 540 : Number.MAX_SAFE_INTEGER;
}

/** A duration in the form the model's field takes: 6, "6" or "6s". */
export function durationValue(seconds: number, format: DurationFormat): unknown {
  if (format === "number") return seconds;
  return format === "string" ? String(seconds) : `${seconds}s`;
}

/**
 * The family of a model the registry lists: its input built from the entry's field names, the length it
 * renders (the next allowed one, trimmed to the asked length afterwards), and the start and end frames,
 * aspect ratio and resolution where the model takes them. Native sound stays off: the audio integrator
 * mixes the department's own. The prompt follows the guide of the family its id names.
 */
export function registryFamily(entry: ModelEntry): ModelFamily {
  const id = entry.id.toLowerCase();
  const name: ModelFamily["name"] = id.includes("kling") ? "kling" : id.includes("minimax") ? "minimax" : "generic";
  const fields = entry.fields;
  const optional = [fields.negativePrompt, fields.seed, fields.aspectRatio, fields.resolution, fields.generateAudio]
    .filter((field): field is string => field !== null)
    .concat(Object.keys(fields.fixed));
  const shortest =
    entry.lengths.kind === "range"
      ? entry.lengths.min
      : entry.lengths.kind === "list"
        ? Math.min(...entry.lengths.seconds)
        : null;
  return {
    name,
    videoInput: false,
    optional,
    safeDuration:
      fields.duration === null || shortest === null ? null : durationValue(shortest, fields.duration.format),
    build: (request, media, quality) => {
      const input: FalInput = { ...fields.fixed, [fields.prompt]: promptOf(request) };
      if (fields.duration !== null) {
        const seconds = renderedSeconds(entry, request.durationSeconds);
        if (seconds === null)
          throw new CutroomError("PROVIDER", `${entry.id} cannot render a ${request.durationSeconds} s clip`, {
            field: "durationSeconds",
          });
        input[fields.duration.name] = durationValue(seconds, fields.duration.format);
      }
      const start = firstImage(media);
      if (fields.image !== null && start !== null) input[fields.image] = start;
      if (fields.endImage !== null && media.lastFrame !== null) input[fields.endImage] = media.lastFrame;
      if (fields.video !== null && media.video !== null) input[fields.video] = media.video;
      if (fields.audio !== null && media.audio !== undefined && media.audio !== null) input[fields.audio] = media.audio;
      const aspect = aspectOfSize(request.width, request.height);
      if (fields.aspectRatio !== null && entry.aspectRatios.includes(aspect)) input[fields.aspectRatio] = aspect;
      if (fields.resolution !== null) {
        // Draft asks for the lowest resolution the model offers, standard for its default.
        const lowest = [...entry.resolutions].sort((a, b) => linesOf(a) - linesOf(b))[0]!;
        input[fields.resolution] = quality === "draft" ? lowest : entry.defaultResolution;
      }
      if (fields.generateAudio !== null) input[fields.generateAudio] = false;
      if (fields.negativePrompt !== null && request.negativePrompt !== null)
        input[fields.negativePrompt] = request.negativePrompt;
      if (fields.seed !== null) input[fields.seed] = request.seed;
      return input;
    },
  };
}

export function familyOf(modelId: string): ModelFamily {
  const listed = registryEntry(modelId);
  if (listed !== null) return registryFamily(listed);
  const id = modelId.toLowerCase();
  if (id.includes("minimax")) return FAMILIES.minimax;
  if (id.includes("kling")) return FAMILIES.kling;
  if (id.includes("runway")) return FAMILIES.runway;
  if (id.includes("luma-video-to-video") || id.includes("luma/video-to-video")) return FAMILIES["luma-video"];
  if (id.includes("luma")) return FAMILIES.luma;
  return FAMILIES.generic;
}

/** A model id as the FAL client expects it: owner/alias[/path], no URL, no dot segments. */
export function assertModelId(modelId: string, field: string): string {
  if (!/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*){1,5}$/i.test(modelId) || modelId.includes("..")) {
    throw new CutroomError(
      "CONFIG",
      `${field} must look like owner/model[/path] (e.g. fal-ai/minimax-video); got ${JSON.stringify(modelId)}`,
      { field },
    );
  }
  return modelId;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Prompt text a model is more likely to accept: printable characters, single spaces, shorter. */
export function sanitizePrompt(prompt: string): string {
  const cleaned = prompt
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned.slice(0, Math.max(200, Math.floor(cleaned.length * 0.75)));
}

/**
 * One revision of a rejected input: fields the model named are dropped when optional, reset when they
 * are the duration, and the prompt is cleaned. Returns null when nothing could be changed.
 */
export function reviseInput(
  input: FalInput,
  family: Pick<ModelFamily, "optional" | "safeDuration">,
  problems: FieldProblem[],
): FalInput | null {
  const revised: FalInput = { ...input };
  const fields = problems.map((problem) => problem.field);
  const blamesNothingSpecific = fields.every((field) => !(field in input));
  for (const field of blamesNothingSpecific ? family.optional : fields) {
    if (family.optional.includes(field)) delete revised[field];
    else if (field === "duration" && family.safeDuration !== null) revised.duration = family.safeDuration;
  }
  if (typeof revised.prompt === "string" && (fields.includes("prompt") || blamesNothingSpecific)) {
    revised.prompt = sanitizePrompt(revised.prompt);
  }
  return JSON.stringify(revised) === JSON.stringify(input) ? null : revised;
}
