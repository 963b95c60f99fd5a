/**
 * References belong to their character or location, never to a take: discarding the take that first
 * needed them leaves them live, and the next request for the same character uses the same images.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../../src/orchestrator/chat.js";
import { createTestRuntime } from "../helpers/runtime.js";

describe("references across a discarded take", () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it("survive the discard, and the next request for the character uses them", async () => {
    const made = await createTestRuntime({ env: { CUTROOM_MAX_ATTEMPTS: "1" } });
    cleanup = made.cleanup;
    const { runtime } = made;
    const chat = new ChatService(runtime);

    const first = await chat.turn({ threadId: "refs1", message: "generate Sarah walking in the park" });
    expect(first.status).toBe("awaiting-choice");
    const sarah = (await runtime.brain.forProject(runtime.config.projectId).findCharacterByName("Sarah"))!;
    const park = (await runtime.brain.forProject(runtime.config.projectId).findLocationByName("park"))!;
    const before = [
      ...(await runtime.brain.forProject(runtime.config.projectId).referencesOf(sarah.id)),
      ...(await runtime.brain.forProject(runtime.config.projectId).referencesOf(park.id)),
    ];
    expect(before.map((reference) => reference.kind).sort()).toEqual(["character-master", "location-master"]);
    for (const reference of before) {
      const record = (await runtime.media.get(reference.mediaId))!;
      expect(record.generation.takeId).toBeUndefined();
      expect([sarah.id, park.id]).toContain(record.generation.ownerId);
    }

    const discarded = await chat.turn({ threadId: "refs1", choice: "discard" });
    expect(discarded.status).toBe("discarded");
    const takeRecords = (await runtime.media.listByProject("default")).filter(
      (record) => record.generation.takeId === first.videoId,
    );
    expect(takeRecords.length).toBeGreaterThan(0);
    expect(takeRecords.every((record) => record.status === "tombstoned")).toBe(true);
    for (const reference of before) {
      const record = (await runtime.media.get(reference.mediaId))!;
      expect(record.status).toBe("live");
      expect(await runtime.store.head(record.key)).not.toBeNull();
    }

    const second = await chat.turn({ threadId: "refs2", message: "generate Sarah waving in the park" });
    expect(second.status).toBe("awaiting-choice");
    const after = [
      ...(await runtime.brain.forProject(runtime.config.projectId).referencesOf(sarah.id)),
      ...(await runtime.brain.forProject(runtime.config.projectId).referencesOf(park.id)),
    ];
    expect(after.map((reference) => reference.mediaId).sort()).toEqual(before.map((item) => item.mediaId).sort());
  });
});
