/**
 * Assembles a scene end to end: probes the clips, validates everything before any encoding, chooses smart
 * rendering (stream copy of untouched GOPs) when the clips allow it and a full render otherwise, mixes the
 * sound, writes to a partial file renamed into place, checks the probed length against the timing rule
 * and draws the contact sheet.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CutroomError } from "../errors.js";
import {
  clipSpans,
  MAX_SCENE_CLIPS,
  orderScene,
  sceneFrames,
  validateScene,
  type SceneClip,
  type SceneTarget,
  type SceneTransition,
} from "./assemble.js";
import { levelTracks, parseLoudnessMeasurement, SAMPLE_RATE, type LoudnessStep, type MixTrack } from "./audio.js";
import { buildContactSheetSpec, partialPath, writeAtomically, type Shot } from "./frames.js";
import { validateCubeLut } from "./lut.js";
import { probeVideoPackets, type VideoPackets } from "./packets.js";
import { hasPostProcessing, type PostProcessOptions } from "./post.js";
import { probe, runFfmpeg, type ProbeResult, type RunOptions } from "./runner.js";
import { buildAssembleSpec, buildSceneMixMeasureSpec, sceneAudioGraph } from "./scene-graph.js";
import {
  buildPieceSpec,
  buildSplitSpec,
  concatList,
  planSmartRender,
  type Piece,
  type SmartClip,
} from "./smart-render.js";

export interface SceneClipInput {
  path: string;
  sequence: number;
  trimStart: number;
  trimEnd: number;
  speedMultiplier: number;
  /** Shown on the contact sheet. */
  label: string;
}

export interface AssembleSceneParams {
  clips: SceneClipInput[];
  transitions: SceneTransition[];
  target: SceneTarget;
  post: PostProcessOptions | null;
  tracks: MixTrack[];
  outputPath: string;
  contactSheetPath: string | null;
  /** "full" always re-encodes everything; "auto" copies what it can. */
  mode?: "auto" | "full";
}

export interface AssembledScene {
  path: string;
  /** Length by the timing rule, in seconds (a whole number of frames). */
  durationSeconds: number;
  frames: number;
  probedDurationSeconds: number;
  clipCount: number;
  audioTrackCount: number;
  strategy: "smart" | "full";
  copiedFrames: number;
  renderedFrames: number;
  contactSheetPath: string | null;
}

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

function checkTracks(tracks: MixTrack[], durationSeconds: number): void {
  tracks.forEach((track, index) => {
    const field = (name: string) => `audio[${index}].${name}`;
    if (!(track.startTime >= 0) || track.startTime >= durationSeconds) {
      throw new CutroomError(
        "INVALID_INPUT",
        `${field("startTime")}: ${track.startTime} s is outside the scene (0 to ${durationSeconds.toFixed(3)} s)`,
        { field: field("startTime") },
      );
    }
    if (!(track.volume >= 0 && track.volume <= 1))
      throw new CutroomError("INVALID_INPUT", `${field("volume")} must be from 0 to 1`, { field: field("volume") });
    if (track.duration !== null && !(track.duration > 0))
      throw new CutroomError("INVALID_INPUT", `${field("duration")} must be positive`, { field: field("duration") });
  });
}

async function probeAll(params: AssembleSceneParams): Promise<{ clips: SceneClip[]; facts: ProbeResult[] }> {
  const facts: ProbeResult[] = [];
  const clips: SceneClip[] = [];
  for (const [index, input] of params.clips.entries()) {
    const probed = await probe(input.path, { requireVideo: true }).catch((error: unknown) => {
      throw new CutroomError(
        "INVALID_INPUT",
        `clips[${index}].clipId: ${error instanceof Error ? error.message : String(error)}`,
        {
          field: `clips[${index}].clipId`,
          cause: error,
        },
      );
    });
    facts.push(probed);
    clips.push({ ...input, durationSeconds: probed.durationSeconds, hasAudio: probed.hasAudio });
  }
  for (const [index, track] of params.tracks.entries()) {
    await probe(track.path).catch((error: unknown) => {
      throw new CutroomError(
        "INVALID_INPUT",
        `audio[${index}].audioId: ${error instanceof Error ? error.message : String(error)}`,
        {
          field: `audio[${index}].audioId`,
          cause: error,
        },
      );
    });
  }
  return { clips, facts };
}

/** Packets of the clips that may be copied; null entries are re-encoded. Empty when nothing can be copied. */
async function smartCandidates(
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

async function renderSmart(
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

export async function assembleScene(params: AssembleSceneParams, run: RunOptions = {}): Promise<AssembledScene> {
  // Counted before probing, so eleven files are not opened only to be refused.
  if (params.clips.length === 0 || params.clips.length > MAX_SCENE_CLIPS) {
    throw new CutroomError(
      "INVALID_INPUT",
      `clips: a scene has 1 to ${MAX_SCENE_CLIPS} clips, got ${params.clips.length}`,
      {
        field: "clips",
      },
    );
  }
  if (params.post?.lutPath) await validateCubeLut(params.post.lutPath);
  const { clips, facts } = await probeAll(params);
  validateScene(clips, params.transitions);
  const fps = params.target.fps;
  const frames = sceneFrames(clips, params.transitions, fps);
  checkTracks(params.tracks, frames / fps);
  // Each extra track is leveled to the common reference first, so its volume means the same for any source;
  // then the whole sound is measured once and brought to the target with one gain, as mix_audio does.
  const leveled: AssembleSceneParams = { ...params, tracks: await levelTracks(params.tracks, run) };
  const measureSpec = buildSceneMixMeasureSpec({ ...leveled, clips });
  const loudness: LoudnessStep =
    measureSpec === null
      ? { kind: "dynamic" }
      : {
          kind: "linear",
          measured: parseLoudnessMeasurement(
            (await runFfmpeg(measureSpec, { timeoutMs: run.timeoutMs, signal: run.signal })).stderr,
          ),
        };

  // Pieces go to a private temp dir (the segment muxer reads '%' in its path as a pattern); the result is
  // written next to its final name so the rename is atomic.
  const workDir = await mkdtemp(join(tmpdir(), "cutroom-assemble-"));
  const partial = partialPath(params.outputPath);
  try {
    const scene = orderScene(clips, params.transitions);
    const smart =
      params.mode === "full" || hasPostProcessing(params.post)
        ? null
        : await smartCandidates(
            scene.clips,
            scene.clips.map((clip) => facts[clips.indexOf(clip)]!),
            params.target,
          );
    let strategy: AssembledScene["strategy"] = "full";
    let copied = 0;
    let rendered = frames;
    if (smart !== null) {
      const reference = facts[clips.indexOf(scene.clips[smart.findIndex((item) => item.packets !== null)]!)]!;
      ({ copied, rendered } = await renderSmart(
        smart,
        scene.joins,
        leveled,
        reference,
        workDir,
        partial,
        loudness,
        run,
      ));
      strategy = "smart";
    } else {
      const spec = buildAssembleSpec(
        {
          clips,
          transitions: params.transitions,
          target: params.target,
          post: params.post,
          tracks: leveled.tracks,
          loudness,
        },
        partial,
      );
      await runFfmpeg(spec, { durationSeconds: frames / fps, ...run });
    }
    const probed = await probe(partial, { requireVideo: true });
    if (Math.abs(probed.durationSeconds - frames / fps) > 1 / fps + 1e-6) {
      throw new CutroomError(
        "MEDIA",
        `assembled scene lasts ${probed.durationSeconds.toFixed(3)} s, not the ${(frames / fps).toFixed(3)} s the timing rule gives`,
      );
    }
    await rename(partial, params.outputPath);
    let contactSheetPath: string | null = null;
    if (params.contactSheetPath !== null) {
      const spans = clipSpans(clips, params.transitions, fps);
      const shots: Shot[] = spans.map((span, index) => ({
        atSeconds: (span.startFrame + Math.floor(span.frames / 2)) / fps,
        startSeconds: span.startFrame / fps,
        endSeconds: (span.startFrame + span.frames) / fps,
        label: params.clips.find((clip) => clip.sequence === scene.clips[index]!.sequence)?.label ?? "",
      }));
      await writeAtomically(buildContactSheetSpec(params.outputPath, shots, fps, params.contactSheetPath), run);
      contactSheetPath = params.contactSheetPath;
    }
    return {
      path: params.outputPath,
      durationSeconds: frames / fps,
      frames,
      probedDurationSeconds: probed.durationSeconds,
      clipCount: clips.length,
      audioTrackCount: params.tracks.length,
      strategy,
      copiedFrames: copied,
      renderedFrames: rendered,
      contactSheetPath,
    };
  } finally {
    await rm(partial, { force: true });
    await rm(workDir, { recursive: true, force: true });
  }
}
