/**
 * One prompt builder per video model family, each following that family's published prompt guide (cited in
 * its file). The FAL adapter's family (fal/models.ts) picks the builder; the local renderer's model gets a
 * plain sentence for provenance. Every prompt passes `promptProblems`: builders clean the facts first.
 */
import { LOCAL_VIDEO_MODEL } from "../../../config.js";
import { familyOf } from "../fal/models.js";
import { registryEntry } from "../fal/registry.js";
import { buildGeneric } from "./generic.js";
import { buildKling } from "./kling.js";
import { buildLocal } from "./local.js";
import { buildLuma } from "./luma.js";
import { buildMinimax } from "./minimax.js";
import { cleanFacts, type FamilyBuilder } from "./phrases.js";
import { buildRunway } from "./runway.js";
import type { BuiltPrompt, ShotFacts } from "./types.js";

export { promptProblems } from "./sanitize.js";
export type { BuiltPrompt, ShotFacts, ShotSubject, ShotSize } from "./types.js";

export const PROMPT_FAMILIES = ["minimax", "kling", "runway", "luma", "generic", "local"] as const;
export type PromptFamily = (typeof PROMPT_FAMILIES)[number];

const BUILDERS: Record<PromptFamily, FamilyBuilder> = {
  minimax: buildMinimax,
  kling: buildKling,
  runway: buildRunway,
  luma: buildLuma,
  generic: buildGeneric,
  local: buildLocal,
};

/** The guide a model's prompt follows: the FAL family, Luma's two endpoints sharing one, or local. */
export function promptFamilyOf(modelId: string): PromptFamily {
  const id = modelId.toLowerCase();
  if (id === LOCAL_VIDEO_MODEL || id === "local-animatic" || id.startsWith("cutroom-animatic")) return "local";
  const family = familyOf(modelId).name;
  return family === "luma-video" ? "luma" : family;
}

export function buildPrompt(modelId: string, facts: ShotFacts): BuiltPrompt {
  const family = promptFamilyOf(modelId);
  const { prompt, negativePrompt } = BUILDERS[family](cleanFacts(facts), modelId);
  // A model the registry lists without a negative prompt field gets none, so the plan shows what is sent.
  const entry = registryEntry(modelId);
  const takesNegative = entry === null || entry.fields.negativePrompt !== null;
  return { prompt, negativePrompt: takesNegative ? negativePrompt : null, family };
}
