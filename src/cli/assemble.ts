/**
 * `cutroom assemble <spec.json>`: a scene spec in the design's SceneAssemblyParams shape becomes an
 * assembled, mixed and verified MP4 with its contact sheet. Clip and audio ids may be stored media ids or
 * local file paths (relative to the spec file); dialogue may be given as text for a Brain character.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { assertId, CutroomError } from "../errors.js";
import { TRANSITION_TYPES } from "../media/assemble.js";
import type { MixTrack } from "../media/audio.js";
import { validateCubeLut } from "../media/lut.js";
import { COLOR_GRADES, type PostProcessOptions } from "../media/post.js";
import { verifyVideo } from "../media/quality.js";
import { assembleScene } from "../media/scene.js";
import type { Runtime } from "../runtime.js";
import { characterVoice } from "../tools/audio.js";
import { parse } from "./args.js";
import { formatQuality } from "./output.js";

type Write = (json: boolean, document: unknown, text: string) => void;

const ClipSchema = z.object({
  clipId: z.string().min(1),
  duration: z.number().positive().optional(),
  sequence: z.number().int().min(1),
  trimStart: z.number().min(0).default(0),
  trimEnd: z.number().min(0).default(0),
  speedMultiplier: z.number().positive().default(1),
});

const TransitionSchema = z.object({
  fromClip: z.number().int().min(1),
  toClip: z.number().int().min(1),
  type: z.enum(TRANSITION_TYPES),
  duration: z.number().min(0).max(5).default(0.5),
});

const AudioSchema = z
  .object({
    type: z.enum(["dialogue", "music", "sfx"]),
    audioId: z.string().min(1).optional(),
    text: z.string().min(1).max(400).optional(),
    characterId: z.string().min(1).max(40).optional(),
    startTime: z.number().min(0),
    duration: z.number().positive().optional(),
    volume: z.number().min(0).max(1).default(1),
    fadeIn: z.number().min(0).max(10).default(0),
    fadeOut: z.number().min(0).max(10).default(0),
  })
  .refine((track) => track.audioId !== undefined || (track.text !== undefined && track.characterId !== undefined), {
    message: "give audioId, or text with characterId",
    path: ["audioId"],
  });

export const SceneSpecSchema = z.object({
  sceneId: z.string().min(1),
  clips: z.array(ClipSchema).min(1).max(10),
  transitions: z.array(TransitionSchema).max(9).default([]),
  audio: z.array(AudioSchema).max(16).default([]),
  postProcessing: z
    .object({
      colorGrade: z
        .enum([...COLOR_GRADES, "custom"])
        .nullable()
        .default(null),
      lut: z.string().min(1).nullable().default(null),
      stabilization: z.boolean().default(false),
      denoise: z.boolean().default(false),
      sharpen: z.number().min(0).max(1).nullable().default(null),
    })
    .refine((post) => post.colorGrade !== "custom" || post.lut !== null, {
      message: "a custom grade needs lut (a .cube file)",
      path: ["lut"],
    })
    .optional(),
});
export type SceneSpec = z.infer<typeof SceneSpecSchema>;

/** zod's first problem as a CutroomError naming the field the way people write it: clips[1].speedMultiplier. */
export function parseSceneSpec(value: unknown): SceneSpec {
  const parsed = SceneSpecSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.reduce<string>(
    (text, part) =>
      typeof part === "number" ? `${text}[${part}]` : text === "" ? String(part) : `${text}.${String(part)}`,
    "",
  );
  throw new CutroomError("INVALID_INPUT", `${field || "spec"}: ${issue.message}`, { field: field || "spec" });
}

/** A stored media id (med_…) or a local file, relative paths taken from the spec's own folder. */
async function resolveMedia(
  runtime: Runtime,
  id: string,
  base: string,
  workDir: string,
  field: string,
): Promise<string> {
  if (/^med_[A-Za-z0-9_-]+$/.test(id)) {
    const record = await runtime.media.get(id);
    if (!record || record.status !== "live") {
      throw new CutroomError("NOT_FOUND", `${field}: ${id} is not a stored, live media record`, { field });
    }
    return runtime.store.localPath(record.key, workDir);
  }
  const path = resolve(base, id);
  if (!existsSync(path)) throw new CutroomError("NOT_FOUND", `${field}: no media record or file ${id}`, { field });
  return path;
}

export async function assembleCommand(runtime: Runtime, argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, { output: { type: "string" } });
  if (values.help) {
    process.stdout.write(
      "cutroom assemble <spec.json> [--output FILE.mp4] [--json]\n  Assembles a scene spec (SceneAssemblyParams), mixes its audio, draws a contact sheet and verifies the result.\n",
    );
    return 0;
  }
  const specPath = positionals[0];
  if (!specPath) throw new CutroomError("INVALID_INPUT", "assemble needs a spec file", { field: "spec" });
  const text = await readFile(specPath, "utf8").catch(() => {
    throw new CutroomError("NOT_FOUND", `spec file ${specPath} cannot be read`, { field: "spec" });
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CutroomError("INVALID_INPUT", `spec: not JSON (${error instanceof Error ? error.message : ""})`, {
      field: "spec",
    });
  }
  const spec = parseSceneSpec(raw);
  assertId(spec.sceneId, "sceneId");
  const base = dirname(resolve(specPath));
  const workDir = await mkdtemp(join(tmpdir(), "cutroom-scene-"));
  try {
    const clips = [];
    for (const [index, clip] of spec.clips.entries()) {
      const field = `clips[${index}].clipId`;
      clips.push({
        path: await resolveMedia(runtime, clip.clipId, base, workDir, field),
        sequence: clip.sequence,
        trimStart: clip.trimStart,
        trimEnd: clip.trimEnd,
        speedMultiplier: clip.speedMultiplier,
        label: clip.clipId,
      });
    }
    const tracks: MixTrack[] = [];
    for (const [index, track] of spec.audio.entries()) {
      let path: string;
      if (track.audioId !== undefined) {
        path = await resolveMedia(runtime, track.audioId, base, workDir, `audio[${index}].audioId`);
      } else {
        const { voiceId } = await characterVoice(
          runtime,
          runtime.config.projectId,
          track.characterId!,
          `audio[${index}].characterId`,
        );
        runtime.progress.emit("audio", null, `voicing line ${index + 1}`);
        const speech = await runtime.voice.synthesize({ text: track.text!, voiceId, emotion: "neutral" }, workDir);
        path = join(workDir, `line-${index}.wav`);
        await copyFile(speech.path, path);
      }
      tracks.push({
        type: track.type,
        path,
        startTime: track.startTime,
        duration: track.duration ?? null,
        volume: track.volume,
        fadeIn: track.fadeIn,
        fadeOut: track.fadeOut,
      });
    }
    const post = spec.postProcessing;
    const postOptions: PostProcessOptions | null =
      post === undefined
        ? null
        : {
            colorGrade: post.colorGrade === "custom" ? null : post.colorGrade,
            lutPath: post.lut === null ? null : resolve(base, post.lut),
            stabilization: post.stabilization,
            denoise: post.denoise,
            sharpen: post.sharpen,
          };
    if (postOptions?.lutPath) await validateCubeLut(postOptions.lutPath, "postProcessing.lut");
    const output = resolve(values.output ?? join(runtime.config.dataDir, "scenes", `${spec.sceneId}.mp4`));
    if (!output.endsWith(".mp4"))
      throw new CutroomError("INVALID_INPUT", "--output must end in .mp4", { field: "output" });
    await mkdir(dirname(output), { recursive: true });
    const scene = await assembleScene(
      {
        clips,
        transitions: spec.transitions.map((transition) => ({
          fromSequence: transition.fromClip,
          toSequence: transition.toClip,
          type: transition.type,
          durationSeconds: transition.duration,
        })),
        target: runtime.config.video,
        post: postOptions,
        tracks,
        outputPath: output,
        contactSheetPath: output.replace(/\.mp4$/, "-sheet.png"),
      },
      {
        timeoutMs: runtime.config.ffmpegTimeoutMs,
        onProgress: (fraction) => runtime.progress.emit("assemble", fraction, "assembling"),
      },
    );
    const quality = await verifyVideo({
      path: scene.path,
      expectedDurationSeconds: scene.durationSeconds,
      expectedWidth: runtime.config.video.width,
      expectedHeight: runtime.config.video.height,
      expectedFps: runtime.config.video.fps,
      characterReferences: [],
      locationReferences: [],
      checks: [
        "duration",
        "resolution",
        "fps",
        "bitrate",
        "motion-quality",
        "visual-clarity",
        ...(tracks.length > 0 ? (["audio"] as const) : []),
      ],
      threshold: runtime.config.qualityThreshold,
    });
    const document = {
      sceneId: spec.sceneId,
      path: scene.path,
      contactSheet: scene.contactSheetPath,
      durationSeconds: scene.durationSeconds,
      probedDurationSeconds: scene.probedDurationSeconds,
      clipCount: scene.clipCount,
      audioTrackCount: scene.audioTrackCount,
      strategy: scene.strategy,
      copiedFrames: scene.copiedFrames,
      renderedFrames: scene.renderedFrames,
      quality,
    };
    const lines = [
      `scene: ${scene.path}`,
      `contact sheet: ${scene.contactSheetPath}`,
      `duration: ${scene.durationSeconds.toFixed(3)} s (${scene.frames} frames; probed ${scene.probedDurationSeconds.toFixed(3)} s)`,
      `clips: ${scene.clipCount}, audio tracks: ${scene.audioTrackCount}, ${scene.strategy} render (${scene.copiedFrames} frames copied, ${scene.renderedFrames} encoded)`,
      ...formatQuality(quality),
    ];
    write(values.json === true, document, lines.join("\n"));
    return quality.passed ? 0 : 1;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
