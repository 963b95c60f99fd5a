/**
 * Captions over HTTP: the generate route's parameters.captions, the take's caption links in the job's
 * result and the video's details, and the WebVTT and SRT files served with their content types.
 */
import request from "supertest";
import { parseSync } from "subtitle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebVTTParser } from "webvtt-parser";
import { finishedJob, KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };
const SCENE = 'a 10 second scene in the park: Sarah says "hi there", then Tom says "good morning"';

interface JobView {
  status: string;
  error?: { message: string };
  result: {
    videoId: string;
    captions: { language: string; cueCount: number; burnedIn: boolean; vtt: string; srt: string } | null;
  };
}

describe("captions over the API", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  it("refuses a captions choice it does not know, naming the field", async () => {
    const refused = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(A)
      .send({ prompt: SCENE, parameters: { captions: "subtitles" } })
      .expect(400);
    expect(refused.body.error.fields).toHaveProperty(["parameters.captions"]);
  });

  it("makes a scene's captions and serves them as WebVTT and SRT, to its own project only", async () => {
    const queued = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(A)
      .send({ prompt: SCENE, parameters: { captions: "files" } })
      .expect(202);
    const job = await finishedJob<JobView>(app(), A, queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    const { videoId, captions } = job.result;
    expect(captions).toMatchObject({ language: "en", cueCount: 2, burnedIn: false });
    expect(captions!.vtt).toBe(`/api/v1/projects/alpha/videos/${videoId}/captions.vtt`);

    const vtt = await request(app()).get(captions!.vtt).set(A).expect(200);
    expect(vtt.headers["content-type"]).toMatch(/^text\/vtt/);
    const tree = new WebVTTParser().parse(vtt.text, "subtitles");
    expect(tree.errors).toEqual([]);
    expect(tree.cues.map((cue: { text: string }) => cue.text)).toEqual(["Sarah: hi there", "Tom: good morning"]);

    const srt = await request(app()).get(captions!.srt).set(A).expect(200);
    expect(srt.headers["content-type"]).toMatch(/^application\/x-subrip/);
    const cues = parseSync(srt.text).filter((node) => node.type === "cue");
    expect(cues.map((node) => (node.data as { text: string }).text)).toEqual(["Sarah: hi there", "Tom: good morning"]);

    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${videoId}`).set(A).expect(200);
    expect(details.body.captions).toEqual(captions);
    // Another project's key finds nothing there, as for the video itself.
    await request(app()).get(`/api/v1/projects/bravo/videos/${videoId}/captions.vtt`).set(B).expect(404);
    await request(app()).get(captions!.vtt).set(B).expect(404);
  });

  it("links a chat turn's captions through their routes, never by a server path", async () => {
    const turn = await request(app()).post("/api/v1/chat").set(A).send({ message: SCENE }).expect(200);
    const videoId = turn.body.videoId as string;
    expect(turn.body.captions).toMatchObject({
      cueCount: 2,
      srt: { path: null, url: `/api/v1/projects/alpha/videos/${videoId}/captions.srt` },
      vtt: { path: null, url: `/api/v1/projects/alpha/videos/${videoId}/captions.vtt` },
    });
    expect(JSON.stringify(turn.body)).not.toContain(harness.dataDir);
    const vtt = await request(app()).get(turn.body.captions.vtt.url).set(A).expect(200);
    expect(vtt.text).toMatch(/^WEBVTT/);
  });

  it("burns them into the picture when asked, still serving the files", async () => {
    const queued = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(A)
      .send({ prompt: SCENE, parameters: { captions: "burn", aspectRatio: "9:16" } })
      .expect(202);
    const job = await finishedJob<JobView>(app(), A, queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    expect(job.result.captions).toMatchObject({ cueCount: 2, burnedIn: true });
    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${job.result.videoId}`).set(A).expect(200);
    const [width, height] = (details.body.metadata.resolution as string).split("x").map(Number);
    expect(height).toBeGreaterThan(width!);
    await request(app()).get(job.result.captions!.srt).set(A).expect(200);
  });

  it("answers 404 for a video without captions", async () => {
    const queued = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(A)
      .send({ prompt: "Sarah walks in the park", parameters: { quality: "draft", captions: "none" } })
      .expect(202);
    const job = await finishedJob<JobView>(app(), A, queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    expect(job.result.captions).toBeNull();
    const missing = await request(app())
      .get(`/api/v1/projects/alpha/videos/${job.result.videoId}/captions.vtt`)
      .set(A)
      .expect(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
  });
});
