/**
 * Long video work behind the HTTP API: submitted, queued, run one at a time (rendering saturates the
 * machine), observed through progress events. Handlers are named by kind and receive plain JSON
 * payloads, so a queue on Redis can take this port's place without changing the routes.
 */
import { EventEmitter } from "node:events";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { CutroomError, isCutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { ProgressBus, type ProgressEvent } from "../jobs/progress.js";
import type { Logger } from "../logging.js";

export type JobKind = "generate" | "assemble";
export type JobStatus = "queued" | "running" | "completed" | "failed";

export interface JobView {
  jobId: string;
  projectId: string;
  type: JobKind;
  status: JobStatus;
  /** 0..1 over the whole job. */
  progress: number;
  step: string | null;
  estimatedTime: number;
  estimatedTimeRemaining: number | null;
  result: unknown;
  error: { code: string; message: string } | null;
  webhookUrl: string | null;
  events: ProgressEvent[];
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export type JobEvent = { type: "progress"; progress: number; event: ProgressEvent } | { type: "status"; job: JobView };

export interface JobHandler {
  /** Seconds the work should take on this machine before any calibration. */
  estimateSeconds(payload: Record<string, unknown>): number;
  run(
    payload: Record<string, unknown>,
    context: { projectId: string; progress: ProgressBus; signal: AbortSignal },
  ): Promise<unknown>;
}

export interface JobQueuePort {
  submit(input: {
    kind: JobKind;
    projectId: string;
    payload: Record<string, unknown>;
    webhookUrl: string | null;
  }): JobView;
  get(jobId: string): JobView | null;
  /**
   * Stops a job: a queued one never runs, a running one has its signal aborted (its renders and provider
   * requests are cancelled). It then fails with code CANCELLED. Null when there is no such job; a finished
   * job is returned unchanged.
   */
  cancel(jobId: string): JobView | null;
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void;
  onSettled(listener: (job: JobView) => void): void;
  close(): Promise<void>;
}

/** Pipeline steps in order: a job's overall progress is how far along this list its latest step is. */
const STEP_ORDER = ["route", "assess", "generate", "assemble", "audio", "verify", "grade", "record", "report"];
const KEEP_EVENTS = 200;
const KEEP_JOBS = 500;

interface Entry {
  view: JobView;
  payload: Record<string, unknown>;
  estimateSeconds: number;
  startedMs: number | null;
  /** Aborted by cancel(); the running handler passes its signal on. */
  controller: AbortController;
}

export class InProcessJobQueue implements JobQueuePort {
  private readonly jobs = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private readonly emitter = new EventEmitter();
  private readonly calibration = new Map<JobKind, number>();
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly log: Logger,
    /** Where job records are kept across restarts (null: memory only). */
    private readonly journalFile: string | null = null,
  ) {
    // SSE clients each subscribe; many watchers of one job are normal, not a leak.
    this.emitter.setMaxListeners(0);
    this.restore();
  }

  /**
   * Jobs from before a restart: finished ones keep their result; queued ones run now (nothing was spent
   * on them); a job that was running when the server stopped is failed, not run again, so its
   * generation is never paid twice.
   */
  private restore(): void {
    if (this.journalFile === null || !existsSync(this.journalFile)) return;
    let saved: Array<{ view: JobView; payload: Record<string, unknown>; estimateSeconds: number }>;
    try {
      saved = JSON.parse(readFileSync(this.journalFile, "utf8")) as typeof saved;
    } catch (error) {
      this.log.warn(
        `job records in ${this.journalFile} are unreadable (${error instanceof Error ? error.message : String(error)}); starting without them`,
      );
      return;
    }
    for (const item of saved) {
      const entry: Entry = {
        view: item.view,
        payload: item.payload,
        estimateSeconds: item.estimateSeconds,
        startedMs: null,
        controller: new AbortController(),
      };
      if (entry.view.status === "running") {
        entry.view.status = "failed";
        entry.view.error = { code: "INTERRUPTED", message: "the server stopped while this job ran; submit it again" };
        entry.view.completedAt = new Date().toISOString();
      }
      this.jobs.set(entry.view.jobId, entry);
      if (entry.view.status === "queued") this.waiting.push(entry);
    }
    this.persist();
    this.pump();
  }

  /** Writes every job record (recent events only) to a temporary file, then renames it into place. */
  private persist(): void {
    if (this.journalFile === null) return;
    const records = [...this.jobs.values()].map((entry) => ({
      view: { ...entry.view, events: entry.view.events.slice(-20) },
      payload: entry.payload,
      estimateSeconds: entry.estimateSeconds,
    }));
    const temporary = `${this.journalFile}.tmp-${process.pid}`;
    try {
      writeFileSync(temporary, JSON.stringify(records));
      renameSync(temporary, this.journalFile);
    } catch (error) {
      this.log.warn(`could not save job records: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  submit(input: { kind: JobKind; projectId: string; payload: Record<string, unknown>; webhookUrl: string | null }) {
    const handler = this.handlers[input.kind];
    const estimateSeconds = handler.estimateSeconds(input.payload) * (this.calibration.get(input.kind) ?? 1);
    const ahead = [...this.waiting, ...[...this.jobs.values()].filter((entry) => entry.view.status === "running")];
    const wait = ahead.reduce((total, entry) => total + entry.estimateSeconds, 0);
    const entry: Entry = {
      payload: input.payload,
      estimateSeconds,
      startedMs: null,
      controller: new AbortController(),
      view: {
        jobId: newId("job"),
        projectId: input.projectId,
        type: input.kind,
        status: "queued",
        progress: 0,
        step: null,
        estimatedTime: Math.ceil(wait + estimateSeconds),
        estimatedTimeRemaining: Math.ceil(wait + estimateSeconds),
        result: null,
        error: null,
        webhookUrl: input.webhookUrl,
        events: [],
        createdAt: new Date().toISOString(),
        startedAt: null,
        completedAt: null,
      },
    };
    this.jobs.set(entry.view.jobId, entry);
    this.waiting.push(entry);
    this.forgetOldJobs();
    this.persist();
    this.pump();
    return this.copy(entry.view);
  }

  get(jobId: string): JobView | null {
    const entry = this.jobs.get(jobId);
    if (!entry) return null;
    if (entry.view.status === "running" && entry.startedMs !== null) {
      const elapsed = (Date.now() - entry.startedMs) / 1000;
      entry.view.estimatedTimeRemaining = Math.max(0, Math.ceil(entry.estimateSeconds - elapsed));
    }
    return this.copy(entry.view);
  }

  cancel(jobId: string): JobView | null {
    const entry = this.jobs.get(jobId);
    if (!entry) return null;
    if (entry.view.status === "queued") {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      entry.view.status = "failed";
      entry.view.error = { code: "CANCELLED", message: "the job was cancelled before it started" };
      entry.view.completedAt = new Date().toISOString();
      entry.view.estimatedTimeRemaining = 0;
      this.settle(entry);
    } else if (entry.view.status === "running") {
      // execute() records the failure once the work has stopped and cleaned up after itself.
      entry.controller.abort(new CutroomError("CANCELLED", "the job was cancelled"));
    }
    return this.copy(entry.view);
  }

  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    const channel = `job:${jobId}`;
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  onSettled(listener: (job: JobView) => void): void {
    this.emitter.on("settled", listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    // A job cut off by the stop is never run again (see restore), so its paid requests are cancelled now.
    for (const entry of this.jobs.values()) {
      if (entry.view.status === "running") {
        entry.controller.abort(new CutroomError("CANCELLED", "the server stopped while this job ran; submit it again"));
      }
    }
    await this.running;
  }

  private copy(view: JobView): JobView {
    return { ...view, events: [...view.events] };
  }

  private forgetOldJobs(): void {
    if (this.jobs.size <= KEEP_JOBS) return;
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size <= KEEP_JOBS) break;
      if (entry.view.status === "completed" || entry.view.status === "failed") this.jobs.delete(id);
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.running = this.execute(next).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private publish(entry: Entry, event: JobEvent): void {
    this.emitter.emit(`job:${entry.view.jobId}`, event);
  }

  private async execute(entry: Entry): Promise<void> {
    const view = entry.view;
    const progress = new ProgressBus();
    const unsubscribe = progress.subscribe((event) => {
      const index = STEP_ORDER.indexOf(event.step);
      if (index >= 0) {
        const overall = (index + (event.fraction ?? 0)) / STEP_ORDER.length;
        view.progress = Math.max(view.progress, Math.min(0.99, Number(overall.toFixed(3))));
      }
      view.step = event.step;
      view.events.push(event);
      if (view.events.length > KEEP_EVENTS) view.events.splice(0, view.events.length - KEEP_EVENTS);
      this.publish(entry, { type: "progress", progress: view.progress, event });
    });
    view.status = "running";
    view.startedAt = new Date().toISOString();
    entry.startedMs = Date.now();
    this.persist();
    this.publish(entry, { type: "status", job: this.copy(view) });
    try {
      view.result = await this.handlers[view.type].run(entry.payload, {
        projectId: view.projectId,
        progress,
        signal: entry.controller.signal,
      });
      view.status = "completed";
      view.progress = 1;
      const actual = (Date.now() - entry.startedMs) / 1000;
      const ratio = actual / Math.max(1, entry.estimateSeconds / (this.calibration.get(view.type) ?? 1));
      // A moving average keeps estimates honest on this machine without one slow run dominating.
      this.calibration.set(view.type, 0.7 * (this.calibration.get(view.type) ?? 1) + 0.3 * ratio);
    } catch (caught) {
      view.status = "failed";
      // Whatever a cancelled job's work threw on its way out, the job was cancelled.
      const error = entry.controller.signal.aborted ? (entry.controller.signal.reason as unknown) : caught;
      // Department errors carry a code and a message meant for users; anything else stays in the log.
      const known = isCutroomError(error);
      view.error = {
        code: known ? error.code : "INTERNAL",
        message: known ? error.message : "internal error; the server log has the details",
      };
      this.log.warn(
        `job ${view.jobId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    } finally {
      unsubscribe();
      view.completedAt = new Date().toISOString();
      view.estimatedTimeRemaining = 0;
    }
    this.settle(entry);
  }

  private settle(entry: Entry): void {
    const settled = this.copy(entry.view);
    this.persist();
    this.publish(entry, { type: "status", job: settled });
    this.emitter.emit("settled", settled);
  }
}
