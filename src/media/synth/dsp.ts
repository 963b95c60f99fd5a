/**
 * Small, allocation-light signal building blocks for the embedded sound generator: a seeded random
 * source, RBJ biquads, coloured noise, a band-limited saw and a stereo buffer. Everything is plain
 * arithmetic on Float32Arrays so a ten-second bed renders in tens of milliseconds and the same seed
 * always gives the same samples.
 */

export const SYNTH_SAMPLE_RATE = 48000;

export interface Stereo {
  left: Float32Array;
  right: Float32Array;
}

export function stereo(samples: number): Stereo {
  return { left: new Float32Array(samples), right: new Float32Array(samples) };
}

/** mulberry32: tiny, fast and good enough for texture; seeded so renders are reproducible. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    // Kept as a signed 32-bit integer: V8 stores that unboxed, where an unsigned one above 2^30
    // would allocate a heap number on every draw.
    this.state = seed | 0 || 0x1e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }
  range(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  /** Uniform noise in [-1, 1). */
  bipolar(): number {
    return this.next() * 2 - 1;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Exponentially distributed gap: events at random times averaging `mean` seconds apart. */
  gap(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

export type FilterKind = "lowpass" | "highpass" | "bandpass";

/**
 * RBJ cookbook biquad (direct form I); `set` may be called while running to sweep the filter.
 * Coefficients and state live in one Float64Array: plain number fields that change every sample
 * were several times slower here (each store boxed a number).
 */
export class Biquad {
  /** b0, b1, b2, a1, a2, x1, x2, y1, y2 */
  private readonly state = new Float64Array(9);

  constructor(kind: FilterKind, frequency: number, q = Math.SQRT1_2) {
    this.set(kind, frequency, q);
  }

  set(kind: FilterKind, frequency: number, q = Math.SQRT1_2): void {
    const omega = (2 * Math.PI * Math.min(frequency, SYNTH_SAMPLE_RATE * 0.45)) / SYNTH_SAMPLE_RATE;
    const alpha = Math.sin(omega) / (2 * q);
    const cos = Math.cos(omega);
    const a0 = 1 + alpha;
    let b0: number;
    let b1: number;
    let b2: number;
    if (kind === "lowpass") {
      b1 = 1 - cos;
      b0 = b1 / 2;
      b2 = b0;
    } else if (kind === "highpass") {
      b1 = -(1 + cos);
      b0 = -b1 / 2;
      b2 = b0;
    } else {
      // Constant 0 dB peak gain, so a swept band keeps its level.
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
    }
    const state = this.state;
    state[0] = b0 / a0;
    state[1] = b1 / a0;
    state[2] = b2 / a0;
    state[3] = (-2 * cos) / a0;
    state[4] = (1 - alpha) / a0;
  }

  process(sample: number): number {
    const state = this.state;
    // A tiny offset keeps a filter ringing down into silence out of denormal numbers, which the CPU
    // handles a hundred times slower; at 1e-20 it is far below anything 16 bits can hold.
    const input = sample + 1e-20;
    const output =
      state[0]! * input + state[1]! * state[5]! + state[2]! * state[6]! - state[3]! * state[7]! - state[4]! * state[8]!;
    state[6] = state[5]!;
    state[5] = input;
    state[8] = state[7]!;
    state[7] = output;
    return output;
  }
}

/** Pink noise (Paul Kellet's economy filter): -3 dB/octave, the natural colour of rustle and surf. */
export class PinkNoise {
  private b0 = 0;
  private b1 = 0;
  private b2 = 0;
  constructor(private readonly rng: Rng) {}
  next(): number {
    const white = this.rng.bipolar();
    this.b0 = 0.99765 * this.b0 + white * 0.099046;
    this.b1 = 0.963 * this.b1 + white * 0.2965164;
    this.b2 = 0.57 * this.b2 + white * 1.0526913;
    return (this.b0 + this.b1 + this.b2 + white * 0.1848) * 0.25;
  }
}

/** Brown noise (leaky integrated white): -6 dB/octave, the rumble under traffic and wind. */
export class BrownNoise {
  private value = 0;
  constructor(private readonly rng: Rng) {}
  next(): number {
    this.value = 0.995 * this.value + 0.06 * this.rng.bipolar();
    return this.value;
  }
}

/** A smooth random control signal: new targets every `period` seconds, cosine-interpolated between. */
export class Drift {
  private from: number;
  private to: number;
  private phase = 0;
  private readonly step: number;
  constructor(
    private readonly rng: Rng,
    period: number,
  ) {
    this.from = rng.next();
    this.to = rng.next();
    this.step = 1 / (period * SYNTH_SAMPLE_RATE);
  }
  /** The next value in [0, 1]. */
  next(): number {
    this.phase += this.step;
    if (this.phase >= 1) {
      this.phase -= 1;
      this.from = this.to;
      this.to = this.rng.next();
    }
    const blend = (1 - Math.cos(Math.PI * this.phase)) / 2;
    return this.from + (this.to - this.from) * blend;
  }
}

/** PolyBLEP correction: removes most of a naive saw's aliasing at the wrap for almost no cost. */
function polyBlep(phase: number, increment: number): number {
  if (phase < increment) {
    const t = phase / increment;
    return t + t - t * t - 1;
  }
  if (phase > 1 - increment) {
    const t = (phase - 1) / increment;
    return t * t + t + t + 1;
  }
  return 0;
}

/** A band-limited sawtooth whose frequency may change every sample (vibrato, glides). */
export class Saw {
  private phase: number;
  constructor(phase = 0) {
    this.phase = phase;
  }
  next(frequency: number): number {
    const increment = frequency / SYNTH_SAMPLE_RATE;
    this.phase += increment;
    if (this.phase >= 1) this.phase -= 1;
    return 2 * this.phase - 1 - polyBlep(this.phase, increment);
  }
}

export function midiToHz(note: number): number {
  return 440 * Math.pow(2, (note - 69) / 12);
}

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/** Equal-power pan gains for a position in [-1 (left), 1 (right)]. */
export function panGains(position: number): [number, number] {
  const angle = ((Math.max(-1, Math.min(1, position)) + 1) * Math.PI) / 4;
  return [Math.cos(angle), Math.sin(angle)];
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < samples.length; index++) sum += samples[index]! * samples[index]!;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/**
 * Sets the bed to a target RMS (the level callers have always got for that kind of sound), then
 * lowers the whole bed if a peak would pass the ceiling, so transients keep their shape (no clipping).
 */
export function normalise(sound: Stereo, targetRmsDb: number, ceilingDb = -1): void {
  const level = Math.sqrt((rms(sound.left) ** 2 + rms(sound.right) ** 2) / 2);
  if (level === 0) return;
  let gain = dbToGain(targetRmsDb) / level;
  let peak = 0;
  for (const channel of [sound.left, sound.right])
    for (let index = 0; index < channel.length; index++) peak = Math.max(peak, Math.abs(channel[index]!));
  gain = Math.min(gain, dbToGain(ceilingDb) / (peak || 1));
  for (const channel of [sound.left, sound.right])
    for (let index = 0; index < channel.length; index++) channel[index]! *= gain;
}

/**
 * Makes the first `loopFrames` of a sound repeat seamlessly: the `fadeFrames` rendered past the loop
 * point (the natural continuation of its last sample) are crossfaded into the start, equal-power so
 * uncorrelated noise keeps its level through the seam. The sound must be loopFrames + fadeFrames long.
 */
export function seamlessLoop(sound: Stereo, loopFrames: number, fadeFrames: number): Stereo {
  const looped = stereo(loopFrames);
  for (const [from, to] of [
    [sound.left, looped.left],
    [sound.right, looped.right],
  ] as const) {
    to.set(from.subarray(0, loopFrames));
    for (let index = 0; index < fadeFrames; index++) {
      const angle = ((index + 0.5) / fadeFrames) * (Math.PI / 2);
      to[index] = from[index]! * Math.sin(angle) + from[loopFrames + index]! * Math.cos(angle);
    }
  }
  return looped;
}

/** Interleaves to 32-bit float little-endian, the raw input ffmpeg reads with `-f f32le`. */
export function interleave(sound: Stereo): Buffer {
  const frames = sound.left.length;
  const bytes = Buffer.alloc(frames * 8);
  for (let index = 0; index < frames; index++) {
    bytes.writeFloatLE(sound.left[index]!, index * 8);
    bytes.writeFloatLE(sound.right[index]!, index * 8 + 4);
  }
  return bytes;
}
