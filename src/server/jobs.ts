/**
 * The HTTP API's jobs are records of the job port: POST /videos/generate enqueues a "generate-request" job
 * on the server's request queue, and GET /videos/jobs/:id shows that job's status as a JobView. Nothing is
 * stored here; this module names the request kinds, turns a job's status into the view clients know, and
 * estimates how long a request will take (calibrated on the runs this process saw finish).
 */
import { CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { ProgressBus, type ProgressEvent } from "../jobs/progress.js";
import type { JobContext, JobName, JobQueue, JobStatus } from "../jobs/types.js";

/** What a client asks for; each is one job kind on the port. */
export type RequestKind = "generate" | "assemble";

const JOB_NAME_OF: Record<RequestKind, JobName> = { generate: "generate-request", assemble: "assemble-request" };
const KIND_OF: Partial<Record<JobName, RequestKind>> = {
  "generate-request": "generate",
  "assemble-request": "assemble",
};

export function requestJobName(kind: RequestKind): JobName {
  return JOB_NAME_OF[kind];
}

/** A request job's data: whose it is, where its webhook goes, what was estimated, and the request itself. */
export interface RequestJobData {
  projectId: string;
  webhookUrl: string | null;
  /** Seconds the work itself should take; estimatedTime adds the work queued ahead of it. */
  estimateSeconds: number;
  estimatedTime: number;
  request: Record<string, unknown>;
}

/** A job as GET /videos/jobs/:id shows it. */
export interface JobView {
  jobId: string;
  projectId: string;
  type: RequestKind;
  status: "queued" | "running" | "completed" | "failed";
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

/** The request job's kind, or null for a job that is not an HTTP request (department work). */
export function requestKindOf(status: Pick<JobStatus, "name">): RequestKind | null {
  return KIND_OF[status.name] ?? null;
}

export function viewOf(status: JobStatus, now = Date.now()): JobView {
  const data = status.data as unknown as RequestJobData;
  const finished = status.state === "completed" || status.state === "failed";
  const running = status.state === "active";
  let remaining: number | null = data.estimatedTime;
  if (finished) remaining = 0;
  else if (running && status.startedAt !== null) {
    const elapsed = (now - Date.parse(status.startedAt)) / 1000;
    remaining = Math.max(0, Math.ceil(data.estimateSeconds - elapsed));
  }
  return {
    jobId: status.id,
    projectId: data.projectId,
    type: requestKindOf(status) ?? "generate",
    status: finished ? (status.state as "completed" | "failed") : running ? "running" : "queued",
    progress: status.state === "completed" ? 1 : status.progress,
    step: status.step,
    estimatedTime: data.estimatedTime,
    estimatedTimeRemaining: remaining,
    result: status.state === "completed" ? status.result : null,
    error: status.state === "failed" ? clientError(status) : null,
    webhookUrl: data.webhookUrl,
    events: status.events,
    createdAt: status.createdAt,
    startedAt: status.startedAt,
    completedAt: status.finishedAt,
  };
}

/** Department errors carry a code and a message meant for users; anything else stays in the server log. */
function clientError(status: JobStatus): { code: string; message: string } {
  if (status.errorCode === null) return { code: "INTERNAL", message: "internal error; the server log has the details" };
  return { code: status.errorCode, message: status.error ?? "" };
}

/** Estimates of a request's seconds on this machine, corrected by how long finished ones really took. */
export class RequestEstimates {
  private readonly calibration = new Map<RequestKind, number>();

  constructor(private readonly estimate: (kind: RequestKind, request: Record<string, unknown>) => number) {}

  seconds(kind: RequestKind, request: Record<string, unknown>): number {
    return this.estimate(kind, request) * (this.calibration.get(kind) ?? 1);
  }

  /** A completed job's real duration moves its kind's factor (a moving average: one slow run does not rule). */
  observe(status: JobStatus): void {
    const kind = requestKindOf(status);
    if (kind === null || status.state !== "completed" || status.startedAt === null || status.finishedAt === null)
      return;
    const data = status.data as unknown as RequestJobData;
    const factor = this.calibration.get(kind) ?? 1;
    const actual = (Date.parse(status.finishedAt) - Date.parse(status.startedAt)) / 1000;
    const ratio = actual / Math.max(1, data.estimateSeconds / factor);
    this.calibration.set(kind, 0.7 * factor + 0.3 * ratio);
  }
}

/** Enqueues a request; its estimated time counts the requests waiting or running ahead of it. */
export async function submitRequest(
  jobs: JobQueue,
  estimates: RequestEstimates,
  input: { kind: RequestKind; projectId: string; request: Record<string, unknown>; webhookUrl: string | null },
): Promise<JobView> {
  const estimateSeconds = estimates.seconds(input.kind, input.request);
  const ahead = (await jobs.pending()).filter((status) => requestKindOf(status) !== null);
  const wait = ahead.reduce(
    (total, status) => total + ((status.data as unknown as RequestJobData).estimateSeconds ?? 0),
    0,
  );
  const data: RequestJobData = {
    projectId: input.projectId,
    webhookUrl: input.webhookUrl,
    estimateSeconds,
    estimatedTime: Math.ceil(wait + estimateSeconds),
    request: input.request,
  };
  const status = await jobs.enqueue(
    requestJobName(input.kind),
    data as unknown as Record<string, unknown>,
    newId("job"),
  );
  return viewOf(status);
}

/** The request job with this id in this project; null for another project's (it answers like a missing one). */
export async function requestJob(jobs: JobQueue, projectId: string, jobId: string): Promise<JobStatus | null> {
  const status = await jobs.status(jobId).catch((error: unknown) => {
    // An id the queue refuses to look up is an id no job has.
    if (error instanceof CutroomError && error.code === "INVALID_ID") return null;
    throw error;
  });
  if (status === null || requestKindOf(status) === null) return null;
  return (status.data as unknown as RequestJobData).projectId === projectId ? status : null;
}

/** Pipeline steps in order: a request's overall progress is how far along this list its latest step is. */
const STEP_ORDER = ["route", "assess", "generate", "assemble", "audio", "verify", "grade", "record", "report"];

/**
 * A request's progress bus: each step event the work emits is recorded on the job, with the overall
 * progress it implies (never going back, and below 1 until the job completes).
 */
export function requestProgress(context: JobContext): { progress: ProgressBus; stop(): void } {
  const progress = new ProgressBus();
  let overall = 0;
  const stop = progress.subscribe((event) => {
    const index = STEP_ORDER.indexOf(event.step);
    if (index >= 0) {
      const fraction = (index + (event.fraction ?? 0)) / STEP_ORDER.length;
      overall = Math.max(overall, Math.min(0.99, Number(fraction.toFixed(3))));
    }
    void context.progress(overall, event).catch(() => undefined);
  });
  return { progress, stop };
}
