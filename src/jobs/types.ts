/**
 * The JobQueue port: long work (generation, assembly, verification) as named jobs with retries,
 * exponential backoff, bounded concurrency, progress 0..1, queryable status and completion/failure events.
 * Both adapters (in-process, BullMQ on Redis) keep the same semantics:
 * - a job id names one piece of work: enqueueing an id already queued, running or completed adds nothing,
 *   and enqueueing an id whose job failed runs it again;
 * - a failed attempt is retried after backoffMs * 2^(attempt - 1) until `attempts` attempts have failed;
 * - each job has a journal that survives its retries (on Redis, also a crash of the worker), so a retried
 *   attempt can find and clean up what an interrupted one left behind.
 */
export type JobName = "generate" | "assemble" | "verify";
export const JOB_NAMES: readonly JobName[] = ["generate", "assemble", "verify"];

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
}

export type JobEvent =
  | { type: "progress"; jobId: string; progress: number }
  | { type: "completed"; jobId: string; result: unknown }
  | { type: "failed"; jobId: string; error: string; attemptsMade: number; final: boolean };

export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  progress(fraction: number): Promise<void>;
  journal: { entries(): Promise<string[]>; append(entry: string): Promise<void> };
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
  /** Resolves with the job's result, or rejects with a JOB_FAILED error once its last attempt failed. */
  waitFor(jobId: string, timeoutMs?: number): Promise<unknown>;
  /** enqueue then waitFor. */
  run(name: JobName, data: Record<string, unknown>, jobId: string, timeoutMs?: number): Promise<unknown>;
  subscribe(listener: (event: JobEvent) => void): () => void;
  close(): Promise<void>;
}

/** Job ids become Redis keys: letters, digits, '-' and '_' only (BullMQ forbids ':' in custom ids). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;

export function backoffDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}
