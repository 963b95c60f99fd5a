import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUALITY_CHECK_TYPES, type ClipRequest, type GeneratedClip, type VisualProfile } from "../../src/domain.js";
import { isCutroomError } from "../../src/errors.js";
import { seedFrom } from "../../src/ids.js";
import { checkMotionQuality, checkVisualClarity, verifyVideo, type VerifyParams } from "../../src/media/quality.js";
import { probe, runFfmpeg } from "../../src/media/runner.js";
import {
  LocalAnimaticProvider,
  renderCharacterReference,
  renderLocationReference,
} from "../../src/providers/video/local.js";
import { alice, clipRequest, park } from "../helpers/fixtures.js";

const bob: VisualProfile = {
  skin: "#8d5524",
  hair: "#101010",
  top: "#e8e020",
  bottom: "#6a3d9a",
  accent: "#00c0c0",
  height: 0.55,
  build: 0.3,
  description: "yellow top, purple trousers",
};
const street = {
  kind: "street" as const,
  sky: "#c8c0b8",
  ground: "#585858",
  feature: "#a05030",
  horizon: 0.5,
  description: "street",
};

const provider = new LocalAnimaticProvider();
let directory = "";
const references: Record<"alice" | "bob" | "park" | "street", string> = { alice: "", bob: "", park: "", street: "" };
let aliceClip: GeneratedClip;
let bobClip: GeneratedClip;

function request(overrides: Partial<ClipRequest> = {}): ClipRequest {
  return clipRequest({ prompt: "a walk in the park", durationSeconds: 3, seed: 5, characters: [], ...overrides });
}

function params(path: string, overrides: Partial<VerifyParams> = {}): VerifyParams {
  return {
    path,
    expectedDurationSeconds: 3,
    expectedWidth: 320,
    expectedHeight: 180,
    expectedFps: 24,
    characterReferences: [],
    locationReferences: [],
    checks: [...QUALITY_CHECK_TYPES],
    ...overrides,
  };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-quality-"));
  const size = { width: 320, height: 180 };
  references.alice = await renderCharacterReference(alice, join(directory, "alice.png"), size);
  references.bob = await renderCharacterReference(bob, join(directory, "bob.png"), size);
  references.park = await renderLocationReference(park, seedFrom("park"), join(directory, "park.png"), size);
  references.street = await renderLocationReference(street, seedFrom("street"), join(directory, "street.png"), size);
  const options = { outputDir: directory, onProgress: null, signal: null };
  aliceClip = await provider.textToVideo(
    request({ characters: [{ id: "alice", name: "Alice", profile: alice }] }),
    options,
  );
  bobClip = await provider.textToVideo(
    request({ characters: [{ id: "bob", name: "Bob", profile: bob }], action: "wave", seed: 6 }),
    options,
  );
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("verifyVideo", () => {
  it("passes a rendered clip checked against its own character and location", async () => {
    // The animatic is silent, so every check but the sound one applies.
    // Sound, cut continuity and lip-sync belong to clips with audio, to scenes and to spoken lines, not to one
    // silent clip.
    const pictureChecks = QUALITY_CHECK_TYPES.filter(
      (type) => type !== "audio" && type !== "continuity" && type !== "lip-sync",
    );
    const result = await verifyVideo(
      params(aliceClip.path, {
        characterReferences: [references.alice],
        locationReferences: [references.park],
        checks: pictureChecks,
      }),
    );
    expect(result.checks.map((check) => check.type)).toEqual(pictureChecks);
    expect(result.issues).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.overallQuality).toBeGreaterThan(0.85);
  });

  it("scores a different character's reference clearly lower, both ways round", async () => {
    const consistency = async (path: string, reference: string) =>
      (await verifyVideo(params(path, { characterReferences: [reference], checks: ["character-consistency"] })))
        .checks[0]!;
    const aliceSame = await consistency(aliceClip.path, references.alice);
    const aliceOther = await consistency(aliceClip.path, references.bob);
    const bobSame = await consistency(bobClip.path, references.bob);
    const bobOther = await consistency(bobClip.path, references.alice);
    expect(aliceSame.passed && bobSame.passed).toBe(true);
    expect(aliceOther.passed || bobOther.passed).toBe(false);
    expect(aliceSame.score - aliceOther.score).toBeGreaterThan(0.4);
    expect(bobSame.score - bobOther.score).toBeGreaterThan(0.4);
  });

  it("scores a different location lower", async () => {
    const location = async (reference: string) =>
      (await verifyVideo(params(aliceClip.path, { locationReferences: [reference], checks: ["location-consistency"] })))
        .checks[0]!;
    const same = await location(references.park);
    const other = await location(references.street);
    expect(same.passed).toBe(true);
    expect(other.passed).toBe(false);
    expect(same.score - other.score).toBeGreaterThan(0.4);
  });

  it("leaves consistency checks out when there are no references", async () => {
    const result = await verifyVideo(
      params(aliceClip.path, { checks: ["character-consistency", "location-consistency", "duration"] }),
    );
    expect(result.checks.map((check) => check.type)).toEqual(["duration"]);
  });

  it("fails the technical checks against the wrong expectations", async () => {
    const result = await verifyVideo(
      params(aliceClip.path, {
        expectedDurationSeconds: 5,
        expectedWidth: 1280,
        expectedHeight: 720,
        expectedFps: 30,
        checks: ["duration", "resolution", "fps"],
      }),
    );
    expect(result.passed).toBe(false);
    expect(result.checks.map((check) => [check.type, check.passed])).toEqual([
      ["duration", false],
      ["resolution", false],
      ["fps", false],
    ]);
    expect(result.checks[0]!.score).toBeCloseTo(0.6, 2);
    expect(result.checks[1]!.score).toBeCloseTo((320 * 180) / (1280 * 720), 2);
    expect(result.suggestions[0]).toContain("regenerate at exact duration");
  });

  it("scores a frozen clip low on motion", async () => {
    const still = await provider.imageToVideo(
      request({ method: "image-to-video", sourceImage: references.park, motionStrength: 0, characters: [] }),
      { outputDir: directory, onProgress: null, signal: null },
    );
    const frozen = await checkMotionQuality(still.path);
    const moving = await checkMotionQuality(aliceClip.path);
    expect(moving.score).toBeGreaterThan(0.9);
    expect(frozen.score).toBeLessThan(0.3);
    expect(frozen.passed).toBe(false);
    expect(frozen.details).toMatch(/frozen [\d.]+ s/);
  });

  it("scores a blurred clip lower on clarity", async () => {
    const blurred = join(directory, "blurred.mp4");
    await runFfmpeg({
      inputs: [{ source: aliceClip.path, options: [] }],
      filterComplex: null,
      outputOptions: ["-vf", "gblur=sigma=4", "-c:v", "libx264", "-preset", "veryfast"],
      output: blurred,
    });
    const sharp = await checkVisualClarity(aliceClip.path);
    const soft = await checkVisualClarity(blurred);
    expect(sharp.passed).toBe(true);
    expect(soft.score).toBeLessThan(sharp.score - 0.3);
  });

  it("refuses files that are not video", async () => {
    const text = join(directory, "notes.txt");
    await writeFile(text, "not a video");
    const error = await verifyVideo(params(text)).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCutroomError(error, "MEDIA")).toBe(true);
    expect((error as Error).message).toContain(`not a readable video: ${text}`);
    const probeError = await probe(join(directory, "missing.mp4")).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCutroomError(probeError, "MEDIA")).toBe(true);
  });
});
