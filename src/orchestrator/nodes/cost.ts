/**
 * Before anything is spent: the request's estimated cost from the price table. Above the request's
 * budget it is refused; above the configured threshold the thread waits (interrupt) for the user to
 * proceed or cancel.
 */
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../context.js";
import { budgetNote } from "../../departments/video/budget.js";
import { weighRequest } from "../../departments/video/entry.js";
import { clipCostUsd } from "../../departments/video/planner/cost.js";
import { planScene } from "../../departments/video/planner/deterministic.js";
import { plannedClipLimits } from "../../departments/video/planner/lengths.js";
import { clipSeconds } from "../../departments/video/planner/plan.js";
import { plansAsScene } from "../../departments/video/scene-brief.js";
import type { TakeResult } from "../../departments/video/state.js";
import type { GenerationMethod } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import type { Runtime } from "../../runtime.js";
import type { OrchestratorStateValue } from "../state.js";

// Kept here too: the estimate is the department entry's, and callers of the chat's cost step import it from here.
export { estimateRequestCost } from "../../departments/video/entry.js";

export const COST_CHOICES = ["proceed", "cancel"] as const;
export type CostDecision = (typeof COST_CHOICES)[number];

export interface CostPrompt {
  kind: "cost";
  question: string;
  estimatedCostUsd: number;
  thresholdUsd: number;
  choices: readonly CostDecision[];
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
  if (!plansAsScene(text, config)) {
    // A new take of a composite clip gets a new composite made for it by a real image model.
    const composite =
      take.method === "composite-to-video" && !runtime.image.drawsLocally ? runtime.image.priceOf("shot-composite") : 0;
    return clipCostUsd(config, take.method, take.durationSeconds) + composite;
  }
  const priceFor = (method: GenerationMethod, seconds: number) => clipCostUsd(config, method, seconds);
  try {
    const plan = planScene(text, {
      fps: config.video.fps,
      priceFor,
      clipLimits: (method) => plannedClipLimits(config, method),
    });
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

export async function confirmCostNode(
  state: OrchestratorStateValue,
  config: LangGraphRunnableConfig,
): Promise<Partial<OrchestratorStateValue>> {
  const runtime = runtimeOf(config);
  const budget = runtime.config.budgetUsd;
  // The chat can ask its user, so the department entry's rule says ask above the threshold.
  const weighing = await weighRequest(
    runtime,
    { projectId: state.projectId, text: state.requestText ?? "", plan: state.givenPlan },
    { budgetUsd: budget, canAsk: true },
  );
  // A request the planner refuses is refused with its own message by the department.
  if (weighing.estimateUsd === null) return { reply: "", costDecision: null };
  const estimate = weighing.estimateUsd;
  runtime.progress.emit(
    "cost",
    null,
    `estimated cost $${estimate.toFixed(2)} (confirmation above $${runtime.config.confirmAboveUsd.toFixed(2)})`,
  );
  if (weighing.verdict === "refuse") {
    // No answer could make it affordable, so nothing is asked and nothing is spent.
    const reply = `Not started: ${budgetNote(0, estimate, budget, "this request")} (CUTROOM_BUDGET_USD).`;
    const at = new Date().toISOString();
    return { reply, costDecision: "cancel", messages: [{ role: "department", text: reply, at }] };
  }
  if (weighing.verdict === "run") return { reply: "", costDecision: null };
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
