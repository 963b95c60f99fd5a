/**
 * Two API keys for two projects over one server and one Brain: each project's "Sarah" is its own
 * character, drawn from its own reference images, and a take or character of the other project answers
 * exactly like a missing one, through the tools route and the character route alike.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };

describe("the Brain per project over HTTP", () => {
  let harness: Harness;
  let bravoTake: string;
  let alphaTake: string;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;
  const why = (headers: Record<string, string>, takeId: string) =>
    request(app()).post("/api/v1/tools/brain_why").set(headers).send({ arguments: { takeId } });

  it("answers another project's take and character as not found", async () => {
    const turn = await request(app())
      .post("/api/v1/chat")
      .set(B)
      .send({ message: "generate Sarah walking in the park" })
      .expect(200);
    bravoTake = turn.body.videoId;
    expect(bravoTake).toMatch(/^vid_/);
    const own = await why(B, bravoTake).expect(200);
    expect(own.body.result).toMatchObject({ takeId: bravoTake, characters: [{ name: "Sarah" }] });

    const foreign = await why(A, bravoTake).expect(404);
    const missing = await why(A, "vid_doesnotexist").expect(404);
    expect(foreign.body.error.code).toBe(missing.body.error.code);
    const leaked = JSON.stringify(foreign.body);
    for (const secret of [own.body.result.prompt, own.body.result.request.text, own.body.result.request.threadId])
      expect(leaked).not.toContain(secret);
    expect(leaked).not.toContain(own.body.result.media.objectKey);

    await request(app()).get("/api/v1/projects/alpha/characters/Sarah").set(A).expect(404);
    await request(app()).get(`/api/v1/projects/alpha/videos/${bravoTake}`).set(A).expect(404);
    const bravoSarah = await request(app()).get("/api/v1/projects/bravo/characters/Sarah").set(B).expect(200);
    expect(bravoSarah.body.takes.map((take: { id: string }) => take.id)).toEqual([bravoTake]);
  });

  it("makes the other project's Sarah its own character, from its own images, verified in its project", async () => {
    const turn = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ message: "generate Sarah walking in the park" })
      .expect(200);
    alphaTake = turn.body.videoId;
    const runtime = harness.server.context.runtime;
    const alpha = (await runtime.brain.forProject("alpha").why(alphaTake))!;
    const bravo = (await runtime.brain.forProject("bravo").why(bravoTake))!;
    expect(alpha.characters[0]!.name).toBe("Sarah");
    expect(alpha.characters[0]!.id).not.toBe(bravo.characters[0]!.id);
    const alphaImages = alpha.references.map((reference) => reference.mediaId);
    expect(alphaImages.length).toBeGreaterThan(0);
    for (const mediaId of alphaImages) {
      expect(bravo.references.map((reference) => reference.mediaId)).not.toContain(mediaId);
      expect((await runtime.media.get(mediaId))?.projectId).toBe("alpha");
    }

    const verified = await request(app())
      .post("/api/v1/projects/alpha/videos/verify")
      .set(A)
      .send({ videoId: alphaTake })
      .expect(200);
    expect(verified.body.checks.map((check: { type: string }) => check.type)).toContain("character-consistency");

    const alphaSarah = await request(app()).get("/api/v1/projects/alpha/characters/Sarah").set(A).expect(200);
    expect(alphaSarah.body).toMatchObject({ id: alpha.characters[0]!.id, takes: [{ id: alphaTake }] });
    await why(B, alphaTake).expect(404);
    await why(A, alphaTake).expect(200);
  });
});
