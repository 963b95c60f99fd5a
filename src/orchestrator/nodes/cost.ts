/**
 * Before anything is spent: the request's estimated cost from the price table. Above the request's
 * budget it is refused; above the configured threshold the thread waits (interrupt) for the user to
 * proceed or cancel.
 */
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../context.js";
import { budgetNote, wouldPassBudget } from "../../departments/video/budget.js";
import { clipCostUsd } from "../../departments/video/planner/cost.js";
import { planScene } from "../../departments/video/planner/deterministic.js";
import { clipSeconds } from "../../departments/video/planner/plan.js";
import type { TakeResult } from "../../departments/video/state.js";
import { isSceneRequest, requestedSeconds } from "../../departments/video/understand.js";
import type { GenerationMethod } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import type { Runtime } from "../../runtime.js";
import type { OrchestratorStateValue } from "../state.js";

export const COST_CHOICES = ["proceed", "cancel"] as const;
export type CostDecision = (typeof COST_CHOICES)[number];

export interface CostPrompt {
  kind: "cost";
  question: string;
  estimatedCostUsd: number;
  thresholdUsd: number;
  choices: readonly CostDecision[];
}

/** The request's cost before any call: a scene's plan, or one clip at the method a plan would pick. */
export function estimateRequestCost(runtime: Runtime, text: string): number {
  const config = runtime.config;
  // Each shot priced as its clip will be recorded, so the estimate is the sum of the clips' recorded costs.
  // A provider that is never sent a drawing makes from text what the local renderer would compose from the
  // location's drawn plate, so that is the model it is priced at.
  const made = (method: GenerationMethod): GenerationMethod =>
    method === "composite-to-video" && !runtime.video.acceptsDrawings ? "text-to-video" : method;
  const priceFor = (method: GenerationMethod, seconds: number) => clipCostUsd(config, made(method), seconds);
  if (isSceneRequest(text)) return planScene(text, { fps: config.video.fps, priceFor }).estimatedCostUsd;
  return priceFor("composite-to-video", requestedSeconds(text) ?? config.video.clipSeconds);
}

/**
 * What a regenerate of a take will cost: a clip like it, or for a scene the shots made anew (all of them
 * unless the regenerate names some), priced as the planner plans them.
 */
export function estimateRegenerateCost(
  runtime: Runtime,
  text: string,
  take: Pick<TakeResult, "method" | "durationSeconds">,
  redoShots: number[] | null,
): number {
  const config = runtime.config;
  if (!isSceneRequest(text)) return clipCostUsd(config, take.method, take.durationSeconds);
  const priceFor = (method: GenerationMethod, seconds: number) => clipCostUsd(config, method, seconds);
  try {
    const plan = planScene(text, { fps: config.video.fps, priceFor });
    const redo = plan.shots.filter((shot) => redoShots === null || redoShots.includes(shot.index));
    const cost = redo.reduce((sum, shot) => sum + priceFor(shot.method, clipSeconds(plan, shot)), 0);
    return Math.round(cost * 1e6) / 1e6;
  } catch {
    // A scene the planner cannot plan any more is weighed shot by shot by the department instead.
    return 0;
  }
}

export function parseCostDecision(answer: unknown): CostDecision {
  const text = typeof answer === "string" ? answer : ((answer as { choice?: unknown } | null)?.choice ?? "");
  const word = String(text).trim().toLowerCase();
  if (/^(proceed|yes|go|go ahead|ok|confirm|continue)[.! ]*$/.test(word)) return "proceed";
  if (/^(cancel|no|stop|abort)[.! ]*$/.test(word)) return "cancel";
  throw new CutroomError("INVALID_INPUT", `choice must be proceed or cancel; got ${JSON.stringify(text)}`, {
    field: "choice",
  });
}

export function confirmCostNode(
  state: OrchestratorStateValue,
  config: LangGraphRunnableConfig,
): Partial<OrchestratorStateValue> {
  const runtime = runtimeOf(config);
  let estimate = 0;
  try {
    estimate = estimateRequestCost(runtime, state.requestText ?? "");
  } catch {
    // A request the planner refuses is refused with its own message by the department.
    return { reply: "", costDecision: null };
  }
  runtime.progress.emit(
    "cost",
    null,
    `estimated cost $${estimate.toFixed(2)} (confirmation above $${runtime.config.confirmAboveUsd.toFixed(2)})`,
  );
  const budget = runtime.config.budgetUsd;
  if (wouldPassBudget(0, estimate, budget)) {
    // No answer could make it affordable, so nothing is asked and nothing is spent.
    const reply = `Not started: ${budgetNote(0, estimate, budget, "this request")} (CUTROOM_BUDGET_USD).`;
    const at = new Date().toISOString();
    return { reply, costDecision: "cancel", messages: [{ role: "department", text: reply, at }] };
  }
  if (estimate <= runtime.config.confirmAboveUsd) return { reply: "", costDecision: null };
  const prompt: CostPrompt = {
    kind: "cost",
    question: `This request is estimated at $${estimate.toFixed(2)}, above the $${runtime.config.confirmAboveUsd.toFixed(2)} that needs your yes. Proceed or cancel?`,
    estimatedCostUsd: estimate,
    thresholdUsd: runtime.config.confirmAboveUsd,
    choices: COST_CHOICES,
  };
  // No side effects before this line: the node runs again from the top when the answer arrives.
  const decision = parseCostDecision(interrupt(prompt));
  const at = new Date().toISOString();
  if (decision === "cancel") {
    const reply = `Cancelled before anything was spent (estimated $${estimate.toFixed(2)}).`;
    return {
      reply,
      costDecision: "cancel",
      messages: [
        { role: "user", text: "cancel", at },
        { role: "department", text: reply, at },
      ],
    };
  }
  return { reply: "", costDecision: "proceed", messages: [{ role: "user", text: "proceed", at }] };
}
