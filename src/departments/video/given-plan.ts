/**
 * A plan the user edited before it ran (lengths, order, lines): the department follows it instead of
 * planning the request again, but only a plan that keeps the scene's rules, so an edit can never ask a
 * model for a clip it does not render or leave the shots and the scene's length disagreeing.
 */
import type { Config } from "../../config.js";
import { CutroomError } from "../../errors.js";
import { planProblems, ScenePlanSchema, type ScenePlan } from "./planner/plan.js";
import { plannedClipLimits } from "./planner/lengths.js";

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
