/**
 * Reads and writes on the embedded Brain's graph, with the same rules the Neo4j backend enforces in Cypher:
 * ids are one namespace across labels, a relationship exists at most once, link targets must already exist
 * with the right label, and a name belongs to one node per label. Callers run these inside one read or
 * mutation of the graph file, so a refused write never reaches the disk.
 */
import { CutroomError } from "../errors.js";
import type { BrainGraph, EdgeAttributes, NodeAttributes } from "./graph-file.js";
import { normalName, type Label, type RelationshipType } from "./rules.js";

export function propsOf<T>(graph: BrainGraph, id: string, label: Label): T | null {
  if (!graph.hasNode(id)) return null;
  const attributes = graph.getNodeAttributes(id);
  return attributes.label === label ? (structuredClone(attributes.props) as T) : null;
}

export function findByName<T extends { name: string }>(graph: BrainGraph, label: Label, name: string): T | null {
  const wanted = normalName(name);
  const id = graph.findNode(
    (_node, attributes) =>
      attributes.label === label && normalName(String((attributes.props as { name?: unknown }).name ?? "")) === wanted,
  );
  return id === undefined ? null : propsOf<T>(graph, id, label);
}

export function related<T>(
  graph: BrainGraph,
  id: string,
  direction: "in" | "out",
  type: RelationshipType,
  label: Label,
): T[] {
  const found: T[] = [];
  const collect = (edge: EdgeAttributes, neighbor: NodeAttributes): void => {
    if (edge.type === type && neighbor.label === label) found.push(structuredClone(neighbor.props) as T);
  };
  if (direction === "out")
    graph.forEachOutEdge(id, (_key, edge, _source, _target, _sourceAttributes, targetAttributes) =>
      collect(edge, targetAttributes),
    );
  else graph.forEachInEdge(id, (_key, edge, _source, _target, sourceAttributes) => collect(edge, sourceAttributes));
  return found;
}

export function upsertNode(graph: BrainGraph, id: string, label: Label, props: object): void {
  if (graph.hasNode(id)) {
    const existing = graph.getNodeAttribute(id, "label");
    if (existing !== label)
      throw new CutroomError(
        "BRAIN_VALIDATION",
        `id ${id} already names a ${existing}, not a ${label}; use a fresh id`,
      );
    // Replacing (never mutating) the attributes keeps copies that share attribute objects independent.
    graph.replaceNodeAttributes(id, { label, props: structuredClone(props) });
  } else {
    graph.addNode(id, { label, props: structuredClone(props) });
  }
}

/** MERGE semantics: a relationship of one type between two nodes exists at most once. */
export function link(graph: BrainGraph, type: RelationshipType, source: string, target: string): void {
  const exists = graph.outEdges(source, target).some((edge) => graph.getEdgeAttribute(edge, "type") === type);
  if (!exists) graph.addDirectedEdgeWithKey(`${type}:${source}->${target}`, source, target, { type });
}

export function requireLabel(graph: BrainGraph, id: string, label: Label, purpose: string): void {
  if (propsOf(graph, id, label) === null) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${id} is not a known ${label}, so it cannot ${purpose}; save the ${label} first`,
    );
  }
}

export function assertNameFree(graph: BrainGraph, label: Label, id: string, name: string): void {
  if (normalName(name) === "")
    throw new CutroomError("INVALID_INPUT", `a ${label} needs a non-empty name`, { field: "name" });
  const holder = findByName<{ id: string; name: string }>(graph, label, name);
  if (holder !== null && holder.id !== id) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${label} name "${name}" already belongs to ${holder.id}; reuse that ${label} or pick another name`,
    );
  }
}
