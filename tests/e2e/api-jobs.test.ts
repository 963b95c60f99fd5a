/**
 * Queued work: generate and assemble jobs with their progress streams and signed webhooks to a local
 * receiver, the hourly generation limit, and webhook retries with backoff.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import { SIGNATURE_HEADER, verifySignature, WebhookSender } from "../../src/server/webhooks.js";
import { KEY_A, KEY_B, parseEvents, startHarness, startReceiver, WEBHOOK_SECRET, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };
const quiet = { info: () => {}, warn: () => {} };

/** A request queue whose generate and assemble jobs finish at once. */
function quickRequests(): InProcessJobQueue {
  const jobs = new InProcessJobQueue({ concurrency: 1, attempts: 1 });
  jobs.register("generate-request", async (data) => ({ prompt: (data.request as { prompt?: unknown }).prompt }));
  jobs.register("assemble-request", async () => ({}));
  return jobs;
}

function eventText(response: request.Response, callback: (error: Error | null, body: string) => void) {
  let text = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => (text += chunk));
  response.on("end", () => callback(null, text));
}

describe("jobs over HTTP", () => {
  let harness: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    harness = await startHarness();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await harness.cleanup();
  });
  const app = () => harness.server.app;

  it("queues a generation, streams its steps, and posts a signed webhook when it completes", async () => {
    const hook = receiver.next();
    const queued = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(A)
      .send({ prompt: "generate Sarah walking in the park", webhookUrl: receiver.url })
      .expect(202);
    expect(queued.body).toEqual({
      jobId: expect.stringMatching(/^job_/),
      status: "queued",
      estimatedTime: expect.any(Number),
    });
    expect(queued.body.estimatedTime).toBeGreaterThan(0);
    const { jobId } = queued.body;
    await request(app()).get(`/api/v1/projects/bravo/videos/jobs/${jobId}`).set(B).expect(404);
    await request(app()).get(`/api/v1/projects/alpha/videos/jobs/${jobId}`).set(B).expect(404);

    const stream = await request(app())
      .get(`/api/v1/projects/alpha/videos/jobs/${jobId}/events`)
      .set(A)
      .buffer(true)
      .parse(eventText)
      .expect(200);
    const events = parseEvents(String(stream.body));
    const steps = new Set(
      events
        .filter((item) => item.event === "progress")
        .map((item) => (item.data as { event: { step: string } }).event.step),
    );
    expect([...steps]).toEqual(expect.arrayContaining(["assess", "generate", "verify", "record"]));
    expect(events.at(-1)?.event).toBe("completed");

    const job = (await request(app()).get(`/api/v1/projects/alpha/videos/jobs/${jobId}`).set(A).expect(200)).body;
    expect(job).toMatchObject({ jobId, status: "completed", progress: 1, type: "generate" });
    expect(job.result.videoId).toMatch(/^vid_/);
    expect(job.result.duration).toBeCloseTo(2, 0);

    const received = await hook;
    const signature = String(received.headers[SIGNATURE_HEADER]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(WEBHOOK_SECRET, received.body, signature)).toBe(true);
    expect(verifySignature("another-secret-0123456789", received.body, signature)).toBe(false);
    expect(verifySignature(WEBHOOK_SECRET, received.body.replace("completed", "failed"), signature)).toBe(false);
    const payload = JSON.parse(received.body);
    expect(payload).toMatchObject({ event: "video-job.completed", jobId, projectId: "alpha", status: "completed" });
    expect(received.headers["x-cutroom-event"]).toBe("video-job.completed");

    // The generated take's stored clip becomes a scene through the assemble job.
    const take = (await request(app()).get(`/api/v1/projects/alpha/videos/${job.result.videoId}`).set(A).expect(200))
      .body;
    await request(app())
      .post("/api/v1/projects/bravo/videos/assemble")
      .set(B)
      .send({ clips: [{ clipId: take.mediaId, sequence: 1 }] })
      .expect(404);
    const assembling = await request(app())
      .post("/api/v1/projects/alpha/videos/assemble")
      .set(A)
      .send({
        sceneId: "walk",
        clips: [
          { clipId: take.mediaId, sequence: 1 },
          { clipId: take.mediaId, sequence: 2 },
        ],
        transitions: [{ fromClip: 1, toClip: 2, type: "fade", duration: 0.5 }],
      })
      .expect(202);
    const assembled = await request(app())
      .get(`/api/v1/projects/alpha/videos/jobs/${assembling.body.jobId}/events`)
      .set(A)
      .buffer(true)
      .parse(eventText);
    const last = parseEvents(String(assembled.body)).at(-1)!;
    expect(last.event, JSON.stringify(last.data)).toBe("completed");
    const scene = (last.data as { result: { videoId: string; duration: number } }).result;
    expect(scene.duration).toBeCloseTo(3.5, 0);
    const sceneDetails = await request(app()).get(`/api/v1/projects/alpha/videos/${scene.videoId}`).set(A).expect(200);
    expect(sceneDetails.body).toMatchObject({ type: "scene", projectId: "alpha", metadata: { resolution: "320x180" } });
  });

  it("limits generations per key per hour and says when to come back", async () => {
    const limited = await startHarness({
      env: { CUTROOM_RATE_LIMIT_PER_HOUR: "2" },
      server: {
        jobs: quickRequests(),
      },
    });
    try {
      const generate = (key: Record<string, string>, project: string) =>
        request(limited.server.app)
          .post(`/api/v1/projects/${project}/videos/generate`)
          .set(key)
          .send({ prompt: "generate Sarah walking in the park" });
      expect((await generate(A, "alpha")).headers["ratelimit-remaining"]).toBe("1");
      expect((await generate(A, "alpha")).status).toBe(202);
      const refused = await generate(A, "alpha");
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe("RATE_LIMITED");
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(3500);
      const viaChat = await request(limited.server.app)
        .post("/api/v1/chat")
        .set(A)
        .send({ message: "generate Tom running on the beach" });
      expect(viaChat.status).toBe(429);
      // Each key has its own budget.
      expect((await generate(B, "bravo")).status).toBe(202);
    } finally {
      await limited.cleanup();
    }
  });

  it("retries a failing receiver with backoff and stops on a final answer", async () => {
    const flaky = await startReceiver([500, 503]);
    const refusing = await startReceiver([400]);
    try {
      const sender = new WebhookSender({
        secret: WEBHOOK_SECRET,
        baseDelayMs: 20,
        maxAttempts: 4,
        log: quiet,
        // The receivers listen on loopback, as the server allows when it serves on loopback itself.
        allowPrivate: true,
      });
      const event = {
        event: "video-job.failed" as const,
        jobId: "job_x",
        projectId: "alpha",
        status: "failed" as const,
        result: null,
        error: { code: "MEDIA", message: "no frames" },
      };
      const started = Date.now();
      const outcome = await sender.send(flaky.url, event);
      expect(outcome).toMatchObject({ delivered: true, attempts: 3, lastStatus: 200 });
      // Backoff doubles: 20 ms, then 40 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(60);
      expect(flaky.received).toHaveLength(3);
      const ids = new Set(flaky.received.map((hook) => hook.headers["x-cutroom-delivery"]));
      expect(ids.size).toBe(1);
      for (const hook of flaky.received) {
        expect(verifySignature(WEBHOOK_SECRET, hook.body, String(hook.headers[SIGNATURE_HEADER]))).toBe(true);
      }
      const final = await sender.send(refusing.url, event);
      expect(final).toMatchObject({ delivered: false, attempts: 1, lastStatus: 400 });
      const unreachable = await sender.send("http://127.0.0.1:9/hooks", event);
      expect(unreachable).toMatchObject({ delivered: false, attempts: 4, lastStatus: null });
    } finally {
      await flaky.close();
      await refusing.close();
    }
  });

  it("refuses webhooks into private networks unless serving on loopback", async () => {
    const strict = await startHarness({ server: { allowPrivateWebhooks: false } });
    try {
      const refused = await request(strict.server.app)
        .post("/api/v1/projects/alpha/videos/generate")
        .set(A)
        .send({ prompt: "generate Sarah walking in the park", webhookUrl: "http://169.254.169.254/latest" })
        .expect(400);
      expect(refused.body.error).toMatchObject({ code: "UNSAFE_URL", fields: { webhookUrl: expect.any(String) } });
    } finally {
      await strict.cleanup();
    }
  });
});
