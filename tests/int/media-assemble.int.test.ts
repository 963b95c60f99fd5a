import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { assembleScene, type AssembleSceneParams, type SceneClipInput } from "../../src/media/scene.js";
import { probe } from "../../src/media/runner.js";

const run = promisify(execFile);
const target = { width: 320, height: 180, fps: 24 };
let directory = "";
const clips: Record<string, string> = {};

/** A test clip: moving test pattern (and a tone unless silent), H.264 with a keyframe every second. */
async function makeClip(
  name: string,
  seconds: number,
  options: { size?: string; fps?: number; pixfmt?: string; tone?: number | null } = {},
) {
  const path = join(directory, `${name}.mp4`);
  const args = [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=s=${options.size ?? "320x180"}:r=${options.fps ?? 24}:d=${seconds}`,
  ];
  if (options.tone !== null) args.push("-f", "lavfi", "-i", `sine=f=${options.tone ?? 440}:d=${seconds}`);
  const fps = options.fps ?? 24;
  args.push(
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-g",
    String(fps),
    "-sc_threshold",
    "0",
    "-pix_fmt",
    options.pixfmt ?? "yuv420p",
  );
  if (options.tone !== null) args.push("-c:a", "aac", "-shortest");
  args.push(path);
  await run("ffmpeg", args);
  clips[name] = path;
}

/** Lowest per-frame PSNR between two videos of equal length: high only when every frame lines up. */
async function minimumPsnr(left: string, right: string): Promise<number> {
  const { stderr } = await run(
    "ffmpeg",
    ["-i", left, "-i", right, "-filter_complex", "[0:v][1:v]psnr=stats_file=-", "-f", "null", "-"],
    { maxBuffer: 64 << 20 },
  );
  const values = [...stderr.matchAll(/psnr_avg:(\S+)/g)].map((match) => (match[1] === "inf" ? 99 : Number(match[1])));
  return Math.min(...values);
}

function clip(name: string, sequence: number, extra: Partial<SceneClipInput> = {}): SceneClipInput {
  return { path: clips[name]!, sequence, trimStart: 0, trimEnd: 0, speedMultiplier: 1, label: name, ...extra };
}

function params(extra: Partial<AssembleSceneParams>): AssembleSceneParams {
  return {
    clips: [],
    transitions: [],
    target,
    post: null,
    tracks: [],
    outputPath: join(directory, "out.mp4"),
    contactSheetPath: null,
    ...extra,
  };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-assemble-"));
  await makeClip("a", 3, { tone: 300 });
  await makeClip("b", 3, { tone: 500 });
  await makeClip("c", 2, { tone: 700 });
  await makeClip("odd", 2, { size: "256x192", fps: 30, pixfmt: "yuv444p", tone: null });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("assembleScene", () => {
  it("copies untouched GOPs, renders the transitions, and matches a full render frame for frame", async () => {
    const scene = params({
      clips: [clip("a", 1), clip("b", 2, { trimStart: 0.25 }), clip("c", 3)],
      transitions: [{ fromSequence: 1, type: "dissolve", durationSeconds: 0.5 }],
      outputPath: join(directory, "smart.mp4"),
      contactSheetPath: join(directory, "smart.png"),
    });
    const smart = await assembleScene(scene);
    const full = await assembleScene({
      ...scene,
      mode: "full",
      outputPath: join(directory, "full.mp4"),
      contactSheetPath: null,
    });
    expect(smart.strategy).toBe("smart");
    expect(full.strategy).toBe("full");
    // 72 + 66 + 48 frames, less 12 for the dissolve.
    expect(smart.frames).toBe(174);
    expect(full.frames).toBe(174);
    expect(smart.copiedFrames).toBeGreaterThan(100);
    const probed = await probe(smart.path);
    expect(probed.frameCount).toBe(174);
    expect(Math.abs(probed.durationSeconds - 174 / 24)).toBeLessThanOrEqual(1 / 24);
    expect(Math.abs((probed.audioDurationSeconds ?? 0) - 174 / 24)).toBeLessThan(0.05);
    expect((await probe(full.path)).frameCount).toBe(174);
    expect(await minimumPsnr(smart.path, full.path)).toBeGreaterThan(30);
    const { stderr } = await run("ffmpeg", ["-v", "error", "-i", smart.path, "-f", "null", "-"]);
    expect(stderr).toBe("");
    const sheet = await probe(smart.contactSheetPath!);
    expect(sheet.width).toBeGreaterThan(900);
  });

  it("normalizes mixed inputs, keeps sound in sync at other speeds and synthesizes silence for a silent clip", async () => {
    const result = await assembleScene(
      params({
        clips: [
          clip("a", 1, { speedMultiplier: 2 }),
          clip("odd", 2),
          clip("c", 3, { speedMultiplier: 0.5, trimEnd: 1 }),
        ],
        transitions: [
          { fromSequence: 1, type: "wipe", durationSeconds: 0.5 },
          { fromSequence: 2, type: "slide", durationSeconds: 0.25 },
        ],
        outputPath: join(directory, "mixed.mp4"),
      }),
    );
    // 36 + 48 + 48 frames, less 12 and 6 for the transitions.
    expect(result.frames).toBe(114);
    const probed = await probe(result.path);
    expect(probed.width).toBe(320);
    expect(probed.height).toBe(180);
    expect(probed.fps).toBe(24);
    expect(probed.pixelFormat).toBe("yuv420p");
    expect(probed.frameCount).toBe(114);
    expect(Math.abs((probed.audioDurationSeconds ?? 0) - 114 / 24)).toBeLessThan(0.05);
  });

  it("applies a grade, a custom LUT, stabilization, denoise and sharpening in one render", async () => {
    const lut = join(directory, "warm.cube");
    const rows: string[] = [];
    for (let blue = 0; blue < 2; blue++)
      for (let green = 0; green < 2; green++)
        for (let red = 0; red < 2; red++) rows.push(`${Math.min(1, red * 1.1)} ${green} ${blue * 0.9}`);
    await writeFile(lut, `TITLE "warm's: test"\nLUT_3D_SIZE 2\n${rows.join("\n")}\n`);
    const result = await assembleScene(
      params({
        clips: [clip("a", 1), clip("b", 2)],
        transitions: [{ fromSequence: 1, type: "fade", durationSeconds: 0.5 }],
        post: { colorGrade: "cinematic", sharpen: 0.5, denoise: true, stabilization: true, lutPath: lut },
        outputPath: join(directory, "graded.mp4"),
      }),
    );
    expect(result.strategy).toBe("full");
    expect((await probe(result.path)).frameCount).toBe(132);
  });

  async function expectRefused(scene: AssembleSceneParams, field: RegExp): Promise<void> {
    const before = await readdir(directory);
    const error = await assembleScene(scene).catch((caught: unknown) => caught);
    expect(isCutroomError(error, "INVALID_INPUT"), String(error)).toBe(true);
    expect((error as { field: string }).field).toMatch(field);
    expect(await readdir(directory)).toEqual(before);
  }

  it("refuses bad input with the field named and leaves no file behind", async () => {
    const corrupt = join(directory, "corrupt.mp4");
    await writeFile(corrupt, Buffer.alloc(4096, 7));
    const badLut = join(directory, "bad.cube");
    await writeFile(badLut, "LUT_3D_SIZE 2\n0 0 0\n");
    const base = { outputPath: join(directory, "refused.mp4") };
    await expectRefused(
      params({ ...base, clips: [{ ...clip("a", 1), path: join(directory, "missing.mp4") }] }),
      /clips\[0\]\.clipId/,
    );
    await expectRefused(
      params({ ...base, clips: [clip("a", 1), { ...clip("a", 2), path: corrupt }] }),
      /clips\[1\]\.clipId/,
    );
    await expectRefused(
      params({
        ...base,
        clips: [clip("a", 1), clip("c", 2)],
        transitions: [{ fromSequence: 1, type: "dissolve", durationSeconds: 2.5 }],
      }),
      /transitions\[0\]\.duration/,
    );
    await expectRefused(params({ ...base, clips: [clip("a", 1, { speedMultiplier: 0 })] }), /speedMultiplier/);
    await expectRefused(params({ ...base, clips: [clip("a", 1, { speedMultiplier: -1 })] }), /speedMultiplier/);
    await expectRefused(
      params({ ...base, clips: Array.from({ length: 11 }, (_, index) => clip("c", index + 1)) }),
      /^clips$/,
    );
    await expectRefused(
      params({
        ...base,
        clips: [clip("c", 1)],
        post: { colorGrade: null, sharpen: null, denoise: false, lutPath: badLut },
      }),
      /lut/,
    );
    await expectRefused(
      params({
        ...base,
        clips: [clip("c", 1)],
        tracks: [{ type: "music", path: clips.b!, startTime: 2.5, duration: null, volume: 1, fadeIn: 0, fadeOut: 0 }],
      }),
      /audio\[0\]\.startTime/,
    );
  });

  it("cuts audio tracks that run past the scene to its exact length", async () => {
    const result = await assembleScene(
      params({
        clips: [clip("c", 1)],
        tracks: [
          { type: "music", path: clips.a!, startTime: 0, duration: null, volume: 0.5, fadeIn: 0.2, fadeOut: 0.5 },
          { type: "dialogue", path: clips.b!, startTime: 1, duration: 5, volume: 1, fadeIn: 0, fadeOut: 0 },
        ],
        outputPath: join(directory, "tracks.mp4"),
      }),
    );
    expect(result.audioTrackCount).toBe(2);
    const probed = await probe(result.path);
    expect(Math.abs((probed.audioDurationSeconds ?? 0) - 2)).toBeLessThan(0.05);
  });
});
