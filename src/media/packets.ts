/**
 * Packet-level facts of a video stream (no decoding): how many frames it has, which ones are keyframes,
 * whether its GOPs are closed and its frame rate constant. Smart rendering needs these to know where a
 * stream can be cut without re-encoding.
 */
import { execFile } from "node:child_process";
import { CutroomError } from "../errors.js";
import { ffprobeBinary } from "./runner.js";

export interface VideoPackets {
  frameCount: number;
  /** Presentation-order indices of keyframes, ascending. */
  keyframes: number[];
  /** No frame after a keyframe in decode order is shown before it, so a cut at a keyframe needs nothing earlier. */
  closedGops: boolean;
  /** Every presentation timestamp is one frame after the previous one. */
  constantRate: boolean;
}

/** Parses `ffprobe -show_entries packet=pts,flags -of csv=p=0` lines (decode order): "1024,K__". */
export function analysePackets(text: string): VideoPackets {
  const packets: Array<{ pts: number; key: boolean }> = [];
  for (const line of text.split(/\r?\n/)) {
    const [pts, flags] = line.trim().split(",");
    if (pts === undefined || pts === "" || pts === "N/A" || flags === undefined) continue;
    packets.push({ pts: Number(pts), key: flags.startsWith("K") });
  }
  const sorted = packets.map((packet) => packet.pts).sort((left, right) => left - right);
  const rank = new Map(sorted.map((pts, index) => [pts, index]));
  let closedGops = true;
  let laterMinimum = Infinity;
  // Walking backwards keeps the smallest pts decoded after each packet, so the check is linear.
  for (let index = packets.length - 1; index >= 0; index--) {
    const packet = packets[index]!;
    if (packet.key && laterMinimum < packet.pts) closedGops = false;
    laterMinimum = Math.min(laterMinimum, packet.pts);
  }
  const steps = sorted.slice(1).map((pts, index) => pts - sorted[index]!);
  const step = steps[0] ?? 0;
  const constantRate = step > 0 && steps.every((value) => Math.abs(value - step) <= 1);
  const keyframes = packets
    .filter((packet) => packet.key)
    .map((packet) => rank.get(packet.pts)!)
    .sort((left, right) => left - right);
  return { frameCount: packets.length, keyframes, closedGops, constantRate };
}

export async function probeVideoPackets(path: string, timeoutMs = 60_000): Promise<VideoPackets> {
  const args = ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0"];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      ffprobeBinary(),
      [...args, `file:${path}`],
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 },
      (error, out, stderr) => {
        if (error) {
          reject(
            new CutroomError(
              "MEDIA",
              `could not read the packets of ${path}: ${String(stderr).trim() || error.message}`,
              {
                cause: error,
              },
            ),
          );
        } else resolve(out);
      },
    );
  });
  return analysePackets(stdout);
}
