import { describe, expect, it } from "vitest";
import { parseProgressTime, specToArgs, type FfmpegSpec } from "../../src/media/runner.js";

describe("specToArgs", () => {
  it("orders overwrite, inputs with their options, the filter graph, output options and the output", () => {
    const spec: FfmpegSpec = {
      inputs: [
        { source: "color=c=black:s=64x64:d=1", options: ["-f", "lavfi"] },
        { source: "file:/in/a b.png", options: ["-loop", "1"] },
      ],
      filterComplex: "[0:v][1:v]overlay[vout]",
      outputOptions: ["-map", "[vout]", "-t", "1"],
      output: "/out/x.mp4",
    };
    expect(specToArgs(spec)).toEqual([
      "-y",
      "-f",
      "lavfi",
      "-i",
      "color=c=black:s=64x64:d=1",
      "-loop",
      "1",
      "-i",
      "file:/in/a b.png",
      "-filter_complex",
      "[0:v][1:v]overlay[vout]",
      "-map",
      "[vout]",
      "-t",
      "1",
      "/out/x.mp4",
    ]);
  });

  it("turns the '-' output into ffmpeg's null muxer and leaves out a missing graph", () => {
    const spec: FfmpegSpec = {
      inputs: [{ source: "/in/a.mp4", options: [] }],
      filterComplex: null,
      outputOptions: ["-vf", "blurdetect"],
      output: "-",
    };
    expect(specToArgs(spec)).toEqual(["-y", "-i", "/in/a.mp4", "-vf", "blurdetect", "-f", "null", "-"]);
  });
});

describe("parseProgressTime", () => {
  it("reads time= from stats lines", () => {
    expect(
      parseProgressTime("frame=   48 fps=0.0 q=29.0 size=       0kB time=00:00:02.00 bitrate=   0.2kbits/s speed=3.9x"),
    ).toBe(2);
    expect(parseProgressTime("size=N/A time=01:02:03.50 bitrate=N/A speed=16x")).toBeCloseTo(3723.5);
    expect(parseProgressTime("size=N/A time=00:00:00.04 bitrate=N/A")).toBeCloseTo(0.04);
  });

  it("returns null when there is no usable time", () => {
    expect(parseProgressTime("Stream #0:0: Video: h264")).toBeNull();
    expect(parseProgressTime("frame=0 time=N/A bitrate=N/A")).toBeNull();
    expect(parseProgressTime("frame=0 time=-577014:32:22.77 bitrate=N/A")).toBeNull();
  });
});
