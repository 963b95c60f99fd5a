/** The local provider's beds end to end: rendered, encoded by ffmpeg, decoded again and measured. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../src/media/runner.js";
import { PIANO_NOTE_SECONDS, UPBEAT_BPM } from "../../src/media/synth/index.js";
import { LocalVoiceProvider } from "../../src/providers/voice/local.js";
import { bandShare, crestFactor, powerSpectrum, pulsePeriod, rmsDb } from "../helpers/audio-measure.js";

const run = promisify(execFile);
const RATE = 48000;

/** The WAV decoded to 32-bit float at 48 kHz: mono (ffmpeg's average of the channels) or interleaved stereo. */
async function decode(path: string, channels = 1): Promise<Float32Array> {
  const { stdout } = await run("ffmpeg", ["-v", "error", "-i", path, "-ac", String(channels), "-f", "f32le", "-"], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  const bytes = Buffer.from(stdout);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

describe("local sound beds through ffmpeg", () => {
  const voice = new LocalVoiceProvider();
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-synth-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("makes a ten-second piano bed quickly, at its tempo, level and exact length", async () => {
    const started = performance.now();
    const bed = await voice.soundEffect("soft piano music in the background", 10, directory);
    const elapsed = performance.now() - started;
    // Render, encode and probe; about half a second on an idle core.
    expect(elapsed).toBeLessThan(3000);
    expect(bed.model).toBe("synth-music-piano");
    const facts = await probe(bed.path);
    expect(facts.audioCodec).toBe("pcm_s16le");
    expect(Math.abs(facts.durationSeconds - 10)).toBeLessThan(0.001);
    const samples = await decode(bed.path);
    expect(samples.length).toBe(10 * RATE);
    expect(Math.abs(pulsePeriod(samples, RATE, 0.2, 0.45) - PIANO_NOTE_SECONDS)).toBeLessThan(0.011);
    // Level over both channels (a mono fold-down of a panned piano would read lower).
    expect(Math.abs(rmsDb(await decode(bed.path, 2)) - -24)).toBeLessThan(1);
  });

  it("keeps the upbeat groove's beat and the ambiences' character after encoding", async () => {
    const groove = await decode((await voice.soundEffect("upbeat music", 8, directory)).path);
    expect(Math.abs(pulsePeriod(groove, RATE, 60 / 160, 60 / 80) - 60 / UPBEAT_BPM)).toBeLessThan(0.011);
    const birds = await decode((await voice.soundEffect("birds singing in a park", 6, directory)).path);
    expect(bandShare(powerSpectrum(birds), RATE, 2000, 8000)).toBeGreaterThan(0.9);
    const traffic = await decode((await voice.soundEffect("city traffic", 6, directory)).path);
    expect(bandShare(powerSpectrum(traffic), RATE, 0, 500)).toBeGreaterThan(0.9);
    const rain = await decode((await voice.soundEffect("heavy rain", 6, directory)).path);
    expect(crestFactor(rain)).toBeGreaterThan(8);
  });

  it("repeats a long bed's loop up to the exact length", async () => {
    const started = performance.now();
    const bed = await voice.soundEffect("wind over the fields", 150, directory);
    expect(performance.now() - started).toBeLessThan(20_000);
    const samples = await decode(bed.path);
    expect(samples.length).toBe(150 * RATE);
    // The loop restarts at 120 s: what follows is what began the bed (past its 0.2 s fade-in).
    const at = (seconds: number) => samples.subarray(seconds * RATE, seconds * RATE + RATE);
    const again = at(120.5);
    const largest = at(0.5).reduce((most, value, index) => Math.max(most, Math.abs(value - again[index]!)), 0);
    expect(largest).toBeLessThan(1e-3);
  });

  it("gives the same description the same bed", async () => {
    const first = await decode((await voice.soundEffect("a crowd in a market", 3, directory)).path);
    const second = await decode((await voice.soundEffect("A crowd in a  market", 3, directory)).path);
    expect(Buffer.compare(Buffer.from(first.buffer), Buffer.from(second.buffer))).toBe(0);
  });
});
