import { describe, expect, it } from "vitest";
import { buildAnalysisSpec, flickerFrames, parseAnalysis, parseAudioMeasures } from "../../src/media/analysis.js";
import { escapeFilterValue } from "../../src/media/filtergraph.js";
import { buildContactSheetSpec, formatTimecode } from "../../src/media/frames.js";
import { summarize } from "../../src/media/quality-report.js";
import { audioCheck, bitrateCheck, motionCheck } from "../../src/media/quality-signal.js";
import type { ProbeResult } from "../../src/media/runner.js";

const facts: ProbeResult = {
  durationSeconds: 4,
  width: 1920,
  height: 1080,
  fps: 24,
  videoCodec: "h264",
  videoProfile: "High",
  pixelFormat: "yuv420p",
  timeBase: "1/12288",
  sampleAspectRatio: "1:1",
  constantFrameRate: true,
  bitRate: 5_000_000,
  videoBitRate: 4_800_000,
  frameCount: 96,
  hasAudio: true,
  audioCodec: "aac",
  audioDurationSeconds: 4,
  sizeBytes: 2_500_000,
};

const EBUR128_TWICE = `[Parsed_ebur128_2 @ 0x1] Summary:\n  Integrated loudness:\n    I:         -70.0 LUFS\n  True peak:\n    Peak:       -inf dBFS
[Parsed_astats_0 @ 0x2] Overall\n[Parsed_astats_0 @ 0x2] Peak level dB: -0.050000\n[Parsed_astats_0 @ 0x2] RMS level dB: -12.5
[silencedetect @ 0x3] silence_start: 1\n[silencedetect @ 0x3] silence_end: 3.5 | silence_duration: 2.5
[Parsed_ebur128_2 @ 0x4] Summary:\n  Integrated loudness:\n    I:         -9.5 LUFS\n    Threshold: -19.6 LUFS\n  True peak:\n    Peak:       0.3 dBFS`;

describe("one-pass analysis", () => {
  it("builds one run with split picture branches and the sound chain", () => {
    const spec = buildAnalysisSpec("/v/a.mp4", facts);
    expect(spec.output).toBe("-");
    expect(spec.filterComplex).toContain("[0:v]split=2[small][full]");
    expect(spec.filterComplex).toContain("freezedetect=n=0.001:d=0.5,blackdetect=d=0.2:pix_th=0.1,signalstats");
    expect(spec.filterComplex).toContain(
      "[full]fps=2,crop=640:360,blurdetect,metadata=mode=print:key=lavfi.blur,nullsink",
    );
    expect(spec.filterComplex).toContain("astats=metadata=0,silencedetect=n=-50dB:d=0.5,ebur128=peak=true");
    expect(
      buildAnalysisSpec("/v/a.mp4", { ...facts, width: 320, height: 180, hasAudio: false }).filterComplex,
    ).not.toMatch(/crop|astats/);
  });

  it("reads the last ebur128 summary, astats' overall section and silences", () => {
    const audio = parseAudioMeasures(EBUR128_TWICE, 4);
    expect(audio).toEqual({
      peakDb: -0.05,
      rmsDb: -12.5,
      integratedLufs: -9.5,
      truePeakDbtp: 0.3,
      silence: [{ start: 1, end: 3.5 }],
    });
  });

  it("counts alternating brightness jumps as flicker, not cuts or fades", () => {
    expect(flickerFrames([100, 100, 140, 140, 140])).toBe(0);
    expect(flickerFrames([10, 20, 30, 40, 50])).toBe(0);
    expect(flickerFrames([100, 120, 100, 120, 100, 120])).toBe(4);
  });
});

describe("signal checks", () => {
  it("fails the sound on clipping, loudness, silence and length, with a concrete suggestion", () => {
    const analysis = parseAnalysis(EBUR128_TWICE, 4, true);
    const check = audioCheck(analysis, { ...facts, audioDurationSeconds: 3.5 }, 0.7, {
      role: "final-mix",
      targetLufs: -16,
    });
    expect(check.passed).toBe(false);
    expect(check.score).toBe(0);
    expect(check.details).toMatch(/silent for 2.50/);
    expect(check.details).toMatch(/clipping/);
    expect(check.details).toMatch(/-9.5 LUFS/);
    expect(check.details).toMatch(/sound lasts 3.500 s/);
    const report = summarize([check]);
    expect(report.suggestions[0]).toMatch(/normalize loudness to -16 LUFS/);
    expect(report.suggestions[0]).toMatch(/apad/);
  });

  it("leaves a file without sound not measured: it neither passes nor fails the take", () => {
    const check = audioCheck(null, { ...facts, hasAudio: false }, 0.7);
    expect(check.measured).toBe(false);
    expect(summarize([check]).ignored?.[0]?.type).toBe("audio");
  });

  it("judges bits per pixel", () => {
    expect(bitrateCheck(facts, 0.7).passed).toBe(true);
    const starved = bitrateCheck({ ...facts, videoBitRate: 20_000 }, 0.7);
    expect(starved.passed).toBe(false);
    expect(summarize([starved]).suggestions[0]).toMatch(/starved/);
    expect(bitrateCheck({ ...facts, videoBitRate: null, bitRate: null }, 0.7).passed).toBe(false);
  });

  it("takes flicker off the motion score", () => {
    const luma = Array.from({ length: 96 }, (_, index) => (index % 2 === 0 ? 100 : 130));
    const check = motionCheck({ decodedFrames: 96, frozen: [], black: [], blurMean: 5, luma, audio: null }, 4, 0.7);
    expect(check.passed).toBe(false);
    expect(check.details).toMatch(/94 flickering of 96 frames/);
    expect(summarize([check]).suggestions[0]).toMatch(/deflicker/);
  });
});

describe("contact sheet", () => {
  it("labels each shot with escaped text and timecodes", () => {
    const label = `it's "A": back\\slash\nnew line %{pts}`;
    const spec = buildContactSheetSpec(
      "/s/scene.mp4",
      [{ atSeconds: 1, startSeconds: 0, endSeconds: 2.5, label }],
      24,
      "/s/sheet.png",
    );
    expect(spec.filterComplex).toContain(`text=${escapeFilterValue(`#1  00:00:00:00 - 00:00:02:12\n${label}`)}`);
    expect(spec.filterComplex).toContain("expansion=none");
    expect(spec.inputs[0]).toEqual({ source: "file:/s/scene.mp4", options: ["-ss", "1"] });
    expect(formatTimecode(3661.5, 24)).toBe("01:01:01:12");
  });
});
