/**
 * Assembles a scene end to end: probes the clips, validates everything before any encoding, chooses smart
 * rendering (stream copy of untouched GOPs) when the clips allow it and a full render otherwise, mixes the
 * sound, writes to a partial file renamed into place, checks the probed length against the timing rule
 * and draws the contact sheet.
 */
import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CutroomError } from "../errors.js";
import { clipSpans, MAX_SCENE_CLIPS, orderScene, sceneFrames, validateScene, type SceneClip } from "./assemble.js";
import { levelTracks, parseLoudnessMeasurement, type LoudnessStep, type MixTrack } from "./audio.js";
import { buildContactSheetSpec, partialPath, writeAtomically, type Shot } from "./frames.js";
import { validateCubeLut } from "./lut.js";
import { hasPostProcessing } from "./post.js";
import { probe, runFfmpeg, type ProbeResult, type RunOptions } from "./runner.js";
import { buildAssembleSpec, buildSceneMixMeasureSpec } from "./scene-graph.js";
import { renderSmart, smartCandidates } from "./scene-smart.js";
import type { AssembleSceneParams } from "./scene-params.js";

export type { AssembleSceneParams, SceneClipInput } from "./scene-params.js";

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
      ? { kind: "dynamic", ...(params.targetLufs === undefined ? {} : { targetLufs: params.targetLufs }) }
      : {
          ...(params.targetLufs === undefined ? {} : { targetLufs: params.targetLufs }),
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
