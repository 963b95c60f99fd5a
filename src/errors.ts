/**
 * Errors with a stable code, checked by code (never by message text), each with an actionable message.
 */
export type CutroomErrorCode =
  | "INVALID_INPUT"
  | "INVALID_ID"
  | "NOT_FOUND"
  | "NO_PENDING_CHOICE"
  | "CHOICE_PENDING"
  | "RUN_UNFINISHED"
  | "THREAD_BUSY"
  | "UNKNOWN_THREAD"
  | "CONFIG"
  | "MISSING_TOOL"
  | "MEDIA"
  | "FFMPEG_TIMEOUT"
  | "FFMPEG_CANCELLED"
  | "STORAGE"
  | "BRAIN_VALIDATION"
  | "ADAPTER_UNAVAILABLE"
  | "JOB_FAILED"
  | "CONTENT_POLICY"
  | "PROVIDER"
  | "PROVIDER_TIMEOUT"
  | "RATE_LIMITED"
  | "CANCELLED"
  /** A job whose process stopped while it ran; it is not run again, so its paid work is never paid twice. */
  | "INTERRUPTED"
  | "BUDGET_EXCEEDED"
  | "UNSAFE_URL";

export class CutroomError extends Error {
  readonly code: CutroomErrorCode;
  /** Name of the offending field, when the error is about one input field. */
  readonly field: string | null;

  constructor(code: CutroomErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CutroomError";
    this.code = code;
    this.field = options.field ?? null;
  }
}

export function isCutroomError(error: unknown, code?: CutroomErrorCode): error is CutroomError {
  return error instanceof CutroomError && (code === undefined || error.code === code);
}

/** Ids that become paths or object keys must match this: no slashes, dots-only names or spaces. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function assertId(value: string, field: string): string {
  // A missing value must not pass as the text "undefined" (RegExp.test converts its argument to a string).
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    throw new CutroomError(
      "INVALID_ID",
      `${field} must be 1-64 characters of letters, digits, '-' or '_' (starting with a letter or digit); got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return value;
}
