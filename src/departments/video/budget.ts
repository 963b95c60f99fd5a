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
export function budgetNote(spentUsd: number, nextUsd: number, budgetUsd: number, what: string): string {
  return `the request's budget of $${budgetUsd.toFixed(2)} would be passed: $${spentUsd.toFixed(4)} is spent and ${what} would cost $${nextUsd.toFixed(4)}`;
}
