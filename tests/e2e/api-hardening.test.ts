/**
 * The HTTP surface keeps server paths to itself and answers every malformed request with a 4xx in the
 * API's error shape: stored videos by API URL, tool and job results and errors redacted, LUTs only
 * from the project's store or the LUT directory, bad encodings, ranges and methods refused cleanly.
 */
import { once } from "node:events";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaRecord } from "../../src/storage/types.js";
import { KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };
const SECRET_LINE = "TOP-SECRET-LINE do not show 0123456789";

/** A valid 2×2×2 identity-ish .cube. */
function cubeText(): string {
  const rows: string[] = [];
  for (let b = 0; b < 2; b++) for (let g = 0; g < 2; g++) for (let r = 0; r < 2; r++) rows.push(`${r} ${g} ${b}`);
  return `TITLE "test"\nLUT_3D_SIZE 2\n${rows.join("\n")}\n`;
}

/** Stores a file of the harness runtime as a media record of the project, without any tool. */
async function storeRaw(
  harness: Harness,
  input: { projectId: string; kind: MediaRecord["kind"]; name: string; text: string },
): Promise<string> {
  const { runtime } = harness.server.context;
  const source = join(harness.dataDir, `upload-${input.name}`);
  await writeFile(source, input.text);
  const id = `med_${input.projectId}_${input.name.replace(/\W/g, "")}`;
  const key = `projects/${input.projectId}/uploads/${input.name}`;
  const stored = await runtime.store.put(key, source, { contentType: "application/octet-stream", metadata: {} });
  const now = new Date().toISOString();
  await runtime.media.insert({
    id,
    projectId: input.projectId,
    kind: input.kind,
    key,
    url: stored.url,
    status: "live",
    durationSeconds: null,
    fps: null,
    width: null,
    height: null,
    generation: {},
    qualityScore: null,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

/** A POST with exact body bytes, through a real listening socket. */
async function rawPost(
  app: Harness["server"]["app"],
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const listener = app.listen(0, "127.0.0.1");
  await once(listener, "listening");
  try {
    const { port } = listener.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers, body });
    return { status: response.status, text: await response.text() };
  } finally {
    listener.close();
  }
}

function expectNoServerPaths(body: unknown, harness: Harness, lutDir?: string): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain(harness.dataDir);
  expect(text).not.toContain("file://");
  expect(text).not.toContain(tmpdir());
  if (lutDir) expect(text).not.toContain(lutDir);
}

describe("HTTP hardening", () => {
  let harness: Harness;
  let lutDir: string;
  let outside: string;
  let clipId: string;
  beforeAll(async () => {
    lutDir = await mkdtemp(join(tmpdir(), "cutroom-luts-"));
    outside = await mkdtemp(join(tmpdir(), "cutroom-outside-"));
    await writeFile(join(lutDir, "warm.cube"), cubeText());
    await writeFile(join(lutDir, "secret.cube"), `${SECRET_LINE}\n`);
    await writeFile(join(outside, "elsewhere.cube"), cubeText());
    await symlink(join(outside, "elsewhere.cube"), join(lutDir, "escape.cube"));
    harness = await startHarness({ env: { CUTROOM_LUT_DIR: lutDir } });
  });
  afterAll(async () => {
    await harness.cleanup();
    await rm(lutDir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  const app = () => harness.server.app;
  const applyLut = (lut: string) =>
    request(app())
      .post("/api/v1/tools/apply_post_processing")
      .set(A)
      .send({ arguments: { clipId, options: { lut } } });

  it("returns saved media with API URLs, never store paths", async () => {
    const generated = await request(app())
      .post("/api/v1/tools/generate_text_to_video")
      .set(A)
      .send({ arguments: { prompt: "a cat walking in the park", durationSeconds: 1 } })
      .expect(200);
    const saved = await request(app())
      .post("/api/v1/tools/save_video")
      .set(A)
      .send({ takeId: generated.body.takeId, arguments: { clipId: generated.body.result.clipId } })
      .expect(200);
    clipId = saved.body.result.mediaId;
    expect(saved.body.result).toMatchObject({
      url: `/api/v1/projects/alpha/videos/${clipId}/file`,
      path: null,
      key: expect.stringMatching(/^projects\/alpha\//),
    });
    expectNoServerPaths(saved.body, harness);

    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${clipId}`).set(A).expect(200);
    expect(details.body.storeUrl).toBe(`/api/v1/projects/alpha/videos/${clipId}/file`);
    expectNoServerPaths(details.body, harness);
    await request(app()).get(details.body.storeUrl).set(A).expect(200);
  });

  it("redacts server paths from tool errors and job errors", async () => {
    const broken = await storeRaw(harness, {
      projectId: "alpha",
      kind: "video",
      name: "broken.mp4",
      text: "not a video",
    });
    const failed = await request(app())
      .post("/api/v1/tools/retrieve_clips")
      .set(A)
      .send({ arguments: { clipIds: [broken] } });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(failed.status).toBeLessThan(500);
    expect(failed.body.error.code).toBe("MEDIA");
    expect(failed.body.error.message).toContain("<");
    expectNoServerPaths(failed.body, harness);

    const queued = await request(app())
      .post("/api/v1/projects/alpha/videos/assemble")
      .set(A)
      .send({ clips: [{ clipId: broken, sequence: 1 }] })
      .expect(202);
    let job = (await request(app()).get(`/api/v1/projects/alpha/videos/jobs/${queued.body.jobId}`).set(A)).body;
    for (let tries = 0; tries < 200 && job.status !== "failed" && job.status !== "completed"; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await request(app()).get(`/api/v1/projects/alpha/videos/jobs/${queued.body.jobId}`).set(A)).body;
    }
    expect(job.status).toBe("failed");
    expect(job.error.message.length).toBeGreaterThan(0);
    expectNoServerPaths(job, harness);
  });

  it("refuses a LUT path over the tool route without reading or quoting it", async () => {
    for (const lut of ["/etc/passwd", "../secret.cube", "/tmp/x.cube", "luts/warm.cube", "warm.CUBE.txt"]) {
      const answer = await applyLut(lut).expect(400);
      expect(answer.body.error.code).toBe("INVALID_INPUT");
      expect(Object.keys(answer.body.error.fields)).toEqual(["arguments.options.lut"]);
      expect(JSON.stringify(answer.body)).not.toMatch(/root:/);
    }
    for (const lut of ["secret.cube", "escape.cube", "missing.cube"]) {
      const answer = await applyLut(lut).expect(400);
      expect(answer.body.error.fields).toHaveProperty(["options.lut"]);
      expect(answer.body.error.message).toContain(lut);
      expect(JSON.stringify(answer.body)).not.toContain("TOP-SECRET");
      expectNoServerPaths(answer.body, harness, lutDir);
    }
  });

  it("applies a LUT from the LUT directory or from the project's store, and no other project's", async () => {
    const fromDir = await applyLut("warm.cube").expect(200);
    expect(fromDir.body.result.clipId).toMatch(/^graded/);
    expectNoServerPaths(fromDir.body, harness, lutDir);

    const stored = await storeRaw(harness, { projectId: "alpha", kind: "image", name: "teal.cube", text: cubeText() });
    await applyLut(stored).expect(200);
    const foreign = await storeRaw(harness, { projectId: "bravo", kind: "image", name: "b.cube", text: cubeText() });
    await applyLut(foreign).expect(404);
    // The same LUT rules hold on the assemble route, checked before a job is queued.
    const assemble = (lut: string) =>
      request(app())
        .post("/api/v1/projects/alpha/videos/assemble")
        .set(A)
        .send({ clips: [{ clipId, sequence: 1 }], postProcessing: { lut } });
    const absolute = await assemble("/etc/passwd").expect(400);
    expect(absolute.body.error.fields).toHaveProperty(["postProcessing.lut"]);
    const secret = await assemble("secret.cube").expect(400);
    expect(secret.body.error.fields).toHaveProperty(["postProcessing.lut"]);
    expect(JSON.stringify(secret.body)).not.toContain("TOP-SECRET");
    await assemble("warm.cube").expect(202);
  });

  it("answers a bad percent-encoding in any path id with 400", async () => {
    for (const path of [
      "/api/v1/projects/%E0%A4%A/videos/x",
      "/api/v1/projects/alpha/videos/%E0%A4%A",
      "/api/v1/threads/%ZZ",
      "/api/v1/projects/alpha/characters/%C3",
    ]) {
      const answer = await request(app()).get(path).set(A).expect(400);
      expect(answer.body).toEqual({ error: { code: "MALFORMED_REQUEST", message: expect.any(String) } });
    }
    await request(app()).post("/api/v1/tools/%E0%A4%A").set(A).send({}).expect(400);
  });

  it("answers an unsatisfiable Range with 416 and the file's size", async () => {
    const full = await request(app()).get(`/api/v1/projects/alpha/videos/${clipId}/file`).set(A).expect(200);
    const size = Number(full.headers["content-length"]);
    const answer = await request(app())
      .get(`/api/v1/projects/alpha/videos/${clipId}/file`)
      .set(A)
      .set("Range", `bytes=${size + 10}-`)
      .expect(416);
    expect(answer.headers["content-range"]).toBe(`bytes */${size}`);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.body.error.code).toBe("RANGE_NOT_SATISFIABLE");
    const partial = await request(app())
      .get(`/api/v1/projects/alpha/videos/${clipId}/file`)
      .set(A)
      .set("Range", "bytes=0-9")
      .expect(206);
    expect(partial.headers["content-range"]).toBe(`bytes 0-9/${size}`);
  });

  it("answers broken bodies with 400, 413 and 415 in the error shape", async () => {
    const notGzip = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .set("Content-Type", "application/json")
      .set("Content-Encoding", "gzip")
      .send('{"message":"hello"}');
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.error.code).toBe("MALFORMED_REQUEST");
    const unknown = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .set("Content-Type", "application/json")
      .set("Content-Encoding", "compress")
      .send("{}");
    expect(unknown.status).toBe(415);
    expect(unknown.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const syntax = await request(app()).post("/api/v1/chat").set(A).set("Content-Type", "application/json").send("{");
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.code).toBe("INVALID_JSON");
    const large = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ message: "x".repeat(70 * 1024) });
    expect(large.status).toBe(413);
    expect(large.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    // Only POST routes read a body, so a stray one cannot fail a GET with a status it never documents.
    await request(app()).get("/api/v1/me").set(A).set("Content-Type", "application/json").send("{").expect(200);
    // A real gzip body is still read (sent raw: supertest would serialize a Buffer as JSON).
    const gzipped = await rawPost(app(), "/api/v1/session", gzipSync(JSON.stringify({ key: KEY_B })), {
      "Content-Type": "application/json",
      "Content-Encoding": "gzip",
    });
    expect(gzipped.status).toBe(201);
  });

  it("answers an undocumented method with 405 and OPTIONS with Allow", async () => {
    const trace = await request(app()).put("/api/v1/me").set(A).expect(405);
    expect(trace.headers.allow).toBe("GET, HEAD, OPTIONS");
    expect(trace.body.error.code).toBe("METHOD_NOT_ALLOWED");
    const options = await request(app()).options("/api/v1/projects/alpha/videos/assemble").expect(204);
    expect(options.headers.allow).toBe("OPTIONS, POST");
    await request(app()).delete("/api/v1/projects/alpha/videos/jobs/job_x").set(B).expect(405);
  });

  it("keeps an adapter's file paths out of the unauthenticated readiness answer", async () => {
    const { store } = harness.server.context.runtime;
    const head = store.head.bind(store);
    store.head = async () => {
      throw new Error(`object index ${join(harness.dataDir, "store", "index.json")} is unreadable`);
    };
    try {
      const ready = await request(app()).get("/readyz").expect(503);
      const failed = ready.body.checks.find((check: { port: string }) => check.port === "objectStore");
      expect(failed.error).toBe("object index <data>/store/index.json is unreadable");
      expectNoServerPaths(ready.body, harness);
    } finally {
      store.head = head;
    }
  });

  it("documents every error status a route answers", async () => {
    const document = (await request(app()).get("/api/openapi.json").expect(200)).body;
    const file = document.paths["/api/v1/projects/{projectId}/videos/{videoId}/file"].get.responses;
    expect(Object.keys(file)).toEqual(expect.arrayContaining(["200", "206", "400", "401", "404", "416", "500", "503"]));
    expect(file["416"].headers).toHaveProperty("Content-Range");
    const chat = document.paths["/api/v1/chat"].post;
    expect(Object.keys(chat.responses)).toEqual(expect.arrayContaining(["400", "409", "413", "415", "429", "503"]));
    expect(chat.responses["503"].headers).toHaveProperty("Retry-After");
    expect(chat.requestBody.content["application/json"].schema.anyOf).toHaveLength(2);
    // Each tool is its own operation with its own arguments, so a client knows what a call needs.
    const post = document.paths["/api/v1/tools/apply_post_processing"].post;
    const call = post.requestBody.content["application/json"].schema;
    expect(call.required).toEqual(["arguments"]);
    expect(call.properties.arguments.properties.options.properties.lut.anyOf[0].pattern).toBeDefined();
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["200", "400", "404", "503"]));
    // Only the ratios this server renders (320x180 in tests) are offered.
    const generate = document.paths["/api/v1/projects/{projectId}/videos/generate"].post;
    expect(JSON.stringify(generate.requestBody)).toContain('"16:9"');
    expect(JSON.stringify(generate.requestBody)).not.toContain('"4:3"');
  });
});

/** A loopback port that nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("HTTP while providers are down", () => {
  let harness: Harness;
  beforeAll(async () => {
    const port = await closedPort();
    harness = await startHarness({
      env: {
        FAL_KEY: "fal-test-key-0123456789",
        FAL_BASE_URL: `http://127.0.0.1:${port}`,
        CUTROOM_JOB_ATTEMPTS: "1",
        CUTROOM_JOB_BACKOFF_MS: "0",
      },
    });
  });
  afterAll(async () => harness.cleanup());

  it("answers a chat turn that needs the video provider with 503 and Retry-After", async () => {
    const answer = await request(harness.server.app)
      .post("/api/v1/chat")
      .set(A)
      .send({ message: "generate Sarah walking in the park" });
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toMatch(/^\d+$/);
    expect(answer.body.error.code).toBe("UPSTREAM_UNAVAILABLE");
    expectNoServerPaths(answer.body, harness);
  });
});
