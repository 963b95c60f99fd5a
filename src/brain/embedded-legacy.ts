/**
 * Brain files written before nodes belonged to a project keyed each node by its bare id and stored no
 * project. Such nodes move to the legacy project (the one every older record was made under): re-keyed by
 * project and id, with their relationships following them.
 */
import { nodeKey } from "./embedded-graph.js";
import type { BrainGraph, NodeAttributes } from "./graph-types.js";
import { LEGACY_PROJECT_ID } from "./types.js";

/** The graph with every project-less node in the legacy project, or null when there is none. */
export function withLegacyProject(graph: BrainGraph): BrainGraph | null {
  if (!graph.someNode((_key, attributes) => typeof attributes.projectId !== "string")) return null;
  const keys = new Map<string, string>();
  const migrated = graph.nullCopy();
  graph.forEachNode((key, attributes) => {
    const stored = attributes as Partial<NodeAttributes> & Pick<NodeAttributes, "label" | "props">;
    const projectId = typeof stored.projectId === "string" ? stored.projectId : LEGACY_PROJECT_ID;
    const newKey = typeof stored.projectId === "string" ? key : nodeKey(projectId, key);
    keys.set(key, newKey);
    migrated.addNode(newKey, { label: stored.label, projectId, props: stored.props });
  });
  graph.forEachEdge((_edge, attributes, source, target) => {
    const [from, to] = [keys.get(source)!, keys.get(target)!];
    const edgeKey = `${attributes.type}:${from}->${to}`;
    if (!migrated.hasEdge(edgeKey)) migrated.addDirectedEdgeWithKey(edgeKey, from, to, { type: attributes.type });
  });
  return migrated;
}
