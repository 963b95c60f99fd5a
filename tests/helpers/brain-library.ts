/**
 * The library's cases every Brain adapter must pass alike: takes and threads newest first, filters,
 * cursor pages that walk every item exactly once, one project never seeing another's, and a take's
 * contact sheet linked to it.
 */
import { expect, it } from "vitest";
import { DEFAULT_PAGE_SIZE, type LibraryTake, type TakeListQuery } from "../../src/brain/library.js";
import type { Brain, ContactSheetNode, ProjectBrain, TakeWrite } from "../../src/brain/types.js";
import type { TakeStatus } from "../../src/domain.js";
import { character, seedProject, take } from "./brain-fixtures.js";

const QUERY: TakeListQuery = {
  status: null,
  character: null,
  threadId: null,
  text: null,
  limit: DEFAULT_PAGE_SIZE,
  after: null,
};

function libraryTake(
  id: string,
  options: { at: string; thread: string; text: string; status?: TakeStatus; cast?: string[]; title?: string },
): TakeWrite {
  const write = take(id, { createdAt: options.at, requestId: `req_${id}`, characterIds: options.cast ?? ["char_ana"] });
  return {
    ...write,
    request: { ...write.request, threadId: options.thread, text: options.text, createdAt: options.at },
    video: {
      ...write.video,
      threadId: options.thread,
      status: options.status ?? "pending",
      ...(options.title === undefined ? {} : { title: options.title }),
    },
  };
}

export function contactSheet(takeId: string): ContactSheetNode {
  return {
    id: `sheet_${takeId}`,
    mediaId: `media_${takeId}_sheet`,
    objectKey: `videos/${takeId}-sheet.png`,
    shotCount: 3,
    createdAt: "2025-01-01T00:00:00.000Z",
  };
}

/** Five takes on three threads of alpha; vid_c and vid_d share a time, so only their ids order them. */
async function seedLibrary(alpha: ProjectBrain): Promise<void> {
  await seedProject(alpha);
  await alpha.saveCharacter(character("char_bob", "Bob"));
  const takes = [
    libraryTake("vid_a", {
      at: "2025-01-01T10:00:00.000Z",
      thread: "th_one",
      text: "generate Ana walking in the park",
    }),
    libraryTake("vid_b", {
      at: "2025-01-02T10:00:00.000Z",
      thread: "th_one",
      text: "make Ana dancing in the rain",
      status: "accepted",
      title: "Ana dancing in the rain",
    }),
    libraryTake("vid_c", {
      at: "2025-01-03T10:00:00.000Z",
      thread: "th_two",
      text: "a 4 second scene of Bob and Ana at the beach",
      cast: ["char_ana", "char_bob"],
    }),
    libraryTake("vid_d", {
      at: "2025-01-03T10:00:00.000Z",
      thread: "th_two",
      text: "Bob reading a book",
      status: "discarded",
      cast: ["char_bob"],
    }),
    libraryTake("vid_e", { at: "2025-01-04T10:00:00.000Z", thread: "th_three", text: "Ana waves goodbye" }),
  ];
  for (const write of takes) await alpha.recordTake(write);
}

async function walk(brain: ProjectBrain, query: Partial<TakeListQuery>): Promise<LibraryTake[][]> {
  const pages: LibraryTake[][] = [];
  let after: TakeListQuery["after"] = null;
  for (let guard = 0; guard < 20; guard++) {
    const page = await brain.listTakes({ ...QUERY, ...query, after });
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    const [at, id] = JSON.parse(Buffer.from(page.nextCursor, "base64url").toString("utf8")) as [string, string];
    after = { at, id };
  }
  throw new Error("the cursor never ended");
}

/** Registers the cases; `open` gives a Brain holding nothing yet. */
export function libraryCases(open: () => Promise<Brain>, close: (brain: Brain) => Promise<void>): void {
  async function withLibrary(test: (alpha: ProjectBrain, bravo: ProjectBrain) => Promise<void>): Promise<void> {
    const root = await open();
    try {
      const alpha = root.forProject("alpha");
      await seedLibrary(alpha);
      await test(alpha, root.forProject("bravo"));
    } finally {
      await close(root);
    }
  }

  it("lists a project's takes newest first, with titles, cast and request, a page at a time", async () => {
    await withLibrary(async (alpha) => {
      const all = await alpha.listTakes(QUERY);
      expect(all.items.map((item) => item.id)).toEqual(["vid_e", "vid_d", "vid_c", "vid_b", "vid_a"]);
      expect(all.nextCursor).toBeNull();
      expect(all.items[2]).toMatchObject({
        id: "vid_c",
        title: "Bob and Ana at the beach",
        request: { id: "req_vid_c", text: "a 4 second scene of Bob and Ana at the beach" },
        threadId: "th_two",
        status: "pending",
        characters: ["Ana", "Bob"],
        location: "City Park",
        durationSeconds: 5,
        costUsd: 0.25,
      });
      // A title stored with the take wins over one made from its request.
      expect(all.items[3]!.title).toBe("Ana dancing in the rain");
      expect(all.items[4]!.title).toBe("Ana walking in the park");

      const pages = await walk(alpha, { limit: 2 });
      expect(pages.map((items) => items.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((item) => item.id)).toEqual(["vid_e", "vid_d", "vid_c", "vid_b", "vid_a"]);
    });
  });

  it("filters by status, character (any case), thread and words", async () => {
    await withLibrary(async (alpha) => {
      const ids = async (query: Partial<TakeListQuery>) =>
        (await walk(alpha, { limit: 1, ...query })).flat().map((item) => item.id);
      expect(await ids({ status: "accepted" })).toEqual(["vid_b"]);
      expect(await ids({ status: "pending" })).toEqual(["vid_e", "vid_c", "vid_a"]);
      expect(await ids({ character: "  BOB " })).toEqual(["vid_d", "vid_c"]);
      expect(await ids({ character: "Nobody" })).toEqual([]);
      expect(await ids({ threadId: "th_one" })).toEqual(["vid_b", "vid_a"]);
      expect(await ids({ text: "ANA rain" })).toEqual(["vid_b"]);
      // The prompt is searched too: every take here was prompted "Ana walks in the park".
      expect(await ids({ text: "walks" })).toHaveLength(5);
      expect(await ids({ text: "ana", status: "pending", character: "bob" })).toEqual(["vid_c"]);
    });
  });

  it("lists threads by their latest take, with counts and cost", async () => {
    await withLibrary(async (alpha) => {
      const first = await alpha.listThreads({ limit: 2, after: null });
      expect(first.items.map((thread) => thread.threadId)).toEqual(["th_three", "th_two"]);
      expect(first.items[1]).toMatchObject({
        threadId: "th_two",
        title: "Bob and Ana at the beach",
        requestCount: 2,
        takeCount: 2,
        latestStatus: "discarded",
        costUsd: 0.5,
        startedAt: "2025-01-03T10:00:00.000Z",
        updatedAt: "2025-01-03T10:00:00.000Z",
      });
      const [at, id] = JSON.parse(Buffer.from(first.nextCursor!, "base64url").toString("utf8")) as [string, string];
      const second = await alpha.listThreads({ limit: 2, after: { at, id } });
      expect(second.items.map((thread) => thread.threadId)).toEqual(["th_one"]);
      expect(second.nextCursor).toBeNull();
      expect(second.items[0]).toMatchObject({ firstRequest: "generate Ana walking in the park", takeCount: 2 });
    });
  });

  it("never lists another project's takes or threads", async () => {
    await withLibrary(async (alpha, bravo) => {
      expect(await bravo.listTakes(QUERY)).toEqual({ items: [], nextCursor: null });
      expect(await bravo.listThreads({ limit: 20, after: null })).toEqual({ items: [], nextCursor: null });
      await seedProject(bravo);
      await bravo.recordTake(libraryTake("vid_z", { at: "2025-02-01T00:00:00.000Z", thread: "th_one", text: "x" }));
      expect((await bravo.listTakes(QUERY)).items.map((item) => item.id)).toEqual(["vid_z"]);
      expect((await alpha.listTakes(QUERY)).items.map((item) => item.id)).not.toContain("vid_z");
      expect(
        (await alpha.listThreads({ limit: 20, after: null })).items.find((t) => t.threadId === "th_one"),
      ).toMatchObject({ takeCount: 2 });
    });
  });

  it("links a take's contact sheet to it, idempotently, in its project only", async () => {
    await withLibrary(async (alpha, bravo) => {
      const write = { ...libraryTake("vid_s", { at: "2025-03-01T00:00:00.000Z", thread: "th_s", text: "s" }) };
      await alpha.recordTake({ ...write, contactSheet: contactSheet("vid_s") });
      await alpha.recordTake({ ...write, contactSheet: contactSheet("vid_s") });
      const counts = await alpha.counts();
      expect(counts.nodes.ContactSheet).toBe(1);
      expect(counts.relationships.HAS_CONTACT_SHEET).toBe(1);
      expect(await alpha.contactSheetOf("vid_s")).toEqual(contactSheet("vid_s"));
      expect(await alpha.validateTake("vid_s")).toEqual([]);
      expect(await alpha.contactSheetOf("vid_a")).toBeNull();
      expect(await alpha.contactSheetOf("vid_missing")).toBeNull();
      expect(await bravo.contactSheetOf("vid_s")).toBeNull();
    });
  });
}
