/**
 * The environment, validated once, turned into a typed config and an adapter choice per port.
 * Only this module reads process.env; everything else receives the config through the runtime.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { CutroomError } from "./errors.js";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** A numeric variable; an empty value (as in a copied .env.example) counts as not set. */
const number = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^(\d+(\.\d+)?)?$/, `${name} must be a number`)
    .transform((value) => (value === "" ? undefined : Number(value)))
    .refine(
      (value) => value === undefined || (value >= min && value <= max),
      `${name} must be between ${min} and ${max}`,
    )
    .optional();

const EnvSchema = z.object({
  CUTROOM_DATA_DIR: optionalText,
  CUTROOM_PROJECT: optionalText.refine(
    (value) => value === undefined || /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(value),
    {
      message: "CUTROOM_PROJECT must be letters, digits, '-' or '_'",
    },
  ),
  CUTROOM_RESOLUTION: optionalText.refine((value) => value === undefined || /^\d{2,4}x\d{2,4}$/.test(value), {
    message: "CUTROOM_RESOLUTION must look like 1280x720",
  }),
  CUTROOM_FPS: number("CUTROOM_FPS", 1, 60),
  CUTROOM_CLIP_SECONDS: number("CUTROOM_CLIP_SECONDS", 1, 7),
  CUTROOM_QUALITY_THRESHOLD: number("CUTROOM_QUALITY_THRESHOLD", 0, 1),
  CUTROOM_LOUDNESS_TARGET: optionalText,
  CUTROOM_MAX_ATTEMPTS: number("CUTROOM_MAX_ATTEMPTS", 1, 5),
  CUTROOM_FFMPEG_TIMEOUT_MS: number("CUTROOM_FFMPEG_TIMEOUT_MS", 1000, 3_600_000),
  CUTROOM_JOB_CONCURRENCY: number("CUTROOM_JOB_CONCURRENCY", 1, 64),
  CUTROOM_BUDGET_USD: number("CUTROOM_BUDGET_USD", 0, 100_000),
  CUTROOM_PRICES: optionalText,
  CUTROOM_CONFIRM_ABOVE_USD: number("CUTROOM_CONFIRM_ABOVE_USD", 0, 100_000),
  CUTROOM_JOB_ATTEMPTS: number("CUTROOM_JOB_ATTEMPTS", 1, 10),
  CUTROOM_JOB_BACKOFF_MS: number("CUTROOM_JOB_BACKOFF_MS", 0, 600_000),
  CUTROOM_JOB_LOCK_MS: number("CUTROOM_JOB_LOCK_MS", 1000, 600_000),
  /** Where the HTTP API and tools find custom .cube LUTs by name; none are offered when unset. */
  CUTROOM_LUT_DIR: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.refine((value) => value === undefined || /^https?:\/\//.test(value), {
    message: "OPENAI_BASE_URL must be an http(s) URL",
  }),
  OPENAI_MODEL: optionalText,
  /** "on" (default): the grader shows the model frames of each take; "off" for a model that cannot see. */
  CUTROOM_LLM_VISION: optionalText.pipe(z.enum(["on", "off"]).optional()),
  CUTROOM_DEBUG_CAPTION: optionalText.pipe(z.enum(["on", "off"]).optional()),
  FAL_KEY: optionalText,
  FAL_API_KEY: optionalText,
  FAL_BASE_URL: optionalText,
  FAL_AI_TEXT_TO_VIDEO: optionalText,
  FAL_AI_IMAGE_TO_VIDEO: optionalText,
  FAL_AI_FIRST_LAST_TO_VIDEO: optionalText,
  FAL_AI_VIDEO_TO_VIDEO: optionalText,
  /** The image port's text-to-image model (character and location masters). */
  FAL_AI_TEXT_TO_IMAGE: optionalText,
  /** The image port's multi-reference edit model (turnarounds and shot composites). */
  FAL_AI_IMAGE_EDIT: optionalText,
  /** One fallback for both image models; unset: each has its own (see FAL_IMAGE_FALLBACK_MODELS). */
  CUTROOM_FAL_IMAGE_FALLBACK_MODEL: optionalText,
  /** USD per image by model id prefix, as JSON; replaces or adds to the list prices. */
  CUTROOM_IMAGE_PRICES: optionalText,
  /** `local` keeps images on the local renderer while FAL_KEY is set (no image model is paid for). */
  CUTROOM_IMAGES: z.enum(["local", "fal"]).optional(),
  ELEVENLABS_API_KEY: optionalText,
  ELEVENLABS_BASE_URL: optionalText,
  S3_ENDPOINT: optionalText,
  R2_ACCOUNT_ID: optionalText,
  R2_ACCESS_KEY_ID: optionalText,
  R2_SECRET_ACCESS_KEY: optionalText,
  R2_BUCKET_NAME: optionalText,
  R2_PUBLIC_DOMAIN: optionalText,
  MONGODB_URI: optionalText,
  NEO4J_URI: optionalText,
  NEO4J_USER: optionalText,
  NEO4J_PASSWORD: optionalText,
  REDIS_URL: optionalText,
  S3_REGION: optionalText,
  CUTROOM_FAL_TIMEOUT_MS: number("CUTROOM_FAL_TIMEOUT_MS", 1000, 3_600_000),
  CUTROOM_FAL_POLL_MS: number("CUTROOM_FAL_POLL_MS", 10, 60_000),
  CUTROOM_FAL_FALLBACK_MODEL: optionalText,
  CUTROOM_FAL_WEBHOOK_URL: optionalText.refine((value) => value === undefined || /^https?:\/\//.test(value), {
    message: "CUTROOM_FAL_WEBHOOK_URL must be an http(s) URL",
  }),
  CUTROOM_HTTP_TIMEOUT_MS: number("CUTROOM_HTTP_TIMEOUT_MS", 50, 600_000),
  CUTROOM_FETCH_ALLOWED_HOSTS: optionalText,
  /** "key=projectId" pairs, comma-separated: which API key reaches which project over HTTP. */
  CUTROOM_API_KEYS: optionalText.refine(
    (value) =>
      value === undefined ||
      value.split(",").every((pair) => /^[A-Za-z0-9._~+/-]{16,256}=[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(pair.trim())),
    { message: "CUTROOM_API_KEYS must be comma-separated key=projectId pairs, keys of at least 16 characters" },
  ),
  CUTROOM_RATE_LIMIT_PER_HOUR: number("CUTROOM_RATE_LIMIT_PER_HOUR", 1, 100_000),
  /** Bearer token a scraper sends to GET /metrics (server and `cutroom worker --metrics-port`). */
  CUTROOM_METRICS_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 16, {
    message: "CUTROOM_METRICS_TOKEN must be at least 16 characters",
  }),
  /** "true": /metrics answers without a token (only where the network itself keeps it private). */
  CUTROOM_METRICS_PUBLIC: optionalText.pipe(z.enum(["true", "false"]).optional()),
  /** Host names (comma-separated, "*.example.com" for subdomains) that may receive webhooks; unset: any public host. */
  CUTROOM_WEBHOOK_ALLOWED_HOSTS: optionalText.refine(
    (value) =>
      value === undefined ||
      value
        .split(",")
        .every((entry) => /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$|^\[[0-9A-Fa-f:.]+\]$/.test(entry.trim())),
    {
      message: "CUTROOM_WEBHOOK_ALLOWED_HOSTS must be comma-separated host names, e.g. hooks.example.com,*.example.org",
    },
  ),
  CUTROOM_WEBHOOK_SECRET: optionalText.refine((value) => value === undefined || value.length >= 16, {
    message: "CUTROOM_WEBHOOK_SECRET must be at least 16 characters",
  }),
});
export type Env = z.infer<typeof EnvSchema>;

export type PortName =
  "llm" | "video" | "image" | "voice" | "objectStore" | "mediaRepository" | "brain" | "checkpointer" | "jobQueue";

export interface AdapterChoice {
  port: PortName;
  adapter: string;
  reason: string;
}

export interface Config {
  dataDir: string;
  /** CUTROOM_LUT_DIR resolved, or null: the only place a LUT named by a tool or HTTP caller is read from. */
  lutDir: string | null;
  projectId: string;
  video: {
    width: number;
    height: number;
    fps: number;
    clipSeconds: number;
    /** The local renderer burns "who · action · where" into each clip (CUTROOM_DEBUG_CAPTION=on); off by default. */
    debugCaption: boolean;
    /**
     * What fixed this frame's shape for one request (`--aspect`, `parameters.aspectRatio`, the request's
     * words); absent when the frame is the configured one.
     */
    shapeFrom?: string;
  };
  qualityThreshold: number;
  /** Integrated loudness a final mix is delivered at (LUFS): web -16 unless CUTROOM_LOUDNESS_TARGET says otherwise. */
  loudnessTargetLufs: number;
  maxAttempts: number;
  ffmpegTimeoutMs: number;
  /** Per-request spending limit: regeneration stops when it is reached. */
  budgetUsd: number;
  /** A plan estimated above this asks the user to confirm before anything is spent. */
  confirmAboveUsd: number;
  /** Clips generated at once. */
  generationConcurrency: number;
  /** USD per second of video by model id prefix: the FAL list prices, the local renderer, and CUTROOM_PRICES. */
  prices: Record<string, number>;
  /** USD per image by model id prefix: the FAL list prices, the local renderer, and CUTROOM_IMAGE_PRICES. */
  imagePrices: Record<string, number>;
  llm: { apiKey: string; baseURL: string | null; model: string; vision: boolean } | null;
  adapters: AdapterChoice[];
  /** The validated environment, for adapter factories (which never read process.env themselves). */
  env: Env;
}

/**
 * FAL model ids per generation method when FAL_AI_* is not set: entries of the model registry
 * (providers/video/fal/registry.ts, which cites each one's page and price). Kling 3.0 Standard for text
 * ($0.084/s, 3–15 s, every shape), Kling O3 Standard to animate a still or a composite ($0.084/s, start
 * and end frames), Veo 3.1 Fast between a first and a last frame ($0.10/s, 4, 6 or 8 s).
 */
export const FAL_DEFAULT_MODELS = {
  "text-to-video": "fal-ai/kling-video/v3/standard/text-to-video",
  "image-to-video": "fal-ai/kling-video/o3/standard/image-to-video",
  "first-last-frame": "fal-ai/veo3.1/fast/first-last-frame-to-video",
  "composite-to-video": "fal-ai/kling-video/o3/standard/image-to-video",
} as const;

/**
 * USD per second of the older FAL video models, by model id prefix (longest prefix wins), for a FAL_AI_*
 * that still names one. Models in the registry are billed by their own rule; a model in neither is
 * recorded as costing 0 and the adapter warns once. List prices change: CUTROOM_PRICES overrides both.
 */
export const FAL_PRICES_USD_PER_SECOND: Record<string, number> = {
  "fal-ai/minimax-video": 0.085,
  "fal-ai/kling-video/v1/standard": 0.045,
  "fal-ai/kling-video/v1/pro": 0.095,
  "fal-ai/runway-gen3/turbo": 0.05,
  "fal-ai/luma-video-to-video": 0.1,
  "fal-ai/luma-dream-machine": 0.1,
};

/** FAL image models when FAL_AI_TEXT_TO_IMAGE / FAL_AI_IMAGE_EDIT are not set. */
export const FAL_IMAGE_DEFAULT_MODELS = {
  "text-to-image": "fal-ai/flux/dev",
  edit: "fal-ai/nano-banana-2/edit",
} as const;

/** Used when an image model is unavailable and CUTROOM_FAL_IMAGE_FALLBACK_MODEL is not set. */
export const FAL_IMAGE_FALLBACK_MODELS = {
  "text-to-image": "fal-ai/flux-pro/v1.1",
  edit: "fal-ai/flux-pro/kontext/multi",
} as const;

/**
 * USD per image, by model id prefix (longest prefix wins), from FAL's model pages:
 * - fal-ai/flux/dev: $0.025 per megapixel, rounded up, so one image of up to 1 MP
 *   (https://fal.ai/models/fal-ai/flux-1/dev/playground);
 * - fal-ai/flux-pro/v1.1: $0.04 per image at FAL (https://lumenfall.ai/models/black-forest-labs/flux1.1-pro);
 * - fal-ai/nano-banana-2 (text and /edit): $0.08 per 1K image; 2K and 4K cost 1.5x and 2x
 *   (https://fal.ai/models/fal-ai/nano-banana-2/edit/llms.txt);
 * - fal-ai/flux-pro/kontext (and /multi): $0.04 per image (https://fal.ai/models/fal-ai/flux-pro/kontext/multi/llms.txt).
 * Larger images on per-megapixel models cost more than listed; CUTROOM_IMAGE_PRICES corrects any entry.
 */
export const FAL_IMAGE_PRICES_USD_PER_IMAGE: Record<string, number> = {
  "fal-ai/flux/dev": 0.025,
  "fal-ai/flux-pro/v1.1": 0.04,
  "fal-ai/nano-banana-2": 0.08,
  "fal-ai/flux-pro/kontext": 0.04,
};

/** Model id the local image renderer records (its price is 0 unless CUTROOM_IMAGE_PRICES says otherwise). */
export const LOCAL_IMAGE_MODEL = "local-renderer";

/** Model id of the local animatic renderer (its price is 0 unless CUTROOM_PRICES says otherwise). */
export const LOCAL_VIDEO_MODEL = "cutroom-animatic-1";

/**
 * CUTROOM_PRICES: a JSON object of model id prefix → USD per second, e.g. {"fal-ai/minimax-video":0.09}.
 * CUTROOM_IMAGE_PRICES has the same syntax with USD per image; `variable` and `unit` name which is read.
 */
export function parsePrices(
  text: string | undefined,
  variable = "CUTROOM_PRICES",
  unit = "per second",
): Record<string, number> {
  if (text === undefined) return {};
  const example = variable === "CUTROOM_PRICES" ? '{"fal-ai/minimax-video":0.09}' : '{"fal-ai/flux/dev":0.03}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CutroomError("CONFIG", `${variable} must be JSON, e.g. ${example}`, { field: variable });
  }
  const result = z.record(z.string().min(1), z.number().min(0).max(100)).safeParse(parsed);
  if (!result.success) {
    throw new CutroomError("CONFIG", `${variable} must map model ids to a price ${unit} between 0 and 100 USD`, {
      field: variable,
    });
  }
  return result.data;
}

/** The adapter serving a port, as chosen from the environment. */
export function adapterFor(config: Config, port: PortName): string {
  return config.adapters.find((choice) => choice.port === port)?.adapter ?? "none";
}

/**
 * Each port's real adapter is chosen when one of its variables is set and the adapter is available;
 * otherwise the embedded default runs, and the reason says which variable decided.
 */
const PORT_RULES: Array<{
  port: PortName;
  variables: string[];
  real: string;
  available: boolean;
  embedded: string;
  embeddedWhy: string;
}> = [
  {
    port: "video",
    variables: ["FAL_KEY", "FAL_API_KEY"],
    real: "fal",
    available: true,
    embedded: "local-animatic",
    embeddedWhy: "ffmpeg animatic renderer",
  },
  {
    // Images follow the video choice: a paid video model is given made (not drawn) stills.
    port: "image",
    variables: ["FAL_KEY", "FAL_API_KEY"],
    real: "fal",
    available: true,
    embedded: "local-renderer",
    embeddedWhy: "local drawing renderer",
  },
  {
    port: "voice",
    variables: ["ELEVENLABS_API_KEY"],
    real: "elevenlabs",
    available: true,
    embedded: "local-espeak",
    embeddedWhy: "espeak-ng text to speech",
  },
  {
    port: "objectStore",
    variables: ["S3_ENDPOINT", "R2_ACCOUNT_ID", "R2_BUCKET_NAME"],
    real: "s3",
    available: true,
    embedded: "local-dir",
    embeddedWhy: "files under the data dir",
  },
  {
    port: "mediaRepository",
    variables: ["MONGODB_URI"],
    real: "mongodb",
    available: true,
    embedded: "embedded-sqlite",
    embeddedWhy: "SQLite file in the data dir",
  },
  {
    port: "brain",
    variables: ["NEO4J_URI"],
    real: "neo4j",
    available: true,
    embedded: "embedded",
    embeddedWhy: "graph file in the data dir",
  },
  {
    port: "checkpointer",
    variables: ["MONGODB_URI"],
    real: "mongodb",
    available: true,
    embedded: "sqlite",
    embeddedWhy: "SQLite file in the data dir",
  },
  {
    port: "jobQueue",
    variables: ["REDIS_URL"],
    real: "bullmq",
    available: true,
    embedded: "in-process",
    embeddedWhy: "jobs run inside this process",
  },
];

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new CutroomError("CONFIG", `invalid environment: ${problems}`, {
      field: String(parsed.error.issues[0]?.path[0] ?? ""),
    });
  }
  const values = parsed.data;
  const [width, height] = (values.CUTROOM_RESOLUTION ?? "1280x720").split("x").map(Number) as [number, number];
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new CutroomError("CONFIG", "CUTROOM_RESOLUTION must have even width and height (H.264 needs it)", {
      field: "CUTROOM_RESOLUTION",
    });
  }
  const adapters: AdapterChoice[] = [];
  const llm = values.OPENAI_API_KEY
    ? {
        apiKey: values.OPENAI_API_KEY,
        baseURL: values.OPENAI_BASE_URL ?? null,
        model: values.OPENAI_MODEL ?? "gpt-4o-mini",
        vision: values.CUTROOM_LLM_VISION !== "off",
      }
    : null;
  adapters.push(
    llm
      ? {
          port: "llm",
          adapter: "openai-compatible",
          reason: `OPENAI_API_KEY is set; model ${llm.model} at ${llm.baseURL ?? "the OpenAI default URL"}${llm.vision ? ", shown frames when grading" : ""}`,
        }
      : { port: "llm", adapter: "none", reason: "OPENAI_API_KEY is not set: deterministic policies decide" },
  );
  for (const entry of PORT_RULES) {
    const present = entry.variables.filter((variable) => values[variable as keyof Env] !== undefined);
    // A paid video model may still be given stills the user uploads while no image model is paid for.
    if (entry.port === "image" && present.length > 0 && values.CUTROOM_IMAGES === "local") {
      adapters.push({
        port: entry.port,
        adapter: entry.embedded,
        reason: "CUTROOM_IMAGES=local: references are drawn locally (never sent to a paid model) or uploaded",
      });
      continue;
    }
    if (present.length > 0 && entry.available) {
      adapters.push({ port: entry.port, adapter: entry.real, reason: `${present.join(", ")} is set` });
      continue;
    }
    adapters.push({
      port: entry.port,
      adapter: entry.embedded,
      reason:
        present.length > 0
          ? `${present.join(", ")} is set, but the ${entry.real} adapter is not included in this version: using the ${entry.embeddedWhy}`
          : `${entry.variables.join(" / ")} not set: using the ${entry.embeddedWhy}`,
    });
  }
  return {
    dataDir: resolve(cwd, values.CUTROOM_DATA_DIR ?? ".cutroom"),
    lutDir: values.CUTROOM_LUT_DIR === undefined ? null : resolve(cwd, values.CUTROOM_LUT_DIR),
    projectId: values.CUTROOM_PROJECT ?? "default",
    video: {
      width,
      height,
      fps: values.CUTROOM_FPS ?? 24,
      clipSeconds: values.CUTROOM_CLIP_SECONDS ?? 5,
      debugCaption: values.CUTROOM_DEBUG_CAPTION === "on",
    },
    qualityThreshold: values.CUTROOM_QUALITY_THRESHOLD ?? 0.7,
    loudnessTargetLufs: parseLoudnessTarget(values.CUTROOM_LOUDNESS_TARGET),
    maxAttempts: values.CUTROOM_MAX_ATTEMPTS ?? 3,
    ffmpegTimeoutMs: values.CUTROOM_FFMPEG_TIMEOUT_MS ?? 120_000,
    budgetUsd: values.CUTROOM_BUDGET_USD ?? 10,
    confirmAboveUsd: values.CUTROOM_CONFIRM_ABOVE_USD ?? 2,
    generationConcurrency: values.CUTROOM_JOB_CONCURRENCY ?? 5,
    prices: { ...FAL_PRICES_USD_PER_SECOND, [LOCAL_VIDEO_MODEL]: 0, ...parsePrices(values.CUTROOM_PRICES) },
    imagePrices: {
      ...FAL_IMAGE_PRICES_USD_PER_IMAGE,
      [LOCAL_IMAGE_MODEL]: 0,
      ...parsePrices(values.CUTROOM_IMAGE_PRICES, "CUTROOM_IMAGE_PRICES", "per image"),
    },
    llm,
    adapters,
    env: values,
  };
}

/** Delivery loudness profiles: streaming/web platforms (-16 LUFS) and EBU R128 broadcast (-23 LUFS). */
export const LOUDNESS_PROFILES = { web: -16, broadcast: -23 } as const;

/** A loudness target given as a profile name or LUFS (e.g. "web", "broadcast", "-14"); web when not set. */
export function parseLoudnessTarget(value: string | undefined, field = "CUTROOM_LOUDNESS_TARGET"): number {
  const text = value?.trim().toLowerCase() ?? "";
  if (text === "") return LOUDNESS_PROFILES.web;
  if (text in LOUDNESS_PROFILES) return LOUDNESS_PROFILES[text as keyof typeof LOUDNESS_PROFILES];
  const lufs = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(lufs >= -40 && lufs <= -5)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `${field} must be web (-16), broadcast (-23) or a loudness in LUFS from -40 to -5; got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return lufs;
}
