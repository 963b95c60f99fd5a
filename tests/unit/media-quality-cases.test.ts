import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QualityCheckType } from "../../src/domain.js";
import { summarize, verifyVideo } from "../../src/media/quality.js";
import {
  audioCheck,
  bitrateCheck,
  clarityCheck,
  makeCheck,
  motionCheck,
  notMeasured,
} from "../../src/media/quality-signal.js";
import type { Analysis } from "../../src/media/analysis.js";
import type { ProbeResult } from "../../src/media/runner.js";
import {
  blackClip,
  blackInsideClip,
  blockyClip,
  cleanClip,
  flatDrawingClip,
  ghostClip,
  gradedClip,
  roomToneClip,
  stutterClip,
} from "../helpers/quality-clips.js";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-quality-cases-"));
});
afterAll(async () => rm(directory, { recursive: true, force: true }));

const PICTURE: QualityCheckType[] = ["fps", "motion-quality", "visual-clarity"];

async function verify(path: string, checks: QualityCheckType[] = PICTURE, durationSeconds: number | null = null) {
  return verifyVideo({
    path,
    expectedDurationSeconds: durationSeconds,
    expectedWidth: null,
    expectedHeight: null,
    expectedFps: 24,
    characterReferences: [],
    locationReferences: [],
    checks,
  });
}
const check = (result: Awaited<ReturnType<typeof verify>>, type: QualityCheckType) =>
  result.checks.find((item) => item.type === type)!;

describe("quality checks on what a viewer sees", { timeout: 60_000 }, () => {
  it("passes a clean clip and a mild grade", async () => {
    for (const path of [await cleanClip(directory), await gradedClip(directory)]) {
      const result = await verify(path);
      expect(result.issues).toEqual([]);
      expect(result.passed).toBe(true);
    }
  });

  it("fails 20% black inside the clip, and half a second of it", async () => {
    for (const [black, total] of [
      [0.5, 2.5],
      [0.5, 3],
    ] as const) {
      const motion = check(
        await verify(await blackInsideClip(directory, black, total), ["motion-quality"]),
        "motion-quality",
      );
      expect(motion.passed).toBe(false);
      expect(motion.score).toBeLessThan(motion.threshold);
      expect(motion.details).toMatch(/s black at /);
    }
  });

  it("fails 8 fps content repeated to 24 fps", async () => {
    const fps = check(await verify(await stutterClip(directory), ["fps"]), "fps");
    expect(fps.passed, fps.details).toBe(false);
    expect(fps.details).toMatch(/stutter/);
  });

  it("fails a double exposure and a starved, blocky encode under visual-clarity", async () => {
    const ghost = check(await verify(await ghostClip(directory), ["visual-clarity"]), "visual-clarity");
    expect(ghost.passed).toBe(false);
    expect(ghost.details).toMatch(/double-image strength/);
    const blocky = check(await verify(await blockyClip(directory), ["visual-clarity"]), "visual-clarity");
    expect(blocky.passed).toBe(false);
    expect(blocky.details).toMatch(/coding blocks/);
  });

  it("fails a starved encode under bitrate from a reference encode, and passes a flat drawing that needs few bits", async () => {
    const starved = check(await verify(await blockyClip(directory), ["bitrate"]), "bitrate");
    expect(starved.passed).toBe(false);
    expect(starved.score).toBeLessThan(starved.threshold);
    expect(starved.details).toMatch(/x264 at CRF 23 spends/);
    const flat = check(await verify(await flatDrawingClip(directory), ["bitrate"]), "bitrate");
    expect(flat.passed).toBe(true);
    console.info(`starved: ${starved.details}\nflat: ${flat.details}`);
  });

  it("passes quiet room tone in a raw clip, and holds a final mix to the delivery target", async () => {
    const path = await roomToneClip(directory);
    const raw = check(await verify(path, ["audio"]), "audio");
    expect(raw.passed).toBe(true);
    const mixed = await verifyVideo({
      ...{ path, expectedDurationSeconds: null, expectedWidth: null, expectedHeight: null, expectedFps: null },
      characterReferences: [],
      locationReferences: [],
      checks: ["audio"],
      audioRole: "final-mix",
      loudnessTargetLufs: -16,
    });
    expect(mixed.checks[0]!.passed).toBe(false);
    expect(mixed.checks[0]!.details).toMatch(/-16 LUFS delivery target/);
  });

  it("leaves clarity over black frames not measured: neither pass nor fail", async () => {
    const result = await verify(await blackClip(directory), ["visual-clarity", "bitrate"]);
    const clarity = check(result, "visual-clarity");
    expect(clarity.measured).toBe(false);
    expect(result.ignored?.map((item) => item.type)).toEqual(["visual-clarity"]);
    expect(result.issues.some((issue) => issue.startsWith("visual-clarity"))).toBe(false);
    // Only the measured check decides.
    expect(result.overallQuality).toBe(check(result, "bitrate").score);
  });
});

describe("score and verdict agree", () => {
  const facts: ProbeResult = {
    durationSeconds: 4,
    width: 320,
    height: 180,
    fps: 24,
    frameCount: 96,
    codec: "h264",
    bitRate: 500_000,
    videoBitRate: 400_000,
    hasAudio: true,
    audioCodec: "aac",
    audioDurationSeconds: 4,
    sizeBytes: 1,
  } as unknown as ProbeResult;
  const analysis = (overrides: Partial<Analysis>): Analysis => ({
    decodedFrames: 96,
    frozen: [],
    black: [],
    blurMean: 5,
    luma: Array(96).fill(100),
    audio: null,
    ...overrides,
  });
  const audio = { peakDb: -3, rmsDb: -20, integratedLufs: -27, truePeakDbtp: -3, silence: [] };

  it("passes exactly the checks that score at or above their threshold", () => {
    const checks = [];
    for (const threshold of [0.05, 0.5, 0.7, 0.9, 1]) {
      checks.push(
        makeCheck("duration", 0.95, threshold, "", true),
        makeCheck("fps", threshold, threshold, ""),
        notMeasured("audio", threshold, "no sound"),
        motionCheck(analysis({}), 4, threshold),
        motionCheck(analysis({ black: [{ start: 1, end: 1.5 }] }), 4, threshold),
        motionCheck(analysis({ frozen: [{ start: 0, end: 4 }] }), 4, threshold),
        motionCheck(analysis({}), 0, threshold),
        clarityCheck(analysis({ blurMean: null }), threshold),
        clarityCheck(analysis({ blurMean: 12 }), threshold, { ghost: { strength: 0.4, dx: 6, dy: 3 }, blocks: 0.06 }),
        bitrateCheck(facts, threshold),
        bitrateCheck({ ...facts, videoBitRate: null, bitRate: null }, threshold),
        bitrateCheck({ ...facts, videoBitRate: 10 }, threshold),
        audioCheck(null, { ...facts, hasAudio: false }, threshold),
        audioCheck(analysis({ audio }), facts, threshold),
        audioCheck(analysis({ audio }), facts, threshold, { role: "final-mix", targetLufs: -16 }),
        audioCheck(analysis({ audio: { ...audio, peakDb: 0 } }), facts, threshold),
        audioCheck(
          analysis({ audio: { ...audio, integratedLufs: null } }),
          { ...facts, audioDurationSeconds: 1 },
          threshold,
          {
            role: "final-mix",
            targetLufs: -23,
          },
        ),
      );
    }
    for (const item of checks)
      expect(item.passed, `${item.type} ${item.score}/${item.threshold}`).toBe(item.score >= item.threshold);
  });

  it("scores one audio problem below the threshold (it used to read 0.75 and fail)", () => {
    const clipping = audioCheck(analysis({ audio: { ...audio, peakDb: 0 } }), facts, 0.7);
    expect(clipping.passed).toBe(false);
    expect(clipping.score).toBeLessThan(0.7);
  });

  it("keeps unmeasured checks out of the mean and the verdict", () => {
    const report = summarize([makeCheck("bitrate", 1, 0.7, "fine"), notMeasured("audio", 0.7, "no sound")]);
    expect(report).toMatchObject({ passed: true, overallQuality: 1, ignored: [{ type: "audio" }] });
    expect(summarize([notMeasured("audio", 0.7, "no sound")]).passed).toBe(false);
  });
});
