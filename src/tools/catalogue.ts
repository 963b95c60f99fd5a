/**
 * The tool catalogue other departments' agents use: every specialist tool bound to one take's context,
 * plus the whole department as a single tool.
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import { newId } from "../ids.js";
import type { Runtime } from "../runtime.js";
import { createAudioTools } from "./audio.js";
import { createBrainWhyTool } from "./brain.js";
import { createToolContext } from "./context.js";
import { createDepartmentTool } from "./department.js";
import { createGeneratorTools } from "./generator.js";
import { createQualityTools } from "./quality.js";
import { createSceneTools } from "./scene.js";

export const TOOL_NAMES = {
  "video-generator": [
    "generate_text_to_video",
    "generate_image_to_video",
    "generate_first_last_frame",
    "generate_composite_to_video",
    "save_video",
  ],
  "scene-assembler": ["retrieve_clips", "assemble_video_clips", "apply_post_processing", "save_assembled_scene"],
  "quality-verifier": [
    "check_technical_quality",
    "check_visual_consistency",
    "check_motion_quality",
    "check_cut_continuity",
    "save_quality_report",
  ],
  "audio-integrator": [
    "generate_character_dialogue",
    "generate_sound_effect",
    "sync_audio_tracks",
    "mix_audio",
    "save_with_audio",
  ],
  department: ["video_department", "brain_why"],
} as const;

/** All tools, working inside one take (a fresh one unless given). */
export async function createToolCatalogue(
  runtime: Runtime,
  options: { projectId?: string; takeId?: string } = {},
): Promise<StructuredToolInterface[]> {
  const context = await createToolContext(
    runtime,
    options.projectId ?? runtime.config.projectId,
    options.takeId ?? newId("vid"),
  );
  return [
    ...createGeneratorTools(context),
    ...createSceneTools(context),
    ...createQualityTools(context),
    ...createAudioTools(context),
    createDepartmentTool(runtime),
    createBrainWhyTool(context),
  ];
}
