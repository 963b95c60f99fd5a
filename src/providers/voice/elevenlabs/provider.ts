/**
 * The ElevenLabs voice provider: library voices, a designed voice per character, speech with timings
 * kept for subtitles, music composed from a description and sound effects from text. Every result is
 * converted to 48 kHz WAV so the mixer and ffprobe treat it like the local provider's output.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from "@elevenlabs/elevenlabs-js";
import { CutroomError } from "../../../errors.js";
import { seedFrom } from "../../../ids.js";
import { probe, runFfmpeg } from "../../../media/runner.js";
import { chooseCue, isMusic } from "../../../media/synth/index.js";
import type { Logger } from "../../../logging.js";
import {
  assertEffectSeconds,
  type CharacterVoiceRequest,
  type SpeechRequest,
  type SpeechResult,
  type Voice,
  type VoiceCallOptions,
  type VoiceProvider,
} from "../types.js";

export interface ElevenLabsOptions {
  apiKey: string;
  baseUrl: string | null;
  modelId?: string;
  timeoutMs?: number;
  /** Retries of 429/5xx inside the SDK. */
  maxRetries?: number;
  ffmpegTimeoutMs?: number;
  log: Logger;
}

export interface VoiceSettings {
  stability: number;
  similarityBoost: number;
  style: number;
  useSpeakerBoost: boolean;
}

/**
 * Lower stability lets the delivery swing with the emotion; style exaggerates the speaker's manner;
 * calm and whispered lines stay stable and close to the voice.
 */
export const EMOTION_SETTINGS: Record<string, VoiceSettings> = {
  neutral: { stability: 0.5, similarityBoost: 0.75, style: 0, useSpeakerBoost: true },
  happy: { stability: 0.4, similarityBoost: 0.75, style: 0.45, useSpeakerBoost: true },
  sad: { stability: 0.6, similarityBoost: 0.8, style: 0.3, useSpeakerBoost: true },
  angry: { stability: 0.3, similarityBoost: 0.75, style: 0.7, useSpeakerBoost: true },
  excited: { stability: 0.25, similarityBoost: 0.75, style: 0.8, useSpeakerBoost: true },
  calm: { stability: 0.75, similarityBoost: 0.8, style: 0.1, useSpeakerBoost: true },
  whisper: { stability: 0.7, similarityBoost: 0.85, style: 0.2, useSpeakerBoost: false },
};

export function settingsForEmotion(emotion: string): VoiceSettings {
  return EMOTION_SETTINGS[emotion.toLowerCase()] ?? EMOTION_SETTINGS.neutral!;
}

const MAX_TEXT_LENGTH = 2000;
/** The sound-generation endpoint renders at most this long; longer beds loop the result. */
const MAX_GENERATED_EFFECT_SECONDS = 30;
/** The music endpoint composes between 3 s and 10 minutes; shorter cues are cut from a 3 s piece. */
const MIN_MUSIC_MS = 3000;
const MAX_MUSIC_MS = 600_000;
const SOUND_MODEL = "eleven_text_to_sound_v2";
const SAMPLE_RATE = 48000;

function invalid(field: string, message: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field} ${message}`, { field });
}

/** SDK failures as our errors; the message never carries the key (the SDK does not echo headers). */
export function mapElevenLabsError(error: unknown, action: string): CutroomError {
  if (error instanceof CutroomError) return error;
  // The SDK reports its own deadline either as its timeout class or as a status-less error saying "timeout".
  const timedOut =
    error instanceof ElevenLabsTimeoutError ||
    (error instanceof ElevenLabsError && error.statusCode === undefined && /time ?out/i.test(error.message));
  if (timedOut) {
    return new CutroomError(
      "PROVIDER_TIMEOUT",
      `ElevenLabs did not answer ${action} in time; retry or raise CUTROOM_HTTP_TIMEOUT_MS`,
    );
  }
  if (error instanceof ElevenLabsError) {
    const status = error.statusCode;
    const detail = JSON.stringify(error.body ?? error.message).slice(0, 300);
    if (status === 401 || status === 403) {
      return new CutroomError(
        "CONFIG",
        `ElevenLabs rejected the API key (HTTP ${status}) ${action}; check ELEVENLABS_API_KEY`,
        {
          field: "ELEVENLABS_API_KEY",
        },
      );
    }
    if (status === 429)
      return new CutroomError("RATE_LIMITED", `ElevenLabs is rate limiting ${action}; wait and retry`);
    if (status === 400 || status === 422)
      return new CutroomError("INVALID_INPUT", `ElevenLabs rejected ${action}: ${detail}`);
    if (status === undefined)
      return new CutroomError("PROVIDER", `ElevenLabs sent an unreadable answer ${action}: ${error.message}`);
    return new CutroomError("PROVIDER", `ElevenLabs failed ${action} (HTTP ${status}): ${detail}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CutroomError("PROVIDER", `ElevenLabs failed ${action}: ${message}`, { cause: error });
}

export class ElevenLabsVoiceProvider implements VoiceProvider {
  readonly name = "elevenlabs";
  private readonly client: ElevenLabsClient;
  private readonly modelId: string;
  private readonly ffmpegTimeoutMs: number;

  constructor(private readonly options: ElevenLabsOptions) {
    this.client = new ElevenLabsClient({
      apiKey: options.apiKey,
      ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : {}),
      maxRetries: options.maxRetries ?? 2,
      timeoutInSeconds: Math.max(1, Math.round((options.timeoutMs ?? 60_000) / 1000)),
    });
    this.modelId = options.modelId ?? "eleven_multilingual_v2";
    this.ffmpegTimeoutMs = options.ffmpegTimeoutMs ?? 60_000;
  }

  private async call<T>(action: string, run: () => Promise<T>, signal: AbortSignal | null = null): Promise<T> {
    if (signal?.aborted) throw new CutroomError("CANCELLED", `ElevenLabs ${action} was cancelled before it started`);
    try {
      return await run();
    } catch (error) {
      if (signal?.aborted) throw new CutroomError("CANCELLED", `ElevenLabs ${action} was cancelled`, { cause: error });
      throw mapElevenLabsError(error, action);
    }
  }

  async listVoices(): Promise<Voice[]> {
    const found = await this.call("listing voices", () => this.client.voices.getAll());
    return found.voices.map((voice) => ({
      voiceId: voice.voiceId,
      name: voice.name ?? voice.voiceId,
      labels: { ...(voice.labels ?? {}) },
    }));
  }

  async getVoice(voiceId: string): Promise<Voice> {
    const voice = await this.call(`getting voice ${voiceId}`, () => this.client.voices.get(voiceId));
    return { voiceId: voice.voiceId, name: voice.name ?? voice.voiceId, labels: { ...(voice.labels ?? {}) } };
  }

  /**
   * Designs a voice from the character's description; when the account cannot design voices (or the
   * design fails), picks a library voice whose labels match, stable for the character's name.
   */
  async createCharacterVoice(character: CharacterVoiceRequest): Promise<Voice> {
    const description = `${character.description} ${Object.entries(character.labels)
      .map(([name, value]) => `${name}: ${value}`)
      .join(", ")}`.trim();
    try {
      // The design endpoint wants 20-1000 characters of description.
      const voiceDescription = description.padEnd(20, ".").slice(0, 1000);
      const design = await this.client.textToVoice.design({ voiceDescription, autoGenerateText: true });
      const preview = design.previews[0];
      if (preview === undefined) throw new CutroomError("PROVIDER", "ElevenLabs voice design returned no previews");
      const created = await this.client.textToVoice.create({
        voiceName: `cutroom ${character.name}`.slice(0, 100),
        voiceDescription,
        generatedVoiceId: preview.generatedVoiceId,
      });
      return {
        voiceId: created.voiceId,
        name: created.name ?? character.name,
        labels: { ...character.labels, source: "designed" },
      };
    } catch (error) {
      const mapped = mapElevenLabsError(error, `designing a voice for ${character.name}`);
      if (mapped.code === "CONFIG") throw mapped;
      this.options.log.warn(`elevenlabs: ${mapped.message}; choosing a library voice for ${character.name}`);
    }
    const voices = await this.listVoices();
    if (voices.length === 0)
      throw new CutroomError("NOT_FOUND", "ElevenLabs offers no voices for this account", { field: "voiceId" });
    const score = (voice: Voice) =>
      Object.entries(character.labels).filter(
        ([name, value]) => voice.labels[name]?.toLowerCase() === value.toLowerCase(),
      ).length;
    const best = Math.max(...voices.map(score));
    const matching = voices.filter((voice) => score(voice) === best);
    const chosen = matching[seedFrom(character.name.toLowerCase()) % matching.length]!;
    return { ...chosen, labels: { ...chosen.labels, source: "library" } };
  }

  async synthesize(request: SpeechRequest, outputDir: string, options: VoiceCallOptions = {}): Promise<SpeechResult> {
    const signal = options.signal ?? null;
    const text = request.text.trim();
    if (text === "") throw invalid("text", "must not be empty");
    if (text.length > MAX_TEXT_LENGTH)
      throw invalid("text", `may be at most ${MAX_TEXT_LENGTH} characters; got ${text.length}`);
    if (!/^[A-Za-z0-9]{1,64}$/.test(request.voiceId))
      throw invalid("voiceId", `is not an ElevenLabs voice id: ${JSON.stringify(request.voiceId)}`);
    const settings = settingsForEmotion(request.emotion);
    const spoken = await this.call(
      `speaking with voice ${request.voiceId}`,
      () =>
        this.client.textToSpeech.convertWithTimestamps(
          request.voiceId,
          { text, modelId: this.modelId, outputFormat: "mp3_44100_128", voiceSettings: settings },
          signal ? { abortSignal: signal } : {},
        ),
      signal,
    );
    const audio = Buffer.from(spoken.audioBase64, "base64");
    if (audio.length === 0) throw new CutroomError("PROVIDER", "ElevenLabs returned empty audio for the line");
    const stem = join(await this.directory(outputDir), `speech-${request.voiceId}-${randomBytes(4).toString("hex")}`);
    const path = await this.toWav(audio, stem, null);
    const alignment = spoken.alignment ?? spoken.normalizedAlignment ?? null;
    let alignmentPath: string | null = null;
    if (alignment !== null) {
      alignmentPath = `${stem}.alignment.json`;
      await writeFile(
        alignmentPath,
        JSON.stringify({
          text,
          characters: alignment.characters,
          startSeconds: alignment.characterStartTimesSeconds,
          endSeconds: alignment.characterEndTimesSeconds,
        }),
      );
    }
    const { durationSeconds } = await probe(path);
    return { path, durationSeconds, voiceId: request.voiceId, model: this.modelId, alignmentPath };
  }

  async soundEffect(
    description: string,
    durationSeconds: number,
    outputDir: string,
    options: VoiceCallOptions = {},
  ): Promise<SpeechResult> {
    const signal = options.signal ?? null;
    assertEffectSeconds(durationSeconds);
    const text = description.trim();
    if (text === "") throw invalid("description", "must not be empty");
    // Music cues (the same words the local provider reads as music) are composed, not sound-designed.
    if (isMusic(chooseCue(text))) return this.composeMusic(text, durationSeconds, outputDir, signal);
    const generated = Math.min(MAX_GENERATED_EFFECT_SECONDS, Math.max(0.5, durationSeconds));
    const audio = await this.call(
      "making a sound effect",
      async () => {
        const stream = await this.client.textToSoundEffects.convert(
          {
            text,
            durationSeconds: generated,
            promptInfluence: 0.5,
            modelId: SOUND_MODEL,
            // A bed longer than one render is looped below; asking for a seamless loop hides the seam.
            loop: durationSeconds > generated,
          },
          signal ? { abortSignal: signal } : {},
        );
        return Buffer.from(await new Response(stream).arrayBuffer());
      },
      signal,
    );
    if (audio.length === 0) throw new CutroomError("PROVIDER", "ElevenLabs returned an empty sound effect");
    return this.effectResult(audio, durationSeconds, outputDir, SOUND_MODEL);
  }

  /** An instrumental piece as long as the cue (at least the service's 3 s), cut to the exact length. */
  private async composeMusic(
    prompt: string,
    durationSeconds: number,
    outputDir: string,
    signal: AbortSignal | null,
  ): Promise<SpeechResult> {
    const musicLengthMs = Math.min(MAX_MUSIC_MS, Math.max(MIN_MUSIC_MS, Math.round(durationSeconds * 1000)));
    const audio = await this.call(
      "composing music",
      async () => {
        const stream = await this.client.music.compose(
          { prompt, musicLengthMs, forceInstrumental: true, outputFormat: "mp3_44100_128" },
          signal ? { abortSignal: signal } : {},
        );
        return Buffer.from(await new Response(stream).arrayBuffer());
      },
      signal,
    );
    if (audio.length === 0) throw new CutroomError("PROVIDER", "ElevenLabs returned empty music");
    return this.effectResult(audio, durationSeconds, outputDir, "eleven_music");
  }

  private async effectResult(
    audio: Buffer,
    durationSeconds: number,
    outputDir: string,
    model: string,
  ): Promise<SpeechResult> {
    const stem = join(await this.directory(outputDir), `sfx-${randomBytes(4).toString("hex")}`);
    const path = await this.toWav(audio, stem, durationSeconds);
    const measured = await probe(path);
    return { path, durationSeconds: measured.durationSeconds, voiceId: "sound-effect", model };
  }

  private async directory(outputDir: string): Promise<string> {
    const directory = resolve(outputDir);
    await mkdir(directory, { recursive: true });
    return directory;
  }

  /** MP3 bytes → 48 kHz 16-bit WAV; with a length, looped and cut sample-exact (effects fill their slot). */
  private async toWav(audio: Buffer, stem: string, exactSeconds: number | null): Promise<string> {
    const source = `${stem}.mp3`;
    const path = `${stem}.wav`;
    await writeFile(source, audio);
    try {
      const samples = exactSeconds === null ? null : Math.round(exactSeconds * SAMPLE_RATE);
      await runFfmpeg(
        {
          // -stream_loop -1 repeats a short effect until the trim below ends it.
          inputs: [{ source, options: exactSeconds === null ? [] : ["-stream_loop", "-1"] }],
          filterComplex: null,
          outputOptions: [
            "-af",
            `aformat=sample_rates=${SAMPLE_RATE}:channel_layouts=stereo${samples === null ? "" : `,atrim=end_sample=${samples}`}`,
            "-c:a",
            "pcm_s16le",
          ],
          output: path,
        },
        { timeoutMs: this.ffmpegTimeoutMs },
      );
    } catch (error) {
      await rm(path, { force: true });
      throw new CutroomError("PROVIDER", "ElevenLabs returned audio ffmpeg cannot decode", { cause: error });
    } finally {
      await rm(source, { force: true });
    }
    return path;
  }
}
