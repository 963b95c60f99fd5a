/**
 * What an operator watches, in Prometheus' text format (prom-client): jobs per queue and state, how long
 * each kind of job takes, provider calls and their failures by code, USD spent per project, and how long
 * Brain writes take. One registry per process: the server serves it at GET /metrics, `cutroom worker` on
 * --metrics-port. Queue depths are read from the queue (Redis for BullMQ) at each scrape, so any process
 * watching a queue reports the same numbers; the other series count what this process did.
 */
import { timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Brain, ProjectBrain } from "./brain/types.js";
import { isCutroomError } from "./errors.js";
import { currentJob, projectOf, runInJobScope } from "./jobs/scope.js";
import type { JobHandler, JobName, JobState } from "./jobs/types.js";

export const metricsRegistry = new Registry();
export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;
collectDefaultMetrics({ register: metricsRegistry, prefix: "cutroom_" });

/** Job counts by state, as a queue reports them. */
export type QueueCounts = Partial<Record<JobState, number>>;

const queues = new Map<string, () => Promise<QueueCounts>>();

/** Reports a queue's depth at every scrape until the returned function is called (when the queue closes). */
export function watchQueue(queue: string, counts: () => Promise<QueueCounts>): () => void {
  queues.set(queue, counts);
  return () => {
    if (queues.get(queue) === counts) queues.delete(queue);
  };
}

const STATES: JobState[] = ["waiting", "delayed", "active", "completed", "failed"];

new Gauge({
  name: "cutroom_jobs",
  help: "Jobs per queue and state, read from the queue at scrape time (completed and failed: those still kept, at most a week)",
  labelNames: ["queue", "state"],
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await Promise.all(
      [...queues].map(async ([queue, counts]) => {
        // An unreachable queue drops out of this scrape rather than failing the whole page.
        const found = await counts().catch(() => null);
        if (found === null) return;
        for (const state of STATES) this.set({ queue, state }, found[state] ?? 0);
      }),
    );
  },
});

const jobDuration = new Histogram({
  name: "cutroom_job_duration_seconds",
  help: "Time an attempt of a job took in this process, by kind and outcome",
  labelNames: ["kind", "outcome"],
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [metricsRegistry],
});

const providerCalls = new Counter({
  name: "cutroom_provider_calls_total",
  help: "Calls to a provider (video, image, voice) made by this process",
  labelNames: ["port", "provider", "operation"],
  registers: [metricsRegistry],
});

const providerFailures = new Counter({
  name: "cutroom_provider_failures_total",
  help: "Provider calls that failed, by error code (UNKNOWN when the failure carried none)",
  labelNames: ["port", "provider", "operation", "code"],
  registers: [metricsRegistry],
});

const spent = new Counter({
  name: "cutroom_spent_usd_total",
  help: "USD spent on provider calls made by this process, by project and provider",
  labelNames: ["project", "provider"],
  registers: [metricsRegistry],
});

const brainWrites = new Histogram({
  name: "cutroom_brain_write_duration_seconds",
  help: "Time a Brain write took, by operation",
  labelNames: ["operation", "outcome"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/** The page a scrape gets. */
export function renderMetrics(): Promise<string> {
  return metricsRegistry.metrics();
}

/**
 * A job handler that is timed and runs in its job's scope (so provider calls inside it are counted against
 * the job's project, and can find the paid requests an earlier attempt journaled).
 */
export function meteredHandler(name: JobName, handler: JobHandler): JobHandler {
  return async (data, context) => {
    const started = performance.now();
    const scope = {
      jobId: context.jobId,
      name,
      projectId: projectOf(data),
      journal: context.journal,
      requests: new Set<string>(),
    };
    try {
      const result = await runInJobScope(scope, () => handler(data, context));
      jobDuration.observe({ kind: name, outcome: "completed" }, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      jobDuration.observe({ kind: name, outcome: "failed" }, (performance.now() - started) / 1000);
      throw error;
    }
  };
}

function codeOf(error: unknown): string {
  return isCutroomError(error) ? error.code : "UNKNOWN";
}

/**
 * The provider with its named operations counted: every call, every failure by code, and the USD a result
 * reports (`costUsd`) added to the project of the job it ran in (the fallback project outside a job).
 */
export function meteredProvider<T extends { readonly name: string }>(
  provider: T,
  port: "video" | "image" | "voice",
  operations: ReadonlyArray<NoInfer<keyof T> & string>,
  fallbackProject: string,
): T {
  const metered = new Set<string | symbol>(operations);
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      // Methods run on the provider itself, so its private fields work whichever way they are called.
      if (!metered.has(property)) return (value as (...values: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const labels = { port, provider: target.name, operation: String(property) };
        providerCalls.inc(labels);
        try {
          const result: unknown = await (value as (...values: unknown[]) => Promise<unknown>).apply(target, args);
          const cost = (result as { costUsd?: unknown } | null)?.costUsd;
          if (typeof cost === "number" && Number.isFinite(cost) && cost > 0) {
            spent.inc({ project: currentJob()?.projectId ?? fallbackProject, provider: target.name }, cost);
          }
          return result;
        } catch (error) {
          providerFailures.inc({ ...labels, code: codeOf(error) });
          throw error;
        }
      };
    },
  });
}

/** The ProjectBrain methods that write. */
const BRAIN_WRITE = /^(save|record|set|detach)[A-Z]/;

function meteredProjectBrain(brain: ProjectBrain): ProjectBrain {
  return new Proxy(brain, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (typeof property !== "string" || !BRAIN_WRITE.test(property))
        return (value as (...values: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        let outcome = "failed";
        try {
          const result: unknown = await (value as (...values: unknown[]) => Promise<unknown>).apply(target, args);
          outcome = "ok";
          return result;
        } finally {
          brainWrites.observe({ operation: property, outcome }, (performance.now() - started) / 1000);
        }
      };
    },
  });
}

/** The Brain with every project's writes timed. */
export function meteredBrain(brain: Brain): Brain {
  return new Proxy(brain, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      // The method read now, not at call time: one replaced later (a wrapper of the caller's) wraps this one.
      if (property === "forProject" && typeof value === "function")
        return (projectId: string) =>
          meteredProjectBrain((value as Brain["forProject"]).call(target, projectId) as ProjectBrain);
      return typeof value === "function" ? (value as (...values: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Who may read /metrics: holders of CUTROOM_METRICS_TOKEN, or anyone when CUTROOM_METRICS_PUBLIC=true. */
export interface MetricsAccess {
  token: string | null;
  public: boolean;
}

export function metricsAccessFrom(env: {
  CUTROOM_METRICS_TOKEN?: string;
  CUTROOM_METRICS_PUBLIC?: string;
}): MetricsAccess {
  return { token: env.CUTROOM_METRICS_TOKEN ?? null, public: env.CUTROOM_METRICS_PUBLIC === "true" };
}

/**
 * Null when the request may read the metrics, else why not. The page names projects and what they spent,
 * so it is closed unless a token is configured (and sent) or the operator opened it on purpose.
 */
export function metricsRefusal(access: MetricsAccess, authorization: string | undefined): string | null {
  if (access.public) return null;
  if (access.token === null)
    return "metrics are closed: set CUTROOM_METRICS_TOKEN (scrapers send it as a bearer token) or CUTROOM_METRICS_PUBLIC=true";
  const sent = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const expected = Buffer.from(access.token);
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? null
    : "missing or invalid metrics token (Authorization: Bearer <CUTROOM_METRICS_TOKEN>)";
}
