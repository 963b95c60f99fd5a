import { describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import {
  buildMixSpec,
  type LoudnessMeasurement,
  MAX_LEVELING_DB,
  normalizingGainDb,
  type MixTrack,
} from "../../src/media/audio.js";
import { buildPostProcessSpec } from "../../src/media/post.js";
import { specToArgs } from "../../src/media/runner.js";

const dialogue: MixTrack = {
  type: "dialogue",
  path: "/a/line.wav",
  startTime: 1.5,
  duration: 2,
  volume: 1,
  fadeIn: 0,
  fadeOut: 0.2,
};
const music: MixTrack = {
  type: "music",
  path: "/a/music.wav",
  startTime: 0,
  duration: null,
  volume: 0.4,
  fadeIn: 1,
  fadeOut: 1,
};
const sfx: MixTrack = {
  type: "sfx",
  path: "/a/birds.wav",
  startTime: 0,
  duration: 5,
  volume: 0.3,
  fadeIn: 0.5,
  fadeOut: 0.5,
};

describe("buildMixSpec", () => {
  const spec = buildMixSpec({
    videoPath: "/v/scene.mp4",
    tracks: [dialogue, music, sfx],
    videoDurationSeconds: 5,
    outputPath: "/o/mixed.mp4",
  });
  const graph = spec.filterComplex ?? "";

  it("delays, fades and sets the volume of each track", () => {
    expect(graph).toContain("[1:a]atrim=duration=2,asetpts=PTS-STARTPTS");
    expect(graph).toContain("afade=t=out:st=1.8:d=0.2,volume=1,adelay=delays=1500:all=1[dialogue0]");
    // A music track without a duration plays to the end of the picture, where it fades out.
    expect(graph).toContain("[2:a]atrim=duration=5,");
    expect(graph).toContain("afade=t=in:st=0:d=1,afade=t=out:st=4:d=1,volume=0.4[music1]");
    expect(graph).toContain("volume=0.3[sfx2]");
  });

  it("ducks music under dialogue, mixes, normalises loudness and pads to the video length", () => {
    expect(graph).toContain("[dialogue]asplit=2[dialogue_mix][dialogue_key]");
    expect(graph).toMatch(/\[music\]\[dialogue_key\]sidechaincompress=[^;]*\[music_ducked\]/);
    expect(graph).toContain("[dialogue_mix][music_ducked][sfx]amix=inputs=3");
    expect(graph).toContain("loudnorm=I=-16:TP=-1.5:LRA=11");
    expect(graph).toContain("apad,atrim=end_sample=240000[aout]");
    const args = specToArgs(spec);
    expect(args).toEqual(expect.arrayContaining(["-c:v", "copy", "-c:a", "aac", "-map", "0:v:0", "-map", "[aout]"]));
    expect(args.slice(args.indexOf("-t"), args.indexOf("-t") + 2)).toEqual(["-t", "5"]);
    expect(spec.inputs.map((input) => input.source)).toEqual([
      "file:/v/scene.mp4",
      "file:/a/line.wav",
      "file:/a/music.wav",
      "file:/a/birds.wav",
    ]);
  });

  it("does not duck when there is no dialogue", () => {
    const musicOnly =
      buildMixSpec({ videoPath: "/v/s.mp4", tracks: [music], videoDurationSeconds: 3, outputPath: "/o/m.mp4" })
        .filterComplex ?? "";
    expect(musicOnly).not.toContain("sidechaincompress");
    expect(musicOnly).toContain("[music0]anull[music]");
  });

  it("rejects an empty track list and out-of-range volumes, naming the field", () => {
    const attempt = (tracks: MixTrack[]) => () =>
      buildMixSpec({ videoPath: "/v", tracks, videoDurationSeconds: 3, outputPath: "/o" });
    expect(attempt([])).toThrow(/tracks/);
    try {
      attempt([{ ...music, volume: 2 }])();
      expect.unreachable();
    } catch (error) {
      expect(isCutroomError(error, "INVALID_INPUT")).toBe(true);
      expect((error as { field: string }).field).toBe("tracks[0].volume");
    }
  });
});

describe("leveling and the one normalizing gain", () => {
  const measured = (input_i: string): LoudnessMeasurement => ({
    input_i,
    input_tp: "-0.2",
    input_lra: "4.0",
    input_thresh: "-40.0",
    target_offset: "0.1",
  });

  it("applies a track's leveling gain before its volume", () => {
    const graph =
      buildMixSpec({
        videoPath: "/v/s.mp4",
        tracks: [
          { ...dialogue, gainDb: 12.5 },
          { ...music, gainDb: -8 },
        ],
        videoDurationSeconds: 5,
        outputPath: "/o/m.mp4",
      }).filterComplex ?? "";
    expect(graph).toContain("volume=12.5dB,volume=1,adelay=delays=1500:all=1[dialogue0]");
    expect(graph).toContain("volume=-8dB,volume=0.4[music1]");
  });

  it("brings the measured mix to -16 LUFS with one gain and a limiter, never loudnorm's dynamic mode", () => {
    const graph =
      buildMixSpec(
        { videoPath: "/v/s.mp4", tracks: [dialogue, music], videoDurationSeconds: 5, outputPath: "/o/m.mp4" },
        { kind: "linear", measured: measured("-30.5") },
      ).filterComplex ?? "";
    expect(graph).toContain("[mixed]volume=14.5dB,alimiter=limit=0.7079:attack=5:release=50:level=false:latency=true,");
    expect(graph).not.toContain("loudnorm");
    expect(normalizingGainDb(measured("-12"))).toBe(-4);
    // Silence is left alone rather than amplified.
    expect(normalizingGainDb(measured("-inf"))).toBe(0);
    expect(normalizingGainDb(measured("-70.0"))).toBe(0);
  });

  it("refuses a leveling gain outside its range, naming the track", () => {
    try {
      buildMixSpec({
        videoPath: "/v",
        tracks: [music, { ...dialogue, gainDb: MAX_LEVELING_DB + 1 }],
        videoDurationSeconds: 3,
        outputPath: "/o",
      });
      expect.unreachable();
    } catch (error) {
      expect(isCutroomError(error, "INVALID_INPUT")).toBe(true);
      expect((error as { field: string }).field).toBe("tracks[1].gainDb");
    }
  });
});

describe("buildPostProcessSpec", () => {
  it("denoises before grading and sharpening, and copies audio", () => {
    const spec = buildPostProcessSpec("/in/a.mp4", "/out/b.mp4", {
      colorGrade: "cinematic",
      sharpen: 0.5,
      denoise: true,
    });
    const graph = spec.filterComplex ?? "";
    expect(graph.indexOf("hqdn3d")).toBeLessThan(graph.indexOf("colorbalance"));
    expect(graph.indexOf("colorbalance")).toBeLessThan(graph.indexOf("unsharp"));
    expect(graph).toContain("unsharp=5:5:0.75:5:5:0");
    expect(specToArgs(spec)).toEqual(expect.arrayContaining(["-map", "0:a?", "-c:a", "copy"]));
  });

  it.each(["natural", "cinematic", "warm", "cool", "high-contrast"] as const)("has a %s preset", (colorGrade) => {
    expect(
      buildPostProcessSpec("/in/a.mp4", "/out/b.mp4", { colorGrade, sharpen: null, denoise: false }).filterComplex,
    ).toMatch(/eq=|colorbalance=|curves=/);
  });

  it("leaves the picture alone when nothing is asked", () => {
    expect(
      buildPostProcessSpec("/in/a.mp4", "/out/b.mp4", { colorGrade: null, sharpen: null, denoise: false })
        .filterComplex,
    ).toBe("[0:v]format=yuv420p[vout]");
  });

  it("rejects sharpen outside 0..1", () => {
    expect(() =>
      buildPostProcessSpec("/in/a.mp4", "/out/b.mp4", { colorGrade: null, sharpen: 3, denoise: false }),
    ).toThrow(/sharpen/);
  });
});
