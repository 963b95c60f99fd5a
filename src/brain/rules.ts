/**
 * The Brain's validation rules, in one list that both adapters follow: the embedded graph checks them in
 * code, the Neo4j adapter passes the same list to its Cypher validation query as a parameter.
 */
import type { BrainViolation } from "./types.js";

export type Label =
  | "Character"
  | "Location"
  | "Reference"
  | "Request"
  | "Video"
  | "QualityReport"
  | "Scene"
  | "Clip"
  | "AudioTrack"
  | "Captions"
  | "ContactSheet";
export type RelationshipType =
  | "HAS_REFERENCE"
  | "PRODUCED"
  | "DEPICTS"
  | "SET_IN"
  | "USES_REFERENCE"
  | "GRADED_BY"
  | "REGENERATED_FROM"
  | "RENDERS"
  | "PART_OF"
  | "HAS_AUDIO"
  | "MADE_FROM"
  | "HAS_CAPTIONS"
  | "HAS_CONTACT_SHEET";

export const LABELS: readonly Label[] = [
  "Character",
  "Location",
  "Reference",
  "Request",
  "Video",
  "QualityReport",
  "Scene",
  "Clip",
  "AudioTrack",
  "Captions",
  "ContactSheet",
];
export const RELATIONSHIP_TYPES: readonly RelationshipType[] = [
  "HAS_REFERENCE",
  "PRODUCED",
  "DEPICTS",
  "SET_IN",
  "USES_REFERENCE",
  "GRADED_BY",
  "REGENERATED_FROM",
  "RENDERS",
  "PART_OF",
  "HAS_AUDIO",
  "MADE_FROM",
  "HAS_CAPTIONS",
  "HAS_CONTACT_SHEET",
];

/** What each validation rule asserts; shared by the docs and every Brain implementation. */
export const BRAIN_RULES: Record<BrainViolation["rule"], string> = {
  "take-exists": "The take id names a Video node.",
  "take-has-request": "A Request PRODUCED the Video.",
  "depicts-known-character": "Every DEPICTS relationship of the Video ends at a Character.",
  "set-in-known-location": "Every SET_IN relationship of the Video ends at a Location.",
  graded: "The Video is GRADED_BY a QualityReport.",
  "reference-exists": "Every USES_REFERENCE relationship of the Video ends at a Reference.",
  "regenerated-from-exists": "A REGENERATED_FROM relationship of the Video ends at another Video.",
  "object-exists": "The Video's object key exists in the object store (checked by the caller, which holds the store).",
};

/** The label each outgoing relationship of a take must end at (never the take itself), and the rule broken when not. */
export const TARGET_RULES: ReadonlyArray<{ type: RelationshipType; label: Label; rule: BrainViolation["rule"] }> = [
  { type: "DEPICTS", label: "Character", rule: "depicts-known-character" },
  { type: "SET_IN", label: "Location", rule: "set-in-known-location" },
  { type: "USES_REFERENCE", label: "Reference", rule: "reference-exists" },
  { type: "REGENERATED_FROM", label: "Video", rule: "regenerated-from-exists" },
];

/** A take must have one incoming relationship of each of these from a node of the label. */
export const REQUIRED_INCOMING = [{ type: "PRODUCED", label: "Request", rule: "take-has-request" }] as const;
/** A take must have one outgoing relationship of each of these to a node of the label. */
export const REQUIRED_OUTGOING = [{ type: "GRADED_BY", label: "QualityReport", rule: "graded" }] as const;

export function missingIncomingMessage(type: string, label: string, takeId: string): string {
  return `no ${label} ${type} take ${takeId}`;
}

export function missingOutgoingMessage(type: string, label: string, takeId: string): string {
  return `take ${takeId} is not ${type} a ${label}`;
}

export function badTargetMessage(type: string, label: string, takeId: string, target: string): string {
  return `take ${takeId} has ${type} to ${target}, which is not a known ${label}`;
}

export const normalName = (name: string): string => name.trim().toLowerCase();
