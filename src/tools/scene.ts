/** Scene Assembler tools: fetch stored clips, join them with transitions, post-process, store the scene. */
import { join } from "node:path";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { newId } from "../ids.js";
import { buildAssembleSpec, sceneDuration, TRANSITION_TYPES, type SceneClip } from "../media/assemble.js";
import { buildPostProcessSpec } from "../media/post.js";
import { probe, runFfmpeg } from "../media/runner.js";
import { anyMediaPath, mediaPath, scratchPath, storeMedia, toolResult, type ToolContext } from "./context.js";

const ClipDefinitionSchema = z.object({
  clipId: z.string().describe("media id of a stored clip, or a scratch clip id of this take"),
  sequence: z.number().int().min(1).max(10),
  trimStart: z.number().min(0).default(0),
  trimEnd: z.number().min(0).default(0),
  speedMultiplier: z.number().min(0.25).max(4).default(1),
});

const TransitionSchema = z.object({
  fromClip: z.number().int().min(1),
  toClip: z.number().int().min(1),
  type: z.enum(TRANSITION_TYPES),
  duration: z.number().min(0).max(3).default(0.5),
});

export const PostProcessingSchema = z.object({
  colorGrade: z.enum(["natural", "cinematic", "warm", "cool", "high-contrast"]).nullable().default(null),
  stabilization: z.boolean().default(false),
  denoise: z.boolean().default(false),
  sharpen: z.number().min(0).max(1).nullable().default(null),
});

export function createSceneTools(context: ToolContext) {
  const { config } = context.runtime;
  const timeoutMs = config.ffmpegTimeoutMs;

  const retrieveClips = tool(
    async ({ clipIds }) => {
      const clips = [];
      for (const clipId of clipIds) {
        const { record, path } = await mediaPath(context, clipId, "clipIds");
        const probed = await probe(path);
        clips.push({
          clipId,
          key: record.key,
          durationSeconds: probed.durationSeconds,
          width: probed.width,
          height: probed.height,
          fps: probed.fps,
        });
      }
      return toolResult({ clips });
    },
    {
      name: "retrieve_clips",
      description: "Retrieve stored clips by media id, with their measured duration, size and frame rate.",
      schema: z.object({ clipIds: z.array(z.string()).min(1).max(10) }),
    },
  );

  const assembleClips = tool(
    async ({ clips, transitions }) => {
      const sceneClips: SceneClip[] = [];
      for (const clip of clips) {
        const path = await anyMediaPath(context, clip.clipId, "clips.clipId");
        const probed = await probe(path);
        sceneClips.push({
          path,
          durationSeconds: probed.durationSeconds,
          sequence: clip.sequence,
          trimStart: clip.trimStart,
          trimEnd: clip.trimEnd,
          speedMultiplier: clip.speedMultiplier,
        });
      }
      const sceneTransitions = transitions.map((transition) => ({
        fromSequence: transition.fromClip,
        type: transition.type,
        durationSeconds: transition.duration,
      }));
      const outputId = newId("scene");
      const output = join(context.workDir, `${outputId}.mp4`);
      const expected = sceneDuration(sceneClips, sceneTransitions);
      const spec = buildAssembleSpec(sceneClips, sceneTransitions, config.video, output);
      await runFfmpeg(spec, {
        timeoutMs,
        durationSeconds: expected,
        onProgress: (fraction) => context.runtime.progress.emit("assemble", fraction, "joining clips"),
      });
      const probed = await probe(output);
      return toolResult({
        clipId: outputId,
        expectedDurationSeconds: expected,
        durationSeconds: probed.durationSeconds,
        clipCount: clips.length,
      });
    },
    {
      name: "assemble_video_clips",
      description:
        "Join clips in sequence with cut/fade/dissolve/wipe/slide transitions, normalized to the project's size and frame rate.",
      schema: z.object({
        clips: z.array(ClipDefinitionSchema).min(1).max(10),
        transitions: z.array(TransitionSchema).max(9).default([]),
      }),
    },
  );

  const postProcess = tool(
    async ({ clipId, options }) => {
      const input = await anyMediaPath(context, clipId, "clipId");
      const outputId = newId("graded");
      const output = join(context.workDir, `${outputId}.mp4`);
      const probed = await probe(input);
      await runFfmpeg(
        buildPostProcessSpec(input, output, {
          colorGrade: options.colorGrade,
          sharpen: options.sharpen,
          denoise: options.denoise,
        }),
        {
          timeoutMs,
          durationSeconds: probed.durationSeconds,
          onProgress: (fraction) => context.runtime.progress.emit("assemble", fraction, "post-processing"),
        },
      );
      return toolResult({ clipId: outputId, applied: options });
    },
    {
      name: "apply_post_processing",
      description: "Apply a colour grade preset, denoise and sharpening to a clip; returns a new scratch clip id.",
      schema: z.object({ clipId: z.string(), options: PostProcessingSchema }),
    },
  );

  const saveScene = tool(
    async ({ clipId, metadata }) => {
      const saved = await storeMedia(context, {
        path: scratchPath(context, clipId, "clipId"),
        kind: "scene",
        name: "scene",
        generation: metadata,
      });
      return toolResult({
        mediaId: saved.mediaId,
        key: saved.key,
        url: saved.url,
        path: saved.path,
        durationSeconds: saved.record.durationSeconds,
      });
    },
    {
      name: "save_assembled_scene",
      description: "Store an assembled or post-processed scene with its media record.",
      schema: z.object({ clipId: z.string(), metadata: z.record(z.string(), z.unknown()).default({}) }),
    },
  );

  return [retrieveClips, assembleClips, postProcess, saveScene];
}
