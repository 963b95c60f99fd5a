/**
 * A worker killed in the middle of a generation job: the job's lock expires, another worker retries it,
 * and the take ends with exactly one clip — one media record and one stored object, nothing orphaned.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullMqJobQueue } from "../../src/jobs/bullmq.js";
import { generateJobId, type GenerateJobData } from "../../src/departments/video/jobs.js";
import { TEST_ENV } from "../helpers/runtime.js";
import { mongoUriFor, servicesEnv } from "./env.js";

const CHILD = fileURLToPath(new URL("./worker-child.mjs", import.meta.url));
const env = servicesEnv();

function startWorker(variables: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...variables },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("READY")) resolve(child);
    });
  });
}

describe.skipIf(env === null)("a worker killed mid-job", () => {
  const project = `kill${randomBytes(3).toString("hex")}`;
  const database = `cutroom_${project}`;
  let dataDir: string;
  let variables: Record<string, string>;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-worker-kill-"));
    variables = {
      ...TEST_ENV,
      MONGODB_URI: mongoUriFor(env!.MONGODB_URI, database),
      REDIS_URL: env!.REDIS_URL,
      CUTROOM_DATA_DIR: dataDir,
      CUTROOM_PROJECT: project,
      // A dead worker's lock lapses after 2 s, so the test does not wait the default 30 s.
      CUTROOM_JOB_LOCK_MS: "2000",
      CUTROOM_JOB_BACKOFF_MS: "100",
    };
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
    const client = new MongoClient(variables.MONGODB_URI!);
    await client
      .db(database)
      .dropDatabase()
      .finally(() => client.close());
    await rm(dataDir, { recursive: true, force: true });
  });

  it("is retried by another worker without a second clip or an orphan object", async () => {
    const queue = await BullMqJobQueue.open({ url: env!.REDIS_URL, queueName: `cutroom-${project}` });
    try {
      const takeId = `vid_${randomBytes(5).toString("hex")}`;
      const data: GenerateJobData = {
        projectId: project,
        takeId,
        // Long enough at 640x360 that the render is still running when the worker is killed.
        shot: {
          index: 1,
          method: "text-to-video",
          prompt: "a slow pan over an empty scene",
          durationSeconds: 7,
          characters: [],
          location: null,
          action: "stand",
          camera: "pan-left",
          motionStrength: 0.5,
          seed: 7,
          images: {},
        },
      };
      const jobId = generateJobId(takeId, 1);
      let sawProgress = false;
      queue.subscribe((event) => {
        if (event.type === "progress" && event.jobId === jobId && event.progress > 0) sawProgress = true;
      });
      const doomed = await startWorker({ ...variables, CUTROOM_RESOLUTION: "640x360" });
      workers.push(doomed);
      await queue.enqueue("generate", { ...data }, jobId);
      await expect.poll(() => sawProgress, { timeout: 60_000, interval: 20 }).toBe(true);
      doomed.kill("SIGKILL");
      expect((await queue.status(jobId))?.state).not.toBe("completed");

      const rescuer = await startWorker({ ...variables, CUTROOM_RESOLUTION: "640x360" });
      workers.push(rescuer);
      const result = (await queue.waitFor(jobId, 120_000)) as { output: { mediaId: string; key: string } };
      rescuer.kill("SIGTERM");

      const client = new MongoClient(variables.MONGODB_URI!);
      let keys: string[];
      try {
        const records = await client.db(database).collection("media").find({ "generation.takeId": takeId }).toArray();
        const clips = records.filter((record) => record.kind === "video" && record.generation.shotIndex === 1);
        expect(clips.map((clip) => clip._id)).toEqual([result.output.mediaId]);
        keys = records.map((record) => String(record.key).split("/").pop()!).sort();
      } finally {
        await client.close();
      }
      // Every stored object of the take has its record (the clip, and any thumbnail made with it).
      // The local store keeps each object's metadata in a sidecar file beside it.
      const stored = (await readdir(join(dataDir, "store", "objects", "projects", project, "takes", takeId))).filter(
        (name) => !name.endsWith(".meta.json"),
      );
      expect(stored.sort()).toEqual(keys);
      expect(result.output.key.endsWith(stored.find((name) => name.startsWith("clip-"))!)).toBe(true);
      // Enqueued again (a retry from the caller), the job answers with the same clip and renders nothing.
      expect(await queue.run("generate", { ...data }, jobId)).toMatchObject({
        output: { mediaId: result.output.mediaId },
      });
    } finally {
      await queue.close();
    }
  });
});
