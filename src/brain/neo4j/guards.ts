/**
 * Checks a Neo4j write runs inside its own transaction, within its project, before merging anything, so a
 * refused write leaves the graph as it was and says what to do, in the same words as the embedded Brain.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { CutroomError } from "../../errors.js";
import type { Label } from "../rules.js";
import * as Q from "./queries.js";

/** Targets must exist with the right label before anything is written; the first missing one is reported. */
export async function requireTargets(
  tx: ManagedTransaction,
  projectId: string,
  targets: Array<{ id: string; label: Label; purpose: string }>,
): Promise<void> {
  if (targets.length === 0) return;
  const missing = (await tx.run(Q.MISSING_TARGETS, { projectId, targets })).records[0];
  if (missing !== undefined) {
    const [id, label, purpose] = [missing.get("id"), missing.get("label"), missing.get("purpose")] as string[];
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${id} is not a known ${label}, so it cannot ${purpose}; save the ${label} first`,
    );
  }
}

/** Ids are one namespace across labels within a project, as in the embedded graph. */
export async function assertLabels(
  tx: ManagedTransaction,
  projectId: string,
  nodes: Array<{ id: string; label: Label }>,
): Promise<void> {
  const clash = (await tx.run(Q.LABEL_CLASHES, { projectId, nodes })).records[0];
  if (clash !== undefined) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `id ${clash.get("id") as string} already names a ${clash.get("existing") as string}, not a ${clash.get("label") as string}; use a fresh id`,
    );
  }
}

export function nameTaken(label: Label, name: string, holder: string): CutroomError {
  return new CutroomError(
    "BRAIN_VALIDATION",
    `${label} name "${name}" already belongs to ${holder}; reuse that ${label} or pick another name`,
  );
}
