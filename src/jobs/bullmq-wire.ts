/**
 * What the BullMQ adapter stores in Redis in BullMQ's own fields: a failure as JSON in failedReason (BullMQ
 * keeps only a message, and callers need the code), progress as a number or, for a job that reports steps,
 * an object with its latest events, and results as BullMQ hands them back.
 */
import type { CutroomErrorCode } from "../errors.js";
import type { ProgressEvent } from "./progress.js";
import { failureOf } from "./types.js";

/** BullMQ keeps only a failure's message (failedReason): ours carries the code and field as JSON. */
export function encodeFailure(error: unknown): string {
  return JSON.stringify(failureOf(error));
}

export function decodeFailure(reason: string): {
  message: string;
  code: CutroomErrorCode | null;
  field: string | null;
} {
  try {
    const parsed = JSON.parse(reason) as { message?: unknown; code?: unknown; field?: unknown };
    if (typeof parsed === "object" && parsed !== null && typeof parsed.message === "string") {
      return {
        message: parsed.message,
        code: typeof parsed.code === "string" ? (parsed.code as CutroomErrorCode) : null,
        field: typeof parsed.field === "string" ? parsed.field : null,
      };
    }
  } catch {
    // Not ours (BullMQ's own reasons, such as a stalled job): the text is the message.
  }
  // A queue that does not rerun stalled work fails a job whose worker died: it was interrupted.
  if (reason.includes("stalled more than allowable limit"))
    return {
      message: `the worker running this job stopped (${reason}); submit it again`,
      code: "INTERRUPTED",
      field: null,
    };
  return { message: reason, code: null, field: null };
}

export function parseReturn(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** A job's progress in BullMQ's progress field once it has reported a step. */
export interface StoredProgress {
  fraction: number;
  step: string | null;
  events: ProgressEvent[];
  /** The event this update carried, for watchers of the queue's events. */
  event: ProgressEvent | null;
}

export function decodeProgress(value: unknown): StoredProgress {
  if (typeof value === "number") return { fraction: value, step: null, events: [], event: null };
  if (typeof value === "object" && value !== null && typeof (value as StoredProgress).fraction === "number") {
    const stored = value as Partial<StoredProgress>;
    return {
      fraction: stored.fraction!,
      step: typeof stored.step === "string" ? stored.step : null,
      events: Array.isArray(stored.events) ? stored.events : [],
      event: stored.event ?? null,
    };
  }
  return { fraction: 0, step: null, events: [], event: null };
}
