/**
 * The shape every stored media record must have, checked before it is written and when records are read
 * from a file cutroom did not just write itself (an older document file being imported).
 */
import { ID_PATTERN } from "../errors.js";
import type { MediaKind, MediaRecord } from "./types.js";

export const MEDIA_KINDS: readonly MediaKind[] = ["video", "image", "audio", "scene", "captions"];
export const MEDIA_STATUSES: readonly MediaRecord["status"][] = ["live", "tombstoned"];

/** What is wrong with a would-be record, naming the field and what was expected; null when it is sound. */
export interface RecordProblem {
  field: keyof MediaRecord;
  expected: string;
  got: unknown;
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const isNumberOrNull = (value: unknown): boolean =>
  value === null || (typeof value === "number" && Number.isFinite(value));
const isCountOrNull = (value: unknown): boolean =>
  value === null || (Number.isInteger(value) && (value as number) >= 0);

const CHECKS: Array<[keyof MediaRecord, string, (value: unknown) => boolean]> = [
  ["id", "1-64 letters, digits, '-' or '_'", (value) => typeof value === "string" && ID_PATTERN.test(value)],
  ["projectId", "a non-empty string", isText],
  ["kind", `one of ${MEDIA_KINDS.join(", ")}`, (value) => MEDIA_KINDS.includes(value as MediaKind)],
  ["key", "a non-empty object key", isText],
  ["url", "a string", (value) => typeof value === "string"],
  ["status", `one of ${MEDIA_STATUSES.join(", ")}`, (value) => MEDIA_STATUSES.includes(value as MediaRecord["status"])],
  ["durationSeconds", "a finite number or null", isNumberOrNull],
  ["fps", "a finite number or null", isNumberOrNull],
  ["width", "a whole number of pixels or null", isCountOrNull],
  ["height", "a whole number of pixels or null", isCountOrNull],
  ["generation", "an object", (value) => typeof value === "object" && value !== null && !Array.isArray(value)],
  ["qualityScore", "a finite number or null", isNumberOrNull],
  ["createdAt", "an ISO-8601 time", isText],
  ["updatedAt", "an ISO-8601 time", isText],
];

export function recordProblem(candidate: Record<string, unknown>): RecordProblem | null {
  for (const [field, expected, valid] of CHECKS) {
    if (!valid(candidate[field])) return { field, expected, got: candidate[field] };
  }
  return null;
}

export function describeProblem(problem: RecordProblem): string {
  const shown = problem.got === undefined ? "nothing" : (JSON.stringify(problem.got) ?? String(problem.got));
  // A whole generation object or a long string would drown the message.
  const got = shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
  return `${problem.field} must be ${problem.expected}; got ${got}`;
}

/** Only the record's own fields, in a fixed order: extra properties a caller carried along are not stored. */
export function pickRecord(candidate: Record<string, unknown>): MediaRecord {
  const picked: Record<string, unknown> = {};
  for (const [field] of CHECKS) picked[field] = candidate[field];
  return picked as unknown as MediaRecord;
}
