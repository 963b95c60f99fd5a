import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeFilterValue } from "../../src/media/filtergraph.js";
import { CAPTION_FONT } from "../../src/media/animatic.js";
import { extractFrame } from "../../src/media/frames.js";
import { probe } from "../../src/media/runner.js";
import { runCli } from "../helpers/cli.js";
import { createTestRuntime } from "../helpers/runtime.js";
import { alice } from "../helpers/fixtures.js";

const run = promisify(execFile);
let directory = "";
let dataDir = "";
let cleanup: () => Promise<void> = async () => {};

async function makeClip(name: string, seconds: number, tone: number | null): Promise<string> {
  const path = join(directory, name);
  const args = ["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc2=s=320x180:r=12:d=${seconds}`];
  if (tone !== null) args.push("-f", "lavfi", "-i", `sine=f=${tone}:d=${seconds}`, "-c:a", "aac", "-shortest");
  args.push("-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-pix_fmt", "yuv420p", path);
  await run("ffmpeg", args);
  return path;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-media-cli-"));
  const test = await createTestRuntime();
  dataDir = test.dataDir;
  await test.runtime.brain.forProject(test.runtime.config.projectId).saveCharacter({
    id: "sarah",
    name: "Sarah",
    profile: alice,
    voiceId: null,
    createdAt: new Date().toISOString(),
  });
  await test.runtime.close();
  cleanup = test.cleanup;
  await makeClip("one.mp4", 2, 300);
  await makeClip("two.mp4", 2, null);
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=f=200:d=5", join(directory, "music.wav")]);
});

afterAll(async () => {
  await cleanup();
  await rm(directory, { recursive: true, force: true });
});

describe("cutroom assemble", () => {
  it("assembles a spec with stored-file clips, a voiced line and music, and verifies it", async () => {
    const spec = {
      sceneId: "scene-1",
      clips: [
        { clipId: "one.mp4", sequence: 1 },
        { clipId: "two.mp4", sequence: 2, trimStart: 0.5 },
      ],
      transitions: [{ fromClip: 1, toClip: 2, type: "dissolve", duration: 0.5 }],
      audio: [
        { type: "dialogue", text: 'Hello: it\'s "me"', characterId: "Sarah", startTime: 0.2 },
        { type: "music", audioId: "music.wav", startTime: 0, volume: 0.5, fadeOut: 1 },
      ],
      postProcessing: { colorGrade: "warm", sharpen: 0.3 },
    };
    const specPath = join(directory, "scene.json");
    await writeFile(specPath, JSON.stringify(spec));
    const output = join(directory, "scene-1.mp4");
    const result = await runCli(["assemble", specPath, "--output", output, "--json"], dataDir);
    expect(result.code, result.stderr).toBeLessThanOrEqual(1);
    expect(result.json.path).toBe(output);
    expect(result.json.clipCount).toBe(2);
    expect(result.json.audioTrackCount).toBe(2);
    // 24 + 18 frames at 12 fps, less 6 for the dissolve.
    expect(result.json.durationSeconds).toBe(3);
    const quality = result.json.quality as { checks: Array<{ type: string; passed: boolean }> };
    // Leveled tracks, one measured gain: the sound lands on the loudness target without clipping.
    expect(quality.checks.find((check) => check.type === "audio")).toMatchObject({ passed: true });
    expect(quality.checks.find((check) => check.type === "duration")?.passed).toBe(true);
    expect(existsSync(result.json.contactSheet as string)).toBe(true);
    const probed = await probe(output);
    expect(Math.abs(probed.durationSeconds - 3)).toBeLessThanOrEqual(1 / 12);
  });

  it("names the bad field and exits 2", async () => {
    const specPath = join(directory, "bad.json");
    await writeFile(
      specPath,
      JSON.stringify({ sceneId: "s", clips: [{ clipId: "one.mp4", sequence: 1, speedMultiplier: -1 }] }),
    );
    const result = await runCli(["assemble", specPath, "--json"], dataDir);
    expect(result.code).toBe(2);
    expect((result.json.error as { field: string }).field).toBe("clips[0].speedMultiplier");
    await writeFile(specPath, JSON.stringify({ sceneId: "s", clips: [{ clipId: "nowhere.mp4", sequence: 1 }] }));
    const missing = await runCli(["assemble", specPath, "--json"], dataDir);
    expect(missing.code).toBe(2);
    expect((missing.json.error as { field: string }).field).toBe("clips[0].clipId");
  });
});

describe("cutroom verify", () => {
  it("exits 0 when the checks pass, 1 when they do not, 2 on bad input", async () => {
    const clip = join(directory, "one.mp4");
    const passed = await runCli(
      [
        "verify",
        clip,
        "--expect-duration",
        "2",
        "--expect-fps",
        "12",
        "--checks",
        "duration,fps,bitrate,motion-quality,visual-clarity",
        "--json",
      ],
      dataDir,
    );
    expect(passed.code, passed.stdout).toBe(0);
    const failed = await runCli(
      ["verify", clip, "--expect-resolution", "1920x1080", "--checks", "resolution,audio", "--json"],
      dataDir,
    );
    expect(failed.code).toBe(1);
    // A raw clip's level is the mixer's job: its tone passes audio, so only the resolution is suggested a fix.
    expect((failed.json.suggestions as string[]).length).toBe(1);
    expect(failed.json.checks).toContainEqual(expect.objectContaining({ type: "audio", passed: true }));
    const corrupt = join(directory, "corrupt.mp4");
    await writeFile(corrupt, Buffer.alloc(2048, 1));
    expect((await runCli(["verify", corrupt, "--json"], dataDir)).code).toBe(2);
    expect((await runCli(["verify", clip, "--checks", "nonsense", "--json"], dataDir)).code).toBe(2);
  });
});

describe("frames", () => {
  it("extracts the last frame and leaves no partial file", async () => {
    const output = join(directory, "last.png");
    await extractFrame(join(directory, "one.mp4"), "last", output);
    expect((await probe(output)).width).toBe(320);
    expect((await readdir(directory)).some((name) => name.includes(".partial"))).toBe(false);
  });

  it("draws escaped caption text exactly as the same text read from a file", async () => {
    const text = `it's "A": back\\slash; [x], 50%\nsecond line`;
    const textFile = join(directory, "caption.txt");
    await writeFile(textFile, text);
    const draw = async (option: string, output: string) => {
      await run("ffmpeg", [
        ...["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=320x120:d=1"],
        ...[
          "-filter_complex",
          `[0:v]drawtext=fontfile=${escapeFilterValue(CAPTION_FONT)}:${option}:expansion=none:fontsize=14:x=4:y=4[out]`,
        ],
        ...["-map", "[out]", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", output],
      ]);
    };
    await draw(`text=${escapeFilterValue(text)}`, join(directory, "inline.raw"));
    await draw(`textfile=${escapeFilterValue(textFile)}`, join(directory, "file.raw"));
    const { readFile } = await import("node:fs/promises");
    const inline = await readFile(join(directory, "inline.raw"));
    expect(inline.equals(await readFile(join(directory, "file.raw")))).toBe(true);
    // Black text was drawn at all (the background is mid grey).
    expect(inline.some((value) => value < 60)).toBe(true);
  });
});
