/**
 * Bring-your-own references over HTTP: an uploaded photo becomes the character's reference with no EXIF
 * left in the stored bytes; every refused upload (too large, not an image, too small) stores nothing; and
 * another project's key can neither list nor detach them.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };
const SARAH = "/api/v1/projects/alpha/characters/Sarah/references";

const image = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } });

async function storedFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe("references uploaded over HTTP", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;
  const runtime = () => harness.server.context.runtime;
  const snapshot = async () => ({
    records: (await runtime().media.listByProject("alpha")).map((record) => record.id).sort(),
    files: (await storedFiles(join(harness.dataDir, "store"))).sort(),
  });

  let uploaded: { id: string; mediaId: string };

  it("stores an uploaded JPEG without its EXIF and lists it as uploaded", async () => {
    const photo = await image(400, 500)
      .withExif({ IFD0: { Copyright: "secret-owner", Artist: "someone" } })
      .jpeg({ quality: 90 })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const created = await request(app()).post(SARAH).set(A).set("Content-Type", "image/jpeg").send(photo).expect(201);
    expect(created.headers.location).toBe(SARAH);
    expect(created.body).toMatchObject({
      owner: "character",
      name: "Sarah",
      reference: { kind: "character-master", source: "uploaded", madeBy: "upload" },
      detached: [],
    });
    uploaded = created.body.reference;

    const listed = await request(app()).get(SARAH).set(A).expect(200);
    expect(listed.body.references).toEqual([expect.objectContaining({ id: uploaded.id, source: "uploaded" })]);

    const record = await runtime().media.get(uploaded.mediaId);
    const path = await runtime().store.localPath(record!.key, runtime().scratchDir);
    const metadata = await sharp(path).metadata();
    expect(metadata.format).toBe("png");
    expect(metadata.exif).toBeUndefined();
    const facts = await request(app()).get("/api/v1/projects/alpha/characters/Sarah").set(A).expect(200);
    expect(facts.body.references).toBe(1);
  });

  it("refuses a body over 20 MB, a text file sent as a PNG and a 50x50 PNG, storing nothing", async () => {
    const before = await snapshot();
    const huge = Buffer.alloc(30 * 1024 * 1024, 1);
    const tooLarge = await request(app()).post(SARAH).set(A).set("Content-Type", "image/png").send(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", fields: { image: expect.any(String) } });

    const text = await request(app())
      .post(SARAH)
      .set(A)
      .set("Content-Type", "image/png")
      .send(Buffer.from("a text file, renamed photo.png"))
      .expect(400);
    expect(text.body.error).toMatchObject({ code: "INVALID_INPUT", fields: { image: expect.any(String) } });
    expect(text.body.error.message).toMatch(/^image: not a PNG, JPEG or WebP/);

    const small = await image(50, 50).png().toBuffer();
    const tiny = await request(app()).post(SARAH).set(A).set("Content-Type", "image/png").send(small).expect(400);
    expect(tiny.body.error.message).toContain("50x50 is too small");

    const json = await request(app()).post(SARAH).set(A).send({ image: "x" }).expect(415);
    expect(json.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const empty = await request(app()).post(SARAH).set(A).set("Content-Type", "image/png").expect(400);
    expect(empty.body.error.fields).toHaveProperty("image");

    expect(await snapshot()).toEqual(before);
    const listed = await request(app()).get(SARAH).set(A).expect(200);
    expect(listed.body.references).toHaveLength(1);
  });

  it("replaces with ?replace=true and takes a location's plate as WebP", async () => {
    const next = await image(300, 300).png().toBuffer();
    const replaced = await request(app())
      .post(`${SARAH}?replace=true`)
      .set(A)
      .set("Content-Type", "application/octet-stream")
      .send(next)
      .expect(201);
    expect(replaced.body.detached).toEqual([uploaded.id]);
    const listed = await request(app()).get(SARAH).set(A).expect(200);
    expect(listed.body.references.map((item: { id: string }) => item.id)).toEqual([replaced.body.reference.id]);
    uploaded = replaced.body.reference;
    await request(app()).post(`${SARAH}?replace=maybe`).set(A).set("Content-Type", "image/png").send(next).expect(400);

    const plate = await image(640, 360).webp().toBuffer();
    const park = await request(app())
      .post("/api/v1/projects/alpha/locations/park/references")
      .set(A)
      .set("Content-Type", "image/webp")
      .send(plate)
      .expect(201);
    expect(park.body.reference.kind).toBe("location-master");
  });

  it("keeps another project's key out: it cannot upload to, list or detach alpha's references", async () => {
    const photo = await image(300, 300).png().toBuffer();
    const before = await snapshot();
    await request(app()).post(SARAH).set(B).set("Content-Type", "image/png").send(photo).expect(404);
    const foreignList = await request(app()).get(SARAH).set(B).expect(404);
    const missingList = await request(app()).get("/api/v1/projects/bravo/characters/Sarah/references").set(B);
    expect(missingList.status).toBe(404);
    expect(foreignList.body.error.code).toBe(missingList.body.error.code);
    await request(app()).delete(`${SARAH}/${uploaded.id}`).set(B).expect(404);
    await request(app()).delete(`/api/v1/projects/bravo/characters/Sarah/references/${uploaded.id}`).set(B).expect(404);
    expect(await snapshot()).toEqual(before);
    expect((await request(app()).get(SARAH).set(A).expect(200)).body.references).toHaveLength(1);
  });

  it("detaches by reference id, then answers 404 for it", async () => {
    const detached = await request(app()).delete(`${SARAH}/${uploaded.id}`).set(A).expect(200);
    expect(detached.body.detached).toMatchObject({ id: uploaded.id, source: "uploaded" });
    expect((await request(app()).get(SARAH).set(A).expect(200)).body.references).toEqual([]);
    await request(app()).delete(`${SARAH}/${uploaded.id}`).set(A).expect(404);
    await request(app()).delete(`${SARAH}/ref_unknown`).set(A).expect(404);
  });

  it("documents the three routes with their image body", async () => {
    const document = (await request(app()).get("/api/openapi.json").expect(200)).body;
    const path = document.paths["/api/v1/projects/{projectId}/characters/{name}/references"];
    expect(Object.keys(path.post.requestBody.content)).toEqual(
      expect.arrayContaining(["image/png", "image/jpeg", "image/webp", "application/octet-stream"]),
    );
    expect(path.post.parameters.map((item: { name: string }) => item.name)).toContain("replace");
    expect(Object.keys(path.post.responses)).toEqual(expect.arrayContaining(["201", "400", "404", "413", "415"]));
    expect(path.get).toBeDefined();
    expect(
      document.paths["/api/v1/projects/{projectId}/locations/{name}/references/{referenceId}"].delete,
    ).toBeDefined();
  });
});
