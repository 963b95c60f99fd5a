/** A stopped ffmpeg run is killed and leaves no partial output behind, whether cancelled or timed out. */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CutroomError } from "../../src/errors.js";
import { runFfmpeg, type FfmpegSpec } from "../../src/media/runner.js";

/** Long enough that it is always stopped mid-way: a minute of 720p test pattern at a slow preset. */
function slowRender(output: string): FfmpegSpec {
  return {
    inputs: [{ source: "testsrc2=size=1280x720:rate=30:duration=60", options: ["-f", "lavfi"] }],
    filterComplex: null,
    outputOptions: ["-c:v", "libx264", "-preset", "veryslow", "-pix_fmt", "yuv420p"],
    output,
  };
}

describe("stopping ffmpeg", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-runner-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (caught: unknown) => caught as CutroomError,
    );

  it("an aborted run is killed mid-way and its partial file removed", async () => {
    const output = join(directory, "cancelled.mp4");
    const controller = new AbortController();
    let sawPartial = false;
    const run = runFfmpeg(slowRender(output), {
      timeoutMs: 120_000,
      signal: controller.signal,
      durationSeconds: 60,
      onProgress: () => {
        // Abort only once ffmpeg has written part of the file, so there is something to clean up.
        if (!sawPartial && existsSync(output)) {
          sawPartial = true;
          controller.abort();
        }
      },
    });
    const started = Date.now();
    const error = await failure(run);
    expect(error?.code).toBe("FFMPEG_CANCELLED");
    expect(sawPartial).toBe(true);
    expect(existsSync(output)).toBe(false);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("a run past its timeout is killed and its partial file removed", async () => {
    const output = join(directory, "timed-out.mp4");
    const error = await failure(runFfmpeg(slowRender(output), { timeoutMs: 1_500 }));
    expect(error?.code).toBe("FFMPEG_TIMEOUT");
    expect(await stat(output).catch(() => null)).toBeNull();
  });
});
