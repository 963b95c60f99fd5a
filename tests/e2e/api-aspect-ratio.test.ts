/**
 * The generate route's parameters.aspectRatio: a shape per request (16:9, 9:16 or 1:1) at the server's
 * short side, rendered, assembled and verified at that size; anything else is a 400 naming the field.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../src/media/runner.js";
import { finishedJob, KEY_A, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };

interface JobView {
  status: string;
  error?: { message: string };
  result: {
    videoId: string;
    mediaId: string;
    quality: { passed: boolean; checks: Array<{ type: string; passed: boolean; details: string }> };
  };
}

describe("POST /videos/generate with parameters.aspectRatio", () => {
  let harness: Harness;
  beforeAll(async () => {
    // The default frame size, so a vertical request is 720x1280.
    harness = await startHarness({ env: { CUTROOM_RESOLUTION: "1280x720" } });
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  it("makes a 9:16 request a 720x1280 take, measured at that size", async () => {
    const queued = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(A)
      .send({ prompt: "Sarah waving on the beach", parameters: { aspectRatio: "9:16", quality: "draft" } })
      .expect(202);
    const job = await finishedJob<JobView>(app(), A, queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${job.result.videoId}`).set(A).expect(200);
    expect(details.body.metadata.resolution).toBe("720x1280");
    const take = await harness.server.context.runtime.brain.forProject("alpha").getTake(job.result.videoId);
    const record = await harness.server.context.runtime.media.get(take!.video.mediaId);
    const path = await harness.server.context.runtime.store.localPath(record!.key, harness.dataDir);
    const probed = await probe(path);
    expect({ width: probed.width, height: probed.height }).toEqual({ width: 720, height: 1280 });
    const resolution = job.result.quality.checks.find((check) => check.type === "resolution")!;
    expect(resolution).toMatchObject({ passed: true });
    expect(resolution.details).toMatch(/720x1280/);
    // Verified again later, the take is measured at the size it was made.
    const verified = await request(app())
      .post("/api/v1/projects/alpha/videos/verify")
      .set(A)
      .send({ videoId: job.result.videoId, checkTypes: ["resolution"] })
      .expect(200);
    expect(JSON.stringify(verified.body)).toMatch(/720x1280/);
    expect(verified.body.checks[0]).toMatchObject({ type: "resolution", passed: true });
    // Assembled through the API, vertical clips make a vertical scene.
    const assembling = await request(app())
      .post("/api/v1/projects/alpha/videos/assemble")
      .set(A)
      .send({ clips: [{ clipId: job.result.mediaId, sequence: 1 }] })
      .expect(202);
    const assembled = await finishedJob<{ status: string; error?: { message: string }; result: { videoId: string } }>(
      app(),
      A,
      assembling.body.jobId,
    );
    expect(assembled.status, assembled.error?.message).toBe("completed");
    const scene = await request(app())
      .get(`/api/v1/projects/alpha/videos/${assembled.result.videoId}`)
      .set(A)
      .expect(200);
    expect(scene.body.metadata.resolution).toBe("720x1280");
  });

  it("refuses another shape with a 400 naming parameters.aspectRatio, and describes the three", async () => {
    for (const aspectRatio of ["4:3", "21:9", "vertical"]) {
      const refused = await request(app())
        .post("/api/v1/projects/alpha/videos/generate")
        .set(A)
        .send({ prompt: "Sarah waving on the beach", parameters: { aspectRatio } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("INVALID_INPUT");
      expect(refused.body.error.fields).toHaveProperty(["parameters.aspectRatio"]);
      expect(refused.body.error.message).toMatch(/parameters\.aspectRatio: one of 16:9, 9:16, 1:1/);
    }
    const openapi = await request(app()).get("/api/openapi.json").set(A);
    expect(JSON.stringify(openapi.body)).toContain('"enum":["16:9","9:16","1:1"]');
  });
});
