/**
 * Relevance from the picture, and the object detector, on real photographs (face-api's shipped sample
 * photos made into short zooming clips): people, framing and travel are measured where a face shows and
 * left not measured where none does; both models load from files inside node_modules with the network cut off.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadObjectModel, objectsInStill } from "../../src/media/objects.js";
import { measurePictureRelevance } from "../../src/media/relevance.js";
import { noOne, personA, photoClip, photoStill } from "../helpers/face-photos.js";

let directory = "";
const files = { still: "", clip: "", clipNoOne: "" };
const fetchCalls: unknown[] = [];

beforeAll(async () => {
  const original = globalThis.fetch;
  // Local files only: any other address fails, and is recorded.
  vi.stubGlobal("fetch", (input: unknown, init?: RequestInit) => {
    const address = typeof input === "string" ? input : input instanceof URL ? input.href : String(input);
    if (address.startsWith("file://")) return original(input as string, init);
    fetchCalls.push(address);
    throw new Error("no network in this test");
  });
  directory = await mkdtemp(join(tmpdir(), "cutroom-relevance-"));
  files.still = await photoStill(personA, join(directory, "a.png"));
  files.clip = await photoClip(personA, join(directory, "a.mp4"));
  files.clipNoOne = await photoClip(noOne, join(directory, "no-one.mp4"));
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await rm(directory, { recursive: true, force: true });
});

describe("object detector", () => {
  it("loads from the package's own weights with the network cut off and finds the person in a photo", async () => {
    const model = await loadObjectModel();
    const { objects } = await objectsInStill(files.still, model);
    expect(objects.map((object) => object.label)).toContain("person");
    expect(fetchCalls).toEqual([]);
  });
});

describe("relevance from the picture", () => {
  it("counts the person and judges the framing asked from the face's size", async () => {
    const closeUp = await measurePictureRelevance(files.clip, { characters: 1, action: null, shotSize: "close-up" });
    const people = closeUp.aspects.find((aspect) => aspect.aspect === "people")!;
    expect(people).toMatchObject({ measured: true, score: 1 });
    const framing = closeUp.aspects.find((aspect) => aspect.aspect === "framing")!;
    expect(framing.measured).toBe(true);
    const wide = await measurePictureRelevance(files.clip, { characters: 1, action: null, shotSize: "extreme-wide" });
    const wideFraming = wide.aspects.find((aspect) => aspect.aspect === "framing")!;
    expect(wideFraming.score!).toBeLessThan(0.5);
    expect(wideFraming.score!).toBeLessThan(framing.score!);
    console.info(`close-up ${framing.score} (${framing.details}); extreme-wide ${wideFraming.score}`);
  });

  it("asks travel of walking and none of sitting: a zoom into a still photo does not walk", async () => {
    const walking = await measurePictureRelevance(files.clip, { characters: 1, action: "walk", shotSize: null });
    const sitting = await measurePictureRelevance(files.clip, { characters: 1, action: "sit", shotSize: null });
    const walk = walking.aspects.find((aspect) => aspect.aspect === "motion")!;
    const sit = sitting.aspects.find((aspect) => aspect.aspect === "motion")!;
    expect(walk.measured && sit.measured).toBe(true);
    expect(walk.score!).toBeLessThan(0.5);
    expect(sit.score).toBe(1);
    expect(walking.score!).toBeLessThan(sitting.score!);
  });

  it("measures nothing where no face shows, rather than guessing", async () => {
    const result = await measurePictureRelevance(files.clipNoOne, {
      characters: 1,
      action: "walk",
      shotSize: "close-up",
    });
    expect(result.score).toBeNull();
    expect(result.aspects.every((aspect) => !aspect.measured && aspect.details.includes("no face"))).toBe(true);
  });
});
