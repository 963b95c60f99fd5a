/**
 * `cutroom worker`: a process that only works the department's queues (generation, assembly, verification,
 * voice) of one or more projects, on BullMQ, with the shared object store, media records and Brain. Several
 * run on several machines; an API tier (`cutroom serve --no-worker`) only enqueues. SIGTERM or SIGINT stops
 * it gracefully: no new jobs, the running ones finish within --grace-seconds or are handed back, exit 0.
 */
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { adapterFor, loadConfig, type Config, type PortName } from "../config.js";
import { CutroomError } from "../errors.js";
import type { BullMqJobQueue, StopOutcome } from "../jobs/bullmq.js";
import { METRICS_CONTENT_TYPE, metricsAccessFrom, metricsRefusal, renderMetrics } from "../metrics.js";
import {
  createJobQueue,
  createRuntime,
  projectQueueName,
  setUpRuntime,
  WORKER_NAME,
  type Runtime,
} from "../runtime.js";
import { numberOption, parse } from "./args.js";

export const WORKER_HELP = `cutroom worker [--projects a,b | --all] [--concurrency N] [--grace-seconds S]
               [--metrics-port P] [--metrics-host 127.0.0.1] [--local] [--json]
  Works the generation, assembly, verification and voice jobs of the projects named (default: CUTROOM_PROJECT),
  or of every project with a queue in Redis (--all, checked again every 15 s), N jobs at a time per project
  (default CUTROOM_JOB_CONCURRENCY or 5). Needs REDIS_URL, and shared services every machine reaches:
  S3/R2 (S3_ENDPOINT or R2_*), MongoDB (MONGODB_URI) and Neo4j (NEO4J_URI); --local allows the embedded
  ones when every worker runs on this machine with the same CUTROOM_DATA_DIR.
  SIGTERM/SIGINT: takes no new jobs, lets running ones finish for --grace-seconds (default 25), hands the rest
  back to the queue for another worker, and exits 0.
  --metrics-port serves GET /metrics (Prometheus text; CUTROOM_METRICS_TOKEN or CUTROOM_METRICS_PUBLIC=true).`;

type Write = (json: boolean, document: unknown, text: string) => void;

const PROJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Ports whose embedded adapter keeps its data in this machine's data dir, which other machines cannot see. */
const SHARED_PORTS: Array<{ port: PortName; wanted: string; how: string }> = [
  { port: "objectStore", wanted: "s3", how: "S3_ENDPOINT or R2_ACCOUNT_ID/R2_BUCKET_NAME" },
  { port: "mediaRepository", wanted: "mongodb", how: "MONGODB_URI" },
  { port: "brain", wanted: "neo4j", how: "NEO4J_URI" },
  { port: "checkpointer", wanted: "mongodb", how: "MONGODB_URI" },
];
const DISCOVER_EVERY_MS = 15_000;

/** Why this configuration cannot be shared by workers on several machines (empty when it can). */
export function unsharedAdapters(config: Config): string[] {
  return SHARED_PORTS.filter(({ port, wanted }) => adapterFor(config, port) !== wanted).map(
    ({ port, how }) => `${port} is ${adapterFor(config, port)} (set ${how})`,
  );
}

/** Refuses what a worker cannot run on: no Redis at all, or embedded stores without --local. */
export function assertWorkerConfig(config: Config, local: boolean): void {
  if (adapterFor(config, "jobQueue") !== "bullmq") {
    throw new CutroomError(
      "CONFIG",
      "cutroom worker needs REDIS_URL: workers share their jobs through BullMQ on Redis (without it, every cutroom command runs its own jobs in-process)",
      { field: "REDIS_URL" },
    );
  }
  const unshared = unsharedAdapters(config);
  if (unshared.length > 0 && !local) {
    throw new CutroomError(
      "CONFIG",
      `cutroom worker refuses embedded adapters other machines cannot share: ${unshared.join("; ")}. ` +
        "Pass --local only when every worker and the API run on this machine with the same CUTROOM_DATA_DIR.",
      { field: unshared[0]!.split(" ")[0]! },
    );
  }
}

/** Projects with a department queue in Redis (`bull:cutroom-<project>:meta`; request queues have a dot). */
export async function discoverProjects(redisUrl: string): Promise<string[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const found = new Set<string>();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", "bull:cutroom-*:meta", "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const project = key.slice("bull:cutroom-".length, -":meta".length);
        if (PROJECT_PATTERN.test(project)) found.add(project);
      }
    } while (cursor !== "0");
    return [...found].sort();
  } finally {
    redis.disconnect();
  }
}

function projectsOption(value: string | undefined, config: Config): string[] {
  if (value === undefined) return [config.projectId];
  const projects = [
    ...new Set(
      value
        .split(",")
        .map((project) => project.trim())
        .filter(Boolean),
    ),
  ];
  const bad = projects.filter((project) => !PROJECT_PATTERN.test(project));
  if (projects.length === 0 || bad.length > 0)
    throw new CutroomError(
      "INVALID_INPUT",
      `--projects must be comma-separated project ids (letters, digits, '-' or '_'); got ${JSON.stringify(value)}`,
      { field: "projects" },
    );
  return projects;
}

/** The runtime as one project's handlers see it: that project's id and queue, the shared services. */
async function workProject(runtime: Runtime, projectId: string, concurrency: number): Promise<BullMqJobQueue> {
  const config = { ...runtime.config, projectId };
  const jobs = (await createJobQueue(config, projectId, concurrency)) as BullMqJobQueue;
  setUpRuntime({ ...runtime, config, jobs });
  return jobs;
}

function serveMetrics(runtime: Runtime, host: string, port: number): Promise<Server> {
  const access = metricsAccessFrom(runtime.config.env);
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("only GET /metrics here\n");
      return;
    }
    const refusal = metricsRefusal(access, request.headers.authorization);
    if (refusal !== null) {
      response
        .writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' })
        .end(`${refusal}\n`);
      return;
    }
    renderMetrics().then(
      (page) => response.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(page),
      (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
  server.listen(port, host);
  return once(server, "listening").then(
    () => server,
    (error: unknown) => {
      throw new CutroomError("CONFIG", `cannot serve metrics on ${host}:${port}: ${(error as Error).message}`, {
        field: "metrics-port",
      });
    },
  );
}

export async function workerCommand(argv: string[], write: Write): Promise<number> {
  const { values } = parse(argv, {
    projects: { type: "string" },
    all: { type: "boolean" },
    concurrency: { type: "string" },
    "grace-seconds": { type: "string" },
    "metrics-port": { type: "string" },
    "metrics-host": { type: "string" },
    local: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${WORKER_HELP}\n`);
    return 0;
  }
  if (values.all && values.projects !== undefined)
    throw new CutroomError("INVALID_INPUT", "--projects and --all are alternatives: pass one", { field: "projects" });
  const config = loadConfig();
  assertWorkerConfig(config, values.local === true);
  const concurrency = numberOption(values.concurrency, "concurrency", 1, 64) ?? config.env.CUTROOM_JOB_CONCURRENCY ?? 5;
  if (!Number.isInteger(concurrency))
    throw new CutroomError("INVALID_INPUT", "--concurrency must be a whole number", { field: "concurrency" });
  const graceMs = (numberOption(values["grace-seconds"], "grace-seconds", 0, 3600) ?? 25) * 1000;
  const metricsPort = numberOption(values["metrics-port"], "metrics-port", 0, 65535);
  const metricsHost = values["metrics-host"] ?? "127.0.0.1";
  const named = values.all ? [] : projectsOption(values.projects, config);

  // The runtime's own queue only enqueues: this process works the per-project queues opened below.
  const runtime = await createRuntime(config, { worker: false, llm: null });
  // Loaded here, not at the top: the department's graphs take a while to import.
  await import("../departments/video/jobs.js");
  const queues = new Map<string, BullMqJobQueue>();
  let metrics: Server | null = null;
  let discovery: NodeJS.Timeout | null = null;
  const addProjects = async (projects: string[]) => {
    for (const project of projects) {
      if (queues.has(project)) continue;
      queues.set(project, await workProject(runtime, project, concurrency));
      runtime.log.info(`cutroom worker: working ${projectQueueName(project)}`);
    }
  };
  try {
    await addProjects(values.all ? await discoverProjects(config.env.REDIS_URL!) : named);
    if (values.all) {
      discovery = setInterval(() => {
        void discoverProjects(config.env.REDIS_URL!)
          .then(addProjects)
          .catch((error: unknown) => runtime.log.warn(`cutroom worker: finding projects failed: ${String(error)}`));
      }, DISCOVER_EVERY_MS);
    }
    if (metricsPort !== null) metrics = await serveMetrics(runtime, metricsHost, metricsPort);
  } catch (error) {
    if (discovery !== null) clearInterval(discovery);
    await Promise.all([...queues.values()].map((queue) => queue.close().catch(() => undefined)));
    await runtime.close();
    throw error;
  }
  const metricsUrl =
    metrics === null ? null : `http://${metricsHost}:${(metrics.address() as AddressInfo).port}/metrics`;
  write(
    values.json === true,
    { worker: WORKER_NAME, projects: [...queues.keys()], all: values.all === true, concurrency, metricsUrl },
    `cutroom worker ${WORKER_NAME} ready: ${values.all ? "every project" : "projects"} ${[...queues.keys()].join(", ") || "(none yet)"}, ` +
      `${concurrency} job(s) at a time per project${metricsUrl === null ? "" : `, metrics at ${metricsUrl}`}`,
  );

  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(name);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  if (discovery !== null) clearInterval(discovery);
  runtime.log.info(
    `cutroom worker: ${signal}: finishing running jobs (at most ${graceMs / 1000} s), taking no new ones`,
  );
  const outcomes: StopOutcome[] = await Promise.all([...queues.values()].map((queue) => queue.stop(graceMs)));
  const handedBack = outcomes.flatMap((outcome) => outcome.handedBack);
  if (handedBack.length > 0)
    runtime.log.info(`cutroom worker: handed back ${handedBack.length} job(s) to the queue: ${handedBack.join(", ")}`);
  metrics?.closeAllConnections();
  if (metrics !== null) await new Promise<void>((resolve) => metrics!.close(() => resolve()));
  await runtime.close();
  runtime.log.info("cutroom worker: stopped");
  return 0;
}
