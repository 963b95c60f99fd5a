/**
 * Smart rendering for assembleScene: which clips may be stream-copied (same codec parameters as the scene,
 * closed GOPs at a constant rate), then the pieces smart-render.ts plans are cut out or re-encoded and
 * joined with the concat demuxer, the sound mixed over them. Kept apart from the scene's probing and
 * checks so the copy path, the one that touches packets, reads on its own.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CutroomError } from "../errors.js";
import type { SceneClip, SceneTarget, SceneTransition } from "./assemble.js";
import { SAMPLE_RATE, type LoudnessStep } from "./audio.js";
import { probeVideoPackets, type VideoPackets } from "./packets.js";
import { runFfmpeg, type ProbeResult, type RunOptions } from "./runner.js";
import type { AssembleSceneParams } from "./scene-params.js";
import { sceneAudioGraph } from "./scene-graph.js";
import {
  buildPieceSpec,
  buildSplitSpec,
  concatList,
  planSmartRender,
  type Piece,
  type SmartClip,
} from "./smart-render.js";

function sameRate(left: number, right: number): boolean {
  return Math.abs(left - right) < 1e-3;
}

/** Whether a clip's stream can be copied into the scene as is (same codec parameters as the reference). */
function copyable(facts: ProbeResult, reference: ProbeResult, target: SceneTarget): boolean {
  return (
    facts.videoCodec === "h264" &&
    facts.pixelFormat === "yuv420p" &&
    facts.width === target.width &&
    facts.height === target.height &&
    sameRate(facts.fps, target.fps) &&
    facts.constantFrameRate &&
    (facts.sampleAspectRatio === null || facts.sampleAspectRatio === "1:1") &&
    facts.videoProfile === reference.videoProfile &&
    facts.timeBase === reference.timeBase
  );
}

function timescaleOf(timeBase: string | null): number | null {
  const match = /^1\/(\d+)$/.exec(timeBase ?? "");
  return match ? Number(match[1]) : null;
}

/** Packets of the clips that may be copied; null entries are re-encoded. Empty when nothing can be copied. */
export async function smartCandidates(
  clips: SceneClip[],
  facts: ProbeResult[],
  target: SceneTarget,
): Promise<SmartClip[] | null> {
  const reference = facts.find(
    (item) => item.width === target.width && item.height === target.height && item.videoCodec === "h264",
  );
  if (reference === undefined) return null;
  const result: SmartClip[] = [];
  for (const [index, clip] of clips.entries()) {
    let packets: VideoPackets | null = null;
    if (clip.speedMultiplier === 1 && copyable(facts[index]!, reference, target)) {
      const probed = await probeVideoPackets(clip.path);
      if (probed.closedGops && probed.constantRate && probed.frameCount > 0) packets = probed;
    }
    // A copied clip is measured in whole frames, and its trims are snapped to them.
    const fps = target.fps;
    const snapped: SceneClip =
      packets === null
        ? clip
        : {
            ...clip,
            durationSeconds: packets.frameCount / fps,
            trimStart: Math.round(clip.trimStart * fps) / fps,
            trimEnd: Math.round(clip.trimEnd * fps) / fps,
          };
    result.push({ clip: snapped, packets });
  }
  return result.some((item) => item.packets !== null) ? result : null;
}

export async function renderSmart(
  smart: SmartClip[],
  joins: Array<SceneTransition | null>,
  params: AssembleSceneParams,
  reference: ProbeResult,
  workDir: string,
  output: string,
  loudness: LoudnessStep,
  run: RunOptions,
): Promise<{ copied: number; rendered: number }> {
  const fps = params.target.fps;
  const clips = smart.map((item) => item.clip);
  const pieces = planSmartRender(smart, joins, fps);
  const match = { profile: reference.videoProfile, timescale: timescaleOf(reference.timeBase) };
  const files: string[] = [];
  let copied = 0;
  let rendered = 0;
  for (const [index, piece] of pieces.entries()) {
    if (piece.kind === "render") {
      const file = join(workDir, `piece-${index}.mp4`);
      await runFfmpeg(buildPieceSpec(piece, clips, params.target, match, file), run);
      rendered += piece.fragments.reduce((sum, fragment) => sum + fragment.endFrame - fragment.startFrame, 0);
      files.push(file);
    } else {
      files.push(await splitOut(piece, smart[piece.clipIndex]!, workDir, index, run));
      copied += piece.endFrame - piece.startFrame;
    }
  }
  const list = join(workDir, "pieces.txt");
  await writeFile(list, concatList(files));
  const audio = sceneAudioGraph(clips, joins, fps, (index) => 1 + index, params.tracks, 1 + clips.length, loudness);
  const outputOptions = ["-map", "0:v:0", "-c:v", "copy"];
  if (audio === null) outputOptions.push("-an");
  else outputOptions.push("-map", "[aout]", "-c:a", "aac", "-b:a", "192k", "-ar", String(SAMPLE_RATE));
  outputOptions.push("-movflags", "+faststart");
  await runFfmpeg(
    {
      inputs: [
        { source: list, options: ["-f", "concat", "-safe", "0"] },
        ...clips.map((clip) => ({ source: `file:${clip.path}`, options: [] })),
        ...params.tracks.map((track) => ({ source: `file:${track.path}`, options: [] })),
      ],
      filterComplex: audio === null ? null : audio.join(";"),
      outputOptions,
      output,
    },
    run,
  );
  return { copied, rendered };
}

/** The copied GOP run of a clip, cut out with the segment muxer. */
async function splitOut(
  piece: Extract<Piece, { kind: "copy" }>,
  smart: SmartClip,
  workDir: string,
  index: number,
  run: RunOptions,
): Promise<string> {
  const frameCount = smart.packets!.frameCount;
  const cuts = [piece.startFrame, piece.endFrame].filter((frame) => frame > 0 && frame < frameCount);
  const directory = join(workDir, `split-${index}`);
  await mkdir(directory);
  await runFfmpeg(buildSplitSpec(smart.clip.path, cuts, join(directory, "part-%d.mp4")), run);
  const name = `part-${piece.startFrame > 0 ? 1 : 0}.mp4`;
  if (!(await readdir(directory)).includes(name)) {
    throw new CutroomError(
      "MEDIA",
      `splitting ${smart.clip.path} gave no segment for frames ${piece.startFrame}-${piece.endFrame}`,
    );
  }
  return join(directory, name);
}
