/**
 * The JobQueue port: long or paid work (generation, assembly, verification, voice) as named jobs with retries,
 * exponential backoff, bounded concurrency, progress 0..1, queryable status and completion/failure events.
 * Both adapters (in-process, BullMQ on Redis) keep the same semantics:
 * - a job id names one piece of work: enqueueing an id already queued, running or completed adds nothing,
 *   and enqueueing an id whose job failed runs it again;
 * - a failed attempt is retried after backoffMs * 2^(attempt - 1) until `attempts` attempts have failed;
 * - each job has a journal that survives its retries (on Redis, also a crash of the worker), so a retried
 *   attempt can find and clean up what an interrupted one left behind;
 * - a failure whose code says trying again cannot help (FINAL_CODES) ends the job at once, and a waiter
 *   sees the failure's own code, so a content-policy refusal is paid for once and reported as what it is;
 * - a cancelled job's running attempt sees its signal abort, and the job fails as CANCELLED, never retried.
 *
 * The same port holds the HTTP API's job records: a POST /videos/generate is a "generate-request" job whose
 * status, progress steps, result and error are what GET /videos/jobs/:id shows. Those run on a queue of
 * their own (one attempt, one at a time), so they never take the slots of the department work they wait for.
 */
import { CutroomError, type CutroomErrorCode } from "../errors.js";
import type { ProgressEvent } from "./progress.js";

/** Department work, and the HTTP requests that run the department (the "-request" kinds). */
export type JobName = "generate" | "assemble" | "verify" | "voice" | "generate-request" | "assemble-request";
export const JOB_NAMES: readonly JobName[] = [
  "generate",
  "assemble",
  "verify",
  "voice",
  "generate-request",
  "assemble-request",
];

export type JobState = "waiting" | "delayed" | "active" | "completed" | "failed";

export interface JobStatus {
  id: string;
  name: JobName;
  state: JobState;
  /** 0..1. */
  progress: number;
  /** Attempts that ended in failure so far. */
  attemptsMade: number;
  attempts: number;
  result: unknown;
  error: string | null;
  /** The code of the failure that ended the last attempt; null when it had none (or none failed). */
  errorCode: CutroomErrorCode | null;
  errorField: string | null;
  /** What the job was enqueued with (a request's project and webhook travel here). */
  data: Record<string, unknown>;
  /** The step of the latest progress event, and the latest events (bounded, oldest first). */
  step: string | null;
  events: ProgressEvent[];
  /** ISO times: enqueued, last attempt started (null before), finished for good (null until then). */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** How many progress events a job record keeps. */
export const KEEP_EVENTS = 200;

export type JobEvent =
  | { type: "active"; jobId: string }
  | { type: "progress"; jobId: string; progress: number; event: ProgressEvent | null }
  | { type: "completed"; jobId: string; result: unknown }
  | {
      type: "failed";
      jobId: string;
      error: string;
      code: CutroomErrorCode | null;
      attemptsMade: number;
      final: boolean;
    };

export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Records how far the job is, and the step event that moved it when there is one. */
  progress(fraction: number, event?: ProgressEvent): Promise<void>;
  journal: { entries(): Promise<string[]>; append(entry: string): Promise<void> };
  /** Aborts when the job is cancelled; the work passes it on to providers and ffmpeg. */
  signal: AbortSignal;
}

export type JobHandler = (data: Record<string, unknown>, context: JobContext) => Promise<unknown>;

export interface JobQueueOptions {
  attempts: number;
  backoffMs: number;
  concurrency: number;
}

export const DEFAULT_JOB_OPTIONS: JobQueueOptions = { attempts: 3, backoffMs: 1_000, concurrency: 5 };

export interface JobQueue {
  readonly name: string;
  /** Handlers are registered before jobs of that name are enqueued; a worker starts with the first one. */
  register(name: JobName, handler: JobHandler): void;
  enqueue(name: JobName, data: Record<string, unknown>, jobId: string): Promise<JobStatus>;
  status(jobId: string): Promise<JobStatus | null>;
  /**
   * Resolves with the job's result, or rejects once its last attempt failed: with the failure's own code
   * and field (CONTENT_POLICY, CANCELLED, ...), or JOB_FAILED when the failure carried no code.
   */
  waitFor(jobId: string, timeoutMs?: number): Promise<unknown>;
  /** enqueue then waitFor. */
  run(name: JobName, data: Record<string, unknown>, jobId: string, timeoutMs?: number): Promise<unknown>;
  /**
   * Stops a job: a waiting or delayed one never runs, a running one has its signal aborted. The job then
   * fails as CANCELLED without a retry. False when the job is unknown or already finished.
   */
  cancel(jobId: string): Promise<boolean>;
  /** Jobs waiting, delayed or running, oldest first. */
  pending(): Promise<JobStatus[]>;
  /** Every event of every job of this queue, from whichever process ran it. */
  subscribe(listener: (event: JobEvent) => void): () => void;
  /**
   * Called once per job that ends (completed, or failed for good), in the process that ended it: the one
   * whose worker ran its last attempt, or whose cancel stopped it before it ran. Webhooks are sent from here,
   * so several processes sharing a queue send each one once.
   */
  onSettled(listener: (status: JobStatus) => void): () => void;
  close(): Promise<void>;
}

/** Job ids become Redis keys: letters, digits, '-' and '_' only (BullMQ forbids ':' in custom ids). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;

export function backoffDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * Failures that trying again cannot mend: the provider's policy refusal, a wrong setting or input, a spent
 * budget, or a stop the user asked for. The queue fails the job at once; retry loops above it stop too.
 */
export const FINAL_CODES: ReadonlySet<CutroomErrorCode> = new Set<CutroomErrorCode>([
  "CONTENT_POLICY",
  "CONFIG",
  "INVALID_INPUT",
  "INVALID_ID",
  "BUDGET_EXCEEDED",
  "CANCELLED",
]);

export function isFinalFailure(error: unknown): boolean {
  return error instanceof CutroomError && FINAL_CODES.has(error.code);
}

/** What a waiter of a failed job gets: the last failure's own code and field, JOB_FAILED when it had none. */
export function jobError(
  jobId: string,
  status: Pick<JobStatus, "attemptsMade" | "error" | "errorCode" | "errorField">,
): CutroomError {
  return new CutroomError(
    status.errorCode ?? "JOB_FAILED",
    `job ${jobId} failed after ${status.attemptsMade} attempt(s): ${status.error ?? "unknown error"}`,
    status.errorField === null ? {} : { field: status.errorField },
  );
}

/** A failure as the queue records it: message, and code and field when it is one of ours. */
export function failureOf(error: unknown): { message: string; code: CutroomErrorCode | null; field: string | null } {
  if (error instanceof CutroomError) return { message: error.message, code: error.code, field: error.field };
  return { message: error instanceof Error ? error.message : String(error), code: null, field: null };
}

/** Job ids become Redis keys and file names: a malformed one is refused before it reaches either. */
export function assertJobId(jobId: string): void {
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new CutroomError(
      "INVALID_ID",
      `job id must be letters, digits, '-' or '_' (at most 200); got ${JSON.stringify(jobId)}`,
      {
        field: "jobId",
      },
    );
  }
}

/** Adds a step event to a job record, keeping the latest KEEP_EVENTS. */
export function recordEvent(status: Pick<JobStatus, "step" | "events">, event: ProgressEvent): void {
  status.step = event.step;
  status.events.push(event);
  if (status.events.length > KEEP_EVENTS) status.events.splice(0, status.events.length - KEEP_EVENTS);
}

/** The queue options that were given: an explicit undefined does not override a default. */
export function definedOnly(options: Partial<JobQueueOptions>): Partial<JobQueueOptions> {
  return Object.fromEntries(
    Object.entries({
      attempts: options.attempts,
      backoffMs: options.backoffMs,
      concurrency: options.concurrency,
    }).filter(([, value]) => value !== undefined),
  );
}

/** How a cancelled job fails: never retried (CANCELLED is final). */
export function cancelledError(jobId: string): CutroomError {
  return new CutroomError("CANCELLED", `job ${jobId} was cancelled`);
}
