/**
 * The routes the page's studio reads, over HTTP: a request's plan before anything is spent, a chat
 * request made from an edited plan (and one refused for breaking the scene's rules), a take's recorded
 * plan, and a reference's image; each only in the key's project.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };

interface PlannedShot {
  index: number;
  start: number;
  duration: number;
  continuesFrom: number | null;
}
interface Preview {
  kind: string;
  shots: unknown[];
  plan: { totalDuration: number; shots: PlannedShot[]; transitions: unknown[] };
}

describe("the studio's routes", () => {
  let harness: Harness;
  const app = () => harness.server.app;
  const words = "generate a 15 second video of Sarah walking in the park";

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness?.cleanup());

  it("previews a request, makes it from an edited plan, and records that plan", async () => {
    const preview = await request(app())
      .post("/api/v1/projects/alpha/plans/preview")
      .set(A)
      .send({ message: words })
      .expect(200);
    const shown = preview.body as Preview;
    expect(shown.kind).toBe("scene");
    expect(shown.plan.shots).toHaveLength(3);
    expect(JSON.stringify(shown)).not.toContain(harness.dataDir);
    await request(app()).post("/api/v1/projects/bravo/plans/preview").set(A).send({ message: words }).expect(404);
    const empty = await request(app()).post("/api/v1/projects/alpha/plans/preview").set(A).send({ message: " " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields).toHaveProperty("message");

    // Two shots only, 8 s and 7 s: the first is longer than the local renderer makes, so it is refused.
    const [first, second] = shown.plan.shots;
    const twoShots = (lengths: [number, number]) => ({
      ...shown.plan,
      totalDuration: lengths[0] + lengths[1],
      shots: [
        { ...first!, index: 1, start: 0, duration: lengths[0], continuesFrom: null },
        { ...second!, index: 2, start: lengths[0], duration: lengths[1], continuesFrom: null },
      ],
      transitions: [{ fromShot: 1, toShot: 2, type: "cut", duration: 0 }],
      dialogue: [],
      music: null,
      sfx: [],
    });
    const refused = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ message: words, plan: twoShots([8, 7]) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.plan).toMatch(/shot 1 needs a 8\.00 s clip/);

    const made = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ message: words, plan: twoShots([6, 4]) })
      .expect(200);
    expect(made.body.status).toBe("awaiting-choice");
    const videoId = made.body.videoId as string;
    const plan = await request(app()).get(`/api/v1/projects/alpha/videos/${videoId}/plan`).set(A).expect(200);
    expect(plan.body.shots.map((shot: { durationSeconds: number }) => shot.durationSeconds)).toEqual([6, 4]);
    expect(plan.body.totalDurationSeconds).toBeCloseTo(10, 1);
    await request(app()).get(`/api/v1/projects/alpha/videos/${videoId}/plan`).set(B).expect(404);
    await request(app()).get(`/api/v1/projects/bravo/videos/${videoId}/plan`).set(B).expect(404);

    // A plan goes with a request, never with a choice.
    const withChoice = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ threadId: made.body.threadId, choice: "regenerate", plan: twoShots([6, 4]) });
    expect(withChoice.status).toBe(400);
    expect(withChoice.body.error.fields).toHaveProperty("plan");

    // The references the take was made with are served as images, in their project only.
    const listed = await request(app()).get("/api/v1/projects/alpha/characters/Sarah/references").set(A).expect(200);
    const referenceId = listed.body.references[0].id as string;
    const image = await request(app())
      .get(`/api/v1/projects/alpha/characters/Sarah/references/${referenceId}/image`)
      .set(A)
      .expect(200);
    expect(image.headers["content-type"]).toMatch(/^image\/(png|jpeg|webp)/);
    expect((image.body as Buffer).length).toBeGreaterThan(100);
    await request(app())
      .get(`/api/v1/projects/bravo/characters/Sarah/references/${referenceId}/image`)
      .set(B)
      .expect(404);
    await request(app()).get("/api/v1/projects/alpha/characters/Sarah/references/ref_nothing/image").set(A).expect(404);
  });
});
