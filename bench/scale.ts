// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the s3rver typings live with the tests, outside the bench build's include
/// <reference path="../tests/fakes/s3rver.d.ts" />
/**
 * Scale-out benchmark (`npm run bench:scale`, after `npm run build`): two `cutroom worker` processes on one
 * Redis make 20 clips through a FAL fake on 127.0.0.1 that takes 1 s per clip. The wall time from enqueueing
 * the clips to the last one stored is compared with the floor ceil(20 / (2 × concurrency)) × 1 s, the time
 * the clips would take if the workers added nothing to the provider's own second; the target ratio is ≤ 1.2.
 *
 * Redis: REDIS_URL when set (eval "$(scripts/services/up)"), else a redis-server started here on a free
 * loopback port. With MONGODB_URI and NEO4J_URI set too, the workers use them and an s3rver, each worker with
 * a data dir of its own, as on separate machines; otherwise they share one data dir (`--local`). Each worker
 * first makes warm-up clips (its modules load on its first job), which are not timed. Everything started
 * here is stopped before the bench exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Queue } from "bullmq";
import { MongoClient } from "mongodb";
import { checkRedis, BullMqJobQueue } from "../src/jobs/bullmq.js";
import { generateJobId } from "../src/departments/video/jobs.js";
import { startFakeS3, type FakeS3 } from "../tests/fakes/s3.js";
import {
  projectRoot,
  shotJob,
  startCutroom,
  startSlowFal,
  stopProcess,
  type CutroomProcess,
  type SlowFal,
} from "../tests/helpers/scale-cluster.js";
import { freePort } from "../tests/helpers/ports.js";

const CLIPS = 20;
const WORKERS = 2;
const CLIP_SECONDS = 1;
const TARGET_RATIO = 1.2;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);

/** REDIS_URL when it answers; else a redis-server of our own on loopback; else null. */
async function redis(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  if (process.env.REDIS_URL) {
    await checkRedis(process.env.REDIS_URL, 3_000);
    return { url: process.env.REDIS_URL, stop: async () => undefined };
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const failed = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(true));
    setTimeout(() => resolve(false), 300);
  });
  if (failed) return null;
  const url = `redis://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    try {
      await checkRedis(url, 1_000);
      break;
    } catch (error) {
      if (tries >= 20) {
        server.kill("SIGKILL");
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    url,
    stop: async () => {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    },
  };
}

if (!existsSync(join(projectRoot(), "dist", "cli", "main.js"))) {
  process.stderr.write("bench:scale starts the built CLI: run npm run build first\n");
  process.exit(1);
}
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || CONCURRENCY > 16) {
  process.stderr.write("BENCH_CONCURRENCY must be a whole number from 1 to 16\n");
  process.exit(2);
}

let found: Awaited<ReturnType<typeof redis>>;
try {
  found = await redis();
} catch (error) {
  process.stderr.write(
    `bench:scale needs Redis: ${error instanceof Error ? error.message : String(error)}\n` +
      'Start one (eval "$(scripts/services/up)") or install redis-server (apt-get install redis-server).\n',
  );
  process.exit(1);
}
if (found === null) {
  process.stderr.write(
    'bench:scale needs Redis: REDIS_URL is not set and redis-server is not installed; run eval "$(scripts/services/up)" or apt-get install redis-server\n',
  );
  process.exit(1);
}

const project = `bench${Date.now().toString(36)}`;
const shared = process.env.MONGODB_URI !== undefined && process.env.NEO4J_URI !== undefined;
/** A database of the bench's own, dropped at the end. */
const mongoUri = shared ? databaseUri(process.env.MONGODB_URI!, `cutroom_${project}`) : "";

function databaseUri(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}
const directories: string[] = [];
const processes: CutroomProcess[] = [];
let fal: SlowFal | null = null;
let s3: FakeS3 | null = null;
let queue: BullMqJobQueue | null = null;
try {
  fal = await startSlowFal(CLIP_SECONDS * 1000);
  s3 = shared ? await startFakeS3(`bench-${project}`) : null;
  const sharedDir = await mkdtemp(join(tmpdir(), "cutroom-bench-scale-"));
  directories.push(sharedDir);
  const base: Record<string, string> = {
    CUTROOM_RESOLUTION: "320x180",
    CUTROOM_FPS: "12",
    CUTROOM_CLIP_SECONDS: "2",
    ...fal.env,
    REDIS_URL: found.url,
    CUTROOM_PROJECT: project,
    ...(shared
      ? {
          ...s3!.env,
          MONGODB_URI: mongoUri,
          NEO4J_URI: process.env.NEO4J_URI!,
          NEO4J_USER: process.env.NEO4J_USER ?? "neo4j",
          NEO4J_PASSWORD: process.env.NEO4J_PASSWORD ?? "",
        }
      : { CUTROOM_DATA_DIR: sharedDir }),
  };
  for (let index = 0; index < WORKERS; index += 1) {
    const dataDir = shared ? await mkdtemp(join(tmpdir(), "cutroom-bench-worker-")) : sharedDir;
    if (shared) directories.push(dataDir);
    const args = [
      "worker",
      "--projects",
      project,
      "--concurrency",
      String(CONCURRENCY),
      ...(shared ? [] : ["--local"]),
    ];
    processes.push(await startCutroom(args, { ...base, CUTROOM_DATA_DIR: dataDir }, dataDir));
  }
  queue = await BullMqJobQueue.open({ url: found.url, queueName: `cutroom-${project}` });
  const run = async (takeId: string, count: number) => {
    const ids = Array.from({ length: count }, (_, index) => generateJobId(takeId, index + 1));
    for (const [index, id] of ids.entries())
      await queue!.enqueue("generate", { ...shotJob(project, takeId, index + 1) }, id);
    for (const id of ids) await queue!.waitFor(id, 10 * 60_000);
    const statuses = await Promise.all(ids.map((id) => queue!.status(id)));
    // How long each job ran on its worker: the provider's second plus what the worker adds to it.
    const seconds = statuses.map((status) => (Date.parse(status!.finishedAt!) - Date.parse(status!.startedAt!)) / 1000);
    return seconds.reduce((sum, value) => sum + value, 0) / seconds.length;
  };
  await run("vid_benchwarmup", WORKERS * CONCURRENCY * 2);
  const paidBefore = fal.fal.submissions.length;
  const load = loadavg()[0]!;
  const started = performance.now();
  const meanJobSeconds = await run("vid_benchmeasured", CLIPS);
  const wallSeconds = (performance.now() - started) / 1000;
  const floorSeconds = Math.ceil(CLIPS / (WORKERS * CONCURRENCY)) * CLIP_SECONDS;
  const ratio = wallSeconds / floorSeconds;
  process.stdout.write(
    `${JSON.stringify(
      {
        clips: CLIPS,
        workers: WORKERS,
        concurrency: CONCURRENCY,
        secondsPerClip: CLIP_SECONDS,
        services: shared
          ? "Redis, MongoDB, Neo4j and s3rver (a data dir per worker)"
          : "Redis, one shared data dir (--local)",
        paidRequests: fal.fal.submissions.length - paidBefore,
        wallSeconds: Number(wallSeconds.toFixed(3)),
        floorSeconds,
        ratio: Number(ratio.toFixed(3)),
        targetRatio: TARGET_RATIO,
        meanJobSeconds: Number(meanJobSeconds.toFixed(3)),
        cores: cpus().length,
        loadAverageAtStart: Number(load.toFixed(2)),
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(
    `scale: ${CLIPS} clips on ${WORKERS} workers × concurrency ${CONCURRENCY}: ${wallSeconds.toFixed(2)} s against a floor of ${floorSeconds} s, ratio ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO})\n`,
  );
} finally {
  await queue?.close();
  await Promise.all(processes.map((running) => stopProcess(running, "SIGTERM")));
  // The bench's queues leave nothing behind in a Redis it did not start.
  for (const name of [`cutroom-${project}`, `cutroom-${project}.requests`]) {
    const leftover = new Queue(name, { connection: { url: found.url } });
    await leftover.obliterate({ force: true }).catch(() => undefined);
    await leftover.close();
  }
  await fal?.close();
  await s3?.close();
  await found.stop();
  if (shared) {
    const client = new MongoClient(mongoUri);
    await client
      .db()
      .dropDatabase()
      .catch(() => undefined)
      .finally(() => client.close());
  }
  await Promise.all(directories.map((path) => rm(path, { recursive: true, force: true })));
}
