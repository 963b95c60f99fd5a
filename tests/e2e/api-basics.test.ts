/** Health, the API description, authentication, validation, body limits and the tool catalogue route. */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../../src/server/openapi.js";
import { KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

describe("HTTP API basics", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  it("answers liveness and readiness with every adapter checked", async () => {
    const health = await request(app()).get("/healthz").expect(200);
    expect(health.body.status).toBe("ok");
    const ready = await request(app()).get("/readyz").expect(200);
    expect(ready.body.status).toBe("ready");
    expect(ready.body.checks.map((check: { port: string }) => check.port).sort()).toEqual(
      ["brain", "checkpointer", "ffmpeg", "mediaRepository", "objectStore"].sort(),
    );
    expect(ready.body.checks.every((check: { ok: boolean }) => check.ok)).toBe(true);
  });

  it("describes every route in /api/openapi.json, and every described route exists", async () => {
    const document = (await request(app()).get("/api/openapi.json").expect(200)).body;
    expect(document.openapi).toBe("3.1.0");
    for (const route of ROUTES) {
      expect(document.paths[route.path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
      // Unknown ids answer 404 NOT_FOUND (or 400 for bodies) from the route itself, never ROUTE_NOT_FOUND.
      const concrete = route.path.replace("{projectId}", "alpha").replace(/\{\w+\}/g, "x1");
      const agent = request(app());
      const call =
        route.method === "get"
          ? agent.get(concrete)
          : route.method === "post"
            ? agent.post(concrete)
            : agent.delete(concrete);
      const answer = await call
        .set("Authorization", `Bearer ${KEY_A}`)
        .set("Accept", "application/json")
        .send(route.method === "post" ? {} : undefined);
      expect(answer.body?.error?.code, `${route.method} ${route.path}`).not.toBe("ROUTE_NOT_FOUND");
    }
    const generate = document.paths["/api/v1/projects/{projectId}/videos/generate"].post;
    expect(generate.requestBody.content["application/json"].schema.properties).toHaveProperty("prompt");
    const unknown = await request(app()).get("/api/v1/nothing-here").set("Authorization", `Bearer ${KEY_A}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("ROUTE_NOT_FOUND");
  });

  it("requires a valid key and maps each key to its project", async () => {
    const none = await request(app()).get("/api/v1/me").expect(401);
    expect(none.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
    expect(none.headers["www-authenticate"]).toMatch(/Bearer/);
    await request(app()).get("/api/v1/me").set("Authorization", "Bearer not-a-real-key-000000").expect(401);
    await request(app()).get("/api/v1/me").set("Authorization", `Basic ${KEY_A}`).expect(401);
    const alpha = await request(app()).get("/api/v1/me").set("Authorization", `Bearer ${KEY_A}`).expect(200);
    expect(alpha.body).toMatchObject({ projectId: "alpha", generationsLeftThisHour: 50 });
    const bravo = await request(app()).get("/api/v1/me").set("Authorization", `Bearer ${KEY_B}`).expect(200);
    expect(bravo.body.projectId).toBe("bravo");
    await request(app())
      .get("/api/v1/projects/alpha/videos/jobs/job_x")
      .set("Authorization", `Bearer ${KEY_B}`)
      .expect(404);
  });

  it("signs the page in with an HttpOnly cookie that needs the page header to change anything", async () => {
    await request(app()).post("/api/v1/session").send({ key: "wrong-key-0123456789" }).expect(401);
    const signedIn = await request(app()).post("/api/v1/session").send({ key: KEY_A }).expect(201);
    const cookie = String(signedIn.headers["set-cookie"]);
    expect(cookie).toMatch(/cutroom_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const session = cookie.split(";")[0]!;
    const me = await request(app()).get("/api/v1/me").set("Cookie", session).expect(200);
    expect(me.body.projectId).toBe("alpha");
    const noHeader = await request(app()).post("/api/v1/chat").set("Cookie", session).send({ message: "hello" });
    expect(noHeader.status).toBe(401);
    await request(app()).delete("/api/v1/session").set("Cookie", session).expect(204);
    await request(app()).get("/api/v1/me").set("Cookie", session).expect(401);
  });

  it("rejects invalid bodies naming the fields, bad JSON and oversized bodies", async () => {
    const auth = { Authorization: `Bearer ${KEY_A}` };
    const empty = await request(app()).post("/api/v1/chat").set(auth).send({}).expect(400);
    expect(empty.body.error).toMatchObject({
      code: "INVALID_INPUT",
      fields: { message: "send a message or a choice" },
    });
    const extra = await request(app()).post("/api/v1/chat").set(auth).send({ message: "hi", admin: true }).expect(400);
    // An unknown field is named itself.
    expect(extra.body.error.fields).toEqual({ admin: "not a field of this request" });
    const choice = await request(app()).post("/api/v1/chat").set(auth).send({ choice: "maybe" }).expect(400);
    expect(choice.body.error.fields).toHaveProperty("choice");
    const thread = await request(app()).post("/api/v1/chat").set(auth).send({ threadId: "../etc", message: "hi" });
    expect(thread.status).toBe(400);
    expect(thread.body.error.fields).toHaveProperty("threadId");
    const generate = await request(app())
      .post("/api/v1/projects/alpha/videos/generate")
      .set(auth)
      .send({ prompt: "", webhookUrl: "ftp://example.com/x" })
      .expect(400);
    expect(Object.keys(generate.body.error.fields).sort()).toEqual(["prompt", "webhookUrl"]);
    const broken = await request(app())
      .post("/api/v1/chat")
      .set(auth)
      .set("Content-Type", "application/json")
      .send('{"message": ')
      .expect(400);
    expect(broken.body.error.code).toBe("INVALID_JSON");
    const huge = await request(app())
      .post("/api/v1/chat")
      .set(auth)
      .send({ message: "x".repeat(70_000) })
      .expect(413);
    expect(huge.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    const choiceWithoutPending = await request(app()).post("/api/v1/chat").set(auth).send({ choice: "accept" });
    expect(choiceWithoutPending.status).toBe(400);
    expect(choiceWithoutPending.body.error.fields).toHaveProperty("threadId");
  });

  it("lists the tool catalogue and validates a tool's arguments with its own schema", async () => {
    const auth = { Authorization: `Bearer ${KEY_A}` };
    const list = await request(app()).get("/api/v1/tools").set(auth).expect(200);
    const names = list.body.tools.map((tool: { name: string }) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(["generate_text_to_video", "check_technical_quality", "video_department"]),
    );
    const department = list.body.tools.find((tool: { name: string }) => tool.name === "video_department");
    expect(department.schema.properties).toHaveProperty("request");
    await request(app()).post("/api/v1/tools/no_such_tool").set(auth).send({ arguments: {} }).expect(404);
    const invalid = await request(app())
      .post("/api/v1/tools/check_technical_quality")
      .set(auth)
      .send({ arguments: { mediaId: "med_x", expectedDuration: -1 } })
      .expect(400);
    expect(Object.keys(invalid.body.error.fields)).toEqual(
      expect.arrayContaining(["arguments.expectedDuration", "arguments.targetResolution"]),
    );
    const foreignTake = await request(app())
      .post("/api/v1/tools/retrieve_clips")
      .set(auth)
      .send({ arguments: { clipIds: ["med_x"] }, takeId: "vid_not_mine" });
    expect(foreignTake.status).toBe(404);
  });
});
