/**
 * Every failure leaves the API as `{ error: { code, message, fields? } }` with a status that matches
 * the code, so clients branch on the code and never parse messages.
 */
import type { ErrorRequestHandler, Response } from "express";
import { z } from "zod";
import { isCutroomError, type CutroomErrorCode } from "../errors.js";
import type { Logger } from "../logging.js";
import { redactText } from "./redact.js";
import { ApiError } from "./api-error.js";
import { describeTransportError } from "./transport-errors.js";

export { ApiError, type ApiErrorCode } from "./api-error.js";

/** A resource of another project answers exactly like a missing one, so ids leak nothing. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "NOT_FOUND", `${what} ${id} not found`);
}

/** Partial on purpose: a code added later falls back to 500 until it is given a status here. */
const STATUS_OF: Partial<Record<CutroomErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_ID: 400,
  CONFIG: 400,
  NOT_FOUND: 404,
  UNKNOWN_THREAD: 404,
  MISSING_TOOL: 404,
  NO_PENDING_CHOICE: 409,
  CHOICE_PENDING: 409,
  RUN_UNFINISHED: 409,
  THREAD_BUSY: 409,
  // The request's spending limit stops the work: resending it will not help, raising the limit will.
  BUDGET_EXCEEDED: 422,
  BRAIN_VALIDATION: 422,
  MEDIA: 422,
  FFMPEG_TIMEOUT: 504,
  FFMPEG_CANCELLED: 503,
  STORAGE: 502,
  ADAPTER_UNAVAILABLE: 503,
  CONTENT_POLICY: 422,
  PROVIDER: 502,
  PROVIDER_TIMEOUT: 504,
  RATE_LIMITED: 503,
  CANCELLED: 503,
  UNSAFE_URL: 400,
  // Every attempt failed and none said why (a provider that would not answer, usually): try again later.
  JOB_FAILED: 503,
};

/** Statuses that tell the client to come back later carry a hint of when. */
const RETRY_AFTER_SECONDS = "30";

/** zod issues as a field → message map, paths joined with dots ("input.prompt"). */
export function fieldsOf(error: z.ZodError, prefix = ""): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    // An unknown field is named itself, not its parent object.
    const leaves = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [key]) : [[]];
    for (const leaf of leaves) {
      const path = [prefix, ...issue.path.map(String), ...leaf].filter((part) => part !== "").join(".") || "body";
      fields[path] ??= leaf.length > 0 ? "not a field of this request" : issue.message;
    }
  }
  return fields;
}

export function validationError(error: z.ZodError, prefix = ""): ApiError {
  const fields = fieldsOf(error, prefix);
  const summary = Object.entries(fields)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  return new ApiError(400, "INVALID_INPUT", `invalid request: ${summary}`, { fields });
}

/** Parses a body or query with a zod schema, failing with the offending fields named. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw validationError(parsed.error, prefix);
  return parsed.data;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

type Described = { status: number; body: ErrorBody; headers: Record<string, string> };

export function describeError(error: unknown): Described {
  const described = describeUnredacted(error);
  // Messages come from ffmpeg, stores and file systems; whichever route raised them, no server path leaves.
  const { code, message, fields } = described.body.error;
  const redactedFields = fields
    ? Object.fromEntries(Object.entries(fields).map(([field, text]) => [field, redactText(text)]))
    : undefined;
  const headers =
    described.status === 503 && !("Retry-After" in described.headers)
      ? { ...described.headers, "Retry-After": RETRY_AFTER_SECONDS }
      : described.headers;
  return {
    status: described.status,
    headers,
    body: { error: { code, message: redactText(message), ...(redactedFields ? { fields: redactedFields } : {}) } },
  };
}

function describeUnredacted(error: unknown): Described {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      headers: error.headers,
      body: { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } },
    };
  }
  // A provider or store that cannot be reached is the same outage whichever layer noticed it.
  const transport = describeTransportError(error);
  if (transport) return describeUnredacted(transport);
  if (isCutroomError(error)) {
    return {
      status: STATUS_OF[error.code] ?? 500,
      headers: {},
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.field ? { fields: { [error.field]: error.message } } : {}),
        },
      },
    };
  }
  if (error instanceof z.ZodError) return describeUnredacted(validationError(error));
  return {
    status: 500,
    headers: {},
    body: { error: { code: "INTERNAL", message: "internal error; the server log has the details" } },
  };
}

/** Headers a failed file response may have set already; an error body must not be described by them. */
const ENTITY_HEADERS = [
  "Content-Type",
  "Content-Length",
  "Content-Range",
  "Content-Disposition",
  "Content-Encoding",
  "Cache-Control",
  "ETag",
  "Last-Modified",
];

export function sendError(response: Response, error: unknown): void {
  const { status, body, headers } = describeError(error);
  for (const name of ENTITY_HEADERS) response.removeHeader(name);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader("Cache-Control", "no-store");
  response.status(status).type("application/json").json(body);
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, _request, response, next) => {
    if (response.headersSent) return next(error);
    const described = describeError(error);
    if (described.status >= 500)
      log.warn(`http ${described.status}: ${error instanceof Error ? error.stack : String(error)}`);
    sendError(response, error);
  };
}
