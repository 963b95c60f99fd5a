/**
 * The specialist nodes of the head's subgraph. Each builds its tools for the current take from the
 * runtime context, runs its specialist, and hands back the output with its self-assessment.
 */
import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import type { GradedOutput } from "../../../domain.js";
import { seedFrom } from "../../../ids.js";
import { runAudioIntegrator } from "../../../specialists/audio-integrator/index.js";
import { runQualityVerifier } from "../../../specialists/quality-verifier/index.js";
import { runSceneAssembler } from "../../../specialists/scene-assembler/index.js";
import {
  runVideoGenerator,
  type GeneratedClipOutput,
  type ShotTask,
} from "../../../specialists/video-generator/index.js";
import { createToolContext } from "../../../tools/context.js";
import type { DepartmentStateValue } from "../state.js";

type Update = Partial<DepartmentStateValue>;

function describeShot(state: DepartmentStateValue): string {
  const brief = state.brief!;
  const who = brief.characters.length > 0 ? brief.characters.join(" and ") : "the scene";
  const where = brief.location ? ` in the ${brief.location}` : "";
  const camera = brief.camera === "static" ? "static camera" : `${brief.camera} camera`;
  const notes = state.adjustments.notes.length > 0 ? `; corrections: ${state.adjustments.notes.join("; ")}` : "";
  return `${who}, action: ${brief.action}${where}, ${camera}, ${state.durationSeconds}s${notes}`;
}

/** Plans the shots of this take (one clip for a single-shot request) and fans them out with Send. */
export function planShots(state: DepartmentStateValue): ShotTask[] {
  const brief = state.brief!;
  const locationImage = state.location?.referenceMediaIds[0];
  const images: ShotTask["images"] = {};
  if (state.method === "composite-to-video" && locationImage) images.compositeImage = locationImage;
  if (state.method === "image-to-video" && locationImage) images.sourceImage = locationImage;
  return [
    {
      index: 1,
      method: state.method ?? "text-to-video",
      prompt: describeShot(state),
      durationSeconds: state.durationSeconds,
      characters: state.characters.map((character) => character.name),
      location: state.location?.name ?? null,
      action: brief.action,
      camera: brief.camera,
      motionStrength: state.adjustments.motionStrength,
      seed: seedFrom(`${state.takeId}:1`),
      images,
    },
  ];
}

export function dispatchShots(state: DepartmentStateValue): Send[] {
  return planShots(state).map((shot) => new Send("video_generator", { ...state, shots: [shot] }));
}

export async function videoGeneratorNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Update> {
  const runtime = runtimeOf(config);
  const shot = state.shots[0]!;
  runtime.progress.emit("generate", 0, `shot ${shot.index}: ${shot.method}`);
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const result = await runVideoGenerator(context, shot);
  const output: GradedOutput = {
    specialist: "video-generator",
    output: { ...result.output, takeId: state.takeId, mode: result.mode, toolCalls: result.toolCalls },
    selfAssessment: result.selfAssessment,
    grade: null,
  };
  return { clips: [{ ...result.output, takeId: state.takeId } as GeneratedClipOutput], outputs: [output] };
}

/** Joins the parallel generator results: the take's picture is its clip until later stages replace it. */
export function collectClipsNode(state: DepartmentStateValue): Update {
  const clips = state.clips
    .filter((clip) => (clip as GeneratedClipOutput & { takeId?: string }).takeId === state.takeId)
    .sort((left, right) => left.index - right.index);
  const first = clips[0]!;
  return {
    finalMedia: { mediaId: first.mediaId, key: first.key, path: first.path, durationSeconds: first.durationSeconds },
  };
}

export async function sceneAssemblerNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Update> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("assemble", 0, "assembling and grading the picture");
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const clips = state.clips.filter(
    (clip) => (clip as GeneratedClipOutput & { takeId?: string }).takeId === state.takeId,
  );
  const result = await runSceneAssembler(context, {
    clips: clips.map((clip) => ({
      mediaId: clip.mediaId,
      sequence: clip.index,
      durationSeconds: clip.durationSeconds,
    })),
    transitions: [],
    postProcessing: { colorGrade: state.brief?.grade ?? null, sharpen: state.adjustments.sharpen, denoise: false },
  });
  return {
    finalMedia: {
      mediaId: result.output.mediaId,
      key: result.output.key,
      path: result.output.path,
      durationSeconds: result.output.durationSeconds,
    },
    outputs: [
      {
        specialist: "scene-assembler",
        output: { ...result.output, takeId: state.takeId, mode: result.mode, toolCalls: result.toolCalls },
        selfAssessment: result.selfAssessment,
        grade: null,
      },
    ],
  };
}

export async function audioIntegratorNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Update> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("audio", 0, "voicing and mixing");
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const brief = state.brief!;
  const fallbackSpeaker = state.characters[0]?.name ?? null;
  const result = await runAudioIntegrator(context, {
    videoMediaId: state.finalMedia!.mediaId,
    durationSeconds: state.finalMedia!.durationSeconds,
    dialogue: brief.dialogue
      .map((line) => ({ character: line.character ?? fallbackSpeaker, text: line.text, emotion: "neutral" }))
      .filter((line): line is { character: string; text: string; emotion: string } => line.character !== null),
    ambience: brief.ambience ?? (brief.location ? `${brief.location} ambience` : null),
  });
  return {
    finalMedia: {
      mediaId: result.output.mediaId,
      key: result.output.key,
      path: result.output.path,
      durationSeconds: result.output.durationSeconds,
    },
    outputs: [
      {
        specialist: "audio-integrator",
        output: { ...result.output, takeId: state.takeId, mode: result.mode, toolCalls: result.toolCalls },
        selfAssessment: result.selfAssessment,
        grade: null,
      },
    ],
  };
}

export async function qualityVerifierNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Update> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("verify", 0, "measuring the take");
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const { width, height, fps } = runtime.config.video;
  const generated = state.clips.find(
    (clip) => (clip as GeneratedClipOutput & { takeId?: string }).takeId === state.takeId,
  );
  const result = await runQualityVerifier(context, {
    mediaId: state.finalMedia!.mediaId,
    consistencyMediaId: generated?.mediaId ?? state.finalMedia!.mediaId,
    expectedDurationSeconds: state.durationSeconds,
    resolution: `${width}x${height}`,
    fps,
    referenceIds: [
      ...state.characters.flatMap((character) => character.referenceMediaIds),
      ...(state.location?.referenceMediaIds ?? []),
    ],
  });
  runtime.progress.emit(
    "verify",
    1,
    `overall quality ${result.output.overallQuality.toFixed(2)} (${result.output.passed ? "passed" : "failed"})`,
  );
  return {
    verification: result.output,
    outputs: [
      {
        specialist: "quality-verifier",
        output: { ...result.output, takeId: state.takeId, mode: result.mode, toolCalls: result.toolCalls },
        selfAssessment: result.selfAssessment,
        grade: null,
      },
    ],
  };
}
