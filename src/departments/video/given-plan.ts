/**
 * A plan the user edited before it ran (lengths, order, lines): the department follows it instead of
 * planning the request again, but only a plan that keeps the scene's rules, so an edit can never ask a
 * model for a clip it does not render or leave the shots and the scene's length disagreeing.
 */
import type { Config } from "../../config.js";
import { CutroomError } from "../../errors.js";
import { clipCostUsd, talkingCostUsd } from "./planner/cost.js";
import { clipSeconds, planProblems, ScenePlanSchema, type ScenePlan } from "./planner/plan.js";
import { plannedClipLimits } from "./planner/lengths.js";
import { sceneShotLines } from "./speaking.js";

export function checkGivenPlan(config: Config, given: unknown): ScenePlan {
  const parsed = ScenePlanSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CutroomError("INVALID_INPUT", `plan.${issue.path.join(".")}: ${issue.message}`, { field: "plan" });
  }
  const problems = planProblems(parsed.data, (method) => plannedClipLimits(config, method));
  if (problems.length > 0) {
    throw new CutroomError("INVALID_INPUT", `plan: ${problems.join("; ")}`, { field: "plan" });
  }
  return parsed.data;
}

/** The clips of a plan at their models' prices, a shot that speaks with its talking model's extra. */
function clipsCostUsd(config: Config, plan: ScenePlan): number {
  return plan.shots.reduce((sum, shot) => {
    const seconds = clipSeconds(plan, shot);
    const speaks = sceneShotLines(plan, shot.index).length > 0;
    return sum + clipCostUsd(config, shot.method, seconds) + talkingCostUsd(config, shot.method, seconds, speaks);
  }, 0);
}

/**
 * A request's estimate when it runs an edited plan: the planned request's estimate (its references and
 * clips) with its clips' price replaced by the edited clips', both priced alike, so a longer or an extra
 * shot is asked about before it is paid for.
 */
export function givenPlanEstimateUsd(
  config: Config,
  planned: ScenePlan,
  estimateUsd: number,
  given: ScenePlan,
): number {
  const difference = clipsCostUsd(config, given) - clipsCostUsd(config, planned);
  return Math.round(Math.max(0, estimateUsd + difference) * 1e6) / 1e6;
}
