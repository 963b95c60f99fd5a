/**
 * The pieces of scale-out that need no services: `cutroom worker` refuses stores other machines cannot share,
 * `serve --no-worker` refuses a queue nobody else can work, /metrics speaks Prometheus' text format behind
 * its token, and docker-compose.yml runs a scalable worker beside the API on the same services.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { load as parseYaml } from "js-yaml";
import request from "supertest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EmbeddedBrain } from "../../src/brain/embedded.js";
import { profileForCharacter } from "../../src/brain/profiles.js";
import { runCli } from "../../src/cli/main.js";
import { assertWorkerConfig } from "../../src/cli/worker.js";
import { loadConfig } from "../../src/config.js";
import { CutroomError } from "../../src/errors.js";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import { journaledRequest, journalRequest, requestFingerprint } from "../../src/jobs/scope.js";
import {
  meteredBrain,
  meteredHandler,
  meteredProvider,
  METRICS_CONTENT_TYPE,
  renderMetrics,
} from "../../src/metrics.js";
import { FalVideoProvider } from "../../src/providers/video/fal/provider.js";
import { falOptionsFrom } from "../../src/providers/video/fal/settings.js";
import { metricsRoutes } from "../../src/server/routes/metrics.js";
import { startFakeFal } from "../fakes/fal.js";
import { renderTestClip, renderTestImage } from "../fakes/media.js";
import { sample } from "../helpers/prometheus.js";
import { sarahInThePark } from "../helpers/fixtures.js";

const SHARED = {
  REDIS_URL: "redis://127.0.0.1:1",
  S3_ENDPOINT: "http://127.0.0.1:1",
  R2_BUCKET_NAME: "cutroom",
  R2_ACCESS_KEY_ID: "key",
  R2_SECRET_ACCESS_KEY: "secret",
  MONGODB_URI: "mongodb://127.0.0.1:1/cutroom",
  NEO4J_URI: "bolt://127.0.0.1:1",
  NEO4J_PASSWORD: "password",
};

/** Runs the CLI with only these variables set, and returns its exit code and what it wrote on stderr. */
async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-scale-unit-"));
  const saved = { ...process.env };
  for (const name of Object.keys(process.env))
    if (/^(CUTROOM_|REDIS_|S3_|R2_|MONGODB_|NEO4J_|FAL_)/.test(name)) delete process.env[name];
  Object.assign(process.env, { CUTROOM_DATA_DIR: directory }, env);
  let stderr = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await runCli(argv), stderr };
  } finally {
    spy.mockRestore();
    process.env = saved;
    await rm(directory, { recursive: true, force: true });
  }
}

describe("cutroom worker and serve --no-worker refuse what cannot be shared", () => {
  it("refuses embedded stores with exit 2, naming each one and the variable that replaces it", async () => {
    const { code, stderr } = await cli(["worker"], { REDIS_URL: SHARED.REDIS_URL });
    expect(code).toBe(2);
    expect(stderr).toMatch(/refuses embedded adapters other machines cannot share/);
    expect(stderr).toMatch(/objectStore is local-dir \(set S3_ENDPOINT/);
    expect(stderr).toMatch(/mediaRepository is embedded-sqlite \(set MONGODB_URI\)/);
    expect(stderr).toMatch(/brain is embedded \(set NEO4J_URI\)/);
    expect(stderr).toMatch(/--local/);
  });

  it("refuses to start without Redis, even with --local", async () => {
    const { code, stderr } = await cli(["worker", "--local"], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/cutroom worker needs REDIS_URL/);
  });

  it("accepts the embedded stores with --local, and shared services without it", () => {
    expect(() => assertWorkerConfig(loadConfig({ REDIS_URL: SHARED.REDIS_URL }), true)).not.toThrow();
    expect(() => assertWorkerConfig(loadConfig(SHARED), false)).not.toThrow();
    const partly = { ...SHARED, NEO4J_URI: "" };
    expect(() => assertWorkerConfig(loadConfig(partly), false)).toThrow(CutroomError);
  });

  it("refuses contradictory or malformed options as bad input", async () => {
    expect((await cli(["worker", "--all", "--projects", "a"], SHARED)).code).toBe(2);
    expect((await cli(["worker", "--projects", "a/b"], SHARED)).code).toBe(2);
    expect((await cli(["worker", "--concurrency", "0"], SHARED)).code).toBe(2);
  });

  it("serve --no-worker needs Redis: nothing else would run what it enqueues", async () => {
    const { code, stderr } = await cli(["serve", "--no-worker", "--port", "0"], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/--no-worker needs REDIS_URL/);
  });
});

describe("metrics in Prometheus' text format", () => {
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it("reports queue depth, job durations, provider calls and failures, spend per project and Brain writes", async () => {
    const queue = new InProcessJobQueue({
      attempts: 1,
      backoffMs: 0,
      concurrency: 1,
      metricsName: "cutroom-metrics-unit",
    });
    closing.push(() => queue.close());
    const clip = { costUsd: 0.25 };
    const fake = {
      name: "fake-video",
      async textToVideo(prompt: string): Promise<{ costUsd: number }> {
        if (prompt === "refused") throw new CutroomError("CONTENT_POLICY", "refused");
        return clip;
      },
    };
    const provider = meteredProvider(fake, "video", ["textToVideo"], "fallback-project");
    queue.register("generate", async (data) => provider.textToVideo(String(data.prompt)));
    await queue.run("generate", { projectId: "alpha", prompt: "a walk" }, "metrics-ok");
    await expect(queue.run("generate", { projectId: "alpha", prompt: "refused" }, "metrics-refused")).rejects.toThrow();
    // Outside any job, spend goes to the runtime's own project.
    await provider.textToVideo("direct");

    const directory = await mkdtemp(join(tmpdir(), "cutroom-metrics-brain-"));
    const brain = meteredBrain(await EmbeddedBrain.open({ file: join(directory, "brain.json") }));
    closing.push(async () => {
      await brain.close();
      await rm(directory, { recursive: true, force: true });
    });
    await brain.forProject("alpha").saveCharacter({
      id: "chr_metrics",
      name: "Metrics",
      profile: profileForCharacter("Metrics"),
      voiceId: null,
      createdAt: new Date().toISOString(),
    });

    const page = await renderMetrics();
    expect(sample(page, "cutroom_jobs", { queue: "cutroom-metrics-unit", state: "completed" })).toBe(1);
    expect(sample(page, "cutroom_jobs", { queue: "cutroom-metrics-unit", state: "failed" })).toBe(1);
    expect(sample(page, "cutroom_jobs", { queue: "cutroom-metrics-unit", state: "waiting" })).toBe(0);
    expect(sample(page, "cutroom_job_duration_seconds_count", { kind: "generate", outcome: "completed" })).toBe(1);
    expect(sample(page, "cutroom_job_duration_seconds_count", { kind: "generate", outcome: "failed" })).toBe(1);
    expect(page).toMatch(/^cutroom_job_duration_seconds_bucket\{le="\+Inf",kind="generate",outcome="completed"\} 1$/m);
    const call = { port: "video", provider: "fake-video", operation: "textToVideo" };
    expect(sample(page, "cutroom_provider_calls_total", call)).toBe(3);
    expect(sample(page, "cutroom_provider_failures_total", { ...call, code: "CONTENT_POLICY" })).toBe(1);
    expect(sample(page, "cutroom_spent_usd_total", { project: "alpha", provider: "fake-video" })).toBe(0.25);
    expect(sample(page, "cutroom_spent_usd_total", { project: "fallback-project", provider: "fake-video" })).toBe(0.25);
    expect(
      sample(page, "cutroom_brain_write_duration_seconds_count", { operation: "saveCharacter", outcome: "ok" }),
    ).toBe(1);
    expect(page).toMatch(/^# TYPE cutroom_jobs gauge$/m);
    expect(page).toMatch(/^# TYPE cutroom_provider_calls_total counter$/m);
    expect(page).toMatch(/^# TYPE cutroom_brain_write_duration_seconds histogram$/m);

    await queue.close();
    closing.length = 0;
    closing.push(async () => undefined);
    // A closed queue is no longer reported.
    expect(
      sample(await renderMetrics(), "cutroom_jobs", { queue: "cutroom-metrics-unit", state: "completed" }),
    ).toBeNull();
  });

  it("serves GET /metrics to the token's holder, to anyone only when made public", async () => {
    const token = "metrics-token-0123456789";
    const closed = express().use(metricsRoutes({ token: null, public: false }));
    const guarded = express().use(metricsRoutes({ token, public: false }));
    const open = express().use(metricsRoutes({ token: null, public: true }));
    // Errors go through the app's handler in the server; here the default handler is enough to see the status.
    expect((await request(closed).get("/metrics")).status).toBe(401);
    expect((await request(guarded).get("/metrics")).status).toBe(401);
    expect((await request(guarded).get("/metrics").set("Authorization", "Bearer wrong-token-000000000")).status).toBe(
      401,
    );
    const page = await request(guarded).get("/metrics").set("Authorization", `Bearer ${token}`).expect(200);
    expect(page.headers["content-type"]).toBe(METRICS_CONTENT_TYPE);
    expect(page.text).toMatch(/^# HELP cutroom_jobs /m);
    expect((await request(open).get("/metrics")).status).toBe(200);
  });

  it("times a handler and runs it in its job's scope, where a paid request is journaled and resumed once", async () => {
    const journal: string[] = [];
    const context = {
      jobId: "scope-job",
      attempt: 1,
      progress: async () => undefined,
      journal: { entries: async () => [...journal], append: async (line: string) => void journal.push(line) },
      signal: new AbortController().signal,
    };
    const fingerprint = requestFingerprint("fal-ai/model", { prompt: "a walk" });
    // The first run submits and journals; a rerun of the job finds the request once, and a second ask is new work.
    await meteredHandler("generate", async () => {
      expect(await journaledRequest(fingerprint)).toBeNull();
      await journalRequest(fingerprint, "req-1");
      expect(await journaledRequest(fingerprint)).toBeNull();
    })({ projectId: "alpha" }, context);
    await meteredHandler("generate", async () => {
      expect(await journaledRequest(fingerprint)).toBe("req-1");
      expect(await journaledRequest(fingerprint)).toBeNull();
      expect(await journaledRequest(requestFingerprint("fal-ai/model", { prompt: "another" }))).toBeNull();
    })({ projectId: "alpha" }, context);
    // Outside a job nothing is journaled or resumed.
    expect(await journaledRequest(fingerprint)).toBeNull();
  });
});

describe("a FAL request when its job stops", () => {
  it("is cancelled when the job is cancelled, and left running when a stopping worker hands the job back", async () => {
    const fal = await startFakeFal({ apiKey: "handback-key-000000", video: "unused.mp4", processingMs: 60_000 });
    const directory = await mkdtemp(join(tmpdir(), "cutroom-fal-stop-"));
    try {
      const config = loadConfig({ FAL_KEY: "handback-key-000000", FAL_BASE_URL: fal.url, CUTROOM_FAL_POLL_MS: "20" });
      const provider = new FalVideoProvider(falOptionsFrom(config, { info: () => undefined, warn: () => undefined }));
      const stopWith = async (reason: CutroomError) => {
        const controller = new AbortController();
        const running = provider.textToVideo(sarahInThePark(), {
          outputDir: directory,
          onProgress: null,
          signal: controller.signal,
        });
        const submitted = fal.submissions.length + 1;
        await vi.waitFor(() => expect(fal.submissions.length).toBe(submitted), { timeout: 10_000 });
        controller.abort(reason);
        await expect(running).rejects.toThrow();
        return fal.submissions[submitted - 1]!.requestId;
      };
      const handedBack = await stopWith(new CutroomError("INTERRUPTED", "handed back"));
      const cancelled = await stopWith(new CutroomError("CANCELLED", "cancelled"));
      expect(fal.cancelled).toEqual([cancelled]);
      expect(fal.cancelled).not.toContain(handedBack);
    } finally {
      await fal.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("an image-to-video request whose worker stopped", () => {
  it("is resumed by the job's rerun: its image is not uploaded again, so the request is not submitted again", async () => {
    const directory = await mkdtemp(join(tmpdir(), "cutroom-fal-rerun-"));
    const fal = await startFakeFal({
      apiKey: "rerun-key-0000000000",
      video: await renderTestClip(directory, 2),
      processingMs: 400,
    });
    try {
      const config = loadConfig({ FAL_KEY: "rerun-key-0000000000", FAL_BASE_URL: fal.url, CUTROOM_FAL_POLL_MS: "20" });
      const provider = new FalVideoProvider(falOptionsFrom(config, { info: () => undefined, warn: () => undefined }));
      const clip = sarahInThePark({ sourceImage: await renderTestImage(directory) });
      const journal: string[] = [];
      const run = (signal: AbortSignal) =>
        meteredHandler("generate", () =>
          provider.imageToVideo(clip, { outputDir: directory, onProgress: null, signal }),
        )(
          { projectId: "alpha" },
          {
            jobId: "rerun-job",
            attempt: 1,
            progress: async () => undefined,
            journal: { entries: async () => [...journal], append: async (line: string) => void journal.push(line) },
            signal,
          },
        );
      // The first run's worker stops once the request is submitted, handing the job back.
      const stopping = new AbortController();
      const first = run(stopping.signal);
      await vi.waitFor(() => expect(fal.submissions).toHaveLength(1), { timeout: 10_000 });
      stopping.abort(new CutroomError("INTERRUPTED", "handed back"));
      await expect(first).rejects.toThrow();
      expect(fal.uploads).toHaveLength(1);

      const made = (await run(new AbortController().signal)) as { path: string; durationSeconds: number };
      expect(made.durationSeconds).toBe(2);
      expect(fal.submissions).toHaveLength(1);
      expect(fal.uploads).toHaveLength(1);
      expect(fal.cancelled).toEqual([]);
    } finally {
      await fal.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("docker-compose.yml", () => {
  it("runs an API that only enqueues and a scalable worker on the same Redis, MongoDB, Neo4j and MinIO", async () => {
    const compose = parseYaml(await readFile("docker-compose.yml", "utf8")) as {
      services: Record<string, Record<string, unknown>>;
    };
    const { api, worker } = compose.services;
    expect(api?.command).toEqual(expect.arrayContaining(["serve", "--no-worker"]));
    expect(worker?.command).toEqual(expect.arrayContaining(["worker"]));
    // Replicas of a scaled service cannot share a container name or a published host port.
    expect(worker).not.toHaveProperty("container_name");
    expect(worker).not.toHaveProperty("ports");
    for (const service of [api!, worker!]) {
      const environment = service.environment as Record<string, string>;
      expect(environment).toMatchObject({
        REDIS_URL: "redis://redis:6379",
        MONGODB_URI: "mongodb://mongodb:27017/cutroom",
        NEO4J_URI: "bolt://neo4j:7687",
        S3_ENDPOINT: "http://minio:9000",
      });
      expect(Object.keys(service.depends_on as object)).toEqual(
        expect.arrayContaining(["redis", "mongodb", "neo4j", "minio-bucket"]),
      );
      expect(service.build).toBe(".");
    }
    for (const name of ["redis", "mongodb", "neo4j", "minio"]) expect(compose.services).toHaveProperty(name);
    const dockerfile = await readFile("Dockerfile", "utf8");
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/ffmpeg/);
    expect(dockerfile).toMatch(/espeak-ng/);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
  });
});
