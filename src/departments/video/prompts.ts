/**
 * Everything the video department says to a chat model: the scene planner, the shot prompt writer and
 * the relevance grader. The nodes and helpers that ask import their text from here, so the department's
 * voice can be read (and reviewed) in one place. The specialists' own prompts live beside each specialist.
 */
import type { BuiltPrompt, ShotFacts } from "../../providers/video/prompts/types.js";
import { SCENE_ARCHETYPES, SHOT_LIBRARY } from "./planner/library.js";

/** Scene planner (planner/index.ts): improves the deterministic plan within its rules. */
export const PLANNER_PROMPT = `You plan video scenes as a list of shots, each no longer than the clip limit given for its method.
Use only these shot ids: ${SHOT_LIBRARY.map((shot) => `${shot.id} (${shot.position}, ${shot.shotType}, ${shot.camera}, ~${shot.typicalSeconds}s)`).join("; ")}.
Archetypes: ${SCENE_ARCHETYPES.map((archetype) => archetype.id).join(", ")}.
Shot durations must add up exactly to totalDuration; a dissolve or fade after a shot adds its duration to that shot's clip, which must stay within that limit.
Here is a valid plan for the request; improve the shot choice and descriptions if you can, keeping every rule.`;

/** The planner's user turn: the request, the clip limits of its models and the deterministic plan it starts from. */
export function plannerRequest(request: string, validPlan: unknown, clipLimits: string): string {
  return `Request: ${request}\nClip limits: ${clipLimits}\nValid plan: ${JSON.stringify(validPlan)}`;
}

/** Shot prompt writer (llm.ts): rewrites a family builder's prompt in the words of the model's guide. */
export function shotPromptSystem(built: Pick<BuiltPrompt, "family" | "negativePrompt">): string {
  return (
    `You write prompts for a ${built.family} video model, following its prompt guide: who (with how they look), ` +
    "doing what, where, framing and camera move, light and style, in plain words. Keep every character's name " +
    "and look, the action and the place. Never include ids, file names, colour codes or numbers from measurements." +
    (built.negativePrompt === null ? " This model takes no negative prompt: give null." : "")
  );
}

/** The shot prompt writer's user turn: the request, the shot's facts and the builder's prompt. */
export function shotPromptRequest(request: string, facts: ShotFacts, built: Pick<BuiltPrompt, "prompt">): string {
  return `Request: ${request}\nShot facts: ${JSON.stringify(facts)}\nA prompt that follows the guide: ${built.prompt}`;
}

/** Relevance grader (llm.ts) when it judges the measured facts alone. */
export const RELEVANCE_FROM_FACTS_PROMPT =
  "You judge how well a generated video answers a request, from measured facts about it. Answer 0..1 with a short reason.";

/** Relevance grader (llm.ts) when it sees frames of the take as well. */
export const RELEVANCE_FROM_FRAMES_PROMPT =
  "You judge how well a generated video answers a request. You see frames sampled in order across the video, and measured facts about it. Judge what the frames show (who, where, doing what, framing) against the request; answer 0..1 with a short reason naming what matches or is missing.";

/** The relevance grader's user turn: the request and what was made and measured. */
export function relevanceRequest(request: string, facts: Record<string, unknown>): string {
  return `Request: ${request}\nWhat was made and measured: ${JSON.stringify(facts)}`;
}
