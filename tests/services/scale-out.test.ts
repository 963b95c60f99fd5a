/**
 * Scale-out on BullMQ with the shared services (Redis, FerretDB, Neo4j, s3rver): an API that only enqueues
 * (`cutroom serve --no-worker`) and `cutroom worker` processes, each with a data dir of its own as on separate
 * machines. Twenty clips go through a FAL fake that takes 1 s per clip; one worker is killed (SIGKILL) mid-job
 * and its jobs finish on another worker without a second paid request; another is stopped with SIGTERM,
 * finishes what it runs and exits 0. Every clip ends stored once, with its record, and the API's /metrics
 * reports the queue.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, type Job } from "bullmq";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { generateJobId } from "../../src/departments/video/jobs.js";
import { BullMqJobQueue } from "../../src/jobs/bullmq.js";
import { decodeProgress } from "../../src/jobs/bullmq-wire.js";
import { S3ObjectStore } from "../../src/storage/s3/store.js";
import { startFakeS3, type FakeS3 } from "../fakes/s3.js";
import { sample } from "../helpers/prometheus.js";
import { TEST_ENV } from "../helpers/runtime.js";
import {
  shotJob,
  startCutroom,
  startSlowFal,
  stopProcess,
  type CutroomProcess,
  type SlowFal,
} from "../helpers/scale-cluster.js";
import { mongoUriFor, servicesEnv } from "./env.js";

const env = servicesEnv();
const CLIPS = 20;
const METRICS_TOKEN = "scale-metrics-token-0000";

describe.skipIf(env === null)("scale-out: an API and workers on one Redis and the shared services", () => {
  const project = `scale${randomBytes(3).toString("hex")}`;
  const database = `cutroom_${project}`;
  const directories: string[] = [];
  const processes: CutroomProcess[] = [];
  let s3: FakeS3;
  let fal: SlowFal;
  let base: Record<string, string>;

  const directory = async (name: string) => {
    const path = await mkdtemp(join(tmpdir(), `cutroom-scale-${name}-`));
    directories.push(path);
    return path;
  };
  const start = async (name: string, args: string[]) => {
    const dataDir = await directory(name);
    const started = await startCutroom(args, { ...base, CUTROOM_DATA_DIR: dataDir }, dataDir);
    processes.push(started);
    return started;
  };

  beforeAll(async () => {
    s3 = await startFakeS3(`scale-${project}`.toLowerCase());
    fal = await startSlowFal(1_000);
    base = {
      ...TEST_ENV,
      ...s3.env,
      ...fal.env,
      MONGODB_URI: mongoUriFor(env!.MONGODB_URI, database),
      NEO4J_URI: env!.NEO4J_URI,
      NEO4J_USER: env!.NEO4J_USER,
      NEO4J_PASSWORD: env!.NEO4J_PASSWORD,
      REDIS_URL: env!.REDIS_URL,
      CUTROOM_PROJECT: project,
      // A dead worker's lock lapses after 2 s, so its jobs are taken over without the default 30 s wait.
      CUTROOM_JOB_LOCK_MS: "2000",
      CUTROOM_JOB_BACKOFF_MS: "100",
      CUTROOM_METRICS_TOKEN: METRICS_TOKEN,
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((running) => stopProcess(running, "SIGKILL")));
    const client = new MongoClient(mongoUriFor(env!.MONGODB_URI, database));
    await client
      .db(database)
      .dropDatabase()
      .finally(() => client.close());
    await fal?.close();
    await s3?.close();
    await Promise.all(directories.map((path) => rm(path, { recursive: true, force: true })));
  });

  it("spreads 20 clips over the workers, takes over a killed worker's jobs without paying twice, and stops gracefully", async () => {
    const api = await start("api", ["serve", "--no-worker", "--port", "0"]);
    const first = await start("worker-a", ["worker", "--projects", project, "--concurrency", "2"]);
    const second = await start("worker-b", ["worker", "--projects", project, "--concurrency", "2"]);
    const queueName = `cutroom-${project}`;
    const queue = await BullMqJobQueue.open({ url: env!.REDIS_URL, queueName });
    const inspect = new Queue(queueName, { connection: { url: env!.REDIS_URL } });
    try {
      const takeId = `vid_${randomBytes(5).toString("hex")}`;
      const ids = Array.from({ length: CLIPS }, (_, index) => generateJobId(takeId, index + 1));
      for (const [index, id] of ids.entries()) {
        await queue.enqueue("generate", { ...shotJob(project, takeId, index + 1) }, id);
      }
      const runningOn = async (worker: CutroomProcess): Promise<Job[]> =>
        (await inspect.getJobs(["active"])).filter((job) => job.processedBy === worker.ready.worker);
      // Mid-job: every job the worker runs has its paid request submitted (progress moves once FAL answers).
      const midJob = async (worker: CutroomProcess) => {
        const running = await runningOn(worker);
        const started = running.length > 0 && running.every((job) => decodeProgress(job.progress).fraction >= 0.05);
        return started ? running.map((job) => job.id!) : null;
      };

      await expect.poll(() => midJob(first), { timeout: 60_000, interval: 20 }).not.toBeNull();
      first.child.kill("SIGKILL");
      const killed = (await midJob(first)) ?? [];
      expect(await first.exited).toBeNull();
      expect(killed.length).toBeGreaterThan(0);

      // A replacement joins; the second worker is then stopped gracefully in the middle of its jobs.
      const third = await start("worker-c", [
        "worker",
        "--projects",
        project,
        "--concurrency",
        "2",
        "--metrics-port",
        "0",
      ]);
      await expect.poll(() => midJob(second), { timeout: 60_000, interval: 20 }).not.toBeNull();
      const stopping = (await midJob(second)) ?? [];
      expect(await stopProcess(second, "SIGTERM")).toBe(0);
      expect(second.log()).toMatch(/finishing running jobs/);

      for (const id of ids) await queue.waitFor(id, 120_000);

      // One paid request per clip: the killed worker's requests were resumed, not submitted again.
      expect(fal.fal.submissions).toHaveLength(CLIPS);
      expect(new Set(fal.fal.submissions.map((submission) => submission.body.prompt)).size).toBe(CLIPS);
      const jobs = await Promise.all(ids.map((id) => inspect.getJob(id)));
      const ranBy = new Map(jobs.map((job) => [job!.id!, job!.processedBy]));
      for (const id of killed) expect(ranBy.get(id)).not.toBe(first.ready.worker);
      // The stopped worker finished its running jobs itself before it exited.
      for (const id of stopping) expect(ranBy.get(id)).toBe(second.ready.worker);
      const workers = new Set(ranBy.values());
      expect(workers.size).toBeGreaterThanOrEqual(2);
      // The API only enqueued: no job ran in its process.
      for (const worker of workers) expect(worker?.endsWith(`:${api.child.pid}`)).toBe(false);

      // Every clip is stored once, with its record, in the shared store and database.
      const client = new MongoClient(base.MONGODB_URI!);
      let keys: string[];
      try {
        const records = await client
          .db(database)
          .collection("media")
          .find({ "generation.takeId": takeId, kind: "video" })
          .toArray();
        expect(records.map((record) => Number(record.generation.shotIndex)).sort((x, y) => x - y)).toEqual(
          Array.from({ length: CLIPS }, (_, index) => index + 1),
        );
        keys = records.map((record) => String(record.key));
      } finally {
        await client.close();
      }
      const store = S3ObjectStore.fromConfig(loadConfig({ ...base }));
      for (const key of keys) expect(await store.head(key), key).not.toBeNull();

      // The API's metrics report the queue from Redis; a worker's report its own work.
      const metricsUrl = `${String(api.ready.url)}/metrics`;
      expect((await fetch(metricsUrl)).status).toBe(401);
      const page = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      expect(sample(page, "cutroom_jobs", { queue: queueName, state: "completed" })).toBe(CLIPS);
      expect(sample(page, "cutroom_jobs", { queue: queueName, state: "waiting" })).toBe(0);
      const workerPage = await (
        await fetch(String(third.ready.metricsUrl), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      expect(
        sample(workerPage, "cutroom_provider_calls_total", {
          port: "video",
          provider: "fal",
          operation: "textToVideo",
        }),
      ).toBeGreaterThan(0);
      expect(
        sample(workerPage, "cutroom_job_duration_seconds_count", { kind: "generate", outcome: "completed" }),
      ).toBeGreaterThan(0);

      expect(await stopProcess(third, "SIGTERM")).toBe(0);
      expect(await stopProcess(api, "SIGTERM")).toBe(0);
    } finally {
      await inspect.close();
      await queue.close();
    }
  }, 180_000);
});
