/**
 * A talking clip's voice: one track as long as the clip with each line placed at its start (what a model
 * animates to, what a lip-sync pass syncs to), and its loudness per frame (what the local renderer opens
 * the mouth by, and what the verifier compares mouth movement with).
 */
import type { SpokenLine } from "./speech-types.js";
import { CutroomError } from "../errors.js";
import { decodeRaw } from "./raw-decode.js";
import { runFfmpeg, type FfmpegSpec } from "./runner.js";

const TRACK_RATE = 24_000;

/**
 * The ffmpeg run that lays the lines' audio files on one mono track of `durationSeconds`: each delayed to
 * its start, mixed without level changes (amix normalize=0 keeps every line at its own loudness), padded
 * with silence and cut to the clip's length.
 */
export function speechTrackSpec(
  lines: Array<{ path: string; startSeconds: number }>,
  durationSeconds: number,
  output: string,
): FfmpegSpec {
  const delayed = lines.map((line, index) => {
    const milliseconds = Math.max(0, Math.round(line.startSeconds * 1000));
    // aresample/aformat make every input one rate and layout, so amix can add them.
    return `[${index}:a]aresample=${TRACK_RATE},aformat=channel_layouts=mono,adelay=delays=${milliseconds}:all=1[line${index}]`;
  });
  const labels = lines.map((_, index) => `[line${index}]`).join("");
  return {
    inputs: lines.map((line) => ({ source: line.path, options: [] })),
    filterComplex: `${delayed.join(";")};${labels}amix=inputs=${lines.length}:normalize=0:duration=longest,apad[voice]`,
    outputOptions: [
      "-map",
      "[voice]",
      "-t",
      durationSeconds.toFixed(3),
      "-ar",
      String(TRACK_RATE),
      "-ac",
      "1",
      "-c:a",
      "pcm_s16le",
    ],
    output,
  };
}

export async function renderSpeechTrack(
  lines: Array<{ path: string; startSeconds: number }>,
  durationSeconds: number,
  output: string,
  options: { timeoutMs: number; signal?: AbortSignal | null },
): Promise<string> {
  if (lines.length === 0) throw new CutroomError("INVALID_INPUT", "a voice track needs at least one line");
  await runFfmpeg(speechTrackSpec(lines, durationSeconds, output), options);
  return output;
}

/** Root-mean-square level of each window of `samplesPerWindow` 16-bit samples, 0..1. */
export function rmsPerWindow(samples: Int16Array, samplesPerWindow: number, windows: number): number[] {
  const levels: number[] = [];
  for (let window = 0; window < windows; window++) {
    const from = Math.floor(window * samplesPerWindow);
    const to = Math.min(samples.length, Math.floor((window + 1) * samplesPerWindow));
    let sum = 0;
    for (let index = from; index < to; index++) sum += (samples[index]! / 32768) ** 2;
    levels.push(to > from ? Math.sqrt(sum / (to - from)) : 0);
  }
  return levels;
}

/**
 * The voice's loudness at each of `frames` frames of a clip at `fps`, from 0 (silence) to 1 (the track's
 * loudest frame), measured by decoding the track to PCM; null when the track cannot be read.
 */
export async function loudnessPerFrame(
  audioPath: string,
  frames: number,
  fps: number,
  timeoutMs: number,
): Promise<number[] | null> {
  const pcm = await decodePcm(audioPath, TRACK_RATE, timeoutMs).catch(() => null);
  if (pcm === null) return null;
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 2));
  const levels = rmsPerWindow(samples, TRACK_RATE / fps, frames);
  const loudest = Math.max(...levels, 1e-9);
  return levels.map((level) => Number((level / loudest).toFixed(4)));
}

/** Mono 16-bit PCM of an audio file at `rate`. */
function decodePcm(path: string, rate: number, timeoutMs: number): Promise<Buffer> {
  // -vn: only the sound, even from a video; s16le: raw little-endian samples, no header.
  return decodeRaw(path, ["-vn", "-ac", "1", "-ar", String(rate), "-f", "s16le"], timeoutMs);
}

/** How open the speaker's mouth is at each frame (0 closed .. 1 open): its loudness, only while it speaks. */
export function mouthOpening(loudness: number[], lines: SpokenLine[], character: string, fps: number): number[] {
  const own = lines.filter((line) => line.character.toLowerCase() === character.toLowerCase());
  return loudness.map((level, frame) => {
    const time = frame / fps;
    const speaking = own.some((line) => time >= line.startSeconds && time < line.startSeconds + line.durationSeconds);
    // Below a whisper the mouth stays shut; above it, the opening follows the level.
    return speaking && level > 0.08 ? Math.min(1, level) : 0;
  });
}
