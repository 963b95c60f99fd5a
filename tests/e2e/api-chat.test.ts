/**
 * A whole chat over HTTP on embedded adapters: a real take rendered, measured and recorded, its file
 * served with ranges, verified again, accepted through an event stream — and none of it visible to
 * another project's key.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_A, KEY_B, parseEvents, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };

/** supertest buffers text/event-stream only when told how to read it. */
function textBody(response: request.Response, callback: (error: Error | null, body: string) => void) {
  let text = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => (text += chunk));
  response.on("end", () => callback(null, text));
}

describe("chat over HTTP", () => {
  let harness: Harness;
  let threadId: string;
  let videoId: string;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  it("runs a turn and returns the same JSON as `cutroom chat --json`", async () => {
    const turn = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ message: "generate Sarah walking in the park" })
      .expect(200);
    expect(turn.body).toMatchObject({
      status: "awaiting-choice",
      choices: ["accept", "regenerate", "discard"],
      route: { kind: "video", department: "video-generation" },
      report: { department: "video-generation" },
    });
    expect(turn.headers["ratelimit-remaining"]).toBe("49");
    // Server paths never reach a client: the take is addressed through the file route.
    expect(turn.body.path).toBeNull();
    expect(turn.body.url).toBe(`/api/v1/projects/alpha/videos/${turn.body.videoId}/file`);
    expect(JSON.stringify(turn.body)).not.toContain(harness.dataDir);
    threadId = turn.body.threadId;
    videoId = turn.body.videoId;
    expect(videoId).toMatch(/^vid_/);
    expect(turn.body.quality.checks.map((check: { type: string }) => check.type)).toContain("duration");

    const thread = await request(app()).get(`/api/v1/threads/${threadId}`).set(A).expect(200);
    expect(thread.body.pending).toMatchObject({ videoId });
    expect(thread.body.messages.map((message: { role: string }) => message.role)).toEqual(["user", "department"]);
    expect(JSON.stringify(thread.body)).not.toContain(harness.dataDir);
  });

  it("serves the take's details and bytes to its project only", async () => {
    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${videoId}`).set(A).expect(200);
    expect(details.body).toMatchObject({
      id: videoId,
      projectId: "alpha",
      status: "pending",
      metadata: { resolution: "320x180", fps: 12, characters: ["Sarah"], location: "park" },
    });
    expect(details.body.quality.overallQuality).toBeGreaterThan(0);
    const file = await request(app())
      .get(details.body.url)
      .set(A)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(file.headers["content-type"]).toBe("video/mp4");
    expect((file.body as Buffer).subarray(4, 8).toString("latin1")).toBe("ftyp");
    const range = await request(app()).get(details.body.url).set(A).set("Range", "bytes=0-99").expect(206);
    expect(range.headers["content-range"]).toMatch(/^bytes 0-99\//);

    // Another project's key sees nothing: not the thread, the take, its file or its Brain facts.
    await request(app()).get(`/api/v1/threads/${threadId}`).set(B).expect(404);
    await request(app()).get(`/api/v1/projects/bravo/videos/${videoId}`).set(B).expect(404);
    await request(app()).get(`/api/v1/projects/bravo/videos/${videoId}/file`).set(B).expect(404);
    await request(app()).get(`/api/v1/projects/alpha/videos/${videoId}`).set(B).expect(404);
    await request(app()).get("/api/v1/projects/bravo/characters/Sarah").set(B).expect(404);
    const hijack = await request(app()).post("/api/v1/chat").set(B).send({ threadId, choice: "discard" });
    expect(hijack.status).toBe(404);
    expect(hijack.body.error.code).toBe("NOT_FOUND");
    await request(app()).post("/api/v1/projects/bravo/videos/verify").set(B).send({ videoId }).expect(404);
  });

  it("verifies a stored take synchronously against its Brain references", async () => {
    const verified = await request(app())
      .post("/api/v1/projects/alpha/videos/verify")
      .set(A)
      .send({ videoId, expectedDuration: 2 })
      .expect(200);
    const types = verified.body.checks.map((check: { type: string }) => check.type);
    expect(types).toEqual(expect.arrayContaining(["duration", "resolution", "fps", "character-consistency"]));
    const duration = verified.body.checks.find((check: { type: string }) => check.type === "duration");
    expect(duration.passed).toBe(true);
    expect(typeof verified.body.overallQuality).toBe("number");
    const only = await request(app())
      .post("/api/v1/projects/alpha/videos/verify")
      .set(A)
      .send({ videoId, checkTypes: ["resolution"] })
      .expect(200);
    expect(only.body.checks).toEqual([expect.objectContaining({ type: "resolution", score: 1, passed: true })]);
  });

  it("accepts the take through an event stream and the Brain records it", async () => {
    // A second client watches the thread while the turn runs, over a real socket.
    const listener = app().listen(0, "127.0.0.1");
    await once(listener, "listening");
    const { port } = listener.address() as AddressInfo;
    const aborter = new AbortController();
    const watching = await fetch(`http://127.0.0.1:${port}/api/v1/threads/${threadId}/events`, {
      headers: A,
      signal: aborter.signal,
    });
    expect(watching.status).toBe(200);
    const watched = (async () => {
      const reader = watching.body!.getReader();
      let text = "";
      while (!text.includes("event: turn-finished")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return parseEvents(text).map((item) => item.event);
    })();
    const streamed = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .set("Accept", "text/event-stream")
      .send({ threadId, choice: "accept", note: "good walk" })
      .buffer(true)
      .parse(textBody)
      .expect(200);
    expect(streamed.headers["content-type"]).toMatch(/text\/event-stream/);
    const events = parseEvents(String(streamed.body));
    expect(events[0]).toEqual({ event: "thread", data: { threadId } });
    const result = events.find((item) => item.event === "result")?.data as { status: string; videoId: string };
    expect(result).toMatchObject({ status: "accepted", videoId });
    expect(events.at(-1)?.event).toBe("result");
    // Accepting costs no generation.
    const me = await request(app()).get("/api/v1/me").set(A).expect(200);
    expect(me.body.generationsLeftThisHour).toBe(49);

    const facts = await request(app()).get("/api/v1/projects/alpha/characters/Sarah").set(A).expect(200);
    expect(facts.body.takes).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: videoId, status: "accepted" })]),
    );
    expect(facts.body.counts.accepted).toBe(1);
    const details = await request(app()).get(`/api/v1/projects/alpha/videos/${videoId}`).set(A).expect(200);
    expect(details.body.status).toBe("accepted");

    const again = await request(app()).post("/api/v1/chat").set(A).send({ threadId, choice: "discard" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("NO_PENDING_CHOICE");
    expect(await watched).toEqual(expect.arrayContaining(["ready", "turn-started", "turn-finished"]));
    aborter.abort();
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  });
});
