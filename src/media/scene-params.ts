/** What a scene is assembled from: shared by the assembler (scene.ts) and its smart renderer (scene-smart.ts). */
import type { SceneTarget, SceneTransition } from "./assemble.js";
import type { MixTrack } from "./audio.js";
import type { PostProcessOptions } from "./post.js";

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
  /** Integrated loudness the scene's sound is delivered at (LUFS); web (-16) when left out. */
  targetLufs?: number;
}
