/**
 * What a caller fixed for a take, as the department's state records it. Apart from asked.ts, which decides
 * with the head's policy, so the state can hold it without importing that policy.
 */
import type { GenerationMethod } from "../../domain.js";
import type { ShotTask } from "../../specialists/video-generator/index.js";

export const QUALITY_LEVELS = ["draft", "standard", "high"] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

export interface AskedTake {
  method: GenerationMethod | null;
  /** Media ids of stored images in the caller's project. */
  images: ShotTask["images"];
  durationSeconds: number | null;
  characters: string[];
  location: string | null;
  quality: QualityLevel;
}
