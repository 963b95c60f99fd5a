/**
 * The embedded Brain's validation of a take and its counts, by the shared rules in rules.ts. A neighbour
 * in another project is no node of this one, so a link to it counts as a link to nothing.
 */
import { idOfKey, nodeKey, propsOf } from "./embedded-graph.js";
import type { BrainGraph, NodeAttributes } from "./graph-types.js";
import {
  REQUIRED_INCOMING,
  REQUIRED_OUTGOING,
  TARGET_RULES,
  badTargetMessage,
  missingIncomingMessage,
  missingOutgoingMessage,
} from "./rules.js";
import type { BrainCounts, BrainViolation } from "./types.js";

export function violationsOf(graph: BrainGraph, projectId: string, takeId: string): BrainViolation[] {
  if (propsOf(graph, projectId, takeId, "Video") === null)
    return [{ rule: "take-exists", message: `take ${takeId} is not a Video in the brain` }];
  const key = nodeKey(projectId, takeId);
  const labelIn = (attributes: NodeAttributes): string | null =>
    attributes.projectId === projectId ? attributes.label : null;
  const violations: BrainViolation[] = [];
  const incoming = new Set<string>();
  const outgoing = new Set<string>();
  graph.forEachInEdge(key, (_edge, { type }, _source, _target, sourceAttributes) => {
    incoming.add(`${type}:${labelIn(sourceAttributes)}`);
  });
  graph.forEachOutEdge(key, (_edge, { type }, _source, target, _sourceAttributes, targetAttributes) => {
    outgoing.add(`${type}:${labelIn(targetAttributes)}`);
    const expected = TARGET_RULES.find((rule) => rule.type === type);
    if (expected !== undefined && (labelIn(targetAttributes) !== expected.label || target === key)) {
      violations.push({
        rule: expected.rule,
        message: badTargetMessage(type, expected.label, takeId, idOfKey(target)),
      });
    }
  });
  for (const { type, label, rule } of REQUIRED_INCOMING) {
    if (!incoming.has(`${type}:${label}`))
      violations.push({ rule, message: missingIncomingMessage(type, label, takeId) });
  }
  for (const { type, label, rule } of REQUIRED_OUTGOING) {
    if (!outgoing.has(`${type}:${label}`))
      violations.push({ rule, message: missingOutgoingMessage(type, label, takeId) });
  }
  return violations;
}

/** Nodes by label and relationships by type, of one project or (null) of all. */
export function countsOf(graph: BrainGraph, projectId: string | null): BrainCounts {
  const nodes: Record<string, number> = {};
  const relationships: Record<string, number> = {};
  const counted = (attributes: NodeAttributes): boolean => projectId === null || attributes.projectId === projectId;
  graph.forEachNode((_node, attributes) => {
    if (counted(attributes)) nodes[attributes.label] = (nodes[attributes.label] ?? 0) + 1;
  });
  graph.forEachEdge((_edge, { type }, _source, _target, sourceAttributes) => {
    if (counted(sourceAttributes)) relationships[type] = (relationships[type] ?? 0) + 1;
  });
  return { nodes, relationships };
}
