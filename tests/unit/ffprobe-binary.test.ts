/**
 * Probes run the static ffprobe npm installs (@ffprobe-installer/ffprobe) unless FFPROBE_PATH names
 * another: it reads the same stream facts as the system's ffprobe, without its start-up cost.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffprobeBinary, probe } from "../../src/media/runner.js";
import { renderTestClip } from "../fakes/media.js";

describe("ffprobeBinary", () => {
  let directory: string;
  beforeAll(async () => {
    delete process.env.FFPROBE_PATH;
    directory = await mkdtemp(join(tmpdir(), "cutroom-ffprobe-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it("is the packaged static build, and reads what the system's ffprobe reads", async () => {
    const binary = ffprobeBinary();
    expect(binary).toMatch(/node_modules\/@ffprobe-installer\/[a-z0-9-]+\/ffprobe$/);
    accessSync(binary, constants.X_OK);
    const clip = await renderTestClip(directory, 2, "clip.mp4");
    const facts = await probe(clip, { requireVideo: true });
    const fields = "stream=width,height,r_frame_rate,codec_name,pix_fmt,nb_frames:format=duration";
    const system = execFileSync("ffprobe", ["-v", "error", "-show_entries", fields, "-of", "json", clip]).toString();
    const read = JSON.parse(system) as {
      streams: {
        width: number;
        height: number;
        r_frame_rate: string;
        codec_name: string;
        pix_fmt: string;
        nb_frames: string;
      }[];
      format: { duration: string };
    };
    const [video] = read.streams;
    expect(facts).toMatchObject({
      width: video!.width,
      height: video!.height,
      fps: 12,
      videoCodec: video!.codec_name,
      pixelFormat: video!.pix_fmt,
      frameCount: Number(video!.nb_frames),
    });
    expect(facts.durationSeconds).toBeCloseTo(Number(read.format.duration), 2);
  });
});
