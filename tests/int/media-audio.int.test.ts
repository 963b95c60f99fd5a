import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeneratedClip } from "../../src/domain.js";
import { isCutroomError } from "../../src/errors.js";
import {
  levelTracks,
  measureLoudness,
  mixAudioIntoVideo,
  STEM_REFERENCE_LUFS,
  type MixTrack,
} from "../../src/media/audio.js";
import { postProcess } from "../../src/media/post.js";
import { probe, runFfmpeg } from "../../src/media/runner.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { LocalVoiceProvider } from "../../src/providers/voice/local.js";
import { clipRequest } from "../helpers/fixtures.js";

const voice = new LocalVoiceProvider();

/** Mean loudness (RMS dB) of a stretch of a file's sound. */
async function rmsDb(path: string, start: number, seconds: number): Promise<number> {
  const { stderr } = await runFfmpeg({
    inputs: [{ source: `file:${path}`, options: ["-ss", start.toFixed(3), "-t", seconds.toFixed(3)] }],
    filterComplex: null,
    outputOptions: ["-vn", "-af", "astats=measure_overall=RMS_level:measure_perchannel=none", "-f", "null"],
    output: "-",
  });
  return Number(/RMS level dB: (-?[\d.]+|-inf)/.exec(stderr)?.[1] ?? "-inf");
}
let directory = "";
let clip: GeneratedClip;

const request = clipRequest({
  prompt: "Alice waves",
  durationSeconds: 3,
  seed: 3,
  action: "wave",
  location: null,
});

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-audio-"));
  clip = await new LocalAnimaticProvider().textToVideo(request, {
    outputDir: directory,
    onProgress: null,
    signal: null,
  });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("LocalVoiceProvider", () => {
  it("lists a labelled catalogue", async () => {
    const voices = await voice.listVoices();
    expect(voices.length).toBeGreaterThanOrEqual(5);
    expect(new Set(voices.map((entry) => entry.labels.gender))).toEqual(new Set(["female", "male"]));
  });

  it("speaks a line to a WAV file, slower when sad than when excited", async () => {
    const text = "-- Hello there! It's a lovely day: isn't it?";
    const sad = await voice.synthesize({ text, voiceId: "en-us-female", emotion: "sad" }, directory);
    const excited = await voice.synthesize({ text, voiceId: "en-us-female", emotion: "excited" }, directory);
    expect(sad.path.endsWith(".wav")).toBe(true);
    expect(sad.model).toBe("espeak-ng");
    expect(sad.durationSeconds).toBeGreaterThan(1);
    expect(excited.durationSeconds).toBeLessThan(sad.durationSeconds);
    expect((await probe(sad.path)).hasAudio).toBe(true);
  });

  it("falls back to ffmpeg's flite voice when espeak-ng is missing", async () => {
    const fallback = new LocalVoiceProvider({ espeakPath: join(directory, "no-such-espeak") });
    const speech = await fallback.synthesize(
      { text: "Testing: one, two; [three]", voiceId: "en-gb-male", emotion: "calm" },
      directory,
    );
    expect(speech.model).toBe("flite");
    expect(speech.durationSeconds).toBeGreaterThan(0.5);
  });

  it("rejects unknown voices and empty text", async () => {
    const unknown = await voice.synthesize({ text: "hi", voiceId: "nobody", emotion: "neutral" }, directory).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isCutroomError(unknown, "INVALID_INPUT")).toBe(true);
    expect((unknown as { field: string }).field).toBe("voiceId");
    const empty = await voice.synthesize({ text: "  ", voiceId: "en-us-male", emotion: "neutral" }, directory).then(
      () => null,
      (error: unknown) => error,
    );
    expect((empty as { field: string }).field).toBe("text");
  });

  it.each([
    "birds singing in a park",
    "wind in the trees",
    "heavy rain",
    "city traffic",
    "waves on a beach",
    "a quiet room",
  ])("synthesises '%s' at exactly the asked length", async (description) => {
    const effect = await voice.soundEffect(description, 2.5, directory);
    const facts = await probe(effect.path);
    expect(facts.audioCodec).toBe("pcm_s16le");
    expect(Math.abs(facts.durationSeconds - 2.5)).toBeLessThan(0.001);
  });
});

describe("audio mixing and post-processing", () => {
  it("mixes dialogue, ducked music and effects to exactly the video's length", async () => {
    const line = await voice.synthesize(
      { text: "Hi! Over here!", voiceId: "en-us-female", emotion: "happy" },
      directory,
    );
    const birds = await voice.soundEffect("birds", 5, directory);
    const music = await voice.soundEffect("wind", 2, directory);
    const output = join(directory, "mixed.mp4");
    await mixAudioIntoVideo({
      videoPath: clip.path,
      tracks: [
        { type: "dialogue", path: line.path, startTime: 0.5, duration: null, volume: 1, fadeIn: 0, fadeOut: 0.1 },
        { type: "music", path: music.path, startTime: 0, duration: null, volume: 0.5, fadeIn: 0.5, fadeOut: 0.5 },
        { type: "sfx", path: birds.path, startTime: 0, duration: null, volume: 0.4, fadeIn: 0.3, fadeOut: 0.3 },
      ],
      videoDurationSeconds: clip.durationSeconds,
      outputPath: output,
    });
    const facts = await probe(output);
    expect(facts.hasAudio).toBe(true);
    expect(facts.audioCodec).toBe("aac");
    expect(facts.durationSeconds).toBeCloseTo(clip.durationSeconds, 2);
    expect(Math.abs((facts.audioDurationSeconds ?? 0) - clip.durationSeconds)).toBeLessThan(0.05);
    expect(facts.frameCount).toBe(72);
  });

  it("keeps a quiet line well above loud music: sources are leveled, the mix gets one gain", async () => {
    const spoken = await voice.synthesize(
      { text: "This park used to be different.", voiceId: "en-us-female", emotion: "calm" },
      directory,
    );
    // A whisper-quiet recording of the line and a music source near full scale (the sine source is 1/8 of it).
    const quietLine = join(directory, "quiet-line.wav");
    await runFfmpeg({
      inputs: [{ source: `file:${spoken.path}`, options: [] }],
      filterComplex: null,
      outputOptions: ["-af", "volume=-20dB"],
      output: quietLine,
    });
    const loudMusic = join(directory, "loud-music.wav");
    await runFfmpeg({
      inputs: [{ source: "sine=frequency=330:sample_rate=48000:duration=3", options: ["-f", "lavfi"] }],
      filterComplex: null,
      outputOptions: ["-af", "volume=17dB"],
      output: loudMusic,
    });
    const tracks: MixTrack[] = [
      { type: "dialogue", path: quietLine, startTime: 1, duration: null, volume: 1, fadeIn: 0, fadeOut: 0 },
      { type: "music", path: loudMusic, startTime: 0, duration: null, volume: 0.25, fadeIn: 0, fadeOut: 0 },
    ];
    const leveled = await levelTracks(tracks);
    // Each source is brought to the reference: the quiet line up, the loud music down.
    const levels = await Promise.all(tracks.map((track) => measureLoudness(track.path)));
    leveled.forEach((track, index) => expect(track.gainDb).toBeCloseTo(STEM_REFERENCE_LUFS - levels[index]!, 1));
    expect(leveled[0]!.gainDb).toBeGreaterThan(15);
    expect(leveled[1]!.gainDb).toBeLessThan(-15);
    const output = join(directory, "leveled.mp4");
    await mixAudioIntoVideo({
      videoPath: clip.path,
      tracks,
      videoDurationSeconds: clip.durationSeconds,
      outputPath: output,
    });
    const speech = await rmsDb(output, 1.1, 1);
    const bed = await rmsDb(output, 0.1, 0.8);
    expect(speech).toBeGreaterThan(bed + 8);
    const loudness = await measureLoudness(output);
    expect(loudness).not.toBeNull();
    expect(Math.abs(loudness! - -16)).toBeLessThan(2.5);
  });

  it("applies a grade, denoise and sharpening", async () => {
    const output = join(directory, "graded.mp4");
    await postProcess(clip.path, output, { colorGrade: "cinematic", sharpen: 0.6, denoise: true });
    const facts = await probe(output);
    expect([facts.width, facts.height, facts.frameCount]).toEqual([320, 180, 72]);
  });
});
