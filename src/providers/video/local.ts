/**
 * The local video provider: renders every generation method as an animatic with ffmpeg, so the whole
 * department runs offline and its quality checks measure real files.
 */
import { LOCAL_VIDEO_MODEL } from "../../config.js";
import { randomBytes } from "node:crypto";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  LocationLookSchema,
  MAX_CLIP_SECONDS,
  VisualProfileSchema,
  type ClipRequest,
  type GeneratedClip,
  type GenerationMethod,
  type LocationLook,
  type VisualProfile,
} from "../../domain.js";
import { CutroomError } from "../../errors.js";
import {
  buildAnimaticSpec,
  captionFilePath,
  renderCharacterReferenceSpec,
  renderLocationReferenceSpec,
} from "../../media/animatic.js";
import { runFfmpeg } from "../../media/runner.js";
import { describeClip, MethodDispatchProvider, type GenerateOptions } from "./types.js";
import { costAtRate } from "./pricing.js";

const MAX_CHARACTERS = 6;
const MAX_CAPTION_LENGTH = 500;
const DEFAULT_TIMEOUT_MS = 120_000;

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

function invalid(field: string, message: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field} ${message}`, { field });
}

function checkDimension(field: "width" | "height", value: number): void {
  if (!Number.isInteger(value) || value < 64 || value > 3840 || value % 2 !== 0) {
    throw invalid(
      field,
      `must be an even whole number of pixels from 64 to 3840 (H.264 with 4:2:0 needs even sizes); got ${value}`,
    );
  }
}

/** Rejects a request the renderer cannot honour, naming the field, before any ffmpeg work starts. */
/**
 * The request a provider works from: the method called (whatever the request says), image paths made
 * absolute, every field checked, and the output directory made.
 */
export async function preparedClipRequest(
  method: GenerationMethod,
  request: ClipRequest,
  outputDirectory: string,
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
  await validateClipRequest(clip);
  const outputDir = resolve(outputDirectory);
  await mkdir(outputDir, { recursive: true });
  return { clip, outputDir };
}

export async function validateClipRequest(request: ClipRequest): Promise<void> {
  const { durationSeconds, fps, seed, motionStrength } = request;
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0 || durationSeconds > MAX_CLIP_SECONDS) {
    throw invalid(
      "durationSeconds",
      `must be more than 0 and at most ${MAX_CLIP_SECONDS} seconds per clip (split longer shots); got ${durationSeconds}`,
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

export class LocalAnimaticProvider extends MethodDispatchProvider {
  readonly name = "local-animatic";
  readonly acceptsDrawings: boolean = true;
  readonly model = LOCAL_VIDEO_MODEL;

  modelFor(): string {
    return this.model;
  }
  private readonly timeoutMs: number;

  /** USD per second of rendered video: local rendering is free unless the price table says otherwise. */
  private readonly pricePerSecondUsd: number;

  constructor(options: { timeoutMs?: number; pricePerSecondUsd?: number } = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pricePerSecondUsd = options.pricePerSecondUsd ?? 0;
  }

  protected async generate(
    method: GenerationMethod,
    request: ClipRequest,
    options: GenerateOptions,
  ): Promise<GeneratedClip> {
    const { clip: clipRequest, outputDir } = await preparedClipRequest(method, request, options.outputDir);
    const output = join(outputDir, `${method}-${clipRequest.seed}-${randomBytes(4).toString("hex")}.mp4`);
    const captionPath = captionFilePath(output, outputDir);
    const report = options.onProgress;
    const started = performance.now();
    report?.(0, `rendering ${method} animatic`);
    try {
      if (clipRequest.caption !== null) await writeFile(captionPath, clipRequest.caption, "utf8");
      await runFfmpeg(buildAnimaticSpec(clipRequest, output, outputDir), {
        timeoutMs: this.timeoutMs,
        signal: options.signal,
        durationSeconds: clipRequest.durationSeconds,
        onProgress: report === null ? null : (fraction) => report(0.95 * fraction, `rendering ${method} animatic`),
      });
    } catch (error) {
      await rm(output, { force: true });
      throw error;
    } finally {
      await rm(captionPath, { force: true });
    }
    const clip = await describeClip(
      output,
      { method, model: this.model, seed: clipRequest.seed, startedMs: started, nowMs: performance.now() },
      (seconds) => costAtRate(this.pricePerSecondUsd, seconds),
    );
    report?.(1, "rendered");
    return clip;
  }
}

function checkStillSize(size: { width: number; height: number }): void {
  checkDimension("width", size.width);
  checkDimension("height", size.height);
}

/** Renders a character's master reference still (PNG): the figure standing centred on neutral grey. */
export async function renderCharacterReference(
  profile: VisualProfile,
  outputPath: string,
  size: { width: number; height: number },
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  const parsed = VisualProfileSchema.safeParse(profile);
  if (!parsed.success)
    throw invalid("profile", `is not a valid visual profile: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  checkStillSize(size);
  await mkdir(dirname(resolve(outputPath)), { recursive: true });
  await runFfmpeg(renderCharacterReferenceSpec(parsed.data, resolve(outputPath), size), { timeoutMs });
  return resolve(outputPath);
}

/** Renders a location's master reference still (PNG). `seed` should be the location's layout seed. */
export async function renderLocationReference(
  look: LocationLook,
  seed: number,
  outputPath: string,
  size: { width: number; height: number },
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  const parsed = LocationLookSchema.safeParse(look);
  if (!parsed.success)
    throw invalid("look", `is not a valid location look: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  checkStillSize(size);
  await mkdir(dirname(resolve(outputPath)), { recursive: true });
  await runFfmpeg(renderLocationReferenceSpec(parsed.data, seed, resolve(outputPath), size), { timeoutMs });
  return resolve(outputPath);
}
