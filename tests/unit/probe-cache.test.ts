/**
 * A file is probed once per process while it is unchanged: later probes (after a rename too) read the
 * same facts without running ffprobe again; a file written again, or a probe that failed, runs it anew.
 * ffprobe is counted through FFPROBE_PATH, a wrapper that logs each run and hands over to the real one.
 */
import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../src/media/runner.js";
import { renderLavfi, renderTestClip } from "../fakes/media.js";

describe("probe", () => {
  let directory: string;
  let runs: string;
  const probesRun = async () => (await readFile(runs, "utf8").catch(() => "")).split("\n").filter(Boolean).length;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-probe-cache-"));
    runs = join(directory, "runs.log");
    const real = execFileSync("sh", ["-c", "command -v ffprobe"]).toString().trim();
    const wrapper = join(directory, "ffprobe");
    await writeFile(wrapper, `#!/bin/sh\necho run >> '${runs}'\nexec '${real}' "$@"\n`);
    await chmod(wrapper, 0o755);
    // fluent-ffmpeg looks its ffprobe up once per process, on the first probe: this file's is the wrapper.
    process.env.FFPROBE_PATH = wrapper;
  });
  afterAll(async () => {
    delete process.env.FFPROBE_PATH;
    await rm(directory, { recursive: true, force: true });
  });

  it("runs ffprobe once for an unchanged file, also after it was renamed", async () => {
    const clip = await renderTestClip(directory, 2, "clip.mp4");
    const first = await probe(clip, { requireVideo: true });
    const second = await probe(clip);
    expect(await probesRun()).toBe(1);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ width: 320, height: 180, fps: 12, durationSeconds: 2 });
    // A caller changing its copy changes nobody else's.
    second.width = 1;
    expect((await probe(clip)).width).toBe(320);

    const moved = join(directory, "moved.mp4");
    await rename(clip, moved);
    expect(await probe(moved)).toEqual(first);
    expect(await probesRun()).toBe(1);
  });

  it("probes a file written again anew", async () => {
    const path = await renderTestClip(directory, 2, "rewritten.mp4");
    expect((await probe(path)).durationSeconds).toBe(2);
    const before = await probesRun();
    await renderTestClip(directory, 3, "rewritten.mp4");
    expect((await probe(path)).durationSeconds).toBe(3);
    expect(await probesRun()).toBe(before + 1);
  });

  it("keeps no failure, and holds a cached sound file to requireVideo", async () => {
    const broken = join(directory, "broken.mp4");
    await writeFile(broken, "not a video at all");
    await expect(probe(broken)).rejects.toThrow(/not a readable video/);
    const before = await probesRun();
    await expect(probe(broken)).rejects.toThrow(/not a readable video/);
    expect(await probesRun()).toBe(before + 1);

    const tone = await renderLavfi("sine=frequency=440:duration=1", ["-c:a", "pcm_s16le"], join(directory, "tone.wav"));
    expect((await probe(tone)).hasAudio).toBe(true);
    await expect(probe(tone, { requireVideo: true })).rejects.toThrow(/no video stream/);
  });
});
