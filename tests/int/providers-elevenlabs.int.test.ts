/** The ElevenLabs adapter with the real SDK against a wire-level fake on 127.0.0.1. */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CutroomError } from "../../src/errors.js";
import { probe } from "../../src/media/runner.js";
import { ElevenLabsVoiceProvider, type ElevenLabsOptions } from "../../src/providers/voice/elevenlabs/provider.js";
import { startFakeElevenLabs, type FakeElevenLabs } from "../fakes/elevenlabs.js";

const KEY = "xi-test-key-93a1c7e2";

describe("ElevenLabs voice provider against the fake API", () => {
  let fake: FakeElevenLabs;
  let directory: string;
  let logs: string[];
  const provider = (overrides: Partial<ElevenLabsOptions> = {}) =>
    new ElevenLabsVoiceProvider({
      apiKey: KEY,
      baseUrl: fake.url,
      maxRetries: 0,
      timeoutMs: 5000,
      log: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
      ...overrides,
    });
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CutroomError);
    return error as CutroomError;
  };

  beforeAll(async () => {
    fake = await startFakeElevenLabs({ apiKey: KEY });
    directory = await mkdtemp(join(tmpdir(), "cutroom-11labs-"));
  });
  afterAll(async () => {
    await fake.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    logs = [];
    fake.calls.length = 0;
    fake.designEnabled = true;
  });

  it("lists and gets voices", async () => {
    const voices = await provider().listVoices();
    expect(voices.map((voice) => voice.name)).toEqual(expect.arrayContaining(["Bella", "Josh"]));
    expect(await provider().getVoice("TxGEqnHWrfWFTfGW9XjX")).toMatchObject({
      name: "Josh",
      labels: { gender: "male" },
    });
    expect((await failure(provider().getVoice("nope"))).code).toBe("PROVIDER");
  });

  it("speaks a line with the emotion's settings, as decodable WAV with timings beside it", async () => {
    const speech = await provider().synthesize(
      { text: "What a lovely day", voiceId: "EXAVITQu4vr4xnSDxMaL", emotion: "excited" },
      directory,
    );
    const call = fake.calls.find((entry) => entry.path.endsWith("/with-timestamps"))!;
    expect(call.path).toBe("/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/with-timestamps");
    expect(call.query).toMatchObject({ output_format: "mp3_44100_128" });
    expect(call.body).toMatchObject({
      text: "What a lovely day",
      model_id: "eleven_multilingual_v2",
      voice_settings: { stability: 0.25, similarity_boost: 0.75, style: 0.8, use_speaker_boost: true },
    });
    const probed = await probe(speech.path);
    expect(probed.audioCodec).toBe("pcm_s16le");
    expect(speech.durationSeconds).toBeGreaterThan(0.5);
    const alignment = JSON.parse(await readFile(speech.alignmentPath!, "utf8")) as {
      characters: string[];
      endSeconds: number[];
    };
    expect(alignment.characters.join("")).toBe("What a lovely day");
    expect(alignment.endSeconds.at(-1)).toBeGreaterThan(0.5);
  });

  it("designs a character voice, or picks a matching library voice when design is unavailable", async () => {
    const designed = await provider().createCharacterVoice({
      name: "Sarah",
      description: "Sarah: warm, bright young woman",
      labels: { gender: "female", age: "young" },
    });
    expect(designed.labels.source).toBe("designed");
    expect(fake.calls.map((call) => call.path)).toEqual(["/v1/text-to-voice/design", "/v1/text-to-voice"]);
    const speech = await provider().synthesize(
      { text: "Hi", voiceId: designed.voiceId, emotion: "neutral" },
      directory,
    );
    expect(speech.voiceId).toBe(designed.voiceId);

    fake.designEnabled = false;
    const chosen = await provider().createCharacterVoice({
      name: "Tom",
      description: "Tom",
      labels: { gender: "male" },
    });
    expect(chosen).toMatchObject({ name: "Josh", labels: { source: "library" } });
    expect(logs.join("\n")).toMatch(/choosing a library voice for Tom/);
  });

  it("makes a sound effect exactly as long as asked, looping a shorter render", async () => {
    const effect = await provider().soundEffect("birds in the park", 3.2, directory);
    const call = fake.calls.find((entry) => entry.path === "/v1/sound-generation")!;
    expect(call.body).toMatchObject({
      text: "birds in the park",
      duration_seconds: 3.2,
      model_id: "eleven_text_to_sound_v2",
      loop: false,
    });
    expect(Math.abs(effect.durationSeconds - 3.2)).toBeLessThan(0.01);
    expect(fake.calls.some((entry) => entry.path === "/v1/music")).toBe(false);
  });

  it("asks for a seamless loop when an ambience is longer than one render", async () => {
    const effect = await provider().soundEffect("rain on a window", 40, directory);
    const call = fake.calls.find((entry) => entry.path === "/v1/sound-generation")!;
    expect(call.body).toMatchObject({ duration_seconds: 30, loop: true });
    expect(Math.abs(effect.durationSeconds - 40)).toBeLessThan(0.01);
  });

  it("composes music cues through the music endpoint, instrumental, cut to the exact length", async () => {
    const music = await provider().soundEffect("soft piano music in the background", 7.5, directory);
    const call = fake.calls.find((entry) => entry.path === "/v1/music")!;
    expect(call.method).toBe("POST");
    expect(call.query).toMatchObject({ output_format: "mp3_44100_128" });
    expect(call.body).toMatchObject({
      prompt: "soft piano music in the background",
      music_length_ms: 7500,
      force_instrumental: true,
    });
    expect(fake.calls.some((entry) => entry.path === "/v1/sound-generation")).toBe(false);
    expect(music.model).toBe("eleven_music");
    const facts = await probe(music.path);
    expect(facts.audioCodec).toBe("pcm_s16le");
    expect(Math.abs(music.durationSeconds - 7.5)).toBeLessThan(0.01);

    // The service composes at least 3 s: a shorter cue asks for 3 s and is cut.
    fake.calls.length = 0;
    const sting = await provider().soundEffect("upbeat music", 1.2, directory);
    expect(fake.calls.find((entry) => entry.path === "/v1/music")!.body).toMatchObject({ music_length_ms: 3000 });
    expect(Math.abs(sting.durationSeconds - 1.2)).toBeLessThan(0.01);

    fake.fail({ kind: "not-audio" });
    expect((await failure(provider().soundEffect("strings", 4, directory))).message).toMatch(/cannot decode/);
    fake.fail({ kind: "status", status: 429, body: { detail: { status: "rate_limited", message: "busy" } } });
    expect((await failure(provider().soundEffect("strings", 4, directory))).code).toBe("RATE_LIMITED");
  });

  it("maps failures: rate limit, invalid input, timeout, malformed answer, undecodable audio", async () => {
    const line = { text: "Hello there", voiceId: "EXAVITQu4vr4xnSDxMaL", emotion: "neutral" };
    fake.fail({
      kind: "status",
      status: 429,
      body: { detail: { status: "too_many_concurrent_requests", message: "busy" } },
    });
    expect((await failure(provider().synthesize(line, directory))).code).toBe("RATE_LIMITED");
    fake.fail({ kind: "status", status: 422, body: { detail: [{ loc: ["body", "text"], msg: "too long" }] } });
    expect((await failure(provider().synthesize(line, directory))).code).toBe("INVALID_INPUT");
    fake.fail({ kind: "hang", holdMs: 3000 });
    expect((await failure(provider({ timeoutMs: 1000 }).synthesize(line, directory))).code).toBe("PROVIDER_TIMEOUT");
    fake.fail({ kind: "malformed" });
    expect((await failure(provider().synthesize(line, directory))).code).toBe("PROVIDER");
    fake.fail({ kind: "not-audio" });
    const undecodable = await failure(provider().synthesize(line, directory));
    expect(undecodable.message).toMatch(/cannot decode/);
  });

  it("stops a line when its job is cancelled, without waiting for the answer", async () => {
    const line = { text: "Hello there", voiceId: "EXAVITQu4vr4xnSDxMaL", emotion: "neutral" };
    fake.fail({ kind: "hang", holdMs: 4000 });
    const controller = new AbortController();
    const started = Date.now();
    const speaking = failure(provider().synthesize(line, directory, { signal: controller.signal }));
    await expect.poll(() => fake.calls.some((call) => call.path.endsWith("/with-timestamps"))).toBe(true);
    controller.abort();
    expect((await speaking).code).toBe("CANCELLED");
    expect(Date.now() - started).toBeLessThan(3000);
    // Already cancelled: nothing is sent.
    fake.calls.length = 0;
    expect((await failure(provider().synthesize(line, directory, { signal: controller.signal }))).code).toBe(
      "CANCELLED",
    );
    expect(fake.calls).toHaveLength(0);
  });

  it("rejects bad input before calling, and keeps the key out of errors and logs", async () => {
    expect(
      (await failure(provider().synthesize({ text: " ", voiceId: "x", emotion: "neutral" }, directory))).field,
    ).toBe("text");
    expect(
      (await failure(provider().synthesize({ text: "hi", voiceId: "../x", emotion: "neutral" }, directory))).field,
    ).toBe("voiceId");
    expect(fake.calls).toHaveLength(0);
    const wrong = await failure(provider({ apiKey: `${KEY}-old` }).listVoices());
    expect(wrong).toMatchObject({ code: "CONFIG", field: "ELEVENLABS_API_KEY" });
    expect(fake.apiKeys).toContain(KEY);
    expect([wrong.message, ...logs].join("\n")).not.toContain(KEY);
    expect(existsSync(directory)).toBe(true);
  });
});
