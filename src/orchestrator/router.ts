/**
 * Routing a chat turn: to the video department, to a choice about a pending take, or to a polite
 * "no department handles that". The deterministic policy always works; a configured chat model may
 * decide instead, and its answer is validated and replaced by the policy when invalid.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { z } from "zod";
import { videoRelevance } from "../departments/video/understand.js";
import { decide } from "../providers/llm/structured.js";
import type { Logger } from "../logging.js";
import { CHOICES, type Choice } from "./choices.js";
import { ROUTER_PROMPT } from "./prompts.js";

export const RouteSchema = z.object({
  kind: z.enum(["video", "choice", "none"]),
  department: z.enum(["video-generation"]).nullable(),
  relevance: z.number().min(0).max(1),
  reason: z.string().min(1).max(400),
});
export type Route = z.infer<typeof RouteSchema> & { decidedBy: "policy" | "llm" };

export const ROUTE_THRESHOLD = 0.5;

const CHOICE_WORDS: Array<[RegExp, Choice]> = [
  [/^(accept|accepted|keep( it)?|yes|approve|ingest|looks good|ok)[.! ]*$/i, "accept"],
  [/^(regenerate|redo|again|retry|another( take)?|try again|re-?roll)[.! ]*$/i, "regenerate"],
  [/^(discard|delete|drop|reject|no|bin it|throw (it )?away)[.! ]*$/i, "discard"],
];

/** A message that answers the pending choice, or null. */
export function parseChoice(text: string): Choice | null {
  const trimmed = text.trim();
  if ((CHOICES as readonly string[]).includes(trimmed.toLowerCase())) return trimmed.toLowerCase() as Choice;
  return CHOICE_WORDS.find(([pattern]) => pattern.test(trimmed))?.[1] ?? null;
}

export function routeByPolicy(message: string): Route {
  if (parseChoice(message) !== null) {
    return {
      kind: "choice",
      department: null,
      relevance: 0,
      reason: `"${message.trim()}" answers a take's choices`,
      decidedBy: "policy",
    };
  }
  const relevance = videoRelevance(message);
  if (relevance >= ROUTE_THRESHOLD) {
    return {
      kind: "video",
      department: "video-generation",
      relevance,
      reason: `video relevance ${relevance} ≥ ${ROUTE_THRESHOLD}: the request asks for footage of people, actions or places`,
      decidedBy: "policy",
    };
  }
  return {
    kind: "none",
    department: null,
    relevance,
    reason: `video relevance ${relevance} < ${ROUTE_THRESHOLD}: no department here handles that`,
    decidedBy: "policy",
  };
}

export async function routeTurn(message: string, llm: BaseChatModel | null, log: Logger): Promise<Route> {
  const policy = routeByPolicy(message);
  // A bare choice word is never a request, whatever a model would say.
  if (llm === null || policy.kind === "choice") return policy;
  const decision = await decide({
    llm,
    log,
    what: "router",
    name: "route",
    schema: RouteSchema,
    system: ROUTER_PROMPT,
    user: message,
    fallback: () => policy,
    check: (value) => (value.kind === "choice" ? "a choice needs a pending take, which the policy decides" : null),
  });
  return decision.decidedBy === "llm" ? { ...decision.value, decidedBy: "llm" } : policy;
}
