/**
 * The FAL video models cutroom knows, as data: for each model id, the generation methods it serves, the
 * clip lengths it renders, its aspect ratios and resolutions, whether it takes a start frame, an end frame
 * or reference images, whether it makes sound, the names of its input fields, and how FAL bills it. The
 * adapter builds its input from an entry, the planner asks an entry which lengths it may plan, and the
 * estimate and the recorded cost both use `modelCostUsd`, so they cannot disagree.
 *
 * Each entry cites the FAL page its facts and price were read from. Prices change: CUTROOM_PRICES
 * (USD per second by model id prefix) overrides an entry's rule when it lists the model.
 */
import type { GenerationMethod } from "../../../domain.js";

/** The input sent to a FAL model: its own field names and values. */
export type FalInput = Record<string, unknown>;

/** What a model does besides the four generation methods: put a voice on a finished clip's mouth. */
export type ModelTask = GenerationMethod | "lip-sync";

export type LengthRule =
  | { kind: "list"; seconds: number[] }
  | { kind: "range"; min: number; max: number }
  /** The model picks its own length (video-to-video, lip-sync): it follows its input. */
  | { kind: "input" };

/** How the duration field is written: 6, "6" or "6s". */
export type DurationFormat = "number" | "string" | "seconds-suffix";

export interface ModelFields {
  prompt: string;
  duration: { name: string; format: DurationFormat } | null;
  aspectRatio: string | null;
  resolution: string | null;
  /** The start image (image-to-video, first-last-frame, composite). */
  image: string | null;
  endImage: string | null;
  video: string | null;
  audio: string | null;
  /** Native sound on or off. */
  generateAudio: string | null;
  negativePrompt: string | null;
  seed: string | null;
  /** Model-specific fields always sent, such as { prompt_optimizer: true }. */
  fixed: Record<string, unknown>;
}

/**
 * USD for one clip. `per: "second"` multiplies the rate by the billed seconds (at least `minimumSeconds`);
 * `per: "clip"` charges by the length tier. Rates are keyed by resolution ("*" for any) and audio on/off.
 */
export type PriceRule =
  | {
      per: "second";
      rates: Record<string, { audioOff: number; audioOn: number }>;
      minimumSeconds: number;
    }
  | { per: "clip"; bySeconds: Record<string, number> };

export interface ModelEntry {
  id: string;
  tasks: ModelTask[];
  lengths: LengthRule;
  /** "auto" means the shape follows the start image. */
  aspectRatios: string[];
  resolutions: string[];
  defaultResolution: string;
  startFrame: boolean;
  endFrame: boolean;
  /** How many reference images it takes beside the start frame (0: none). */
  referenceImages: number;
  /** "none": silent; "optional": a field turns it on; "always": every clip has sound. */
  nativeAudio: "none" | "optional" | "always";
  /** The model follows audio it is given (a lip-sync pass, or speech that drives the clip). */
  followsAudio: boolean;
  fields: ModelFields;
  price: PriceRule;
  /** The page the entry's facts and price come from. */
  source: string;
}

const NO_FIELDS: ModelFields = {
  prompt: "prompt",
  duration: null,
  aspectRatio: null,
  resolution: null,
  image: null,
  endImage: null,
  video: null,
  audio: null,
  generateAudio: null,
  negativePrompt: null,
  seed: null,
  fixed: {},
};

const range = (min: number, max: number): LengthRule => ({ kind: "range", min, max });
const list = (...seconds: number[]): LengthRule => ({ kind: "list", seconds });
const perSecond = (rates: Record<string, { audioOff: number; audioOn: number }>, minimumSeconds = 0): PriceRule => ({
  per: "second",
  rates,
  minimumSeconds,
});
const flat = (usd: number) => ({ audioOff: usd, audioOn: usd });

const KLING_V3_DURATION = { name: "duration", format: "string" } as const;

export const MODEL_REGISTRY: ModelEntry[] = [
  // https://fal.ai/models/fal-ai/kling-video/v3/standard/text-to-video/llms.txt — $0.084/s audio off,
  // $0.126/s audio on; 3–15 s; 16:9, 9:16, 1:1.
  {
    id: "fal-ai/kling-video/v3/standard/text-to-video",
    tasks: ["text-to-video"],
    lengths: range(3, 15),
    aspectRatios: ["16:9", "9:16", "1:1"],
    resolutions: ["720p"],
    defaultResolution: "720p",
    startFrame: false,
    endFrame: false,
    referenceImages: 0,
    nativeAudio: "optional",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: KLING_V3_DURATION,
      aspectRatio: "aspect_ratio",
      generateAudio: "generate_audio",
      negativePrompt: "negative_prompt",
    },
    price: perSecond({ "*": { audioOff: 0.084, audioOn: 0.126 } }),
    source: "https://fal.ai/models/fal-ai/kling-video/v3/standard/text-to-video/llms.txt",
  },
  // https://fal.ai/models/fal-ai/kling-video/o3/standard/image-to-video — $0.084/s audio off, $0.112/s on;
  // 3–15 s; start frame `image_url` and optional `end_image_url`; the shape follows the start image.
  {
    id: "fal-ai/kling-video/o3/standard/image-to-video",
    tasks: ["image-to-video", "first-last-frame", "composite-to-video"],
    lengths: range(3, 15),
    aspectRatios: ["auto"],
    resolutions: ["720p"],
    defaultResolution: "720p",
    startFrame: true,
    endFrame: true,
    referenceImages: 0,
    nativeAudio: "optional",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: KLING_V3_DURATION,
      image: "image_url",
      endImage: "end_image_url",
      generateAudio: "generate_audio",
    },
    price: perSecond({ "*": { audioOff: 0.084, audioOn: 0.112 } }),
    source: "https://fal.ai/models/fal-ai/kling-video/o3/standard/image-to-video",
  },
  // https://fal.ai/models/fal-ai/veo3.1/llms.txt — $0.20/s without audio, $0.40/s with, at 720p or 1080p;
  // 4k $0.40 / $0.60; "4s", "6s", "8s"; 16:9 or 9:16.
  {
    id: "fal-ai/veo3.1",
    tasks: ["text-to-video"],
    lengths: list(4, 6, 8),
    aspectRatios: ["16:9", "9:16"],
    resolutions: ["720p", "1080p", "4k"],
    defaultResolution: "720p",
    startFrame: false,
    endFrame: false,
    referenceImages: 0,
    nativeAudio: "optional",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: { name: "duration", format: "seconds-suffix" },
      aspectRatio: "aspect_ratio",
      resolution: "resolution",
      generateAudio: "generate_audio",
      negativePrompt: "negative_prompt",
      seed: "seed",
    },
    price: perSecond({
      "720p": { audioOff: 0.2, audioOn: 0.4 },
      "1080p": { audioOff: 0.2, audioOn: 0.4 },
      "4k": { audioOff: 0.4, audioOn: 0.6 },
    }),
    source: "https://fal.ai/models/fal-ai/veo3.1/llms.txt",
  },
  // https://fal.ai/models/fal-ai/veo3.1/fast/first-last-frame-to-video/llms.txt — $0.10/s without audio,
  // $0.15/s with, at 720p or 1080p; 4k $0.30 / $0.35; "4s", "6s", "8s"; auto, 16:9, 9:16.
  {
    id: "fal-ai/veo3.1/fast/first-last-frame-to-video",
    tasks: ["first-last-frame"],
    lengths: list(4, 6, 8),
    aspectRatios: ["auto", "16:9", "9:16"],
    resolutions: ["720p", "1080p", "4k"],
    defaultResolution: "720p",
    startFrame: true,
    endFrame: true,
    referenceImages: 0,
    nativeAudio: "optional",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: { name: "duration", format: "seconds-suffix" },
      aspectRatio: "aspect_ratio",
      resolution: "resolution",
      image: "first_frame_url",
      endImage: "last_frame_url",
      generateAudio: "generate_audio",
      negativePrompt: "negative_prompt",
      seed: "seed",
    },
    price: perSecond({
      "720p": { audioOff: 0.1, audioOn: 0.15 },
      "1080p": { audioOff: 0.1, audioOn: 0.15 },
      "4k": { audioOff: 0.3, audioOn: 0.35 },
    }),
    source: "https://fal.ai/models/fal-ai/veo3.1/fast/first-last-frame-to-video/llms.txt",
  },
  // https://fal.ai/models/bytedance/seedance-2.0/fast/text-to-video/llms.txt — $0.0112 per 1000 tokens,
  // tokens = width × height × seconds × 24 / 1024: $0.2419/s at 720p, about $0.1075/s at 480p, sound or
  // not; "4"–"15" (or "auto"); 21:9, 16:9, 4:3, 1:1, 3:4, 9:16.
  {
    id: "bytedance/seedance-2.0/fast/text-to-video",
    tasks: ["text-to-video"],
    lengths: range(4, 15),
    aspectRatios: ["21:9", "16:9", "4:3", "1:1", "3:4", "9:16"],
    resolutions: ["480p", "720p"],
    defaultResolution: "720p",
    startFrame: false,
    endFrame: false,
    referenceImages: 0,
    nativeAudio: "optional",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: { name: "duration", format: "string" },
      aspectRatio: "aspect_ratio",
      resolution: "resolution",
      generateAudio: "generate_audio",
      seed: "seed",
    },
    price: perSecond({ "720p": flat(0.2419), "480p": flat(0.1075) }),
    source: "https://fal.ai/models/bytedance/seedance-2.0/fast/text-to-video/llms.txt",
  },
  // https://fal.ai/models/fal-ai/seedance-2/fast/image-to-video/playground — the same token price
  // ($0.2419/s at 720p); `image_url` and optional `end_image_url`; "4"–"15".
  {
    id: "bytedance/seedance-2.0/fast/image-to-video",
    tasks: ["image-to-video", "first-last-frame", "composite-to-video"],
    lengths: range(4, 15),
    aspectRatios: ["auto", "21:9", "16:9", "4:3", "1:1", "3:4", "9:16"],
    resolutions: ["480p", "720p"],
    defaultResolution: "720p",
    startFrame: true,
    endFrame: true,
    referenceImages: 0,
    nativeAudio: "optional",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: { name: "duration", format: "string" },
      aspectRatio: "aspect_ratio",
      resolution: "resolution",
      image: "image_url",
      endImage: "end_image_url",
      generateAudio: "generate_audio",
      seed: "seed",
    },
    price: perSecond({ "720p": flat(0.2419), "480p": flat(0.1075) }),
    source: "https://fal.ai/models/fal-ai/seedance-2/fast/image-to-video/playground",
  },
  // https://fal.ai/models/fal-ai/minimax/hailuo-2.3/standard/text-to-video/llms.txt — $0.28 per 6 s clip,
  // $0.56 per 10 s clip; 768p; no aspect ratio field.
  {
    id: "fal-ai/minimax/hailuo-2.3/standard/text-to-video",
    tasks: ["text-to-video"],
    lengths: list(6, 10),
    aspectRatios: ["16:9"],
    resolutions: ["768p"],
    defaultResolution: "768p",
    startFrame: false,
    endFrame: false,
    referenceImages: 0,
    nativeAudio: "none",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: { name: "duration", format: "string" },
      fixed: { prompt_optimizer: true },
    },
    price: { per: "clip", bySeconds: { "6": 0.28, "10": 0.56 } },
    source: "https://fal.ai/models/fal-ai/minimax/hailuo-2.3/standard/text-to-video/llms.txt",
  },
  // https://fal.ai/models/fal-ai/minimax/hailuo-2.3/standard/image-to-video/llms.txt — as above, with
  // the start frame in `image_url`.
  {
    id: "fal-ai/minimax/hailuo-2.3/standard/image-to-video",
    tasks: ["image-to-video", "composite-to-video"],
    lengths: list(6, 10),
    aspectRatios: ["auto"],
    resolutions: ["768p"],
    defaultResolution: "768p",
    startFrame: true,
    endFrame: false,
    referenceImages: 0,
    nativeAudio: "none",
    followsAudio: false,
    fields: {
      ...NO_FIELDS,
      duration: { name: "duration", format: "string" },
      image: "image_url",
      fixed: { prompt_optimizer: true },
    },
    price: { per: "clip", bySeconds: { "6": 0.28, "10": 0.56 } },
    source: "https://fal.ai/models/fal-ai/minimax/hailuo-2.3/standard/image-to-video/llms.txt",
  },
  // https://fal.ai/models/fal-ai/ltx-2.3-22b/distilled/audio-to-video/llms.txt — $0.001205 per megapixel
  // of video (width × height × frames): about $0.0278/s at 1280×720, 25 fps; `audio_url` (required: the
  // voice the picture is driven by), optional first frame `image_url` and `end_image_url`; with
  // `match_audio_length` the clip is as long as its audio.
  {
    id: "fal-ai/ltx-2.3-22b/distilled/audio-to-video",
    tasks: ["text-to-video", "image-to-video"],
    lengths: { kind: "input" },
    aspectRatios: ["auto"],
    resolutions: ["720p"],
    defaultResolution: "720p",
    startFrame: true,
    endFrame: true,
    referenceImages: 0,
    nativeAudio: "none",
    followsAudio: true,
    fields: {
      ...NO_FIELDS,
      image: "image_url",
      endImage: "end_image_url",
      audio: "audio_url",
      fixed: { match_audio_length: true },
    },
    price: perSecond({ "*": flat(0.0278) }),
    source: "https://fal.ai/models/fal-ai/ltx-2.3-22b/distilled/audio-to-video/llms.txt",
  },
  // https://fal.ai/models/fal-ai/sync-lipsync/v2/llms.txt — $3 per minute of video; `video_url`,
  // `audio_url`, `sync_mode` (cut_off keeps the clip's length).
  {
    id: "fal-ai/sync-lipsync/v2",
    tasks: ["lip-sync"],
    lengths: { kind: "input" },
    aspectRatios: ["auto"],
    resolutions: ["input"],
    defaultResolution: "input",
    startFrame: false,
    endFrame: false,
    referenceImages: 0,
    nativeAudio: "none",
    followsAudio: true,
    fields: { ...NO_FIELDS, video: "video_url", audio: "audio_url", fixed: { sync_mode: "cut_off" } },
    price: perSecond({ "*": flat(0.05) }),
    source: "https://fal.ai/models/fal-ai/sync-lipsync/v2/llms.txt",
  },
];

/** The entry for a model id, or null for a model the registry does not list. */
export function registryEntry(modelId: string, registry: ModelEntry[] = MODEL_REGISTRY): ModelEntry | null {
  return registry.find((entry) => entry.id === modelId) ?? null;
}

/** Longest clip one generation of the model renders, or null when it follows its input. */
export function maxSecondsOf(entry: ModelEntry): number | null {
  const rule = entry.lengths;
  if (rule.kind === "input") return null;
  return rule.kind === "range" ? rule.max : Math.max(...rule.seconds);
}

/**
 * The length the model is asked to render for a clip of `seconds`: the shortest allowed length at least
 * that long (the clip is trimmed to the asked length afterwards), whole seconds for a range. Null when
 * the clip is longer than the model renders.
 */
export function renderedSeconds(entry: ModelEntry, seconds: number): number | null {
  const rule = entry.lengths;
  if (rule.kind === "input") return seconds;
  if (rule.kind === "range") {
    const whole = Math.max(rule.min, Math.ceil(seconds - 1e-9));
    return whole <= rule.max ? whole : null;
  }
  const fits = rule.seconds.filter((allowed) => allowed >= seconds - 1e-9).sort((a, b) => a - b);
  return fits[0] ?? null;
}

/** The allowed lengths in words: "3–15 s", "4, 6 or 8 s". */
export function lengthsInWords(entry: ModelEntry): string {
  const rule = entry.lengths;
  if (rule.kind === "input") return "the length of its input";
  if (rule.kind === "range") return `${rule.min}–${rule.max} s`;
  const values = [...rule.seconds].sort((a, b) => a - b);
  return `${values.slice(0, -1).join(", ")}${values.length > 1 ? " or " : ""}${values[values.length - 1]} s`;
}

export interface CostQuery {
  seconds: number;
  resolution?: string | null;
  audio?: boolean;
}

/**
 * USD for one clip of a model by its price rule: the length it renders (see renderedSeconds) at the
 * resolution and with sound as asked. Null when the model cannot render that length.
 */
export function modelCostUsd(entry: ModelEntry, query: CostQuery): number | null {
  const billed = renderedSeconds(entry, query.seconds);
  if (billed === null) return null;
  const price = entry.price;
  if (price.per === "clip") {
    const usd = price.bySeconds[String(billed)];
    return usd === undefined ? null : Number(usd.toFixed(4));
  }
  const resolution = query.resolution ?? entry.defaultResolution;
  const rate = price.rates[resolution] ?? price.rates["*"];
  if (rate === undefined) return null;
  const perSecond = query.audio === true ? rate.audioOn : rate.audioOff;
  return Number((perSecond * Math.max(billed, price.minimumSeconds)).toFixed(4));
}

/** The aspect ratio closest to a frame size among "16:9", "9:16", "1:1" and the wider or squarer ones. */
export function aspectOfSize(width: number, height: number): string {
  const ratio = width / height;
  const known: Array<[string, number]> = [
    ["21:9", 21 / 9],
    ["16:9", 16 / 9],
    ["4:3", 4 / 3],
    ["1:1", 1],
    ["3:4", 3 / 4],
    ["9:16", 9 / 16],
  ];
  return known.reduce((best, candidate) =>
    Math.abs(Math.log(candidate[1] / ratio)) < Math.abs(Math.log(best[1] / ratio)) ? candidate : best,
  )[0];
}

export interface Needs {
  task: ModelTask;
  seconds?: number;
  aspectRatio?: string;
  endFrame?: boolean;
}

/**
 * What a model cannot do of what is needed, in words naming the model and the limit; empty when it
 * can do it all.
 */
export function unsuitability(entry: ModelEntry, needs: Needs): string[] {
  const problems: string[] = [];
  if (!entry.tasks.includes(needs.task))
    problems.push(`${entry.id} does not do ${needs.task} (it does ${entry.tasks.join(", ")})`);
  if (needs.seconds !== undefined && renderedSeconds(entry, needs.seconds) === null)
    problems.push(`${entry.id} renders ${lengthsInWords(entry)}, not ${needs.seconds} s`);
  if (
    needs.aspectRatio !== undefined &&
    !entry.aspectRatios.includes("auto") &&
    !entry.aspectRatios.includes(needs.aspectRatio)
  )
    problems.push(`${entry.id} renders ${entry.aspectRatios.join(", ")}, not ${needs.aspectRatio}`);
  if (needs.endFrame === true && !entry.endFrame) problems.push(`${entry.id} takes no end frame`);
  return problems;
}
