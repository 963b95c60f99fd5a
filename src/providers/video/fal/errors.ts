/**
 * FAL failures sorted into the rows of the design's error table, each with its own recovery:
 * rate limit → back off, timeout → lower quality, invalid input → revise, unavailable → fallback
 * model, content policy → stop. The client's ApiError carries the HTTP status and JSON body.
 */
import { ApiError } from "@fal-ai/client";
import { CutroomError } from "../../../errors.js";
import type { FieldProblem } from "./models.js";

export type FailureKind =
  "rate-limit" | "transient" | "timeout" | "invalid-input" | "unavailable" | "content-policy" | "auth" | "other";

export interface Failure {
  kind: FailureKind;
  status: number | null;
  message: string;
  problems: FieldProblem[];
  /** Seconds the service asked us to wait (Retry-After), when it said. */
  retryAfterSeconds: number | null;
}

/**
 * Thrown by our fetch wrapper for statuses the client would otherwise retry on its own schedule;
 * raising it first keeps retries under our policy and our (injectable) clock.
 */
export class FalStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfterSeconds: number | null,
  ) {
    super(`HTTP ${status}`);
    this.name = "FalStatusError";
  }
}

/** Our own per-request or per-generation deadline passed. */
export class FalTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FalTimeoutError";
  }
}

interface DetailEntry {
  loc?: unknown[];
  msg?: unknown;
  type?: unknown;
}

function detailsOf(body: unknown): DetailEntry[] {
  if (typeof body !== "object" || body === null) return [];
  const detail = (body as { detail?: unknown }).detail;
  if (typeof detail === "string") return [{ loc: ["body"], msg: detail, type: "value_error" }];
  return Array.isArray(detail)
    ? (detail.filter((entry) => typeof entry === "object" && entry !== null) as DetailEntry[])
    : [];
}

function textOf(body: unknown, fallback: string): string {
  const details = detailsOf(body);
  if (details.length > 0) return details.map((entry) => String(entry.msg ?? entry.type ?? "")).join("; ");
  if (typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string") {
    return (body as { message: string }).message;
  }
  return fallback;
}

const POLICY_WORDS = /content[_ ]policy|nsfw|safety (checker|filter)|moderation/i;

export function classify(error: unknown): Failure {
  let status: number | null = null;
  let body: unknown = null;
  let retryAfterSeconds: number | null = null;
  if (error instanceof FalTimeoutError) {
    return { kind: "timeout", status: null, message: error.message, problems: [], retryAfterSeconds: null };
  }
  if (error instanceof FalStatusError) {
    ({ status, body, retryAfterSeconds } = error);
  } else if (error instanceof ApiError) {
    status = error.status;
    body = error.body;
    if (error.isUserTimeout) {
      return { kind: "timeout", status, message: "the model did not start in time", problems: [], retryAfterSeconds };
    }
  } else {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "other", status: null, message, problems: [], retryAfterSeconds: null };
  }
  const details = detailsOf(body);
  const message = textOf(body, `HTTP ${status}`);
  const problems = details.map((entry) => ({
    field: Array.isArray(entry.loc) && entry.loc.length > 0 ? String(entry.loc[entry.loc.length - 1]) : "body",
    message: String(entry.msg ?? ""),
  }));
  const policy =
    details.some(
      (entry) => POLICY_WORDS.test(String(entry.type ?? "")) || POLICY_WORDS.test(String(entry.msg ?? "")),
    ) || POLICY_WORDS.test(message);
  const kind: FailureKind = policy
    ? "content-policy"
    : status === 429
      ? "rate-limit"
      : status === 503 || status === 404
        ? "unavailable"
        : status === 422 || status === 400
          ? "invalid-input"
          : status === 401 || status === 403
            ? "auth"
            : status === 504
              ? "timeout"
              : status !== null && status >= 500
                ? "transient"
                : "other";
  return { kind, status, message, problems, retryAfterSeconds };
}

/** The error a caller sees once recovery is exhausted or not allowed. */
export function toCutroomError(failure: Failure, model: string, attempts: number): CutroomError {
  const where = `FAL model ${model}`;
  switch (failure.kind) {
    case "content-policy":
      return new CutroomError(
        "CONTENT_POLICY",
        `${where} refused the request under its content policy (${failure.message}); rephrase the prompt or change the images`,
        { field: "prompt" },
      );
    case "rate-limit":
      return new CutroomError(
        "RATE_LIMITED",
        `${where} is still rate limited after ${attempts} tries; wait a minute or lower the number of parallel generations`,
      );
    case "timeout":
      return new CutroomError(
        "PROVIDER_TIMEOUT",
        `${where} did not finish in time (${failure.message}); raise CUTROOM_FAL_TIMEOUT_MS or try a shorter clip`,
      );
    case "invalid-input": {
      const field = failure.problems[0]?.field ?? "request";
      return new CutroomError(
        "INVALID_INPUT",
        `${where} rejected the input after ${attempts} revisions: ${failure.message}`,
        { field },
      );
    }
    case "auth":
      return new CutroomError("CONFIG", `${where} rejected the API key (HTTP ${failure.status}); check FAL_KEY`, {
        field: "FAL_KEY",
      });
    case "unavailable":
      return new CutroomError(
        "PROVIDER",
        `${where} is unavailable (HTTP ${failure.status}) and no fallback model worked; set CUTROOM_FAL_FALLBACK_MODEL`,
      );
    default:
      return new CutroomError("PROVIDER", `${where} failed: ${failure.message}`);
  }
}
