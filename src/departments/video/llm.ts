/**
 * The head's two judgements a chat model may make: the shot prompt a provider receives, and how
 * relevant a measured take is to the request. Both fall back to the deterministic versions.
 */
import { z } from "zod";
import type { Runtime } from "../../runtime.js";
import { decide } from "../../providers/llm/structured.js";

const ShotPromptSchema = z.object({
  prompt: z.string().min(10).max(1200),
  negativePrompt: z.string().max(400).nullable(),
});

/** A provider-ready prompt for a shot; it must still name every character and the action. */
export async function writeShotPrompt(
  runtime: Runtime,
  request: string,
  shot: { description: string; characters: string[]; action: string; camera: string; location: string | null },
): Promise<{ prompt: string; negativePrompt: string | null; decidedBy: "llm" | "policy" }> {
  const decision = await decide({
    llm: runtime.llm,
    log: runtime.log,
    what: "shot prompt",
    name: "shot_prompt",
    schema: ShotPromptSchema,
    system:
      "You write prompts for a text-to-video model: one vivid sentence or two about who, doing what, where, framing and camera move, plus an optional negative prompt.",
    user: `Request: ${request}\nShot: ${JSON.stringify(shot)}`,
    fallback: () => ({ prompt: shot.description, negativePrompt: null }),
    check: (value) => {
      const missing = shot.characters.filter((name) => !value.prompt.toLowerCase().includes(name.toLowerCase()));
      return missing.length > 0 ? `the prompt leaves out ${missing.join(", ")}` : null;
    },
  });
  return { ...decision.value, decidedBy: decision.decidedBy };
}

const RelevanceSchema = z.object({ relevance: z.number().min(0).max(1), reason: z.string().min(1).max(400) });

/**
 * Relevance of a take: the measured facts (who, where, how long, which action) always count half; a chat
 * model's judgement of the same facts against the request, when valid, is the other half.
 */
export async function judgeRelevance(
  runtime: Runtime,
  request: string,
  facts: Record<string, unknown>,
  measured: number,
): Promise<{ relevance: number; reason: string; decidedBy: "llm" | "policy" }> {
  const decision = await decide({
    llm: runtime.llm,
    log: runtime.log,
    what: "grade",
    name: "relevance",
    schema: RelevanceSchema,
    system:
      "You judge how well a generated video answers a request, from measured facts about it. Answer 0..1 with a short reason.",
    user: `Request: ${request}\nWhat was made and measured: ${JSON.stringify(facts)}`,
    fallback: () => ({ relevance: measured, reason: "measured facts only" }),
  });
  const relevance = decision.decidedBy === "llm" ? 0.5 * measured + 0.5 * decision.value.relevance : measured;
  return {
    relevance: Math.round(relevance * 1000) / 1000,
    reason: decision.value.reason,
    decidedBy: decision.decidedBy,
  };
}
