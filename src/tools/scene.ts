/** Scene Assembler tools: fetch stored clips, join them with transitions, post-process, store the scene. */
import { join } from "node:path";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { newId } from "../ids.js";
import { TRANSITION_TYPES } from "../media/assemble.js";
import { LUT_REFERENCE_HINT, LUT_REFERENCE_PATTERN, resolveLut } from "../media/lut.js";
import { buildPostProcessSpec } from "../media/post.js";
import { probe, runFfmpeg } from "../media/runner.js";
import { assembleScene } from "../media/scene.js";
import { anyMediaPath, createSaveTool, mediaPath, toolResult, type ToolContext } from "./context.js";

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
  lut: z
    .string()
    .regex(LUT_REFERENCE_PATTERN, LUT_REFERENCE_HINT)
    .nullable()
    .default(null)
    .describe(`a custom .cube 3D LUT applied after the preset: ${LUT_REFERENCE_HINT}`),
});

/** A tool's LUT comes from the project's store or the configured LUT directory, never from a path. */
export function lutOf(context: ToolContext, reference: string, field: string): Promise<string> {
  const { runtime } = context;
  return resolveLut(
    reference,
    {
      lutDir: runtime.config.lutDir,
      projectId: context.projectId,
      media: runtime.media,
      store: runtime.store,
      cacheDir: context.workDir,
    },
    field,
  );
}

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
      const inputs = [];
      for (const clip of clips) {
        inputs.push({
          path: await anyMediaPath(context, clip.clipId, "clips.clipId"),
          sequence: clip.sequence,
          trimStart: clip.trimStart,
          trimEnd: clip.trimEnd,
          speedMultiplier: clip.speedMultiplier,
          label: clip.clipId,
        });
      }
      const outputId = newId("scene");
      const scene = await assembleScene(
        {
          clips: inputs,
          transitions: transitions.map((transition) => ({
            fromSequence: transition.fromClip,
            toSequence: transition.toClip,
            type: transition.type,
            durationSeconds: transition.duration,
          })),
          target: config.video,
          post: null,
          tracks: [],
          targetLufs: config.loudnessTargetLufs,
          outputPath: join(context.workDir, `${outputId}.mp4`),
          contactSheetPath: join(context.workDir, `${outputId}-sheet.png`),
        },
        {
          // A cancelled turn or job stops its ffmpeg run too (killed, partial output removed).
          signal: context.signal ?? null,
          timeoutMs,
          onProgress: (fraction) => context.runtime.progress.emit("assemble", fraction, "joining clips"),
        },
      );
      return toolResult({
        clipId: outputId,
        expectedDurationSeconds: scene.durationSeconds,
        durationSeconds: scene.probedDurationSeconds,
        clipCount: scene.clipCount,
        strategy: scene.strategy,
        copiedFrames: scene.copiedFrames,
        renderedFrames: scene.renderedFrames,
        contactSheetId: `${outputId}-sheet`,
      });
    },
    {
      name: "assemble_video_clips",
      description:
        "Join up to 10 clips in sequence (trims, speed) with cut/fade/dissolve/wipe/slide transitions, normalized to the project's size and frame rate; untouched stretches are stream-copied. Also draws a contact sheet.",
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
      const lutPath = options.lut === null ? null : await lutOf(context, options.lut, "options.lut");
      await runFfmpeg(
        buildPostProcessSpec(input, output, {
          colorGrade: options.colorGrade,
          sharpen: options.sharpen,
          denoise: options.denoise,
          stabilization: options.stabilization,
          lutPath,
        }),
        {
          // A cancelled turn or job stops its ffmpeg run too (killed, partial output removed).
          signal: context.signal ?? null,
          timeoutMs,
          durationSeconds: probed.durationSeconds,
          onProgress: (fraction) => context.runtime.progress.emit("assemble", fraction, "post-processing"),
        },
      );
      return toolResult({ clipId: outputId, applied: options });
    },
    {
      name: "apply_post_processing",
      description:
        "Apply stabilization, denoise, a colour grade preset or custom .cube LUT, and sharpening to a clip; returns a new scratch clip id.",
      schema: z.object({ clipId: z.string(), options: PostProcessingSchema }),
    },
  );

  const saveScene = createSaveTool(context, {
    name: "save_assembled_scene",
    description: "Store an assembled or post-processed scene with its media record.",
    kind: "scene",
    objectName: "scene",
  });

  return [retrieveClips, assembleClips, postProcess, saveScene];
}
