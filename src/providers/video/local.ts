/**
 * The local video provider: renders every generation method as an animatic with ffmpeg, so the whole
 * department runs offline and its quality checks measure real files.
 */
import { LOCAL_VIDEO_MODEL } from "../../config.js";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  LocationLookSchema,
  VisualProfileSchema,
  type ClipRequest,
  type GeneratedClip,
  type GenerationMethod,
  type LocationLook,
  type VisualProfile,
} from "../../domain.js";
import {
  buildAnimaticSpec,
  captionFilePath,
  renderCharacterReferenceSpec,
  renderLocationReferenceSpec,
} from "../../media/animatic.js";
import { runFfmpeg } from "../../media/runner.js";
import { loudnessPerFrame, mouthOpening } from "../../media/speech.js";
import { describeClip, MethodDispatchProvider, type GenerateOptions } from "./types.js";
import { costAtRate } from "./pricing.js";
import { checkDimension, invalid, preparedClipRequest } from "./clip-request.js";

const DEFAULT_TIMEOUT_MS = 120_000;

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
      const mouths = await speakingMouths(clipRequest, this.timeoutMs);
      await runFfmpeg(buildAnimaticSpec(clipRequest, output, outputDir, mouths), {
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

/**
 * How open each character's mouth is at each frame of a clip people speak in: the voice track's loudness
 * while the character's own lines play, shut otherwise. A track that cannot be read leaves the talk
 * action's cycle in place.
 */
async function speakingMouths(request: ClipRequest, timeoutMs: number): Promise<Record<string, number[]>> {
  const speech = request.speech ?? null;
  if (speech === null || speech.lines.length === 0) return {};
  const frames = Math.ceil(request.durationSeconds * request.fps);
  const loudness = await loudnessPerFrame(speech.audioPath, frames, request.fps, timeoutMs);
  if (loudness === null) return {};
  const mouths: Record<string, number[]> = {};
  // Everyone on screen gets a mouth that follows their own lines: one who only listens keeps it shut.
  for (const character of request.characters)
    mouths[character.name] = mouthOpening(loudness, speech.lines, character.name, request.fps);
  return mouths;
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
