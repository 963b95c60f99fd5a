/**
 * The embedded sound generator: picks a cue from a description's words, renders it as PCM in
 * TypeScript (seeded, so the same words give the same bed) and describes the ffmpeg command that
 * encodes it to the 48 kHz stereo WAV every other part of the pipeline expects.
 */
import { seedFrom } from "../../ids.js";
import type { FfmpegSpec } from "../runner.js";
import { birds, crowd, rain, room, traffic, waves, wind } from "./ambience.js";
import { Rng, SYNTH_SAMPLE_RATE, normalise, seamlessLoop, type Stereo } from "./dsp.js";
import { MUSIC_CYCLE_SECONDS, pad, piano, strings, upbeat } from "./music.js";

export { SYNTH_SAMPLE_RATE, interleave, type Stereo } from "./dsp.js";
export { PIANO_BPM, PIANO_NOTE_SECONDS, UPBEAT_BPM } from "./music.js";

export type MusicCue = "piano" | "strings" | "pad" | "upbeat";
export type AmbienceCue = "birds" | "rain" | "waves" | "crowd" | "traffic" | "wind" | "room";
export type SoundCue = MusicCue | AmbienceCue;

/** Words that make a description music at all; the style is chosen afterwards. */
const MUSIC_WORDS =
  /\bmusic|piano|melod|score|soundtrack|strings\b|orchestr|violin|cello|\bpad\b|upbeat|\bdrums?\b|\bbeats?\b|groove/i;

/** Named instruments win over moods ("sad piano" is piano); with neither, music is piano. */
const MUSIC_STYLES: Array<{ cue: MusicCue; words: RegExp }> = [
  { cue: "piano", words: /piano|keys\b/i },
  { cue: "strings", words: /string|orchestr|violin|cello/i },
  { cue: "pad", words: /\bpad\b|drone|synth/i },
  { cue: "upbeat", words: /\bdrums?\b|\bbeats?\b|groove/i },
  { cue: "upbeat", words: /upbeat|energetic|dance|\bpop\b|fast|lively|electronic|happy|fun\b/i },
  { cue: "strings", words: /cinematic|epic|dramatic|emotional|sad|romantic|tense/i },
  { cue: "pad", words: /ambien|dream|calm|ethereal|atmospher|relax|chill|space/i },
];

/** Ambiences in the order the words were always checked; the first match wins. */
const AMBIENCES: Array<{ cue: AmbienceCue; words: RegExp }> = [
  { cue: "birds", words: /\bbird|chirp|tweet|song ?bird/i },
  { cue: "rain", words: /rain|storm|shower|drizzle/i },
  { cue: "waves", words: /wave|ocean|sea|beach|surf/i },
  { cue: "crowd", words: /crowd|chatter|babble|people|market|caf[eé]|restaurant|party|audience|busy/i },
  { cue: "traffic", words: /traffic|city|street|engine|road|cars?\b/i },
  { cue: "wind", words: /wind|breeze|park|forest|ambien|outdoor|field/i },
];

export function chooseCue(description: string): SoundCue {
  if (MUSIC_WORDS.test(description)) return MUSIC_STYLES.find((style) => style.words.test(description))?.cue ?? "piano";
  return AMBIENCES.find((ambience) => ambience.words.test(description))?.cue ?? "room";
}

export function isMusic(cue: SoundCue): cue is MusicCue {
  return cue === "piano" || cue === "strings" || cue === "pad" || cue === "upbeat";
}

/**
 * Each cue's RMS level in dBFS: about where the old ffmpeg beds sat (music near -24, ambiences -25 to
 * -30, room tone -40), so callers' track volumes keep meaning what they meant.
 */
export const CUE_LEVELS_DB: Readonly<Record<SoundCue, number>> = {
  piano: -24,
  strings: -24,
  pad: -25,
  upbeat: -22,
  birds: -30,
  rain: -25,
  waves: -28,
  crowd: -27,
  traffic: -25,
  wind: -27,
  room: -40,
};

const RENDERERS: Record<SoundCue, (seconds: number, rng: Rng) => Stereo> = {
  piano: (seconds) => piano(seconds),
  strings,
  pad,
  upbeat,
  birds,
  rain,
  waves,
  crowd,
  traffic,
  wind,
  room,
};

/** The cue rendered at its level, exactly round(seconds × 48000) frames long. */
export function renderCue(cue: SoundCue, seconds: number, seed: number): Stereo {
  const sound = RENDERERS[cue](seconds, new Rng(seed));
  normalise(sound, CUE_LEVELS_DB[cue]);
  return sound;
}

/**
 * Beds up to this long are rendered whole; longer ones (up to the ten minutes a cue may last) are a
 * seamless loop of at most this length that ffmpeg repeats, so memory (about 46 MB a stereo buffer)
 * and render time stay bounded whatever the length.
 */
export const MAX_RENDER_SECONDS = 120;
const LOOP_FADE_SECONDS = 0.5;

/** A bed ready to encode: the whole cue, or (for a long cue) a loop ffmpeg repeats up to its length. */
export function renderBed(cue: SoundCue, seconds: number, seed: number): { sound: Stereo; looped: boolean } {
  if (seconds <= MAX_RENDER_SECONDS) return { sound: renderCue(cue, seconds, seed), looped: false };
  // Music loops on whole turns of its progression, so the loop point falls where the piece restarts.
  const cycle = isMusic(cue) ? MUSIC_CYCLE_SECONDS[cue] : 1;
  const loopFrames = Math.round(Math.floor(MAX_RENDER_SECONDS / cycle) * cycle * SYNTH_SAMPLE_RATE);
  const fadeFrames = Math.round(LOOP_FADE_SECONDS * SYNTH_SAMPLE_RATE);
  const sound = renderCue(cue, (loopFrames + fadeFrames) / SYNTH_SAMPLE_RATE, seed);
  return { sound: seamlessLoop(sound, loopFrames, fadeFrames), looped: true };
}

/** The seed a description renders with: same words, same bed; case and spacing do not matter. */
export function seedForDescription(description: string): number {
  return seedFrom(description.trim().toLowerCase().replace(/\s+/g, " "));
}

/**
 * ffmpeg encoding of a rendered bed: raw stereo float at 48 kHz in (repeated when it is a loop), 16-bit
 * WAV out, cut sample-exact,
 * with short fades (at most 0.2 s, a quarter of the length) so the bed does not click in or out.
 */
export function encodeBedSpec(rawPath: string, durationSeconds: number, output: string, looped = false): FfmpegSpec {
  const samples = Math.round(durationSeconds * SYNTH_SAMPLE_RATE);
  const fade = Math.min(0.2, durationSeconds / 4);
  const fadeOutStart = Math.max(0, durationSeconds - fade);
  // Raw PCM carries no header, so its format, rate and channel count are given as input options;
  // a looped bed repeats without end until atrim cuts it.
  const raw = ["-f", "f32le", "-ar", String(SYNTH_SAMPLE_RATE), "-ac", "2"];
  return {
    inputs: [{ source: rawPath, options: looped ? ["-stream_loop", "-1", ...raw] : raw }],
    filterComplex:
      `[0:a]aformat=sample_rates=${SYNTH_SAMPLE_RATE}:channel_layouts=stereo,atrim=end_sample=${samples},` +
      `afade=t=in:d=${fade.toFixed(3)},afade=t=out:st=${fadeOutStart.toFixed(3)}:d=${fade.toFixed(3)}[aout]`,
    outputOptions: ["-map", "[aout]", "-c:a", "pcm_s16le", "-ar", String(SYNTH_SAMPLE_RATE)],
    output,
  };
}
