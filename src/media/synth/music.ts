/**
 * Music beds made from notes: an arpeggiated piano, a string section, an evolving pad and an upbeat
 * groove with a synthesised drum kit. All four play the I–V–vi–IV progression in C so a bed sounds
 * like a piece of music rather than a tone; tempos are exported because tests measure them.
 */
import type { Rng } from "./dsp.js";
import { Biquad, BrownNoise, Drift, Saw, SYNTH_SAMPLE_RATE, midiToHz, panGains, stereo, type Stereo } from "./dsp.js";

const RATE = SYNTH_SAMPLE_RATE;

/** C – G – Am – F, voiced close around middle C (MIDI notes, root first). */
const PROGRESSION: ReadonlyArray<readonly number[]> = [
  [60, 64, 67],
  [55, 59, 62],
  [57, 60, 64],
  [53, 57, 60],
];

export const PIANO_BPM = 96;
/** The piano plays straight eighth notes, so its onsets come every half beat. */
export const PIANO_NOTE_SECONDS = 60 / PIANO_BPM / 2;
export const UPBEAT_BPM = 124;
export const STRINGS_CHORD_SECONDS = 3;
export const PAD_CHORD_SECONDS = 5;

/** How long each bed takes to come round to its first chord again: where a long bed can loop. */
export const MUSIC_CYCLE_SECONDS = {
  piano: PIANO_NOTE_SECONDS * 8 * PROGRESSION.length,
  strings: STRINGS_CHORD_SECONDS * PROGRESSION.length,
  pad: PAD_CHORD_SECONDS * PROGRESSION.length,
  upbeat: (60 / UPBEAT_BPM) * 4 * PROGRESSION.length,
} as const;

function chordAt(index: number): readonly number[] {
  return PROGRESSION[index % PROGRESSION.length]!;
}

/**
 * One struck string: six partials, slightly stretched (real strings are stiff), the upper ones dying
 * faster, a 4 ms hammer attack. Partials are recursive oscillators (two multiplies a sample, no sin()).
 */
function addPianoNote(out: Stereo, note: number, start: number, seconds: number, level: number): void {
  const frequency = midiToHz(note);
  const first = Math.round(start * RATE);
  const length = Math.min(Math.round(seconds * RATE), out.left.length - first);
  if (length <= 0) return;
  const [gainLeft, gainRight] = panGains((note - 60) / 30);
  const attack = Math.round(0.004 * RATE);
  const release = Math.round(0.05 * RATE);
  for (let partial = 1; partial <= 6; partial++) {
    const partialFrequency = frequency * partial * Math.sqrt(1 + 0.0004 * partial * partial);
    if (partialFrequency > RATE * 0.45) break;
    const omega = (2 * Math.PI * partialFrequency) / RATE;
    const coefficient = 2 * Math.cos(omega);
    let previous = 0;
    let current = Math.sin(omega);
    const amplitude = level / Math.pow(partial, 1.4);
    // Low notes ring longer; each partial decays faster than the one below it.
    const decay = Math.exp(-(1.2 + 0.9 * partial + frequency / 600) / RATE);
    let envelope = amplitude;
    for (let index = 0; index < length; index++) {
      let shaped = envelope;
      if (index < attack) shaped *= index / attack;
      if (index > length - release) shaped *= (length - index) / release;
      const value = current * shaped;
      out.left[first + index]! += value * gainLeft;
      out.right[first + index]! += value * gainRight;
      const next = coefficient * current - previous;
      previous = current;
      current = next;
      envelope *= decay;
    }
  }
}

/** Piano: eighth-note arpeggios over a held bass, one chord a bar at 96 BPM. */
export function piano(seconds: number): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  const bar = PIANO_NOTE_SECONDS * 8;
  // Up and back down the chord, reaching the octave: the classic accompaniment figure.
  const figure = [0, 1, 2, 3, 2, 1, 2, 3];
  for (let barIndex = 0; barIndex * bar < seconds; barIndex++) {
    const chord = chordAt(barIndex);
    const tones = [chord[0]!, chord[1]!, chord[2]!, chord[0]! + 12];
    addPianoNote(out, chord[0]! - 12, barIndex * bar, bar, 0.5);
    figure.forEach((step, position) => {
      const accent = position % 2 === 0 ? 0.42 : 0.32;
      addPianoNote(out, tones[step]!, barIndex * bar + position * PIANO_NOTE_SECONDS, 1.6, accent);
    });
  }
  return out;
}

/**
 * Adds detuned, vibrato-ed saw voices for one chord with a slow attack and release. `voices` saws per
 * note spread across the stereo field; vibrato arrives after the attack, as a player's would.
 */
function addSustainedChord(
  out: Stereo,
  rng: Rng,
  notes: readonly number[],
  start: number,
  seconds: number,
  options: { attack: number; release: number; voices: number; detuneCents: number; vibrato: number; level: number },
): void {
  const first = Math.round(start * RATE);
  const length = Math.min(Math.round((seconds + options.release) * RATE), out.left.length - first);
  const attack = options.attack * RATE;
  const release = options.release * RATE;
  const held = seconds * RATE;
  for (const note of notes) {
    for (let voice = 0; voice < options.voices; voice++) {
      const spread = options.voices === 1 ? 0 : voice / (options.voices - 1) - 0.5;
      const base = midiToHz(note) * Math.pow(2, (spread * 2 * options.detuneCents) / 1200);
      const [gainLeft, gainRight] = panGains(spread * 1.4);
      const saw = new Saw(rng.next());
      const vibratoRate = rng.range(4.8, 6.2);
      const vibratoPhase = rng.range(0, 2 * Math.PI);
      let frequency = base;
      for (let index = 0; index < length; index++) {
        let envelope = index < attack ? index / attack : 1;
        if (index > held) envelope *= Math.max(0, 1 - (index - held) / release);
        // Vibrato moves a few times a second: updating the pitch every 16 samples is inaudible and cheap.
        if (options.vibrato > 0 && index % 16 === 0) {
          const depth = options.vibrato * Math.min(1, index / (attack + 1));
          frequency = base * (1 + depth * Math.sin((2 * Math.PI * vibratoRate * index) / RATE + vibratoPhase));
        }
        const value = saw.next(frequency) * envelope * options.level;
        out.left[first + index]! += value * gainLeft;
        out.right[first + index]! += value * gainRight;
      }
    }
  }
}

function filterInPlace(out: Stereo, make: () => Biquad[]): void {
  for (const channel of [out.left, out.right]) {
    const chain = make();
    for (let index = 0; index < channel.length; index++) {
      let value = channel[index]!;
      for (const filter of chain) value = filter.process(value);
      channel[index] = value;
    }
  }
}

/** Strings: an ensemble of three detuned voices a note, bowed in slowly, with vibrato and a cello root. */
export function strings(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  for (let chordIndex = 0; chordIndex * STRINGS_CHORD_SECONDS < seconds; chordIndex++) {
    const chord = chordAt(chordIndex);
    const options = { attack: 0.7, release: 0.8, voices: 3, detuneCents: 9, vibrato: 0.004, level: 0.12 };
    addSustainedChord(
      out,
      rng,
      [...chord, chord[0]! - 12],
      chordIndex * STRINGS_CHORD_SECONDS,
      STRINGS_CHORD_SECONDS,
      options,
    );
  }
  // Bowed strings have little above 3 kHz and no boom below 60 Hz.
  filterInPlace(out, () => [new Biquad("lowpass", 2800, 0.8), new Biquad("highpass", 60)]);
  return out;
}

/** Ambient pad: long seventh chords crossfading, their brightness slowly opening and closing. */
export function pad(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  const sevenths = [11, 7, 10, 9];
  for (let chordIndex = 0; chordIndex * PAD_CHORD_SECONDS < seconds; chordIndex++) {
    const chord = chordAt(chordIndex);
    const notes = [chord[0]! - 12, chord[1]!, chord[2]!, chord[0]! + sevenths[chordIndex % 4]!];
    const options = { attack: 2, release: 2, voices: 2, detuneCents: 12, vibrato: 0.0008, level: 0.1 };
    addSustainedChord(out, rng, notes, chordIndex * PAD_CHORD_SECONDS, PAD_CHORD_SECONDS, options);
  }
  // A low-pass swept between about 350 Hz and 1.5 kHz over ~7 s: the evolving part of the pad.
  for (const channel of [out.left, out.right]) {
    const sweep = new Drift(rng, 3.5);
    const filter = new Biquad("lowpass", 800, 1.3);
    for (let index = 0; index < channel.length; index++) {
      if (index % 64 === 0) filter.set("lowpass", 350 + 1150 * sweep.next() ** 1.5, 1.3);
      else sweep.next();
      channel[index] = filter.process(channel[index]!);
    }
  }
  return out;
}

/** Upbeat: four-on-the-floor kick, backbeat snare, eighth hats, an octave bass line and offbeat chord stabs. */
export function upbeat(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  const beat = 60 / UPBEAT_BPM;
  const drums = new Float32Array(out.left.length);
  const hats = new Float32Array(out.left.length);
  const noise = new BrownNoise(rng);
  for (let beatIndex = 0; beatIndex * beat < seconds; beatIndex++) {
    const time = beatIndex * beat;
    addKick(drums, time);
    if (beatIndex % 2 === 1) addSnare(drums, time, rng);
    addHat(hats, time, 0.12, rng);
    addHat(hats, time + beat / 2, 0.2, rng);
  }
  const bass = stereo(out.left.length);
  const stabs = stereo(out.left.length);
  for (let barIndex = 0; barIndex * beat * 4 < seconds; barIndex++) {
    const chord = chordAt(barIndex);
    for (let eighth = 0; eighth < 8; eighth++) {
      const time = barIndex * beat * 4 + (eighth * beat) / 2;
      const note = chord[0]! - 24 + (eighth % 2 === 1 ? 12 : 0);
      addSustainedChord(bass, rng, [note], time, beat * 0.35, {
        attack: 0.005,
        release: 0.04,
        voices: 1,
        detuneCents: 0,
        vibrato: 0,
        level: 0.3,
      });
    }
    for (let beatInBar = 0; beatInBar < 4; beatInBar++) {
      const time = barIndex * beat * 4 + beatInBar * beat + beat / 2;
      addSustainedChord(stabs, rng, [...chord, chord[0]! + 12], time, beat * 0.22, {
        attack: 0.006,
        release: 0.06,
        voices: 2,
        detuneCents: 10,
        vibrato: 0,
        level: 0.07,
      });
    }
  }
  filterInPlace(bass, () => [new Biquad("lowpass", 600, 1.1)]);
  filterInPlace(stabs, () => [new Biquad("lowpass", 3000, 0.9), new Biquad("highpass", 200)]);
  const hatFilter = new Biquad("highpass", 7000, 0.9);
  for (let index = 0; index < out.left.length; index++) {
    const hat = hatFilter.process(hats[index]!);
    // A breath of room noise keeps the gaps between hits from being digital silence.
    const room = noise.next() * 0.004;
    out.left[index] = drums[index]! + hat * 0.8 + bass.left[index]! + stabs.left[index]! + room;
    out.right[index] = drums[index]! + hat * 1.1 + bass.right[index]! + stabs.right[index]! + room;
  }
  return out;
}

/** A kick: a sine swept from ~160 Hz down to 50 Hz with a fast click and a 0.3 s body. */
function addKick(into: Float32Array, time: number): void {
  const first = Math.round(time * RATE);
  const length = Math.min(Math.round(0.35 * RATE), into.length - first);
  let phase = 0;
  for (let index = 0; index < length; index++) {
    const t = index / RATE;
    const frequency = 50 + 110 * Math.exp(-t / 0.03);
    phase += (2 * Math.PI * frequency) / RATE;
    into[first + index]! += 0.9 * Math.sin(phase) * Math.exp(-t / 0.12) * Math.min(1, index / 24);
  }
}

/** A snare: band-passed noise (the wires) over a 185 Hz body tone, both gone in about 150 ms. */
function addSnare(into: Float32Array, time: number, rng: Rng): void {
  const first = Math.round(time * RATE);
  const length = Math.min(Math.round(0.2 * RATE), into.length - first);
  const band = new Biquad("bandpass", 3500, 0.7);
  for (let index = 0; index < length; index++) {
    const t = index / RATE;
    const wires = band.process(rng.bipolar()) * Math.exp(-t / 0.05);
    const body = Math.sin(2 * Math.PI * 185 * t) * Math.exp(-t / 0.03);
    into[first + index]! += 0.55 * wires + 0.35 * body;
  }
}

/** A closed hat: a few tens of milliseconds of white noise (high-passed later with the rest). */
function addHat(into: Float32Array, time: number, level: number, rng: Rng): void {
  const first = Math.round(time * RATE);
  const length = Math.min(Math.round(0.06 * RATE), into.length - first);
  for (let index = 0; index < length; index++)
    into[first + index]! += level * rng.bipolar() * Math.exp(-index / RATE / 0.015);
}
