/** The line a turn that made a take ends with: how long it took, what it cost, what was reused, its contact sheet. */
import type { TurnResult } from "../orchestrator/chat.js";

/**
 * "done in 41.2 s, $0.0000: 3 shots, 1 reused, 2 made; contact sheet /…/sheet.png", or null when the turn
 * made no take (a reply, a choice, a question about cost). The time is the whole turn as the user waited.
 */
export function takeSummary(result: TurnResult, elapsedSeconds: number): string | null {
  const summary = result.report?.summary;
  if (result.status !== "awaiting-choice" || !summary) return null;
  const made = Math.max(0, summary.clipsCompleted - summary.clipsReused);
  const shots = `${summary.clipsTotal} shot${summary.clipsTotal === 1 ? "" : "s"}`;
  const missing = summary.clipsFailed > 0 ? `, ${summary.clipsFailed} missing` : "";
  const sheet = result.contactSheet ? `; contact sheet ${result.contactSheet.path ?? result.contactSheet.url}` : "";
  return `done in ${elapsedSeconds.toFixed(1)} s, $${summary.costUsd.toFixed(4)}: ${shots}, ${summary.clipsReused} reused, ${made} made${missing}${sheet}`;
}
