/**
 * The only module that drives ffmpeg/ffprobe. Commands are described by a pure FfmpegSpec so they can be
 * unit-tested and logged; running one always passes an argument array (never a shell string), with a
 * timeout, cancellation (the process is killed and its partial output removed) and progress parsed from
 * ffmpeg's stderr.
 */
import { accessSync, constants } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { CutroomError } from "../errors.js";

export interface FfmpegInput {
  source: string;
  /** Options placed before this input's `-i`. */
  options: string[];
}

export interface FfmpegSpec {
  inputs: FfmpegInput[];
  filterComplex: string | null;
  outputOptions: string[];
  /** A file path, or "-" for ffmpeg's null muxer (analysis runs whose result is read from stderr). */
  output: string;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal | null;
  onProgress?: ((fraction: number) => void) | null;
  /** Expected output length, needed to turn ffmpeg's `time=` into a fraction. */
  durationSeconds?: number | null;
}

export interface ProbeResult {
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string | null;
  /** Codec profile ("High", "Main"); with the fields below it decides whether clips can be stream-copied together. */
  videoProfile: string | null;
  pixelFormat: string | null;
  /** Stream timebase such as "1/12288". */
  timeBase: string | null;
  /** "1:1" for square pixels; null when the container does not say. */
  sampleAspectRatio: string | null;
  /** True when r_frame_rate and avg_frame_rate agree (a constant-rate stream). */
  constantFrameRate: boolean;
  bitRate: number | null;
  /** The picture stream's own bit rate, without the sound. */
  videoBitRate: number | null;
  frameCount: number | null;
  hasAudio: boolean;
  audioCodec: string | null;
  audioDurationSeconds: number | null;
  sizeBytes: number;
}

const STDERR_TAIL_LINES = 15;
const NULL_OUTPUT = "-";

export function specToArgs(spec: FfmpegSpec): string[] {
  const args = ["-y"];
  for (const input of spec.inputs) {
    args.push(...input.options, "-i", input.source);
  }
  if (spec.filterComplex !== null) {
    args.push("-filter_complex", spec.filterComplex);
  }
  args.push(...outputOptionsOf(spec), spec.output);
  return args;
}

function outputOptionsOf(spec: FfmpegSpec): string[] {
  return spec.output === NULL_OUTPUT ? [...spec.outputOptions, "-f", "null"] : spec.outputOptions;
}

/** Seconds from a stats line such as `frame=  48 fps=0.0 ... time=00:00:02.00 ...`; null when absent or negative. */
export function parseProgressTime(line: string): number | null {
  const match = /time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(line);
  if (match === null) return null;
  const [, hours, minutes, seconds] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

function isStatsLine(line: string): boolean {
  return /^\s*(frame|size)=/.test(line);
}

/**
 * fluent-ffmpeg splits a lone "-flag value" string on its space; passing the options as separate
 * arguments turns that off, so values containing a space stay intact.
 */
function addOptions(add: (...options: string[]) => unknown, options: string[]): void {
  if (options.length === 0) return;
  if (options.length === 1) {
    const [only] = options as [string];
    if (only.includes(" ")) {
      throw new CutroomError("MEDIA", `a lone ffmpeg option may not contain a space: ${JSON.stringify(only)}`);
    }
  }
  add(...options);
}

export async function runFfmpeg(spec: FfmpegSpec, options: RunOptions = {}): Promise<{ stderr: string }> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const signal = options.signal ?? null;
  const onProgress = options.onProgress ?? null;
  const durationSeconds = options.durationSeconds ?? null;
  if (signal?.aborted) {
    throw new CutroomError("FFMPEG_CANCELLED", `ffmpeg was cancelled before it started (output ${spec.output})`);
  }

  const command = ffmpeg();
  for (const input of spec.inputs) {
    command.input(input.source);
    addOptions((...values) => command.inputOptions(...values), input.options);
  }
  if (spec.filterComplex !== null) command.complexFilter(spec.filterComplex);
  addOptions((...values) => command.outputOptions(...values), outputOptionsOf(spec));
  command.output(spec.output);

  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let stopReason: "timeout" | "cancelled" | null = null;
    let started = false;
    const stop = (reason: "timeout" | "cancelled") => {
      if (stopReason !== null) return;
      stopReason = reason;
      // Before 'start' there is no process yet; the 'start' handler kills it as soon as it exists.
      if (started) command.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop("timeout"), timeoutMs);
    const onAbort = () => stop("cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };

    command.on("start", () => {
      started = true;
      if (stopReason !== null) command.kill("SIGKILL");
    });
    command.on("stderr", (line: string) => {
      lines.push(line);
      if (onProgress === null || durationSeconds === null || durationSeconds <= 0) return;
      const seconds = parseProgressTime(line);
      if (seconds !== null) onProgress(Math.min(1, Math.max(0, seconds / durationSeconds)));
    });
    // A killed run leaves a truncated file that would pass for output: it goes before the caller hears.
    const stopped = (reason: "timeout" | "cancelled") =>
      void removePartial(spec.output).finally(() => reject(stoppedError(reason, timeoutMs, spec.output)));
    command.on("end", () => {
      finish();
      if (stopReason !== null) {
        stopped(stopReason);
        return;
      }
      onProgress?.(1);
      resolve({ stderr: lines.join("\n") });
    });
    command.on("error", (error: Error) => {
      finish();
      if (stopReason !== null) {
        stopped(stopReason);
        return;
      }
      if (/Cannot find ffmpeg|ENOENT/.test(error.message)) {
        reject(
          new CutroomError(
            "MISSING_TOOL",
            "ffmpeg was not found: install it (apt-get install ffmpeg) or put it on PATH",
            { cause: error },
          ),
        );
        return;
      }
      const tail = lines
        .filter((line) => !isStatsLine(line))
        .slice(-STDERR_TAIL_LINES)
        .join("\n");
      reject(
        new CutroomError("MEDIA", `ffmpeg failed writing ${spec.output}: ${firstLine(error.message)}\n${tail}`, {
          cause: error,
        }),
      );
    });
    command.run();
  });
}

async function removePartial(output: string): Promise<void> {
  if (output !== NULL_OUTPUT) await rm(output, { force: true }).catch(() => undefined);
}

function stoppedError(reason: "timeout" | "cancelled", timeoutMs: number, output: string): CutroomError {
  return reason === "timeout"
    ? new CutroomError(
        "FFMPEG_TIMEOUT",
        `ffmpeg took longer than the ${timeoutMs} ms timeout writing ${output} and was killed`,
      )
    : new CutroomError("FFMPEG_CANCELLED", `ffmpeg was cancelled while writing ${output}`);
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || value.trim() === "" || value === "N/A") return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** "24000/1001" → 23.976; "0/0" → null. */
function parseRate(rate: string | undefined): number | null {
  if (rate === undefined) return null;
  const [numerator, denominator] = rate.split("/").map(Number);
  if (numerator === undefined || !Number.isFinite(numerator) || numerator <= 0) return null;
  const divisor = denominator === undefined ? 1 : denominator;
  if (!Number.isFinite(divisor) || divisor <= 0) return null;
  return Math.round((numerator / divisor) * 1000) / 1000;
}

let chosenFfprobe: string | null = null;

/**
 * The ffprobe every probe runs: FFPROBE_PATH when set; else the static build npm installs with
 * @ffprobe-installer/ffprobe, which starts in about 5 ms where a distribution's (linked against some two
 * hundred libraries) takes 60, on every file a clip's job reads; else the one on PATH.
 */
export function ffprobeBinary(): string {
  if (chosenFfprobe !== null) return chosenFfprobe;
  chosenFfprobe = process.env.FFPROBE_PATH || packagedFfprobe() || "ffprobe";
  ffmpeg.setFfprobePath(chosenFfprobe);
  return chosenFfprobe;
}

function packagedFfprobe(): string | null {
  try {
    const { path } = createRequire(import.meta.url)("@ffprobe-installer/ffprobe") as { path: string };
    // Installed without its install script (npm --ignore-scripts), the binary is not executable.
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

/** What ffprobe said about one version of a file, and whether it has a picture. */
interface Probed {
  result: ProbeResult;
  hasVideo: boolean;
}

/**
 * Probes already made in this process, by the file's identity (device, inode, size and modification time in
 * nanoseconds): a clip is probed when downloaded, described, stored and cut into stills, and every one of
 * those reads the same facts, also after it was renamed into place. A file written again is a new identity;
 * a failed probe is not kept.
 */
const probeCache = new Map<string, Promise<Probed>>();
const PROBE_CACHE_SIZE = 512;

/**
 * Reads stream facts with ffprobe. Audio-only files (speech, effects) probe too, with width and height 0,
 * unless `requireVideo` is set. Stills (PNG) probe with a duration of 0. A file already probed unchanged in
 * this process is not probed again.
 */
export async function probe(path: string, options: { requireVideo?: boolean } = {}): Promise<ProbeResult> {
  const requireVideo = options.requireVideo ?? false;
  const fileStat = await stat(path, { bigint: true }).catch(() => null);
  if (fileStat === null || !fileStat.isFile()) {
    throw new CutroomError("MEDIA", `not a readable video: ${path} (no such file)`);
  }
  const identity = [fileStat.dev, fileStat.ino, fileStat.size, fileStat.mtimeNs].join(":");
  let pending = probeCache.get(identity);
  if (pending === undefined) {
    pending = runProbe(path, Number(fileStat.size));
    probeCache.set(identity, pending);
    if (probeCache.size > PROBE_CACHE_SIZE) probeCache.delete(probeCache.keys().next().value!);
    pending.catch(() => probeCache.delete(identity));
  } else {
    // Most recently used last, so the oldest is the one dropped.
    probeCache.delete(identity);
    probeCache.set(identity, pending);
  }
  const { result, hasVideo } = await pending;
  if (requireVideo && !hasVideo) {
    throw new CutroomError("MEDIA", `not a readable video: ${path} (no video stream)`);
  }
  return { ...result };
}

async function runProbe(path: string, sizeBytes: number): Promise<Probed> {
  ffprobeBinary();
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) => {
    ffmpeg.ffprobe(path, (error: unknown, result: ffmpeg.FfprobeData) => {
      if (error) reject(new CutroomError("MEDIA", `not a readable video: ${path}`, { cause: error }));
      else resolve(result);
    });
  });
  const video = data.streams.find((stream) => stream.codec_type === "video");
  const audio = data.streams.find((stream) => stream.codec_type === "audio");
  if (video === undefined && audio === undefined) {
    throw new CutroomError("MEDIA", `not a readable video: ${path} (no audio or video stream)`);
  }
  const formatDuration = toNumber(data.format.duration);
  const videoDuration = toNumber(video?.duration);
  const audioDuration = toNumber(audio?.duration);
  const result: ProbeResult = {
    durationSeconds: videoDuration ?? formatDuration ?? audioDuration ?? 0,
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    fps: parseRate(video?.r_frame_rate) ?? parseRate(video?.avg_frame_rate) ?? 0,
    videoCodec: video?.codec_name ?? null,
    videoProfile: video?.profile === undefined || video.profile === null ? null : String(video.profile),
    pixelFormat: video?.pix_fmt ?? null,
    timeBase: typeof video?.time_base === "string" ? video.time_base : null,
    sampleAspectRatio:
      typeof video?.sample_aspect_ratio === "string" && video.sample_aspect_ratio !== "0:1"
        ? video.sample_aspect_ratio
        : null,
    constantFrameRate:
      video !== undefined &&
      parseRate(video.r_frame_rate) !== null &&
      parseRate(video.r_frame_rate) === parseRate(video.avg_frame_rate),
    bitRate: toNumber(data.format.bit_rate) ?? toNumber(video?.bit_rate),
    videoBitRate: toNumber(video?.bit_rate),
    frameCount: toNumber(video?.nb_frames),
    hasAudio: audio !== undefined,
    audioCodec: audio?.codec_name ?? null,
    audioDurationSeconds: audio === undefined ? null : (audioDuration ?? formatDuration),
    sizeBytes: toNumber(data.format.size) ?? sizeBytes,
  };
  return { result, hasVideo: video !== undefined };
}

export interface DecodeOptions {
  times: number[];
  width: number;
  height: number;
  /** swscale algorithm; "neighbor" keeps flat colours unblended (colour-histogram measures rely on it). */
  scaleFlags?: "neighbor" | "area" | "bicubic";
}

/** RGB24 frames (width*height*3 bytes each) at the given timestamps, one ffmpeg run per timestamp. */
export async function decodeRawFrames(path: string, options: DecodeOptions): Promise<Buffer[]> {
  const flags = options.scaleFlags ?? "area";
  const directory = await mkdtemp(join(tmpdir(), "cutroom-frames-"));
  try {
    const frames: Buffer[] = [];
    for (const [index, time] of options.times.entries()) {
      const output = join(directory, `frame-${index}.rgb`);
      await runFfmpeg(
        {
          // -ss before -i seeks on the demuxer then decodes to the exact time, which is fast and accurate. At
          // time 0 there is nothing to seek, and a seek on a still JPEG makes the image demuxer return no frame.
          inputs: [{ source: path, options: time > 0 ? ["-ss", time.toFixed(3)] : [] }],
          filterComplex: null,
          outputOptions: [
            "-vf",
            `scale=${options.width}:${options.height}:flags=${flags}`,
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
          ],
          output,
        },
        { timeoutMs: 60_000 },
      );
      const frame = await readFile(output).catch(() => Buffer.alloc(0));
      if (frame.length !== options.width * options.height * 3) {
        throw new CutroomError("MEDIA", `could not decode a frame at ${time.toFixed(2)} s from ${path}`);
      }
      frames.push(frame);
    }
    return frames;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
