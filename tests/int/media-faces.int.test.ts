/**
 * Character identity from faces, on real photographs (face-api's shipped sample photos) made into short
 * zooming clips: the same person passes, graded or not; a different person fails; no face at all fails (the character is not there).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkCharacterConsistency } from "../../src/media/identity.js";
import { faceModelFiles, loadFaceModel, sameFaceAcross, SAME_PERSON_DISTANCE } from "../../src/media/faces.js";
import { noOne, personA, personB, photoClip, photoStill } from "../helpers/face-photos.js";

const GRADE = "eq=brightness=-0.08:saturation=0.9";
let directory = "";
const files = { referenceA: "", referenceB: "", clipA: "", clipAGraded: "", clipB: "", clipNoOne: "" };
const fetchCalls: unknown[] = [];

beforeAll(async () => {
  // The model must load from files inside node_modules: any network request fails the load.
  vi.stubGlobal("fetch", (...args: unknown[]) => {
    fetchCalls.push(args[0]);
    throw new Error("no network in this test");
  });
  directory = await mkdtemp(join(tmpdir(), "cutroom-faces-"));
  files.referenceA = await photoStill(personA, join(directory, "a.png"));
  files.referenceB = await photoStill(personB, join(directory, "b.png"));
  files.clipA = await photoClip(personA, join(directory, "a.mp4"));
  files.clipAGraded = await photoClip(personA, join(directory, "a-graded.mp4"), GRADE);
  files.clipB = await photoClip(personB, join(directory, "b.mp4"));
  files.clipNoOne = await photoClip(noOne, join(directory, "no-one.mp4"));
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await rm(directory, { recursive: true, force: true });
});

describe("face model", () => {
  it("loads from the package's own files with the network cut off", async () => {
    await expect(loadFaceModel()).resolves.toBeDefined();
    expect(fetchCalls).toEqual([]);
    const { modelDirectory, wasmDirectory } = faceModelFiles();
    expect(modelDirectory).toMatch(/node_modules\/@vladmandic\/face-api\/model$/);
    expect(wasmDirectory).toMatch(/node_modules\/@tensorflow\/tfjs-backend-wasm\/dist$/);
  });
});

describe("character consistency from faces", () => {
  const consistency = (clip: string, reference: string) => checkCharacterConsistency(clip, [reference]);

  it("passes the same person's photo against a clip of her, graded or not", async () => {
    const started = performance.now();
    const same = await consistency(files.clipA, files.referenceA);
    // Three key frames on the WASM backend: well under a few seconds even on 2 shared cores.
    expect(performance.now() - started).toBeLessThan(6_000);
    const graded = await consistency(files.clipAGraded, files.referenceA);
    const otherWay = await consistency(files.clipB, files.referenceB);
    for (const check of [same, graded, otherWay]) {
      expect(check.measured).not.toBe(false);
      expect(check.passed).toBe(true);
      expect(check.details).toContain("same person");
    }
    console.info(`same ${same.score}, graded ${graded.score}, B ${otherWay.score}: ${same.details}`);
  });

  it("fails a different person below the threshold, both ways round", async () => {
    for (const [clip, reference] of [
      [files.clipB, files.referenceA],
      [files.clipA, files.referenceB],
    ] as const) {
      const check = await consistency(clip, reference);
      expect(check.measured).not.toBe(false);
      expect(check.passed).toBe(false);
      expect(check.score).toBeLessThan(check.threshold);
      expect(check.details).toContain("a different person");
      console.info(`different ${check.score}: ${check.details}`);
    }
  });

  it("fails a clip in which the character's face never shows: no one is there", async () => {
    const check = await consistency(files.clipNoOne, files.referenceA);
    expect(check.measured).not.toBe(false);
    expect(check.passed).toBe(false);
    expect(check.score).toBeLessThan(check.threshold);
    expect(check.details).toContain("not seen: no face in 5 key frames");
  });

  it("does not measure when the face model cannot load, rather than scoring 0", async () => {
    const check = await checkCharacterConsistency(files.clipA, [files.referenceA], {
      faceModel: () => Promise.reject(new Error("the weights are missing")),
    });
    expect(check.measured).toBe(false);
    expect(check.details).toContain("the weights are missing");
  });
});

describe("sameFaceAcross", () => {
  it("matches one person across shots and tells a different one apart", async () => {
    const same = await sameFaceAcross([files.clipA, files.clipAGraded]);
    expect(same).toMatchObject({ measured: true, matched: true });
    expect(same.distances.every((distance) => distance !== null && distance <= SAME_PERSON_DISTANCE)).toBe(true);

    const mixed = await sameFaceAcross([files.clipA, files.clipNoOne, files.clipB]);
    expect(mixed.measured).toBe(true);
    expect(mixed.matched).toBe(false);
    expect(mixed.distances[1]).toBeNull();
    expect(mixed.distances[2]!).toBeGreaterThan(SAME_PERSON_DISTANCE);

    expect((await sameFaceAcross([files.clipNoOne, files.clipA])).measured).toBe(false);
  });
});
