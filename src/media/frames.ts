/**
 * Still frames out of videos: a frame at a time or the very last one (continuity: the next shot starts
 * where this one ended), evenly spaced key frames (verification), thumbnails, and the contact sheet of an
 * assembled scene (one labelled frame per shot, because people would rather look than read).
 */
import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CutroomError } from "../errors.js";
import { CAPTION_FONT } from "./animatic.js";
import { escapeFilterValue, num } from "./filtergraph.js";
import { probe, runFfmpeg, type FfmpegSpec, type RunOptions } from "./runner.js";

/** A sibling path for writing; renamed over the real name only once complete, so no half-written file shows. */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(4).toString("hex")}.partial${extensionOf(path)}`);
}

function extensionOf(path: string): string {
  const match = /\.[A-Za-z0-9]+$/.exec(path);
  return match ? match[0] : "";
}

/** Runs a spec into a partial file and renames it into place; the partial file never survives a failure. */
export async function writeAtomically(spec: FfmpegSpec, options: RunOptions = {}): Promise<{ stderr: string }> {
  const partial = partialPath(spec.output);
  try {
    const result = await runFfmpeg({ ...spec, output: partial }, options);
    await rename(partial, spec.output);
    return result;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** SMPTE-style non-drop timecode HH:MM:SS:FF. */
export function formatTimecode(seconds: number, fps: number): string {
  const rate = Math.max(1, Math.round(fps));
  const totalFrames = Math.max(0, Math.round(seconds * fps));
  const frames = totalFrames % rate;
  const whole = Math.floor(totalFrames / rate);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}:${pad(frames)}`;
}

export function buildFrameSpec(path: string, at: number | "last", outPng: string, width: number | null): FfmpegSpec {
  const scale = width === null ? [] : ["-vf", `scale=${width}:-2`];
  if (at === "last") {
    // Decoding the final second and letting each frame overwrite the image leaves exactly the last frame.
    return {
      inputs: [{ source: `file:${path}`, options: ["-sseof", "-1"] }],
      filterComplex: null,
      outputOptions: ["-map", "0:v:0", ...scale, "-update", "1", "-f", "image2", "-c:v", "png"],
      output: outPng,
    };
  }
  if (!(at >= 0))
    throw new CutroomError("INVALID_INPUT", `time must be 0 or more seconds; got ${at}`, { field: "time" });
  return {
    inputs: [{ source: `file:${path}`, options: ["-ss", num(at, 6)] }],
    filterComplex: null,
    outputOptions: ["-map", "0:v:0", ...scale, "-frames:v", "1", "-update", "1", "-f", "image2", "-c:v", "png"],
    output: outPng,
  };
}

/** Writes the frame at `at` seconds (or the last frame) of a video as a PNG. */
export async function extractFrame(
  path: string,
  at: number | "last",
  outPng: string,
  options: { width?: number | null } & RunOptions = {},
): Promise<string> {
  const facts = await probe(path, { requireVideo: true });
  if (at !== "last" && at > facts.durationSeconds) {
    throw new CutroomError(
      "INVALID_INPUT",
      `time ${at} s is past the end of ${path} (${facts.durationSeconds.toFixed(3)} s)`,
      { field: "time" },
    );
  }
  await writeAtomically(buildFrameSpec(path, at, outPng, options.width ?? null), options);
  return outPng;
}

/**
 * Key frames at evenly spaced positions (10% … 90% for three), written as `<prefix>-<n>.png`, at full size or
 * scaled to `width`.
 */
export async function extractKeyFrames(
  path: string,
  count: number,
  outPrefix: string,
  options: { width?: number | null } & RunOptions = {},
): Promise<string[]> {
  const { durationSeconds } = await probe(path, { requireVideo: true });
  const outputs: string[] = [];
  for (let index = 0; index < count; index++) {
    const position = count === 1 ? 0.5 : 0.1 + (0.8 * index) / (count - 1);
    const output = `${outPrefix}-${index + 1}.png`;
    await writeAtomically(buildFrameSpec(path, position * durationSeconds, output, options.width ?? null), options);
    outputs.push(output);
  }
  return outputs;
}

export interface Shot {
  /** Seconds into the scene of the frame shown. */
  atSeconds: number;
  startSeconds: number;
  endSeconds: number;
  /** Free text shown under the timecodes (a clip name, say); escaped, never interpreted. */
  label: string;
}

export const CONTACT_SHEET_COLUMNS = 5;
const CELL_WIDTH = 320;

/** One ffmpeg run: a seek per shot, each frame labelled, tiled into a grid. */
export function buildContactSheetSpec(scenePath: string, shots: Shot[], fps: number, outPng: string): FfmpegSpec {
  if (shots.length === 0)
    throw new CutroomError("INVALID_INPUT", "a contact sheet needs at least one shot", { field: "shots" });
  const columns = Math.min(CONTACT_SHEET_COLUMNS, shots.length);
  const rows = Math.ceil(shots.length / columns);
  const fontSize = 14;
  const graph = shots.map((shot, index) => {
    const text = `#${index + 1}  ${formatTimecode(shot.startSeconds, fps)} - ${formatTimecode(shot.endSeconds, fps)}\n${shot.label}`;
    const drawtext = [
      `drawtext=fontfile=${escapeFilterValue(CAPTION_FONT)}`,
      `text=${escapeFilterValue(text)}`,
      // Shown literally: no %{...} expansion of clip names.
      "expansion=none",
      `fontsize=${fontSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=6:y=h-th-8`,
    ].join(":");
    return `[${index}:v]trim=end_frame=1,scale=${CELL_WIDTH}:-2,setsar=1,${drawtext},format=rgb24[s${index}]`;
  });
  const labels = shots.map((_, index) => `[s${index}]`).join("");
  graph.push(
    `${labels}concat=n=${shots.length}:v=1:a=0,tile=${columns}x${rows}:nb_frames=${shots.length}:padding=4:margin=4:color=0x202020[vout]`,
  );
  return {
    inputs: shots.map((shot) => ({ source: `file:${scenePath}`, options: ["-ss", num(shot.atSeconds, 6)] })),
    filterComplex: graph.join(";"),
    outputOptions: ["-map", "[vout]", "-frames:v", "1", "-update", "1", "-f", "image2", "-c:v", "png"],
    output: outPng,
  };
}
