/**
 * The JobQueue on BullMQ and Redis. Jobs outlive the process that added them: a worker that dies mid-job
 * loses its lock, the job is found stalled and run again by any worker of the queue, and its journal
 * (BullMQ's job log) tells the new attempt what the old one had started. A failure's code travels in
 * BullMQ's failedReason as JSON; a cancel is a mark in Redis (for jobs not yet running) and a message on a
 * channel every worker of the queue listens to (for the one running it). A job's progress steps travel in
 * BullMQ's progress field, with its latest events, so every process sees them.
 */
import { Queue, QueueEvents, UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { CutroomError } from "../errors.js";
import { meteredHandler, watchQueue, type QueueCounts } from "../metrics.js";
import { decodeFailure, decodeProgress, encodeFailure, parseReturn, type StoredProgress } from "./bullmq-wire.js";
import {
  DEFAULT_JOB_OPTIONS,
  JOB_NAMES,
  assertJobId,
  cancelledError,
  definedOnly,
  recordEvent,
  isFinalFailure,
  jobError,
  type JobEvent,
  type JobHandler,
  type JobName,
  type JobQueue,
  type JobQueueOptions,
  type JobState,
  type JobStatus,
} from "./types.js";

export interface BullMqOptions extends Partial<JobQueueOptions> {
  url: string;
  /** Queue name; one per project or test keeps their jobs apart. */
  queueName?: string;
  /** How long a worker's lock on a job lasts without renewal; a dead worker's job is retried after it. */
  lockDurationMs?: number;
  /**
   * Whether a job whose worker died runs again on another (default true). False for work that must never
   * be paid twice: the job then fails once it is found stalled.
   */
  rerunStalled?: boolean;
  /** Recorded on each job this process runs (BullMQ's processedBy), so an operator can tell who ran it. */
  workerName?: string;
}

/** How `stop` ended: every running job finished, or these were handed back to the queue at the deadline. */
export interface StopOutcome {
  handedBack: string[];
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(an unparsable REDIS_URL)";
  }
}

/** Start-up check: one PING with a short timeout and no reconnection, so a wrong address fails at once. */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new CutroomError(
      "ADAPTER_UNAVAILABLE",
      `Redis at ${redactRedisUrl(url)} is unreachable (${error instanceof Error ? error.message : String(error)}): start it (scripts/services/up) or unset REDIS_URL to run jobs in-process`,
      { field: "REDIS_URL", cause: error },
    );
  } finally {
    probe.disconnect();
  }
}

const STATES: Record<string, JobState> = {
  waiting: "waiting",
  prioritized: "waiting",
  "waiting-children": "waiting",
  delayed: "delayed",
  active: "active",
  completed: "completed",
  failed: "failed",
};

export class BullMqJobQueue implements JobQueue {
  readonly name = "bullmq";
  private readonly handlers = new Map<JobName, JobHandler>();
  private readonly connections: Redis[] = [];
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private worker: Worker | null = null;
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private readonly settledListeners = new Set<(status: JobStatus) => void>();
  private readonly options: JobQueueOptions;
  /** Receives cancels published by any process using this queue (a subscribed connection runs no commands). */
  private readonly cancels: Redis;
  private readonly commands: Redis;
  /** The running jobs' own abort controllers, so a stop can hand them back. */
  private readonly running = new Map<string, AbortController>();
  private handingBack = false;
  private closing: Promise<void> | null = null;
  private readonly unwatch: () => void;

  private constructor(private readonly settings: BullMqOptions) {
    this.options = { ...DEFAULT_JOB_OPTIONS, ...definedOnly(settings) };
    const queueName = settings.queueName ?? "cutroom";
    this.queue = new Queue(queueName, {
      connection: this.connection(),
      defaultJobOptions: {
        attempts: this.options.attempts,
        backoff: { type: "exponential", delay: this.options.backoffMs },
        // Finished jobs stay queryable for a week (bounded), then Redis forgets them.
        removeOnComplete: { age: 7 * 24 * 3600, count: 5_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
      },
    });
    this.events = new QueueEvents(queueName, { connection: this.connection() });
    this.events.on("active", ({ jobId }) => this.emit({ type: "active", jobId }));
    this.events.on("progress", ({ jobId, data }) => {
      const progress = decodeProgress(data);
      this.emit({ type: "progress", jobId, progress: progress.fraction, event: progress.event });
    });
    this.events.on("completed", ({ jobId, returnvalue }) =>
      this.emit({ type: "completed", jobId, result: parseReturn(returnvalue) }),
    );
    this.events.on("failed", ({ jobId, failedReason }) => {
      void this.queue.getJob(jobId).then(async (job) => {
        const failure = decodeFailure(failedReason);
        this.emit({
          type: "failed",
          jobId,
          error: failure.message,
          code: failure.code,
          attemptsMade: job?.attemptsMade ?? 0,
          // An unrecoverable failure ends the job before its attempts run out: the state says which.
          final: job === undefined || (await job.getState()) === "failed",
        });
      });
    });
    this.commands = this.connection();
    this.cancels = this.connection();
    this.cancels.on("message", (channel, jobId) => {
      if (channel === this.cancelChannel()) this.worker?.cancelJob(jobId, "cancelled");
    });
    this.unwatch = watchQueue(queueName, () => this.counts());
  }

  static async open(settings: BullMqOptions): Promise<BullMqJobQueue> {
    await checkRedis(settings.url);
    const queue = new BullMqJobQueue(settings);
    await Promise.all([
      queue.queue.waitUntilReady(),
      queue.events.waitUntilReady(),
      queue.cancels.subscribe(queue.cancelChannel()),
    ]);
    return queue;
  }

  register(name: JobName, handler: JobHandler): void {
    if (!JOB_NAMES.includes(name)) throw new CutroomError("CONFIG", `unknown job name ${name}`, { field: "name" });
    this.handlers.set(name, meteredHandler(name, handler));
    // Three parameters: BullMQ hands a processor that takes a signal one it aborts on cancelJob.
    this.worker ??= new Worker(
      this.queue.name,
      (job: Job, token?: string, signal?: AbortSignal) => this.process(job, token, signal),
      {
        connection: this.connection(),
        ...(this.settings.workerName === undefined ? {} : { name: this.settings.workerName }),
        concurrency: this.options.concurrency,
        lockDuration: this.settings.lockDurationMs ?? 30_000,
        stalledInterval: Math.max(500, Math.floor((this.settings.lockDurationMs ?? 30_000) / 2)),
        // A job whose worker died once is retried; twice is taken as a job that kills its worker.
        maxStalledCount: this.settings.rerunStalled === false ? 0 : 2,
      },
    );
    this.worker.on("error", () => undefined);
    // This process ran the job's last attempt (or found it cancelled): its settle listeners hear of it.
    this.worker.on("completed", (job) => void this.settled(job.id!, false));
    this.worker.on("failed", (job) => void (job?.id === undefined ? undefined : this.settled(job.id, true)));
  }

  async enqueue(name: JobName, data: Record<string, unknown>, jobId: string): Promise<JobStatus> {
    assertJobId(jobId);
    const existing = await this.queue.getJob(jobId);
    if (existing !== undefined && (await existing.getState()) === "failed") {
      // A failed job enqueued again starts a fresh round of attempts, keeping its journal.
      await this.commands.del(this.cancelKey(jobId));
      await existing.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else if (existing === undefined) {
      await this.commands.del(this.cancelKey(jobId));
      await this.queue.add(name, data, { jobId });
    }
    return (await this.status(jobId))!;
  }

  async status(jobId: string): Promise<JobStatus | null> {
    const job = await this.queue.getJob(jobId);
    if (job === undefined) return null;
    const state = STATES[await job.getState()] ?? "waiting";
    const failure = job.failedReason ? decodeFailure(job.failedReason) : null;
    const progress = decodeProgress(job.progress);
    const finished = state === "completed" || state === "failed";
    return {
      id: jobId,
      name: job.name as JobName,
      state,
      progress: state === "completed" ? 1 : progress.fraction,
      // BullMQ counts the successful attempt too; the port counts failed ones.
      attemptsMade: state === "completed" ? Math.max(0, job.attemptsMade - 1) : job.attemptsMade,
      attempts: job.opts.attempts ?? this.options.attempts,
      result: state === "completed" ? (job.returnvalue ?? null) : null,
      error: failure?.message ?? null,
      errorCode: failure?.code ?? null,
      errorField: failure?.field ?? null,
      data: (job.data ?? {}) as Record<string, unknown>,
      step: progress.step,
      events: progress.events,
      createdAt: new Date(job.timestamp).toISOString(),
      startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
      finishedAt: finished && job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  async pending(): Promise<JobStatus[]> {
    const jobs = await this.queue.getJobs(["active", "waiting", "prioritized", "waiting-children", "delayed"]);
    const statuses = await Promise.all(
      jobs.sort((first, second) => first.timestamp - second.timestamp).map((job) => this.status(job.id!)),
    );
    return statuses.filter((status): status is JobStatus => status !== null && status.state !== "completed");
  }

  async waitFor(jobId: string, timeoutMs = 30 * 60_000): Promise<unknown> {
    const job = await this.queue.getJob(jobId);
    if (job === undefined) throw new CutroomError("NOT_FOUND", `job ${jobId} does not exist`, { field: "jobId" });
    try {
      return parseReturn(await job.waitUntilFinished(this.events, timeoutMs));
    } catch (error) {
      const status = await this.status(jobId);
      if (status?.state === "failed") throw jobError(jobId, status);
      throw new CutroomError("JOB_FAILED", `job ${jobId}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  async run(name: JobName, data: Record<string, unknown>, jobId: string, timeoutMs?: number): Promise<unknown> {
    await this.enqueue(name, data, jobId);
    return this.waitFor(jobId, timeoutMs);
  }

  async cancel(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (job === undefined) return false;
    const state = await job.getState();
    if (state === "completed" || state === "failed") return false;
    const client = this.commands;
    // The mark stops an attempt that has not started; the message stops the one running, wherever it runs.
    await client.set(this.cancelKey(jobId), "1", "EX", CANCEL_MARK_SECONDS);
    await client.publish(this.cancelChannel(), jobId);
    // A job waiting out its backoff would only notice the mark once its delay ends.
    if (state === "delayed") await job.promote().catch(() => undefined);
    return true;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onSettled(listener: (status: JobStatus) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /** Job counts by state, from Redis (what `cutroom_jobs` reports). */
  async counts(): Promise<QueueCounts> {
    const found = await this.queue.getJobCounts(
      "waiting",
      "prioritized",
      "waiting-children",
      "delayed",
      "active",
      "completed",
      "failed",
    );
    return {
      waiting: (found.waiting ?? 0) + (found.prioritized ?? 0) + (found["waiting-children"] ?? 0),
      delayed: found.delayed ?? 0,
      active: found.active ?? 0,
      completed: found.completed ?? 0,
      failed: found.failed ?? 0,
    };
  }

  /**
   * A graceful stop: takes no new jobs, lets the running ones finish for up to `graceMs`, then hands back
   * the ones still running (their work is aborted and each returns to the waiting list without using up an
   * attempt, for another worker to take), and closes. The queue is closed afterwards either way.
   */
  async stop(graceMs: number): Promise<StopOutcome> {
    const handedBack: string[] = [];
    if (this.worker !== null) {
      const closing = this.worker.close();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"deadline">((resolve) => {
        timer = setTimeout(() => resolve("deadline"), graceMs);
      });
      const ended = await Promise.race([closing.then(() => "closed" as const), deadline]);
      clearTimeout(timer);
      if (ended === "deadline") {
        this.handingBack = true;
        for (const [jobId, controller] of this.running) {
          handedBack.push(jobId);
          controller.abort(new CutroomError("INTERRUPTED", `job ${jobId} was handed back by a stopping worker`));
        }
        // Work that ignores its signal is not waited for forever: its lock lapses and another worker reruns it.
        const forced = new Promise<void>((resolve) => {
          timer = setTimeout(() => void this.worker!.close(true).then(resolve, resolve), HAND_BACK_MS);
        });
        await Promise.race([closing, forced]);
        clearTimeout(timer);
      }
    }
    await this.close();
    return { handedBack };
  }

  /** Closes once; a second call (after stop, say) waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.closeConnections();
    return this.closing;
  }

  private async closeConnections(): Promise<void> {
    this.unwatch();
    await this.worker?.close();
    await this.cancels.quit().catch(() => undefined);
    await this.events.close();
    await this.queue.close();
    for (const connection of this.connections) connection.disconnect();
  }

  private async process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (handler === undefined) throw new Error(`no handler registered for ${job.name} jobs in this worker`);
    const cancelled = async () => (await this.commands.exists(this.cancelKey(job.id!))) === 1;
    if (await cancelled()) throw new UnrecoverableError(encodeFailure(cancelledError(job.id!)));
    const controller = new AbortController();
    this.running.set(job.id!, controller);
    const onAbort = () => controller.abort(cancelledError(job.id!));
    signal?.addEventListener("abort", onAbort, { once: true });
    // A job with step events stores them with its fraction; one without stores the bare number, as before.
    const steps = decodeProgress(job.progress);
    try {
      return await handler(job.data as Record<string, unknown>, {
        jobId: job.id!,
        attempt: job.attemptsMade + 1,
        progress: async (fraction, event) => {
          const bounded = Math.max(0, Math.min(1, fraction));
          if (event !== undefined) recordEvent(steps, event);
          const stored: number | StoredProgress =
            steps.events.length === 0
              ? bounded
              : { fraction: bounded, step: steps.step, events: steps.events, event: event ?? null };
          await job.updateProgress(stored);
        },
        journal: {
          entries: async () => (await this.queue.getJobLogs(job.id!, 0, -1, true)).logs,
          append: async (line) => void (await job.log(line)),
        },
        signal: controller.signal,
      });
    } catch (error) {
      if (this.handingBack && controller.signal.aborted && !(await cancelled())) {
        // Back to the waiting list, lock released, attempt not counted: another worker takes it from its journal.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      // Whatever the work threw once it was cancelled (an abort, ffmpeg killed), the job was cancelled.
      const failure = controller.signal.aborted || (await cancelled()) ? cancelledError(job.id!) : error;
      if (isFinalFailure(failure)) throw new UnrecoverableError(encodeFailure(failure));
      throw new Error(encodeFailure(failure));
    } finally {
      this.running.delete(job.id!);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private cancelChannel(): string {
    return `${this.queue.qualifiedName}:cutroom-cancel`;
  }

  private cancelKey(jobId: string): string {
    return `${this.queue.qualifiedName}:cutroom-cancelled:${jobId}`;
  }

  /** BullMQ needs connections that wait for Redis rather than fail a command while reconnecting. */
  private connection(): Redis {
    const connection = new Redis(this.settings.url, { maxRetriesPerRequest: null });
    connection.on("error", () => undefined);
    this.connections.push(connection);
    return connection;
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** A failed attempt settles the job only when it was the last (its state is then failed, not delayed). */
  private async settled(jobId: string, failed: boolean): Promise<void> {
    if (this.settledListeners.size === 0) return;
    const status = await this.status(jobId).catch(() => null);
    if (status === null || status.state !== (failed ? "failed" : "completed")) return;
    for (const listener of this.settledListeners) listener(status);
  }
}

/** How long handed-back work may take to notice its abort before the worker closes without it. */
const HAND_BACK_MS = 10_000;

/** How long a cancel mark waits for its job to be picked up. */
const CANCEL_MARK_SECONDS = 7 * 24 * 3600;
