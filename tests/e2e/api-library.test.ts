/**
 * The library over HTTP: a project's videos and threads a page at a time (every item exactly once,
 * newest first), filtered, refused with the field named when asked wrongly, never another project's;
 * and a video downloaded under its title.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectBrain } from "../../src/brain/types.js";
import { character, seedProject, take } from "../helpers/brain-fixtures.js";
import { finishedJob, KEY_A, KEY_B, startHarness, type Harness } from "./harness.js";

const A = { Authorization: `Bearer ${KEY_A}` };
const B = { Authorization: `Bearer ${KEY_B}` };

/** 23 takes on 5 threads; every third shows Bob, every fourth is accepted, two share each time. */
async function seedTakes(brain: ProjectBrain, prefix: string, count: number): Promise<void> {
  await seedProject(brain);
  await brain.saveCharacter(character("char_bob", "Bob"));
  for (let index = 0; index < count; index++) {
    const id = `vid_${prefix}${String(index).padStart(2, "0")}`;
    const at = new Date(Date.UTC(2025, 0, 1, 0, Math.floor(index / 2))).toISOString();
    const write = take(id, {
      createdAt: at,
      characterIds: index % 3 === 0 ? ["char_ana", "char_bob"] : ["char_ana"],
    });
    const thread = `th_${prefix}${index % 5}`;
    await brain.recordTake({
      ...write,
      request: { ...write.request, threadId: thread, text: `generate take number ${index} of ${prefix}` },
      video: { ...write.video, threadId: thread, status: index % 4 === 0 ? "accepted" : "pending" },
    });
  }
}

type Item = { id: string; title: string; status: string; characters: string[]; url: string | null };

async function walk(app: Harness["server"]["app"], path: string, headers: Record<string, string>) {
  const pages: Item[][] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const url: string = cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`;
    const body = (await request(app).get(url).set(headers).expect(200)).body as {
      items: Item[];
      nextCursor: string | null;
    };
    pages.push(body.items);
    cursor = body.nextCursor;
  } while (cursor !== null && pages.length < 50);
  return pages;
}

describe("the library over HTTP", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const { brain } = harness.server.context.runtime;
    await seedTakes(brain.forProject("alpha"), "a", 23);
    await seedTakes(brain.forProject("bravo"), "b", 3);
  });
  afterAll(async () => harness.cleanup());
  const app = () => harness.server.app;

  it("walks every video of the project exactly once, newest first, a page at a time", async () => {
    const pages = await walk(app(), "/api/v1/projects/alpha/videos?limit=5", A);
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
    const ids = pages.flat().map((item) => item.id);
    expect(new Set(ids).size).toBe(23);
    const expected = Array.from({ length: 23 }, (_, index) => `vid_a${String(index).padStart(2, "0")}`).reverse();
    expect(ids).toEqual(expected);
    expect(pages[0]![0]).toMatchObject({
      id: "vid_a22",
      title: "Take number 22 of a",
      status: "pending",
      url: "/api/v1/projects/alpha/videos/vid_a22/file",
    });
    // The default page holds 20.
    const first = await request(app()).get("/api/v1/projects/alpha/videos").set(A).expect(200);
    expect(first.body.items).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));
  });

  it("filters by status, character, thread and words, and pages the filtered list", async () => {
    const accepted = (await walk(app(), "/api/v1/projects/alpha/videos?status=accepted&limit=2", A)).flat();
    expect(accepted.map((item) => item.id)).toEqual(["vid_a20", "vid_a16", "vid_a12", "vid_a08", "vid_a04", "vid_a00"]);
    const bob = (await walk(app(), "/api/v1/projects/alpha/videos?character=bob&limit=3", A)).flat();
    expect(bob.map((item) => item.id)).toEqual([
      "vid_a21",
      "vid_a18",
      "vid_a15",
      "vid_a12",
      "vid_a09",
      "vid_a06",
      "vid_a03",
      "vid_a00",
    ]);
    expect(bob.every((item) => item.characters.includes("Bob"))).toBe(true);
    const thread = (await walk(app(), "/api/v1/projects/alpha/videos?thread=th_a2", A)).flat();
    expect(thread.map((item) => item.id)).toEqual(["vid_a22", "vid_a17", "vid_a12", "vid_a07", "vid_a02"]);
    const words = await request(app()).get("/api/v1/projects/alpha/videos?q=NUMBER%2017").set(A).expect(200);
    expect(words.body.items.map((item: Item) => item.id)).toEqual(["vid_a17"]);
  });

  it("lists the project's threads by their latest take, a page at a time", async () => {
    const pages = await walk(app(), "/api/v1/threads?limit=2", A);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const threads = pages.flat() as unknown as Array<{ threadId: string; takeCount: number; title: string }>;
    expect(threads.map((thread) => thread.threadId)).toEqual(["th_a2", "th_a1", "th_a0", "th_a4", "th_a3"]);
    expect(threads[0]).toMatchObject({ takeCount: 5, title: "Take number 2 of a" });
    const bravo = (await request(app()).get("/api/v1/threads").set(B).expect(200)).body;
    expect(bravo.items.map((thread: { threadId: string }) => thread.threadId).sort()).toEqual([
      "th_b0",
      "th_b1",
      "th_b2",
    ]);
  });

  it("keeps each project's library to its own key", async () => {
    const foreign = await request(app()).get("/api/v1/projects/bravo/videos").set(A).expect(404);
    const missing = await request(app()).get("/api/v1/projects/nothing/videos").set(A).expect(404);
    expect(foreign.body.error.code).toBe(missing.body.error.code);
    expect(JSON.stringify(foreign.body)).not.toContain("vid_b");
    const own = (await walk(app(), "/api/v1/projects/bravo/videos", B)).flat();
    expect(own.map((item) => item.id)).toEqual(["vid_b02", "vid_b01", "vid_b00"]);
    const threads = JSON.stringify((await request(app()).get("/api/v1/threads?limit=100").set(A).expect(200)).body);
    expect(threads).not.toContain("th_b");
    await request(app()).get("/api/v1/projects/alpha/videos").expect(401);
    await request(app()).get("/api/v1/threads").expect(401);
  });

  it("refuses a bad limit, cursor, status or unknown parameter, naming the field", async () => {
    const cases: Array<[string, string]> = [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=ten", "limit"],
      ["cursor=not-a-cursor", "cursor"],
      [`cursor=${Buffer.from('["yesterday","x"]').toString("base64url")}`, "cursor"],
      ["status=finished", "status"],
      ["colour=red", "colour"],
      ["thread=..%2Fx", "thread"],
    ];
    for (const [query, field] of cases) {
      const answer = await request(app()).get(`/api/v1/projects/alpha/videos?${query}`).set(A).expect(400);
      expect(answer.body.error.code, query).toBe("INVALID_INPUT");
      expect(Object.keys(answer.body.error.fields), query).toEqual([field]);
    }
    const threads = await request(app()).get("/api/v1/threads?limit=500").set(A).expect(400);
    expect(threads.body.error.fields).toHaveProperty("limit");
    expect(threads.body.error.message).toMatch(/1 to 100/);
  });

  it("names a downloaded video after its title, and plays it inline otherwise", async () => {
    const turn = await request(app())
      .post("/api/v1/chat")
      .set(A)
      .send({ message: "a 4 second scene of Sarah walking in the park" })
      .expect(200);
    const videoId = turn.body.videoId as string;
    // The turn names the scene's contact sheet by its route: no server path leaves.
    expect(turn.body.contactSheet).toMatchObject({
      path: null,
      url: `/api/v1/projects/alpha/videos/${videoId}/contact-sheet.png`,
    });
    const listed = (await request(app()).get("/api/v1/projects/alpha/videos?limit=1").set(A).expect(200)).body;
    expect(listed.items[0]).toMatchObject({ id: videoId, title: "Sarah walking in the park", characters: ["Sarah"] });
    const file = `/api/v1/projects/alpha/videos/${videoId}/file`;
    const saved = await request(app()).get(`${file}?download=1`).set(A).expect(200);
    expect(saved.headers["content-disposition"]).toMatch(/^attachment; filename="Sarah walking in the park\.mp4"/);
    expect(saved.headers["content-type"]).toBe("video/mp4");
    const played = await request(app()).get(file).set(A).expect(200);
    expect(played.headers["content-disposition"]).toMatch(/^inline; filename="Sarah walking in the park\.mp4"/);
    const bad = await request(app()).get(`${file}?download=yes`).set(A).expect(400);
    expect(bad.body.error.fields).toHaveProperty("download");
    await request(app()).get(`/api/v1/projects/bravo/videos/${videoId}/file?download=1`).set(B).expect(404);
  });

  it("serves a take's and an assembled scene's contact sheet as a PNG, in their project only", async () => {
    const [newest] = (await request(app()).get("/api/v1/projects/alpha/videos?limit=1").set(A).expect(200)).body.items;
    const details = (await request(app()).get(`/api/v1/projects/alpha/videos/${newest.id}`).set(A).expect(200)).body;
    expect(details.contactSheet).toBe(`/api/v1/projects/alpha/videos/${newest.id}/contact-sheet.png`);
    const sheet = await request(app()).get(details.contactSheet).set(A).buffer(true).expect(200);
    expect(sheet.headers["content-type"]).toBe("image/png");
    expect((sheet.body as Buffer).subarray(0, 4).toString("hex")).toBe("89504e47");
    await request(app()).get(`/api/v1/projects/bravo/videos/${newest.id}/contact-sheet.png`).set(B).expect(404);
    // A seeded take has no stored file at all: no sheet either.
    await request(app()).get("/api/v1/projects/alpha/videos/vid_a00/contact-sheet.png").set(A).expect(404);

    const assembling = await request(app())
      .post("/api/v1/projects/alpha/videos/assemble")
      .set(A)
      .send({
        clips: [
          { clipId: details.mediaId, sequence: 1 },
          { clipId: details.mediaId, sequence: 2 },
        ],
      })
      .expect(202);
    const job = await finishedJob<{ status: string; result: { videoId: string; contactSheet: string | null } }>(
      app(),
      A,
      assembling.body.jobId,
    );
    expect(job.status).toBe("completed");
    expect(job.result.contactSheet).toBe(`/api/v1/projects/alpha/videos/${job.result.videoId}/contact-sheet.png`);
    const scene = await request(app()).get(job.result.contactSheet!).set(A).buffer(true).expect(200);
    expect(scene.headers["content-type"]).toBe("image/png");
    const record = (await harness.server.context.runtime.media.listByProject("alpha")).find(
      (item) => item.kind === "image" && item.generation.contactSheetOf === job.result.videoId,
    );
    expect(record).toMatchObject({ status: "live", generation: { shotCount: 2 } });
  });
});
