/**
 * Audio mixing under a finished video: each track is trimmed, faded, set to its volume and delayed to its
 * start; music ducks under dialogue; the mix is loudness-normalised and padded or cut to exactly the
 * video's length. The picture is copied untouched.
 */
import { CutroomError } from "../errors.js";
import { num } from "./filtergraph.js";
import { runFfmpeg, type FfmpegSpec, type RunOptions } from "./runner.js";

export type TrackType = "dialogue" | "music" | "sfx";

export interface MixTrack {
  type: TrackType;
  path: string;
  /** Seconds from the start of the video. */
  startTime: number;
  /** Seconds of the track to use; null plays it until it ends or the video does. */
  duration: number | null;
  /** 0..1 gain. */
  volume: number;
  fadeIn: number;
  fadeOut: number;
  /**
   * Leveling gain in dB applied before `volume`: brings the source to STEM_REFERENCE_LUFS, so volume sets the
   * track's level against the others whatever its source's own level. Set by levelTracks; 0 when absent.
   */
  gainDb?: number;
}

export interface MixParams {
  videoPath: string;
  tracks: MixTrack[];
  videoDurationSeconds: number;
  outputPath: string;
  /** Integrated loudness the mix is delivered at (LUFS); LOUDNESS_TARGET_LUFS (web) when left out. */
  targetLufs?: number;
}

export const SAMPLE_RATE = 48_000;
/** Common format before mixing: amix and sidechaincompress need matching rates and layouts. */
export const TRACK_FORMAT = `aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`;
/** Mixed tracks are normalized to this integrated loudness (streaming platforms use -14 to -16 LUFS). */
export const LOUDNESS_TARGET_LUFS = -16;
/** True-peak ceiling of the normalized mix, below -1 dBTP so lossy encoding does not clip. */
export const TRUE_PEAK_TARGET_DBTP = -1.5;
const LOUDNESS = `loudnorm=I=${LOUDNESS_TARGET_LUFS}:TP=${TRUE_PEAK_TARGET_DBTP}:LRA=11`;
/** Dialogue pushes music down by up to 8:1 once it passes about -26 dBFS; the release lets music recover between lines. */
const DUCKING = "sidechaincompress=threshold=0.05:ratio=8:attack=20:release=400";
/**
 * Every source is brought to this integrated loudness before its volume is applied (EBU R128's reference),
 * so a line at volume 1 sits 12 dB over music at 0.25 whether it came from espeak, ElevenLabs or a file.
 */
export const STEM_REFERENCE_LUFS = -23;
/** Leveling never moves a source more than this: a nearly silent file is not amplified into noise. */
export const MAX_LEVELING_DB = 24;

export function validateMix(params: MixParams): void {
  if (params.tracks.length === 0)
    throw new CutroomError("INVALID_INPUT", "tracks must hold at least one audio track", { field: "tracks" });
  if (!(params.videoDurationSeconds > 0)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `videoDurationSeconds must be positive; got ${params.videoDurationSeconds}`,
      { field: "videoDurationSeconds" },
    );
  }
  params.tracks.forEach((track, index) => {
    const field = (name: string) => `tracks[${index}].${name}`;
    if (!(track.startTime >= 0))
      throw new CutroomError("INVALID_INPUT", `${field("startTime")} must be 0 or more`, { field: field("startTime") });
    if (track.duration !== null && !(track.duration > 0))
      throw new CutroomError("INVALID_INPUT", `${field("duration")} must be positive or null`, {
        field: field("duration"),
      });
    if (!(track.volume >= 0 && track.volume <= 1))
      throw new CutroomError("INVALID_INPUT", `${field("volume")} must be from 0 to 1`, { field: field("volume") });
    const gainDb = track.gainDb ?? 0;
    if (!(Math.abs(gainDb) <= MAX_LEVELING_DB))
      throw new CutroomError("INVALID_INPUT", `${field("gainDb")} must be within ±${MAX_LEVELING_DB} dB`, {
        field: field("gainDb"),
      });
    if (!(track.fadeIn >= 0) || !(track.fadeOut >= 0))
      throw new CutroomError("INVALID_INPUT", `${field("fadeIn")}/${field("fadeOut")} must be 0 or more`, {
        field: field("fadeIn"),
      });
  });
}

function trackChain(track: MixTrack, inputIndex: number, videoDuration: number, label: string): string {
  // Whatever plays past the picture's end is cut anyway, so the track's usable length is bounded by it.
  const available = Math.max(0.01, videoDuration - track.startTime);
  const length = Math.min(track.duration ?? available, available);
  const filters = [`atrim=duration=${num(length, 3)}`, "asetpts=PTS-STARTPTS", TRACK_FORMAT];
  const fadeIn = Math.min(track.fadeIn, length);
  const fadeOut = Math.min(track.fadeOut, length);
  if (fadeIn > 0) filters.push(`afade=t=in:st=0:d=${num(fadeIn, 3)}`);
  if (fadeOut > 0) filters.push(`afade=t=out:st=${num(length - fadeOut, 3)}:d=${num(fadeOut, 3)}`);
  const gainDb = track.gainDb ?? 0;
  if (gainDb !== 0) filters.push(`volume=${num(gainDb, 2)}dB`);
  filters.push(`volume=${num(track.volume, 3)}`);
  const delayMs = Math.round(track.startTime * 1000);
  if (delayMs > 0) filters.push(`adelay=delays=${delayMs}:all=1`);
  return `[${inputIndex}:a]${filters.join(",")}[${label}]`;
}

/** Joins labelled streams into one: a single stream passes through, several are summed without rescaling. */
function merge(labels: string[], output: string): string {
  if (labels.length === 1) return `[${labels[0]}]anull[${output}]`;
  return `${labels.map((label) => `[${label}]`).join("")}amix=inputs=${labels.length}:duration=longest:dropout_transition=0:normalize=0[${output}]`;
}

/**
 * Filter lines mixing the tracks (read from inputs firstInput, firstInput+1, ...) into `[output]`, exactly
 * `durationSeconds` long. `bed` names an already-built stream (a scene's own sound) that sits with the
 * effects, beneath dialogue.
 */
export function buildTrackMixGraph(
  tracks: MixTrack[],
  firstInput: number,
  durationSeconds: number,
  bed: string | null,
  output = "aout",
  loudness: LoudnessStep = { kind: "dynamic" },
): string[] {
  const graph: string[] = [];
  const byType: Record<TrackType, string[]> = { dialogue: [], music: [], sfx: [] };
  tracks.forEach((track, index) => {
    const label = `${track.type}${index}`;
    graph.push(trackChain(track, firstInput + index, durationSeconds, label));
    byType[track.type].push(label);
  });
  if (bed !== null) byType.sfx.push(bed);

  const groups: string[] = [];
  if (byType.dialogue.length > 0) graph.push(merge(byType.dialogue, "dialogue"));
  if (byType.music.length > 0) graph.push(merge(byType.music, "music"));
  if (byType.sfx.length > 0) graph.push(merge(byType.sfx, "sfx"));
  if (byType.dialogue.length > 0 && byType.music.length > 0) {
    graph.push("[dialogue]asplit=2[dialogue_mix][dialogue_key]");
    graph.push(`[music][dialogue_key]${DUCKING}[music_ducked]`);
    groups.push("dialogue_mix", "music_ducked");
  } else {
    if (byType.dialogue.length > 0) groups.push("dialogue");
    if (byType.music.length > 0) groups.push("music");
  }
  if (byType.sfx.length > 0) groups.push("sfx");
  graph.push(merge(groups, "mixed"));
  // loudnorm resamples internally to 192 kHz and can leave the channel layout unset (mono espeak input),
  // which the encoder refuses: pin rate and layout again. apad then an exact sample count makes the audio
  // exactly as long as the picture.
  const samples = Math.round(durationSeconds * SAMPLE_RATE);
  graph.push(`[mixed]${loudnormFilter(loudness)},${TRACK_FORMAT},apad,atrim=end_sample=${samples}[${output}]`);
  return graph;
}

/** What loudnorm measured in a first pass over the mix (its print_format=json output). */
export interface LoudnessMeasurement {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/**
 * Loudness normalization. "dynamic" is loudnorm's one-pass mode, which rides the gain like an automatic
 * level control and so lifts quiet stretches (music before a line) up to the line's level. The mix
 * uses two passes instead: "measure", then "linear": one gain for the whole track, so dialogue stays above
 * the bed it was mixed over, and a look-ahead limiter for the peaks the gain would push over the ceiling.
 * (loudnorm's own linear mode quietly falls back to dynamic whenever the gain would cross the true-peak
 * ceiling, which is the usual case for a line of speech over a quiet bed.)
 */
export type LoudnessStep =
  | { kind: "dynamic"; targetLufs?: number }
  | { kind: "measure" }
  | { kind: "linear"; measured: LoudnessMeasurement; targetLufs?: number };

/**
 * Sample-peak ceiling of the limiter: 1.5 dB under the true-peak target leaves room for inter-sample peaks
 * and the AAC encoder's overshoot (a -2.5 dBFS ceiling measured exactly -1.5 dBTP after encoding).
 */
const LIMITER_CEILING = 10 ** ((TRUE_PEAK_TARGET_DBTP - 1.5) / 20);
/** A mix quieter than loudnorm's gate (silence) is not amplified. */
const MAX_NORMALIZING_GAIN_DB = 40;

/** The one gain (dB) that brings a measured mix to the target (LOUDNESS_TARGET_LUFS by default); 0 for silence. */
export function normalizingGainDb(measured: LoudnessMeasurement, targetLufs = LOUDNESS_TARGET_LUFS): number {
  const integrated = Number(measured.input_i);
  if (!Number.isFinite(integrated) || integrated <= -70) return 0;
  return Math.max(-MAX_NORMALIZING_GAIN_DB, Math.min(MAX_NORMALIZING_GAIN_DB, targetLufs - integrated));
}

export function loudnormFilter(step: LoudnessStep): string {
  if (step.kind === "dynamic")
    return step.targetLufs === undefined ? LOUDNESS : LOUDNESS.replace(/I=-?[\d.]+/, `I=${num(step.targetLufs, 1)}`);
  if (step.kind === "measure") return `${LOUDNESS}:print_format=json`;
  return (
    `volume=${num(normalizingGainDb(step.measured, step.targetLufs), 2)}dB,` +
    `alimiter=limit=${num(LIMITER_CEILING, 4)}:attack=5:release=50:level=false:latency=true`
  );
}

/** The JSON block loudnorm prints at the end of a measuring pass. */
export function parseLoudnessMeasurement(stderr: string): LoudnessMeasurement {
  const start = stderr.lastIndexOf("{");
  const end = stderr.lastIndexOf("}");
  const parsed =
    start >= 0 && end > start ? (JSON.parse(stderr.slice(start, end + 1)) as Partial<LoudnessMeasurement>) : {};
  const fields = ["input_i", "input_tp", "input_lra", "input_thresh", "target_offset"] as const;
  for (const field of fields) {
    // Plain numbers only: the values go back into a filter string.
    if (typeof parsed[field] !== "string" || !/^-?(\d+(\.\d+)?|inf)$/.test(parsed[field]!)) {
      throw new CutroomError("MEDIA", `loudness measurement has no usable ${field}`);
    }
  }
  return parsed as LoudnessMeasurement;
}

/** The first pass: the same mix, measured by loudnorm, written nowhere. */
export function buildMixMeasureSpec(params: MixParams): FfmpegSpec {
  validateMix(params);
  const graph = buildTrackMixGraph(params.tracks, 0, params.videoDurationSeconds, null, "aout", { kind: "measure" });
  return {
    inputs: params.tracks.map((track) => ({ source: `file:${track.path}`, options: [] })),
    filterComplex: graph.join(";"),
    outputOptions: ["-map", "[aout]", "-f", "null"],
    output: "-",
  };
}

export function buildMixSpec(params: MixParams, loudness: LoudnessStep = { kind: "dynamic" }): FfmpegSpec {
  validateMix(params);
  const duration = params.videoDurationSeconds;
  const graph = buildTrackMixGraph(params.tracks, 1, duration, null, "aout", loudness);

  return {
    inputs: [
      { source: `file:${params.videoPath}`, options: [] },
      ...params.tracks.map((track) => ({ source: `file:${track.path}`, options: [] })),
    ],
    filterComplex: graph.join(";"),
    outputOptions: [
      "-map",
      "0:v:0",
      "-map",
      "[aout]",
      "-c:v",
      "copy",
      "-c:a",
      "aac",
      "-b:a",
      "192k",
      "-ar",
      "48000",
      "-t",
      num(duration, 3),
      "-movflags",
      "+faststart",
    ],
    output: params.outputPath,
  };
}

/** Integrated loudness (LUFS) of a file's first audio stream, or null when it has too little sound to gate. */
export async function measureLoudness(path: string, options: RunOptions = {}): Promise<number | null> {
  const { stderr } = await runFfmpeg(
    {
      inputs: [{ source: `file:${path}`, options: [] }],
      filterComplex: null,
      outputOptions: ["-vn", "-af", `${LOUDNESS}:print_format=json`, "-f", "null"],
      output: "-",
    },
    { timeoutMs: options.timeoutMs, signal: options.signal },
  );
  const integrated = Number(parseLoudnessMeasurement(stderr).input_i);
  // loudnorm reports -70 (its gate) or -inf for silence: nothing there to level.
  return Number.isFinite(integrated) && integrated > -69 ? integrated : null;
}

/**
 * Measures each distinct source once and gives every track the gain that brings its source to
 * STEM_REFERENCE_LUFS (within ±MAX_LEVELING_DB). Silent sources keep a gain of 0.
 */
export async function levelTracks(tracks: MixTrack[], options: RunOptions = {}): Promise<MixTrack[]> {
  const paths = [...new Set(tracks.map((track) => track.path))];
  const measured = new Map<string, number | null>();
  // Two at a time: the sources are short, and more processes than cores only queue.
  for (let index = 0; index < paths.length; index += 2) {
    const batch = paths.slice(index, index + 2);
    const values = await Promise.all(batch.map((path) => measureLoudness(path, options)));
    batch.forEach((path, offset) => measured.set(path, values[offset]!));
  }
  return tracks.map((track) => {
    const loudness = measured.get(track.path) ?? null;
    if (loudness === null) return { ...track, gainDb: 0 };
    const gain = Math.max(-MAX_LEVELING_DB, Math.min(MAX_LEVELING_DB, STEM_REFERENCE_LUFS - loudness));
    return { ...track, gainDb: Math.round(gain * 100) / 100 };
  });
}

/** Mixes the tracks under the video into `params.outputPath` (MP4, video copied, AAC audio). */
export async function mixAudioIntoVideo(input: MixParams, options: RunOptions = {}): Promise<string> {
  validateMix(input);
  const params = { ...input, tracks: await levelTracks(input.tracks, options) };
  const { stderr } = await runFfmpeg(buildMixMeasureSpec(params), {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  const measured = parseLoudnessMeasurement(stderr);
  const step: LoudnessStep =
    input.targetLufs === undefined
      ? { kind: "linear", measured }
      : { kind: "linear", measured, targetLufs: input.targetLufs };
  await runFfmpeg(buildMixSpec(params, step), {
    durationSeconds: params.videoDurationSeconds,
    ...options,
  });
  return params.outputPath;
}
