import { describe, expect, it } from "vitest";
import {
  CUE_LEVELS_DB,
  PIANO_NOTE_SECONDS,
  SYNTH_SAMPLE_RATE,
  UPBEAT_BPM,
  chooseCue,
  MAX_RENDER_SECONDS,
  encodeBedSpec,
  interleave,
  renderBed,
  renderCue,
  type SoundCue,
} from "../../src/media/synth/index.js";
import { specToArgs } from "../../src/media/runner.js";
import {
  bandShare,
  crestFactor,
  frameLevels,
  median,
  mono,
  octaveBandsDb,
  onsets,
  percentile,
  powerSpectrum,
  pulsePeriod,
  rmsDb,
} from "../helpers/audio-measure.js";

const RATE = SYNTH_SAMPLE_RATE;
const CUES: SoundCue[] = [
  "piano",
  "strings",
  "pad",
  "upbeat",
  "birds",
  "rain",
  "waves",
  "crowd",
  "traffic",
  "wind",
  "room",
];

/** Ten seconds of a cue, mixed to mono, rendered once per test file. */
const rendered = new Map<SoundCue, Float32Array>();
function bed(cue: SoundCue): Float32Array {
  if (!rendered.has(cue)) {
    const sound = renderCue(cue, 10, 20261130);
    rendered.set(cue, mono(sound.left, sound.right));
  }
  return rendered.get(cue)!;
}

describe("choosing a cue from the description", () => {
  it.each([
    ["music", "piano"],
    ["soft piano music in the background", "piano"],
    ["a melody", "piano"],
    ["sad piano", "piano"],
    ["strings swelling", "strings"],
    ["cinematic score", "strings"],
    ["ambient pad", "pad"],
    ["calm ambient music", "pad"],
    ["upbeat music", "upbeat"],
    ["energetic soundtrack", "upbeat"],
    ["drums and a beat", "upbeat"],
    ["birds singing in a park", "birds"],
    ["heavy rain", "rain"],
    ["waves on a beach", "waves"],
    ["a crowd chattering", "crowd"],
    ["city traffic", "traffic"],
    ["wind in the trees", "wind"],
    ["ambience", "wind"],
    ["a quiet room", "room"],
  ] as const)("%s → %s", (description, cue) => {
    expect(chooseCue(description)).toBe(cue);
  });
});

describe("rendering beds", () => {
  it("gives every cue exactly the asked number of frames, the same samples for the same seed", () => {
    for (const cue of CUES) {
      const first = renderCue(cue, 2.5, 42);
      expect(first.left.length).toBe(120_000);
      expect(first.right.length).toBe(120_000);
      expect(Buffer.compare(interleave(first), interleave(renderCue(cue, 2.5, 42)))).toBe(0);
    }
    // Event-driven beds place their events from the seed.
    expect(Buffer.compare(interleave(renderCue("birds", 2.5, 1)), interleave(renderCue("birds", 2.5, 2)))).not.toBe(0);
  });

  it("sets each cue to its level, peaks under -1 dBFS", () => {
    // Where the old beds sat: music near -24 dBFS RMS, ambiences -25 to -30, room tone -40.
    expect(CUE_LEVELS_DB.piano).toBe(-24);
    expect(CUE_LEVELS_DB.room).toBe(-40);
    const expected = CUE_LEVELS_DB;
    for (const cue of CUES) {
      const sound = renderCue(cue, 10, 20261130);
      const level = 10 * Math.log10((10 ** (rmsDb(sound.left) / 10) + 10 ** (rmsDb(sound.right) / 10)) / 2);
      expect(Math.abs(level - expected[cue]), cue).toBeLessThan(0.2);
      const peak = Math.max(
        ...[sound.left, sound.right].map((channel) =>
          channel.reduce((max, value) => Math.max(max, Math.abs(value)), 0),
        ),
      );
      expect(peak, cue).toBeLessThanOrEqual(10 ** (-1 / 20) + 1e-6);
    }
  });

  it("renders ten seconds of any cue well inside two seconds", () => {
    for (const cue of CUES) {
      const started = performance.now();
      renderCue(cue, 10, 7);
      // Generous for a loaded test machine; a quiet one takes 50-250 ms.
      expect(performance.now() - started, cue).toBeLessThan(1500);
    }
  });
});

describe("what the beds sound like, measured", () => {
  it("piano: a note struck every eighth at 96 BPM", () => {
    const times = onsets(bed("piano"), RATE);
    // 32 eighth notes in 10 s; the very first is masked by nothing, so all should be found.
    expect(times.length).toBeGreaterThanOrEqual(28);
    expect(times.length).toBeLessThanOrEqual(34);
    const intervals = times.slice(1).map((time, index) => time - times[index]!);
    expect(Math.abs(median(intervals) - PIANO_NOTE_SECONDS)).toBeLessThan(0.011);
    expect(Math.abs(pulsePeriod(bed("piano"), RATE, 0.2, 0.45) - PIANO_NOTE_SECONDS)).toBeLessThan(0.011);
  });

  it("upbeat: the onset envelope repeats at the beat period", () => {
    // Searched over 80-160 BPM, the usual tempo range, so the eighth hats cannot pass for the beat.
    const period = pulsePeriod(bed("upbeat"), RATE, 60 / 160, 60 / 80);
    expect(Math.abs(period - 60 / UPBEAT_BPM)).toBeLessThan(0.011);
    expect(UPBEAT_BPM).toBeGreaterThanOrEqual(110);
    expect(UPBEAT_BPM).toBeLessThanOrEqual(128);
  });

  it("strings and pad: sustained, with hardly any attacks, the pad darker than the strings", () => {
    expect(onsets(bed("strings"), RATE).length).toBeLessThan(8);
    expect(onsets(bed("pad"), RATE).length).toBeLessThan(8);
    const centroid = (cue: SoundCue) => {
      const power = powerSpectrum(bed(cue));
      return power.reduce((sum, value, bin) => sum + value * bin, 0) / power.reduce((sum, value) => sum + value, 0);
    };
    expect(centroid("pad")).toBeLessThan(centroid("strings"));
    // Held chords: after the first attack, the level never falls far below its median.
    const levels = frameLevels(bed("strings").subarray(RATE), RATE, 0.1);
    expect(Math.min(...levels) / median(levels)).toBeGreaterThan(0.3);
  });

  it("birds: energy in 2-8 kHz, in short bursts", () => {
    const power = powerSpectrum(bed("birds"));
    expect(bandShare(power, RATE, 2000, 8000)).toBeGreaterThan(0.9);
    const levels = frameLevels(bed("birds"), RATE, 0.01);
    // Loud 10 ms frames are many times the median frame (the quiet bed between calls)...
    expect(percentile(levels, 0.95) / median(levels)).toBeGreaterThan(5);
    // ...and most frames are that quiet bed.
    expect(levels.filter((level) => level > Math.max(...levels) / 4).length / levels.length).toBeLessThan(0.4);
  });

  it("traffic: energy below 500 Hz, swelling as cars pass", () => {
    expect(bandShare(powerSpectrum(bed("traffic")), RATE, 0, 500)).toBeGreaterThan(0.9);
    const levels = frameLevels(bed("traffic"), RATE, 0.5);
    expect(Math.max(...levels) / Math.min(...levels)).toBeGreaterThan(1.5);
  });

  it("rain: broadband with a high crest factor", () => {
    const power = powerSpectrum(bed("rain"));
    // Energy in every region from the low patter to the high hiss, none of them dominant.
    const shares = [
      bandShare(power, RATE, 250, 1000),
      bandShare(power, RATE, 1000, 4000),
      bandShare(power, RATE, 4000, 12000),
    ];
    expect(shares[0]).toBeGreaterThan(0.07);
    expect(shares[1]).toBeGreaterThan(0.2);
    expect(shares[2]).toBeGreaterThan(0.2);
    expect(Math.max(...shares)).toBeLessThan(0.7);
    // Gaussian-like noise alone has a crest factor near 4-5; drops push it far higher.
    expect(crestFactor(bed("rain"))).toBeGreaterThan(8);
  });

  it("crowd: speech-band energy that comes and goes in syllables", () => {
    expect(bandShare(powerSpectrum(bed("crowd")), RATE, 150, 4000)).toBeGreaterThan(0.85);
    const levels = frameLevels(bed("crowd"), RATE, 0.05);
    expect(percentile(levels, 0.9) / percentile(levels, 0.1)).toBeGreaterThan(1.3);
  });

  it("wind: low-mid band noise that gusts", () => {
    expect(bandShare(powerSpectrum(bed("wind")), RATE, 100, 2500)).toBeGreaterThan(0.8);
    const levels = frameLevels(bed("wind"), RATE, 0.5);
    expect(Math.max(...levels) / Math.min(...levels)).toBeGreaterThan(2);
  });

  it("every cue has its own spectrum: octave bands differ by more than 3 dB RMS between any two", () => {
    const bands = new Map(CUES.map((cue) => [cue, octaveBandsDb(powerSpectrum(bed(cue)), RATE)]));
    for (const first of CUES)
      for (const second of CUES) {
        if (first >= second) continue;
        const a = bands.get(first)!;
        const b = bands.get(second)!;
        const distance = Math.sqrt(a.reduce((sum, value, index) => sum + (value - b[index]!) ** 2, 0) / a.length);
        expect(distance, `${first} vs ${second}`).toBeGreaterThan(3);
      }
  });
});

describe("long beds", () => {
  it("render a seamless loop of whole progressions for ffmpeg to repeat", () => {
    const short = renderBed("piano", 30, 3);
    expect(short.looped).toBe(false);
    expect(short.sound.left.length).toBe(30 * RATE);
    // The piano comes round every 10 s (four bars at 96 BPM): twelve turns fit in 120 s.
    const piano = renderBed("piano", 300, 3);
    expect(piano.looped).toBe(true);
    expect(piano.sound.left.length).toBe(120 * RATE);
    // 15 turns of the 7.74 s upbeat progression.
    expect(renderBed("upbeat", 200, 3).sound.left.length).toBe(Math.round(15 * 4 * 4 * (60 / UPBEAT_BPM) * RATE));
    const rain = renderBed("rain", 600, 3).sound.left;
    expect(rain.length).toBe(MAX_RENDER_SECONDS * RATE);
    // Across the seam the wave moves no more than it does between neighbouring samples anywhere else.
    const steps = Array.from({ length: rain.length - 1 }, (_, index) => Math.abs(rain[index + 1]! - rain[index]!));
    expect(Math.abs(rain[0]! - rain[rain.length - 1]!)).toBeLessThan(percentile(steps, 0.999));
  });
});

describe("encoding a bed", () => {
  it("reads raw stereo float at 48 kHz and cuts sample-exact with short fades", () => {
    const args = specToArgs(encodeBedSpec("/tmp/bed.f32", 2.5, "/tmp/bed.wav"));
    expect(args.slice(args.indexOf("-i") - 6, args.indexOf("-i") + 2)).toEqual([
      "-f",
      "f32le",
      "-ar",
      "48000",
      "-ac",
      "2",
      "-i",
      "/tmp/bed.f32",
    ]);
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    expect(graph).toContain("atrim=end_sample=120000");
    expect(graph).toContain("afade=t=in:d=0.200");
    expect(graph).toContain("afade=t=out:st=2.300:d=0.200");
    expect(args.slice(-1)).toEqual(["/tmp/bed.wav"]);
    const looped = specToArgs(encodeBedSpec("/tmp/bed.f32", 300, "/tmp/bed.wav", true));
    expect(looped.slice(0, looped.indexOf("-f"))).toEqual(["-y", "-stream_loop", "-1"]);
    expect(looped.join(" ")).toContain("atrim=end_sample=14400000");
    // A short bed fades over a quarter of its length at each end.
    expect(specToArgs(encodeBedSpec("/tmp/bed.f32", 0.4, "/tmp/bed.wav")).join(" ")).toContain(
      "afade=t=out:st=0.300:d=0.100",
    );
  });
});
