/**
 * The generate route with the design's GenerateVideoRequest: a fixed method, the images it starts from,
 * the length, references and quality level, checked against the caller's project before anything is queued.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishedJob, KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };

interface JobView {
  status: string;
  error?: { message: string };
  result: {
    videoId: string;
    duration: number;
    grade: { threshold: number; passed: boolean };
    report: { summary: { clipsTotal: number } };
  };
}

describe("POST /videos/generate with the design's request shape", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  const finished = (jobId: string) => finishedJob<JobView>(app(), A, jobId);

  function generate(body: Record<string, unknown>, headers = A, project = "alpha") {
    return request(app()).post(`/api/v1/projects/${project}/videos/generate`).set(headers).send(body);
  }

  it("makes one clip with the fixed method, length and references, and a draft is made once", async () => {
    const queued = await generate({
      method: "image-to-video",
      input: { prompt: "Sarah waves" },
      parameters: { duration: 3, quality: "draft", aspectRatio: "16:9" },
      references: { location: "Beach" },
    }).expect(202);
    const job = await finished(queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    expect(job.result.duration).toBeCloseTo(3, 1);
    expect(job.result.report.summary.clipsTotal).toBe(1);
    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${job.result.videoId}`).set(A).expect(200);
    expect(details.body.metadata.method).toBe("image-to-video");
    const take = await harness.server.context.runtime.brain.forProject("alpha").getTake(job.result.videoId);
    expect(take?.location?.name).toBe("beach");
    expect(take?.characters.map((character) => character.name)).toContain("Sarah");
    // A draft is never made again automatically, whatever its grade.
    const takes = await harness.server.context.runtime.brain.forProject("alpha").requestTakes(take!.video.requestId);
    expect(takes?.takes).toHaveLength(1);
  });

  it("starts from the caller's own stored images, and refuses anyone else's or a non-image", async () => {
    const media = await harness.server.context.runtime.media.listByProject("alpha");
    const images = media.filter((record) => record.kind === "image" && record.status === "live");
    const video = media.find((record) => record.kind === "video" && record.status === "live")!;
    expect(images.length).toBeGreaterThanOrEqual(2);
    const frames = { firstFrame: images[0]!.id, lastFrame: images[1]!.id };

    // Another project's key cannot use alpha's images.
    await generate({ method: "first-last-frame", input: { prompt: "Sarah waves", ...frames } }, B, "bravo").expect(404);
    const notImage = await generate({ input: { prompt: "Sarah waves", sourceImage: video.id } }).expect(400);
    expect(notImage.body.error.fields).toHaveProperty(["input.sourceImage"]);

    // Images alone say the method: a first and a last frame mean first-last-frame.
    const queued = await generate({ input: { prompt: "Sarah waves on the beach", ...frames } }).expect(202);
    const job = await finished(queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${job.result.videoId}`).set(A).expect(200);
    expect(details.body.metadata.method).toBe("first-last-frame");
  });

  it("names the field when the request cannot be made", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ method: "first-last-frame", input: { prompt: "Sarah waves", firstFrame: "med_x1" } }, "input.lastFrame"],
      [{ method: "image-to-video", input: { prompt: "Sarah waves" } }, "input.sourceImage"],
      [{ method: "text-to-video", input: { prompt: "Sarah waves", sourceImage: "med_x1" } }, "input.sourceImage"],
      [{ prompt: "Sarah waves", input: { prompt: "Sarah waves" } }, "input.prompt"],
      [{ method: "text-to-video" }, "prompt"],
      [{ prompt: "Sarah waves", parameters: { duration: 12 } }, "parameters.duration"],
      [{ prompt: "Sarah waves", parameters: { quality: "ultra" } }, "parameters.quality"],
      [{ prompt: "Sarah waves", references: { character: "Sarah; DROP" } }, "references.character"],
      [{ prompt: "Sarah waves", parameters: { aspectRatio: "4:3" } }, "parameters.aspectRatio"],
      [{ prompt: "Sarah waves", style: "noir" }, "style"],
    ];
    for (const [body, field] of cases) {
      const refused = await generate(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe("INVALID_INPUT");
      expect(Object.keys(refused.body.error.fields ?? {}), JSON.stringify(refused.body)).toContain(field);
    }
  });
});
