/**
 * The embedded JobQueue: jobs run inside this process with the same semantics as the BullMQ adapter
 * (ids deduplicate, retries with exponential backoff, bounded concurrency, events). Nothing survives the
 * process, which is what a single CLI run needs, unless a records file is given: then every job is saved
 * there and found again after a restart (finished ones keep their result, waiting ones run, and one that was
 * running when the process stopped fails as INTERRUPTED instead of running, and paying, twice).
 */
import { EventEmitter } from "node:events";
import { CutroomError } from "../errors.js";
import type { Logger } from "../logging.js";
import { meteredHandler, watchQueue, type QueueCounts } from "../metrics.js";
import { readJobRecords, writeJobRecords } from "./records-file.js";
import {
  DEFAULT_JOB_OPTIONS,
  assertJobId,
  backoffDelay,
  cancelledError,
  definedOnly,
  failureOf,
  isFinalFailure,
  jobError,
  recordEvent,
  type JobEvent,
  type JobHandler,
  type JobName,
  type JobQueue,
  type JobQueueOptions,
  type JobStatus,
} from "./types.js";

export interface InProcessOptions extends Partial<JobQueueOptions> {
  /** Where jobs are saved across restarts; null or absent: memory only. */
  recordsFile?: string | null;
  /** Where a records file that cannot be read or written is reported. */
  log?: Pick<Logger, "warn">;
  /** The queue's name in metrics (`cutroom_jobs{queue=...}`); unwatched when absent. */
  metricsName?: string;
}

interface Entry {
  status: JobStatus;
  journal: string[];
  timer: NodeJS.Timeout | null;
  /** The running attempt's controller; cancel() aborts it. */
  controller: AbortController | null;
  cancelled: boolean;
}

const KEEP_SETTLED = 1_000;
/** How long closing waits for stopped work to clean up (cancel its provider request, remove partial files). */
const CLOSE_GRACE_MS = 10_000;

export class InProcessJobQueue implements JobQueue {
  readonly name = "in-process";
  private readonly handlers = new Map<JobName, JobHandler>();
  private readonly jobs = new Map<string, Entry>();
  private readonly ready: string[] = [];
  private readonly emitter = new EventEmitter();
  private readonly options: JobQueueOptions;
  private running = 0;
  private readonly attempts = new Set<Promise<void>>();
  private closed = false;
  private readonly recordsFile: string | null;
  private readonly log: Pick<Logger, "warn">;
  private readonly unwatch: () => void;

  constructor(options: InProcessOptions = {}) {
    const { recordsFile, log, metricsName, ...queueOptions } = options;
    this.options = { ...DEFAULT_JOB_OPTIONS, ...definedOnly(queueOptions) };
    this.recordsFile = recordsFile ?? null;
    this.log = log ?? { warn: () => undefined };
    // Every waiter of a job listens; many at once is normal, not a leak.
    this.emitter.setMaxListeners(0);
    this.restore();
    this.unwatch = metricsName === undefined ? () => undefined : watchQueue(metricsName, async () => this.counts());
  }

  register(name: JobName, handler: JobHandler): void {
    this.handlers.set(name, meteredHandler(name, handler));
    // Jobs restored from the records file wait for their handler.
    this.pump();
  }

  async enqueue(name: JobName, data: Record<string, unknown>, jobId: string): Promise<JobStatus> {
    assertJobId(jobId);
    if (this.closed) throw new CutroomError("STORAGE", "the job queue is closed");
    if (!this.handlers.has(name))
      throw new CutroomError("CONFIG", `no handler registered for ${name} jobs`, { field: "name" });
    const existing = this.jobs.get(jobId);
    if (existing !== undefined && existing.status.state !== "failed") return copyOf(existing.status);
    const entry: Entry = existing ?? {
      status: {
        id: jobId,
        name,
        state: "waiting",
        progress: 0,
        attemptsMade: 0,
        attempts: this.options.attempts,
        result: null,
        error: null,
        errorCode: null,
        errorField: null,
        data: structuredClone(data),
        step: null,
        events: [],
        createdAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
      },
      journal: [],
      timer: null,
      controller: null,
      cancelled: false,
    };
    // A failed job enqueued again starts a fresh round of attempts, keeping its journal.
    Object.assign(entry.status, {
      state: "waiting",
      attemptsMade: 0,
      error: null,
      errorCode: null,
      errorField: null,
      progress: 0,
      finishedAt: null,
    });
    entry.cancelled = false;
    this.jobs.set(jobId, entry);
    this.ready.push(jobId);
    this.forgetOld();
    this.persist();
    this.pump();
    return copyOf(entry.status);
  }

  async status(jobId: string): Promise<JobStatus | null> {
    const entry = this.jobs.get(jobId);
    return entry === undefined ? null : copyOf(entry.status);
  }

  async pending(): Promise<JobStatus[]> {
    return [...this.jobs.values()]
      .filter((entry) => entry.status.state !== "completed" && entry.status.state !== "failed")
      .map((entry) => copyOf(entry.status));
  }

  waitFor(jobId: string, timeoutMs = 30 * 60_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const settle = (): boolean => {
        const entry = this.jobs.get(jobId);
        if (entry === undefined) {
          reject(new CutroomError("NOT_FOUND", `job ${jobId} does not exist`, { field: "jobId" }));
          return true;
        }
        if (entry.status.state === "completed") {
          resolve(entry.status.result);
          return true;
        }
        if (entry.status.state === "failed") {
          reject(jobError(jobId, entry.status));
          return true;
        }
        return false;
      };
      if (settle()) return;
      const listener = (event: JobEvent): void => {
        if (event.jobId !== jobId || (event.type !== "completed" && !(event.type === "failed" && event.final))) return;
        this.emitter.off("event", listener);
        if (timer !== null) clearTimeout(timer);
        settle();
      };
      this.emitter.on("event", listener);
      timer = setTimeout(() => {
        this.emitter.off("event", listener);
        reject(new CutroomError("JOB_FAILED", `job ${jobId} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
    });
  }

  async run(name: JobName, data: Record<string, unknown>, jobId: string, timeoutMs?: number): Promise<unknown> {
    await this.enqueue(name, data, jobId);
    return this.waitFor(jobId, timeoutMs);
  }

  async cancel(jobId: string): Promise<boolean> {
    const entry = this.jobs.get(jobId);
    if (entry === undefined || entry.status.state === "completed" || entry.status.state === "failed") return false;
    entry.cancelled = true;
    if (entry.status.state === "active") {
      // The attempt ends when its work notices the signal; attempt() then records it as cancelled.
      entry.controller?.abort(cancelledError(jobId));
      return true;
    }
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
    this.fail(entry, cancelledError(jobId), true);
    return true;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }

  onSettled(listener: (status: JobStatus) => void): () => void {
    this.emitter.on("settled", listener);
    return () => this.emitter.off("settled", listener);
  }

  /**
   * Nothing here outlives the process, so work still running is stopped through its signal (a provider
   * request is cancelled rather than left billing) and given a moment to clean up before the process goes.
   */
  /** Job counts by state (what `cutroom_jobs` reports). */
  counts(): QueueCounts {
    const counts: QueueCounts = {};
    for (const { status } of this.jobs.values()) counts[status.state] = (counts[status.state] ?? 0) + 1;
    return counts;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unwatch();
    for (const entry of this.jobs.values()) {
      if (entry.timer !== null) clearTimeout(entry.timer);
      if (entry.controller !== null) {
        entry.cancelled = true;
        entry.controller.abort(new CutroomError("CANCELLED", `job ${entry.status.id} stopped: its queue closed`));
      }
    }
    let grace: NodeJS.Timeout | null = null;
    const waited = new Promise<void>((resolve) => (grace = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([Promise.allSettled(this.attempts), waited]);
    if (grace !== null) clearTimeout(grace);
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.concurrency) {
      // The oldest job that can run: a restored job whose handler is not registered yet stays in line.
      const index = this.ready.findIndex((jobId) => {
        const entry = this.jobs.get(jobId);
        return entry === undefined || entry.status.state !== "waiting" || this.handlers.has(entry.status.name);
      });
      if (index < 0) return;
      const [jobId] = this.ready.splice(index, 1);
      const entry = this.jobs.get(jobId!);
      if (entry === undefined || entry.status.state !== "waiting") continue;
      this.running += 1;
      const attempt: Promise<void> = this.attempt(entry).finally(() => {
        this.running -= 1;
        this.attempts.delete(attempt);
        this.pump();
      });
      this.attempts.add(attempt);
    }
  }

  private async attempt(entry: Entry): Promise<void> {
    const { status } = entry;
    const handler = this.handlers.get(status.name)!;
    status.state = "active";
    status.startedAt = new Date().toISOString();
    const controller = new AbortController();
    entry.controller = controller;
    this.persist();
    this.emit({ type: "active", jobId: status.id });
    try {
      const result = await handler(structuredClone(status.data), {
        jobId: status.id,
        attempt: status.attemptsMade + 1,
        progress: async (fraction, event) => {
          status.progress = Math.max(0, Math.min(1, fraction));
          if (event !== undefined) recordEvent(status, event);
          this.emit({ type: "progress", jobId: status.id, progress: status.progress, event: event ?? null });
        },
        journal: {
          entries: async () => [...entry.journal],
          append: async (line) => void entry.journal.push(line),
        },
        signal: controller.signal,
      });
      Object.assign(status, {
        state: "completed",
        progress: 1,
        result: result ?? null,
        error: null,
        errorCode: null,
        errorField: null,
        finishedAt: new Date().toISOString(),
      });
      this.emit({ type: "completed", jobId: status.id, result: status.result });
      this.settled(entry);
    } catch (error) {
      // Whatever the work threw once it was cancelled (an abort, ffmpeg killed), the job was cancelled.
      const failure = entry.cancelled ? cancelledError(status.id) : error;
      const final = isFinalFailure(failure) || status.attemptsMade + 1 >= status.attempts || this.closed;
      this.fail(entry, failure, final);
    } finally {
      entry.controller = null;
    }
  }

  /** Records a failed attempt; a final one fails the job, otherwise it runs again after its backoff. */
  private fail(entry: Entry, error: unknown, final: boolean): void {
    const { status } = entry;
    const failure = failureOf(error);
    status.attemptsMade += 1;
    Object.assign(status, { error: failure.message, errorCode: failure.code, errorField: failure.field });
    status.state = final ? "failed" : "delayed";
    if (final) status.finishedAt = new Date().toISOString();
    this.emit({
      type: "failed",
      jobId: status.id,
      error: failure.message,
      code: failure.code,
      attemptsMade: status.attemptsMade,
      final,
    });
    if (final) return this.settled(entry);
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        status.state = "waiting";
        this.ready.push(status.id);
        this.pump();
      },
      backoffDelay(this.options.backoffMs, status.attemptsMade),
    );
  }

  private emit(event: JobEvent): void {
    this.emitter.emit("event", event);
  }

  private settled(entry: Entry): void {
    this.persist();
    this.emitter.emit("settled", copyOf(entry.status));
  }

  /** Jobs saved before a restart: see the file's header for what becomes of each. */
  private restore(): void {
    if (this.recordsFile === null) return;
    for (const saved of readJobRecords(this.recordsFile, this.log)) {
      const status = saved.status;
      if (status.state === "active") {
        Object.assign(status, {
          state: "failed",
          error: "the process stopped while this job ran; submit it again",
          errorCode: "INTERRUPTED",
          errorField: null,
          finishedAt: new Date().toISOString(),
        });
      } else if (status.state === "delayed") status.state = "waiting";
      this.jobs.set(status.id, { status, journal: saved.journal, timer: null, controller: null, cancelled: false });
      if (status.state === "waiting") this.ready.push(status.id);
    }
    this.persist();
  }

  private persist(): void {
    if (this.recordsFile === null) return;
    writeJobRecords(
      this.recordsFile,
      [...this.jobs.values()].map((entry) => ({ status: entry.status, journal: entry.journal })),
      this.log,
    );
  }

  /** Settled jobs are kept for status queries, up to a bound, oldest forgotten first. */
  private forgetOld(): void {
    if (this.jobs.size <= KEEP_SETTLED) return;
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size <= KEEP_SETTLED) break;
      if (entry.status.state === "completed" || entry.status.state === "failed") this.jobs.delete(id);
    }
  }
}

/** A status a caller may keep: its events are its own. */
function copyOf(status: JobStatus): JobStatus {
  return { ...status, events: [...status.events] };
}
