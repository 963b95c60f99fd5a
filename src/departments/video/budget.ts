/**
 * A request's budget (CUTROOM_BUDGET_USD) holds across everything made for it: automatic retries, the
 * user's regenerations and a resumed run. What has been spent is read from the stored clips, each of
 * which carries its request and its cost, so it survives a regenerate, a restart and a kill alike.
 */
import type { Runtime } from "../../runtime.js";

/** Money spent on a request so far, in every run, regeneration and chain: the cost on its stored clips. */
export async function spentOnRequest(
  runtime: Runtime,
  request: { projectId: string; requestId: string },
): Promise<number> {
  const records = await runtime.media.listByProject(request.projectId);
  const spent = records
    .filter((record) => record.generation.requestId === request.requestId)
    .reduce((sum, record) => sum + Number(record.generation.costUsd ?? 0), 0);
  return Math.round(spent * 1e6) / 1e6;
}

/** Whether spending `nextUsd` more would take a request that has spent `spentUsd` past its budget. */
export function wouldPassBudget(spentUsd: number, nextUsd: number, budgetUsd: number): boolean {
  // Free work (the local renderer) never passes it; micro-dollars absorb float noise in the sums.
  return nextUsd > 0 && Math.round((spentUsd + nextUsd) * 1e6) > Math.round(budgetUsd * 1e6);
}

/** The report's words when the budget stops generation. */
export function budgetNote(
  spentUsd: number,
  nextUsd: number,
  budgetUsd: number,
  what: string,
  underWayUsd = 0,
): string {
  const underWay = underWayUsd > 0 ? ` (and $${underWayUsd.toFixed(4)} is being spent)` : "";
  return `the request's budget of $${budgetUsd.toFixed(2)} would be passed: $${spentUsd.toFixed(4)} is spent${underWay} and ${what} would cost $${nextUsd.toFixed(4)}`;
}

/** Spend held by generations under way in this process, per request, until their clips carry their cost. */
const underWay = new Map<string, number>();

export interface BudgetHold {
  /** Gives the held amount back: the clip now carries its cost, or the generation failed. */
  release(): void;
}

/**
 * Holds `nextUsd` of a request's budget for a generation about to start, or says why it cannot. A scene's
 * chains generate in parallel: each counts what the others are still generating, so together they cannot
 * pass the budget either.
 */
export async function holdBudget(
  runtime: Runtime,
  request: { projectId: string; requestId: string },
  nextUsd: number,
  what: string,
): Promise<BudgetHold | string> {
  const spent = await spentOnRequest(runtime, request);
  // Nothing runs between reading what is held and holding more: the check and the hold are one step.
  const held = underWay.get(request.requestId) ?? 0;
  const budget = runtime.config.budgetUsd;
  if (wouldPassBudget(spent + held, nextUsd, budget)) return budgetNote(spent, nextUsd, budget, what, held);
  underWay.set(request.requestId, held + nextUsd);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const left = (underWay.get(request.requestId) ?? 0) - nextUsd;
      if (left > 1e-9) underWay.set(request.requestId, left);
      else underWay.delete(request.requestId);
    },
  };
}
