/**
 * Reads and writes on the embedded Brain's graph, with the same rules the Neo4j backend enforces in Cypher:
 * every node belongs to one project and is keyed by project and id, so ids are one namespace across labels
 * within a project; a relationship exists at most once and never leaves its project; link targets must
 * already exist in the project with the right label; and a name belongs to one node per label and project.
 * Callers run these inside one read or mutation of the graph file, so a refused write never reaches the disk.
 */
import { CutroomError } from "../errors.js";
import type { BrainGraph, EdgeAttributes, NodeAttributes } from "./graph-types.js";
import { normalName, type Label, type RelationshipType } from "./rules.js";

/** Project and id ids both match ID_PATTERN, which has no "/", so the key splits back unambiguously. */
export const nodeKey = (projectId: string, id: string): string => `${projectId}/${id}`;

/** The id part of a node key (a key written by hand without a project is its own id). */
export const idOfKey = (key: string): string => key.slice(key.indexOf("/") + 1);

export function propsOf<T>(graph: BrainGraph, projectId: string, id: string, label: Label): T | null {
  const key = nodeKey(projectId, id);
  if (!graph.hasNode(key)) return null;
  const attributes = graph.getNodeAttributes(key);
  return attributes.label === label && attributes.projectId === projectId
    ? (structuredClone(attributes.props) as T)
    : null;
}

export function findByName<T extends { name: string }>(
  graph: BrainGraph,
  projectId: string,
  label: Label,
  name: string,
): T | null {
  const wanted = normalName(name);
  const key = graph.findNode(
    (_node, attributes) =>
      attributes.projectId === projectId &&
      attributes.label === label &&
      normalName(String((attributes.props as { name?: unknown }).name ?? "")) === wanted,
  );
  return key === undefined ? null : (structuredClone(graph.getNodeAttributes(key).props) as T);
}

export function related<T>(
  graph: BrainGraph,
  projectId: string,
  id: string,
  direction: "in" | "out",
  type: RelationshipType,
  label: Label,
): T[] {
  const key = nodeKey(projectId, id);
  if (!graph.hasNode(key)) return [];
  const found: T[] = [];
  const collect = (edge: EdgeAttributes, neighbor: NodeAttributes): void => {
    if (edge.type === type && neighbor.label === label && neighbor.projectId === projectId)
      found.push(structuredClone(neighbor.props) as T);
  };
  if (direction === "out")
    graph.forEachOutEdge(key, (_key, edge, _source, _target, _sourceAttributes, targetAttributes) =>
      collect(edge, targetAttributes),
    );
  else graph.forEachInEdge(key, (_key, edge, _source, _target, sourceAttributes) => collect(edge, sourceAttributes));
  return found;
}

export function upsertNode(graph: BrainGraph, projectId: string, id: string, label: Label, props: object): void {
  const key = nodeKey(projectId, id);
  // Replacing (never mutating) the attributes keeps copies that share attribute objects independent.
  const attributes: NodeAttributes = { label, projectId, props: structuredClone(props) };
  if (graph.hasNode(key)) {
    const existing = graph.getNodeAttribute(key, "label");
    if (existing !== label)
      throw new CutroomError(
        "BRAIN_VALIDATION",
        `id ${id} already names a ${existing}, not a ${label}; use a fresh id`,
      );
    graph.replaceNodeAttributes(key, attributes);
  } else {
    graph.addNode(key, attributes);
  }
}

/** MERGE semantics: a relationship of one type between two nodes of one project exists at most once. */
export function link(
  graph: BrainGraph,
  projectId: string,
  type: RelationshipType,
  source: string,
  target: string,
): void {
  const [from, to] = [nodeKey(projectId, source), nodeKey(projectId, target)];
  const exists = graph.outEdges(from, to).some((edge) => graph.getEdgeAttribute(edge, "type") === type);
  if (!exists) graph.addDirectedEdgeWithKey(`${type}:${from}->${to}`, from, to, { type });
}

/** Removes a relationship; false when there was none. */
export function unlink(
  graph: BrainGraph,
  projectId: string,
  type: RelationshipType,
  source: string,
  target: string,
): boolean {
  const [from, to] = [nodeKey(projectId, source), nodeKey(projectId, target)];
  if (!graph.hasNode(from) || !graph.hasNode(to)) return false;
  const edges = graph.outEdges(from, to).filter((edge) => graph.getEdgeAttribute(edge, "type") === type);
  for (const edge of edges) graph.dropEdge(edge);
  return edges.length > 0;
}

export function requireLabel(graph: BrainGraph, projectId: string, id: string, label: Label, purpose: string): void {
  if (propsOf(graph, projectId, id, label) === null) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${id} is not a known ${label}, so it cannot ${purpose}; save the ${label} first`,
    );
  }
}

export function assertNameFree(graph: BrainGraph, projectId: string, label: Label, id: string, name: string): void {
  if (normalName(name) === "")
    throw new CutroomError("INVALID_INPUT", `a ${label} needs a non-empty name`, { field: "name" });
  const holder = findByName<{ id: string; name: string }>(graph, projectId, label, name);
  if (holder !== null && holder.id !== id) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `${label} name "${name}" already belongs to ${holder.id}; reuse that ${label} or pick another name`,
    );
  }
}
