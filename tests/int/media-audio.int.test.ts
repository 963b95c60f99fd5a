import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClipRequest, GeneratedClip } from "../../src/domain.js";
import { isCutroomError } from "../../src/errors.js";
import { mixAudioIntoVideo } from "../../src/media/audio.js";
import { postProcess } from "../../src/media/post.js";
import { probe } from "../../src/media/runner.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { LocalVoiceProvider } from "../../src/providers/voice/local.js";

const voice = new LocalVoiceProvider();
let directory = "";
let clip: GeneratedClip;

const request: ClipRequest = {
  method: "text-to-video",
  prompt: "Alice waves",
  negativePrompt: null,
  durationSeconds: 3,
  width: 320,
  height: 180,
  fps: 24,
  seed: 3,
  action: "wave",
  camera: "static",
  motionStrength: 0.5,
  characters: [
    {
      id: "alice",
      name: "Alice",
      profile: {
        skin: "#e0b090",
        hair: "#3a2410",
        top: "#c03030",
        bottom: "#2040a0",
        accent: "#f0d020",
        height: 0.5,
        build: 0.26,
        description: "",
      },
    },
  ],
  location: null,
  sourceImage: null,
  firstFrame: null,
  lastFrame: null,
  compositeImage: null,
  caption: null,
};

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

  it("applies a grade, denoise and sharpening", async () => {
    const output = join(directory, "graded.mp4");
    await postProcess(clip.path, output, { colorGrade: "cinematic", sharpen: 0.6, denoise: true });
    const facts = await probe(output);
    expect([facts.width, facts.height, facts.frameCount]).toEqual([320, 180, 72]);
  });
});
