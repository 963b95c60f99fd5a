/** Video Generator: makes one clip with the chosen method, stores it, and says how sure it is. */
import type { ClipPass } from "../../media/speech-types.js";
import type { ShotFacts } from "../../providers/video/prompts/types.js";
import type { Action, CameraMove, GenerationMethod, SelfAssessment } from "../../domain.js";
import { createGeneratorTools, METHOD_TOOL } from "../../tools/generator.js";
import type { ToolContext } from "../../tools/context.js";
import type { SpeechArgs } from "../../tools/speech.js";
import { requireResult, runSpecialist, type ToolCallRecord } from "../agent.js";
import { VIDEO_GENERATOR_PROMPT } from "./prompts.js";

export { VIDEO_GENERATOR_PROMPT } from "./prompts.js";

export interface ShotTask {
  index: number;
  method: GenerationMethod;
  prompt: string;
  /** What the provider should avoid showing, when the prompt writer gave one. */
  negativePrompt?: string | null;
  durationSeconds: number;
  characters: string[];
  location: string | null;
  action: Action;
  camera: CameraMove;
  motionStrength: number;
  seed: number;
  /** Media ids of images the method needs. */
  images: { sourceImage?: string; compositeImage?: string; firstFrame?: string; lastFrame?: string };
  /** What the shot shows in words, from which its prompt is written for the model that renders it. */
  facts?: ShotFacts;
  /**
   * The paid model the shot is sent to, fixed when the shot is queued (so a retried job renders with the
   * model its prompt was written for); null on the local renderer.
   */
  model?: string | null;
  /** Lines spoken on screen in this shot, each voiced before the shot is made; absent when nobody speaks. */
  speech?: SpeechArgs;
}

export interface GeneratedClipOutput {
  index: number;
  /** The Brain reference of the composite this clip was animated from, when one was made for its shot. */
  compositeReferenceId?: string;
  mediaId: string;
  key: string;
  path: string | null;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  method: GenerationMethod;
  model: string;
  seed: number;
  prompt: string;
  costUsd: number;
  characters: string[];
  location: string | null;
  action: string;
  camera: string;
  /** Passes run on the clip after its model made it (a lip-sync pass), with their model and cost. */
  passes?: ClipPass[];
}

export function generatorPlan(task: ShotTask) {
  const generation = METHOD_TOOL[task.method];
  return [
    {
      tool: generation,
      args: () => ({
        prompt: task.prompt,
        negativePrompt: task.negativePrompt ?? null,
        durationSeconds: task.durationSeconds,
        characters: task.characters,
        location: task.location,
        action: task.action,
        camera: task.camera,
        motionStrength: task.motionStrength,
        seed: task.seed,
        model: task.model ?? null,
        speech: task.speech ?? null,
        ...task.images,
      }),
    },
    {
      tool: "save_video",
      args: (calls: ToolCallRecord[]) => {
        const clip = requireResult(calls, generation);
        return { clipId: clip.clipId, metadata: { ...clip, shotIndex: task.index } };
      },
    },
  ];
}

export async function runVideoGenerator(context: ToolContext, task: ShotTask) {
  const tools = createGeneratorTools(context);
  const generation = METHOD_TOOL[task.method];
  const run = await runSpecialist({
    name: "video-generator",
    systemPrompt: VIDEO_GENERATOR_PROMPT,
    task: `Shot ${task.index}: ${JSON.stringify({ tool: generation, ...task })}`,
    tools,
    plan: generatorPlan(task),
    isComplete: (calls) => calls.some((call) => call.ok && call.name === "save_video"),
    llm: context.runtime.llm,
    log: context.runtime.log,
  });
  const clip = requireResult(run.calls, ...Object.values(METHOD_TOOL));
  const saved = requireResult(run.calls, "save_video");
  const output: GeneratedClipOutput = {
    index: task.index,
    mediaId: String(saved.mediaId),
    key: String(saved.key),
    path: saved.path === null ? null : String(saved.path),
    durationSeconds: Number(saved.durationSeconds ?? clip.durationSeconds),
    width: Number(clip.width),
    height: Number(clip.height),
    fps: Number(clip.fps),
    method: clip.method as GenerationMethod,
    model: String(clip.model),
    seed: Number(clip.seed),
    prompt: String(clip.prompt),
    costUsd: Number(clip.costUsd),
    characters: (clip.characters as string[]) ?? [],
    location: (clip.location as string | null) ?? null,
    action: String(clip.action),
    camera: String(clip.camera),
    passes: (clip.passes as ClipPass[] | undefined) ?? [],
  };
  const { width, height, fps } = context.runtime.config.video;
  const issues: string[] = [];
  if (output.width !== width || output.height !== height)
    issues.push(`clip is ${output.width}x${output.height}, asked ${width}x${height}`);
  if (Math.abs(output.fps - fps) > 0.01) issues.push(`clip runs at ${output.fps} fps, asked ${fps}`);
  const completeness = Math.min(1, output.durationSeconds / task.durationSeconds);
  if (completeness < 0.95)
    issues.push(`clip is ${output.durationSeconds.toFixed(2)}s of the ${task.durationSeconds}s asked`);
  const selfAssessment: SelfAssessment = {
    confidence: Math.max(0, 1 - 0.25 * issues.length - (run.mode === "llm-then-deterministic" ? 0.1 : 0)),
    completeness,
    issues,
  };
  return { output, selfAssessment, mode: run.mode, toolCalls: run.calls.map((call) => call.name) };
}
