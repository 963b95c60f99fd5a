/**
 * Planning a scene: the LLM planner when a chat model is configured, validated against the plan's
 * invariants and repaired (durations rescaled in whole frames) or replaced by the deterministic plan.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "../../../logging.js";
import { planScene, type PlanOptions } from "./deterministic.js";
import { PLANNER_PROMPT, plannerRequest } from "../prompts.js";
import { limitsOfModel } from "./lengths.js";
import { planProblems, repairDurations, ScenePlanSchema, type LimitsOf, type ScenePlan } from "./plan.js";

export { planScene } from "./deterministic.js";
export type { ScenePlan } from "./plan.js";

export async function planSceneRequest(
  text: string,
  options: PlanOptions & { llm: BaseChatModel | null; log: Logger },
): Promise<ScenePlan> {
  const policy = planScene(text, options);
  if (options.llm === null) return policy;
  const limitsOf = options.clipLimits ?? (() => limitsOfModel(null));
  let raw: unknown;
  try {
    raw = await options.llm
      .withStructuredOutput(ScenePlanSchema, { method: "functionCalling", name: "scene_plan" })
      .invoke([
        { role: "system", content: PLANNER_PROMPT },
        { role: "user", content: plannerRequest(text, policy, clipLimitsInWords(policy, limitsOf)) },
      ]);
  } catch (error) {
    options.log.warn(
      `planner: the chat model failed (${error instanceof Error ? error.message : String(error)}); using the deterministic plan`,
    );
    return policy;
  }
  const parsed = ScenePlanSchema.safeParse(raw);
  if (!parsed.success) {
    options.log.warn(
      `planner: the chat model's plan has the wrong shape (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}); using the deterministic plan`,
    );
    return policy;
  }
  // The request's length and rate are facts, not the model's to change.
  const candidate: ScenePlan = {
    ...parsed.data,
    totalDuration: policy.totalDuration,
    fps: policy.fps,
    decidedBy: "llm",
  };
  const problems = planProblems(candidate, limitsOf);
  if (problems.length === 0) return candidate;
  const repaired = repairDurations(candidate, limitsOf);
  if (repaired && planProblems(repaired, limitsOf).length === 0) {
    options.log.warn(`planner: repaired the chat model's plan (${problems.join("; ")})`);
    return { ...repaired, decidedBy: "llm-repaired" };
  }
  options.log.warn(
    `planner: the chat model's plan breaks the rules (${problems.join("; ")}); using the deterministic plan`,
  );
  return policy;
}

/** The clip limit of each method the plan uses, for the planner's request: "text-to-video ≤ 15 s (model)". */
function clipLimitsInWords(plan: ScenePlan, limitsOf: LimitsOf): string {
  const methods = [...new Set(plan.shots.map((shot) => shot.method))];
  return methods
    .map((method) => {
      const limits = limitsOf(method);
      return `${method} at most ${limits.maxSeconds} s (${limits.model})`;
    })
    .join("; ");
}
