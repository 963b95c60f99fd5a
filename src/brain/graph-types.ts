/**
 * The shape of the Brain's graph. Apart from the file that stores it, so the helpers that read and migrate
 * a graph (embedded-graph.ts, embedded-legacy.ts), which that file uses, do not import it back.
 */
import type { AbstractGraph } from "graphology-types";
import type { Label, RelationshipType } from "./rules.js";

// Type aliases (not interfaces) so they satisfy graphology's index-signature Attributes constraint.
export type NodeAttributes = { label: Label; projectId: string; props: object };
export type EdgeAttributes = { type: RelationshipType };
export type BrainGraph = AbstractGraph<NodeAttributes, EdgeAttributes>;
