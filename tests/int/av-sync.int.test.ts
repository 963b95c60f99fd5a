/**
 * A spoken line's sound against where the edit placed it: found under a bed at its place, heard late when the
 * mix put it late, and not found when the take carries other words.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSoundSync, measureLineSync } from "../../src/media/av-sync.js";
import { speechMp3 } from "../fakes/media.js";
import { runCli } from "../helpers/cli.js";

const run = promisify(execFile);

/** A 4 s take with a picture, a brown-noise bed and the line mixed in at `atSeconds`. */
async function take(directory: string, line: string, atSeconds: number, name: string): Promise<string> {
  const path = join(directory, name);
  const delay = Math.round(atSeconds * 1000);
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=24:duration=4"],
    ...["-f", "lavfi", "-i", "anoisesrc=color=brown:amplitude=0.05:duration=4:seed=3", "-i", line],
    "-filter_complex",
    `[2:a]adelay=${delay}:all=1[voice];[1:a][voice]amix=inputs=2:duration=first:normalize=0[mix]`,
    ...["-map", "0:v", "-map", "[mix]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-t", "4", path],
  ]);
  return path;
}

describe("sound sync of spoken lines", () => {
  let directory: string;
  let line: string;
  let other: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-av-sync-"));
    line = await speechMp3(directory, "What a lovely day in the park", "line.mp3");
    other = await speechMp3(directory, "Seven hundred and twelve", "other.mp3");
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it("finds a line at its place under the bed, and passes", async () => {
    const path = await take(directory, line, 1, "in-sync.mp4");
    const [found] = await measureLineSync(path, [{ label: "Sarah's line", audioPath: line, startSeconds: 1 }], 60_000);
    expect(Math.abs(found!.offsetSeconds!)).toBeLessThanOrEqual(0.03);
    expect(found!.correlation).toBeGreaterThan(0.8);
    const check = await checkSoundSync(
      path,
      [{ label: "Sarah's line", audioPath: line, startSeconds: 1 }],
      0.7,
      60_000,
    );
    expect(check).toMatchObject({ type: "lip-sync", passed: true });
  });

  it("hears a line the mix put 0.4 s late as late, and fails", async () => {
    const path = await take(directory, line, 1.4, "late.mp4");
    const check = await checkSoundSync(
      path,
      [{ label: "Sarah's line", audioPath: line, startSeconds: 1 }],
      0.7,
      60_000,
    );
    expect(check.passed).toBe(false);
    expect(check.score).toBeLessThan(0.7);
    expect(check.details).toMatch(/Sarah's line is heard 0\.(39|40|41) s late/);
  });

  it("says a line it cannot find is not measured, rather than guess", async () => {
    const path = await take(directory, other, 1, "other-words.mp4");
    const otherWords = await checkSoundSync(
      path,
      [{ label: "Sarah's line", audioPath: line, startSeconds: 1 }],
      0.7,
      60_000,
    );
    expect(otherWords).toMatchObject({ measured: false, passed: true });
    expect(otherWords.details).toMatch(/Sarah's line not found in the sound/);
  });

  it("is asked for with cutroom verify --line, and a malformed --line is bad input naming the field", async () => {
    const inSync = await take(directory, line, 1, "cli-in-sync.mp4");
    const late = await take(directory, line, 1.4, "cli-late.mp4");
    const verify = (path: string, value: string) =>
      runCli(["verify", path, "--line", value, "--checks", "lip-sync", "--json"], directory);
    const passed = await verify(inSync, `${line}@1`);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(passed.json.checks).toContainEqual(expect.objectContaining({ type: "lip-sync", passed: true }));
    const failed = await verify(late, `${line}@1`);
    expect(failed.code).toBe(1);
    expect(JSON.stringify(failed.json.checks)).toMatch(/line\.mp3 is heard 0\.4\d? s late/);
    const malformed = await verify(inSync, "no-time-given.wav");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr + malformed.stdout).toMatch(/--line/);
  });
});
