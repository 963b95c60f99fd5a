/**
 * The generate route with a paid video model (FAL, the wire-level fake): a location's master reference,
 * drawn by the local renderer, is never what the model animates. Asked for through references.location the
 * clip is made from the prompt instead; named as an input image it is refused, naming the field.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAL_DEFAULT_MODELS } from "../../src/config.js";
import { DRAWINGS_WITHHELD_REASON } from "../../src/departments/video/policy.js";
import { isLocalDrawing } from "../../src/tools/context.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { renderTestClip } from "../fakes/media.js";
import { finishedJob, KEY_A, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const FAL_KEY = "fal-route-key-8d0b";

interface JobView {
  status: string;
  error?: { message: string };
  result: { videoId: string; report: { outputs: Array<{ specialist: string; output: Record<string, unknown> }> } };
}

describe("POST /videos/generate with a paid video model", () => {
  let directory: string;
  let fal: FakeFal;
  let harness: Harness;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-route-paid-"));
    fal = await startFakeFal({ apiKey: FAL_KEY, video: await renderTestClip(directory, 5) });
    harness = await startHarness({
      // A paid video model with images kept on the local renderer: its references are drawings.
      env: {
        FAL_KEY,
        FAL_BASE_URL: fal.url,
        CUTROOM_FAL_POLL_MS: "20",
        CUTROOM_CONFIRM_ABOVE_USD: "1000",
        CUTROOM_IMAGES: "local",
      },
    });
  });
  afterAll(async () => {
    await harness.cleanup();
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });
  const app = () => harness.server.app;

  const finished = (jobId: string) => finishedJob<JobView>(app(), A, jobId);

  const generate = (body: Record<string, unknown>) =>
    request(app()).post("/api/v1/projects/alpha/videos/generate").set(A).send(body);

  it("makes image-to-video with references.location from the prompt, sending no drawing", async () => {
    const queued = await generate({
      method: "image-to-video",
      input: { prompt: "a quiet park at dawn" },
      parameters: { duration: 3, quality: "draft" },
      references: { location: "Park" },
    }).expect(202);
    const job = await finished(queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    const generated = job.result.report.outputs.find((output) => output.specialist === "video-generator")!;
    expect(generated.output.method).toBe("text-to-video");
    expect(String(generated.output.methodReason)).toContain(DRAWINGS_WITHHELD_REASON);
    expect(fal.uploads).toEqual([]);
    expect(fal.submissions.map((submission) => submission.model)).toEqual([FAL_DEFAULT_MODELS["text-to-video"]]);
  });

  it("makes the clip with parameters.model, its own fields and lengths, and refuses a model it does not know", async () => {
    fal.submissions.length = 0;
    const queued = await generate({
      prompt: "a quiet park at dawn",
      parameters: { duration: 5, quality: "draft", model: "fal-ai/veo3.1" },
    }).expect(202);
    const job = await finished(queued.body.jobId);
    expect(job.status, job.error?.message).toBe("completed");
    expect(fal.submissions.map((submission) => submission.model)).toEqual(["fal-ai/veo3.1"]);
    expect(fal.submissions[0]!.body).toMatchObject({ duration: "6s" });
    const unknown = await generate({ prompt: "a quiet park at dawn", parameters: { model: "acme/nothing" } }).expect(
      400,
    );
    expect(JSON.stringify(unknown.body)).toContain("parameters.model: unknown video model");
  });

  it("refuses a drawing named as an input image, naming the field, before anything is queued", async () => {
    const media = await harness.server.context.runtime.media.listByProject("alpha");
    const drawing = media.find((record) => record.kind === "image" && isLocalDrawing(record));
    expect(drawing).toBeDefined();
    const submitted = fal.submissions.length;
    for (const [method, field] of [
      ["image-to-video", "sourceImage"],
      ["composite-to-video", "compositeImage"],
    ] as const) {
      const refused = await generate({ method, input: { prompt: "the park at dawn", [field]: drawing!.id } }).expect(
        400,
      );
      expect(refused.body.error.code).toBe("INVALID_INPUT");
      expect(refused.body.error.message).toContain("drawn by the local renderer; a paid model is never sent a drawing");
      expect(refused.body.error.fields).toHaveProperty([`input.${field}`]);
    }
    expect(fal.submissions.length).toBe(submitted);
    expect(fal.uploads).toEqual([]);
  });
});
