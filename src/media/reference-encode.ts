/**
 * How starved a picture's encode is, measured against the pictures themselves: the clip's own video bits
 * over a window in its middle, against the bits x264 at an ordinary delivery quality (CRF 23, preset
 * veryfast) spends on the same decoded frames.
 *
 * Bits per pixel alone cannot tell a starved photograph from a flat drawing: both sit near 0.01. A
 * reference encode can, because it costs what the content costs: a flat drawing needs few bits at CRF 23
 * too (its ratio stays near 1), a detailed picture squeezed into 25 kb/s needs two to four times more
 * than it was given even after the starving has smeared it (ratio 0.25–0.4). Delivery encodes from video
 * models and cameras spend more than CRF 23 (ratio 1–3).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CutroomError } from "../errors.js";
import { ffprobeBinary, runFfmpeg } from "./runner.js";

/** The quality the reference encode is made at: x264's default CRF, an ordinary delivery quality. */
export const REFERENCE_CRF = 23;
/** Seconds of the clip encoded again: enough frames for x264's rate control, little work. */
export const REFERENCE_WINDOW_SECONDS = 2;
/** Below this share of the reference's bits the encode is starved. */
export const STARVED_RATIO = 0.5;

export interface ReferenceEncode {
  /** Where the window starts and how long it is (seconds). */
  fromSeconds: number;
  seconds: number;
  /** The clip's own video bits per second over the window. */
  clipBitsPerSecond: number;
  /** What the reference encode spent per second on the same frames. */
  referenceBitsPerSecond: number;
  /** clip / reference. */
  ratio: number;
}

/** The middle window of a clip: REFERENCE_WINDOW_SECONDS, or the whole clip when it is shorter. */
export function referenceWindow(durationSeconds: number): { fromSeconds: number; seconds: number } {
  const seconds = Math.min(REFERENCE_WINDOW_SECONDS, durationSeconds);
  return { fromSeconds: Math.max(0, (durationSeconds - seconds) / 2), seconds };
}

/**
 * Bytes of the packets whose presentation time falls in [from, from + seconds), from
 * `ffprobe -show_entries packet=pts_time,size -of csv=p=0` lines ("0.041667,1234").
 */
export function packetBytesIn(text: string, fromSeconds: number, seconds: number): { bytes: number; packets: number } {
  let bytes = 0;
  let packets = 0;
  const end = fromSeconds + seconds;
  for (const line of text.split(/\r?\n/)) {
    const [time, size] = line.trim().split(",");
    const at = Number(time);
    const length = Number(size);
    if (time === undefined || time === "" || !Number.isFinite(at) || !Number.isFinite(length)) continue;
    if (at >= fromSeconds - 1e-6 && at < end - 1e-6) {
      bytes += length;
      packets++;
    }
  }
  return { bytes, packets };
}

function videoPacketTimes(path: string, timeoutMs: number): Promise<string> {
  const args = ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size", "-of", "csv=p=0"];
  return new Promise((resolve, reject) => {
    execFile(
      ffprobeBinary(),
      [...args, `file:${path}`],
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new CutroomError("MEDIA", `could not read the video packets: ${String(stderr).trim() || error.message}`, {
              cause: error,
            }),
          );
        } else resolve(stdout);
      },
    );
  });
}

/** Measures the clip against a reference encode of its middle window; throws when either cannot be made. */
export async function referenceEncode(
  path: string,
  durationSeconds: number,
  options: { timeoutMs?: number; signal?: AbortSignal | null } = {},
): Promise<ReferenceEncode> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const { fromSeconds, seconds } = referenceWindow(durationSeconds);
  if (!(seconds > 0)) throw new CutroomError("MEDIA", "the clip has no length to measure its encode over");
  const own = packetBytesIn(await videoPacketTimes(path, timeoutMs), fromSeconds, seconds);
  if (own.packets === 0) throw new CutroomError("MEDIA", "no video packets in the measured window");
  const directory = await mkdtemp(join(tmpdir(), "cutroom-reference-"));
  try {
    const output = join(directory, "reference.h264");
    await runFfmpeg(
      {
        inputs: [{ source: `file:${path}`, options: ["-ss", fromSeconds.toFixed(3), "-t", seconds.toFixed(3)] }],
        filterComplex: null,
        outputOptions: [
          "-map",
          "0:v:0",
          "-an",
          "-c:v",
          "libx264",
          "-preset",
          "veryfast",
          "-crf",
          String(REFERENCE_CRF),
          "-threads",
          "1",
          "-f",
          "h264",
        ],
        output,
      },
      { timeoutMs, signal: options.signal ?? null },
    );
    const referenceBytes = (await stat(output)).size;
    if (referenceBytes <= 0) throw new CutroomError("MEDIA", "the reference encode came out empty");
    const clipBitsPerSecond = (own.bytes * 8) / seconds;
    const referenceBitsPerSecond = (referenceBytes * 8) / seconds;
    return {
      fromSeconds,
      seconds,
      clipBitsPerSecond,
      referenceBitsPerSecond,
      ratio: clipBitsPerSecond / referenceBitsPerSecond,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
