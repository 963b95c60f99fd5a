/**
 * Smart rendering: when clips already have the scene's codec parameters, only the frames a transition or
 * trim touches are re-encoded; whole GOPs in between are stream-copied. A clip is cut at keyframes with
 * the segment muxer (frame exact for closed GOPs), touched stretches are rendered with the same encoder
 * profile and timebase, and the concat demuxer joins everything without re-encoding. The scene's sound
 * is built separately in the final run (audio is cheap to encode, and copied AAC cannot be cut exactly).
 *
 * Frames here are source frames, which equal scene frames for a copyable clip (same rate, speed 1).
 */
import { clipFrames, transitionFrames, type SceneClip, type SceneTarget, type SceneTransition } from "./assemble.js";
import { num } from "./filtergraph.js";
import type { VideoPackets } from "./packets.js";
import { encoderOptions, sceneVideoGraph } from "./scene-graph.js";
import type { FfmpegInput, FfmpegSpec } from "./runner.js";

export interface SmartClip {
  clip: SceneClip;
  /** Packet facts when the clip may be stream-copied; null when it must be re-encoded whole. */
  packets: VideoPackets | null;
}

export interface Fragment {
  clipIndex: number;
  /** First source frame and one past the last; for a clip rendered whole, 0 and its scene frame count. */
  startFrame: number;
  endFrame: number;
  whole: boolean;
}

export type Piece =
  | { kind: "copy"; clipIndex: number; startFrame: number; endFrame: number }
  | { kind: "render"; fragments: Fragment[]; joins: Array<SceneTransition | null> };

/** Smallest keyframe at or after `frame`, or null. */
function keyframeAtOrAfter(keyframes: number[], frame: number): number | null {
  return keyframes.find((key) => key >= frame) ?? null;
}

/** Largest GOP boundary (a keyframe, or the end of the stream) at or before `frame`, or null. */
function boundaryAtOrBefore(packets: VideoPackets, frame: number): number | null {
  if (frame >= packets.frameCount) return packets.frameCount;
  const before = packets.keyframes.filter((key) => key <= frame);
  return before.length === 0 ? null : before[before.length - 1]!;
}

export function trimFrames(clip: SceneClip, fps: number): { start: number; end: number } {
  const start = Math.round(clip.trimStart * fps);
  return { start, end: start + clipFrames(clip, fps) };
}

/** Splits the scene into copied GOP runs and rendered stretches, in timeline order. */
export function planSmartRender(clips: SmartClip[], joins: Array<SceneTransition | null>, fps: number): Piece[] {
  const pieces: Piece[] = [];
  let pending: { fragments: Fragment[]; joins: Array<SceneTransition | null> } | null = null;
  const add = (fragment: Fragment, joinBefore: SceneTransition | null) => {
    if (pending === null) pending = { fragments: [fragment], joins: [] };
    else {
      pending.fragments.push(fragment);
      pending.joins.push(joinBefore);
    }
  };
  const flush = () => {
    if (pending !== null) pieces.push({ kind: "render", ...pending });
    pending = null;
  };
  clips.forEach(({ clip, packets }, index) => {
    const joinIn = index === 0 ? null : (joins[index - 1] ?? null);
    const overlapIn = transitionFrames(joinIn, fps);
    const overlapOut = transitionFrames(joins[index] ?? null, fps);
    if (packets !== null) {
      const { start, end } = trimFrames(clip, fps);
      const copyStart = keyframeAtOrAfter(packets.keyframes, start + overlapIn);
      const copyEnd = boundaryAtOrBefore(packets, end - overlapOut);
      if (copyStart !== null && copyEnd !== null && copyStart < copyEnd) {
        if (copyStart > start) add({ clipIndex: index, startFrame: start, endFrame: copyStart, whole: false }, joinIn);
        flush();
        pieces.push({ kind: "copy", clipIndex: index, startFrame: copyStart, endFrame: copyEnd });
        if (end > copyEnd) add({ clipIndex: index, startFrame: copyEnd, endFrame: end, whole: false }, null);
        return;
      }
    }
    add({ clipIndex: index, startFrame: 0, endFrame: clipFrames(clip, fps), whole: true }, joinIn);
  });
  flush();
  return pieces;
}

export function pieceFrames(piece: Piece, fps: number): number {
  if (piece.kind === "copy") return piece.endFrame - piece.startFrame;
  const total = piece.fragments.reduce((sum, fragment) => sum + fragment.endFrame - fragment.startFrame, 0);
  return total - piece.joins.reduce((sum, join) => sum + transitionFrames(join, fps), 0);
}

export interface EncoderMatch {
  profile: string | null;
  timescale: number | null;
}

/**
 * Splits a clip at the given keyframes into numbered files (`<pattern with %d>`); the segment muxer cuts
 * only at keyframes, so with closed GOPs each file holds exactly the frames between two cut points.
 */
export function buildSplitSpec(path: string, cutFrames: number[], outputPattern: string): FfmpegSpec {
  const options = ["-map", "0:v:0", "-c", "copy", "-an", "-f", "segment", "-segment_format", "mp4"];
  // Without cut points the muxer would still split every 2 s (its default segment_time): keep one part.
  if (cutFrames.length > 0) options.push("-segment_frames", cutFrames.join(","));
  else options.push("-segment_time", "86400");
  // Every part starts at time 0 (the first keeps its B-frame delay as an edit list rather than as a late
  // first timestamp), so the concat demuxer lines the parts up without gaps.
  options.push("-reset_timestamps", "1", "-avoid_negative_ts", "disabled");
  return {
    inputs: [{ source: `file:${path}`, options: [] }],
    filterComplex: null,
    outputOptions: options,
    output: outputPattern,
  };
}

/** Re-encodes one rendered stretch with the copied stream's profile and timebase, picture only. */
export function buildPieceSpec(
  piece: Extract<Piece, { kind: "render" }>,
  clips: SceneClip[],
  target: SceneTarget,
  match: EncoderMatch,
  outputPath: string,
): FfmpegSpec {
  const fps = target.fps;
  const inputs: FfmpegInput[] = [];
  const pieceClips: SceneClip[] = piece.fragments.map((fragment) => {
    const clip = clips[fragment.clipIndex]!;
    if (fragment.whole) {
      inputs.push({ source: `file:${clip.path}`, options: [] });
      return clip;
    }
    // Seek half a frame early: decoding starts at the keyframe before and frames before the seek point are
    // dropped, so the first frame kept is exactly startFrame, whatever the timestamp rounding.
    const seek = fragment.startFrame > 0 ? (fragment.startFrame - 0.5) / fps : 0;
    inputs.push({ source: `file:${clip.path}`, options: seek > 0 ? ["-ss", num(seek, 6)] : [] });
    const frames = fragment.endFrame - fragment.startFrame;
    return { ...clip, durationSeconds: frames / fps, trimStart: 0, trimEnd: 0, speedMultiplier: 1 };
  });
  const graph = sceneVideoGraph(pieceClips, piece.joins, target, null);
  return {
    inputs,
    filterComplex: graph.join(";"),
    outputOptions: [
      "-map",
      "[vout]",
      ...encoderOptions(fps, match),
      "-frames:v",
      String(pieceFrames(piece, fps)),
      "-an",
    ],
    output: outputPath,
  };
}

/** A concat demuxer list; paths are written by us into a private directory, quoted per the format anyway. */
export function concatList(paths: string[]): string {
  return paths.map((path) => `file '${path.replace(/'/g, "'\\''")}'`).join("\n") + "\n";
}
