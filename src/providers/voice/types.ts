import { CutroomError } from "../../errors.js";

export interface Voice {
  voiceId: string;
  name: string;
  /** Free-form labels (gender, accent, age) used to pick a voice for a character. */
  labels: Record<string, string>;
}

export interface SpeechRequest {
  text: string;
  voiceId: string;
  /** neutral | happy | sad | angry | excited | calm | whisper — mapped to speed/pitch by local TTS. */
  emotion: string;
}

export interface SpeechResult {
  /** Local WAV/MP3 file path. */
  path: string;
  durationSeconds: number;
  voiceId: string;
  model: string;
  /** JSON file of per-character timings next to the audio (for subtitles), when the provider gives them. */
  alignmentPath?: string | null;
}

/** What a provider needs to give a character its own voice. */
export interface CharacterVoiceRequest {
  name: string;
  /** Free text about how the character sounds or looks, from its Brain profile. */
  description: string;
  /** gender / age / accent when known. */
  labels: Record<string, string>;
}

/** Aborting the signal stops the request (a paid one is not waited for) and fails it as CANCELLED. */
export interface VoiceCallOptions {
  signal?: AbortSignal | null;
}

export interface VoiceProvider {
  readonly name: string;
  listVoices(): Promise<Voice[]>;
  synthesize(request: SpeechRequest, outputDir: string, options?: VoiceCallOptions): Promise<SpeechResult>;
  /** Sound effect / ambience bed from a text description, exactly durationSeconds long. */
  soundEffect(
    description: string,
    durationSeconds: number,
    outputDir: string,
    options?: VoiceCallOptions,
  ): Promise<SpeechResult>;
  /** A voice made or chosen for one character; providers without voice design leave this out. */
  createCharacterVoice?(character: CharacterVoiceRequest): Promise<Voice>;
}

/** The longest sound effect either provider makes (ten minutes, ElevenLabs' own bound for a request). */
export const MAX_EFFECT_SECONDS = 600;

/** A sound effect's length, checked the same way by every provider before anything is made or paid for. */
export function assertEffectSeconds(durationSeconds: number): void {
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0 || durationSeconds > MAX_EFFECT_SECONDS) {
    throw new CutroomError(
      "INVALID_INPUT",
      `durationSeconds must be more than 0 and at most ${MAX_EFFECT_SECONDS}; got ${durationSeconds}`,
      { field: "durationSeconds" },
    );
  }
}
