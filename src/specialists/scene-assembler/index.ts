/** Scene Assembler: joins the take's clips, applies the requested look, stores the scene. */
import type { SelfAssessment } from "../../domain.js";
import type { TransitionType } from "../../media/assemble.js";
import type { ToolContext } from "../../tools/context.js";
import { storeContactSheet } from "../../tools/contact-sheet.js";
import { createSceneTools } from "../../tools/scene.js";
import { requireResult, runSpecialist, type PlannedStep } from "../agent.js";
import { SCENE_ASSEMBLER_PROMPT } from "./prompts.js";

export { SCENE_ASSEMBLER_PROMPT } from "./prompts.js";

export interface SceneTask {
  clips: Array<{ mediaId: string; sequence: number; durationSeconds: number; trimEnd?: number }>;
  transitions: Array<{ fromClip: number; toClip: number; type: TransitionType; duration: number }>;
  postProcessing: {
    colorGrade: "natural" | "cinematic" | "warm" | "cool" | "high-contrast" | null;
    sharpen: number | null;
    denoise: boolean;
  };
}

export function scenePlan(task: SceneTask): PlannedStep[] {
  const plan: PlannedStep[] = [
    { tool: "retrieve_clips", args: () => ({ clipIds: task.clips.map((clip) => clip.mediaId) }) },
    {
      tool: "assemble_video_clips",
      args: () => ({
        clips: task.clips.map((clip) => ({
          clipId: clip.mediaId,
          sequence: clip.sequence,
          trimEnd: clip.trimEnd ?? 0,
        })),
        transitions: task.transitions,
      }),
    },
  ];
  const wantsPost =
    task.postProcessing.colorGrade !== null || task.postProcessing.sharpen !== null || task.postProcessing.denoise;
  if (wantsPost) {
    plan.push({
      tool: "apply_post_processing",
      args: (calls) => ({ clipId: requireResult(calls, "assemble_video_clips").clipId, options: task.postProcessing }),
    });
  }
  plan.push({
    tool: "save_assembled_scene",
    args: (calls) => ({
      clipId: requireResult(calls, wantsPost ? "apply_post_processing" : "assemble_video_clips").clipId,
      metadata: { clipCount: task.clips.length, postProcessing: task.postProcessing },
    }),
  });
  return plan;
}

export async function runSceneAssembler(context: ToolContext, task: SceneTask) {
  const run = await runSpecialist({
    name: "scene-assembler",
    systemPrompt: SCENE_ASSEMBLER_PROMPT,
    task: JSON.stringify(task),
    tools: createSceneTools(context),
    plan: scenePlan(task),
    isComplete: (calls) => calls.some((call) => call.ok && call.name === "save_assembled_scene"),
    llm: context.runtime.llm,
    log: context.runtime.log,
  });
  const assembled = requireResult(run.calls, "assemble_video_clips");
  const saved = requireResult(run.calls, "save_assembled_scene");
  const expected = Number(assembled.expectedDurationSeconds);
  const measured = Number(saved.durationSeconds);
  const frame = 1 / context.runtime.config.video.fps;
  const issues =
    Math.abs(measured - expected) > frame
      ? [`scene is ${measured.toFixed(3)}s, the timing rule gives ${expected.toFixed(3)}s`]
      : [];
  const selfAssessment: SelfAssessment = {
    confidence: issues.length === 0 ? 1 : 0.6,
    completeness: Math.min(1, measured / expected),
    issues,
  };
  const contactSheet =
    typeof assembled.contactSheetId === "string"
      ? await storeContactSheet(context, {
          scratchId: assembled.contactSheetId,
          sceneMediaId: String(saved.mediaId),
          shotCount: task.clips.length,
        })
      : null;
  return {
    output: {
      mediaId: String(saved.mediaId),
      key: String(saved.key),
      path: saved.path === null ? null : String(saved.path),
      durationSeconds: measured,
      clipCount: task.clips.length,
      contactSheet,
    },
    selfAssessment,
    mode: run.mode,
    toolCalls: run.calls.map((call) => call.name),
  };
}
