/**
 * Measurements on decoded audio for tests: averaged power spectra, band energy shares, an onset
 * envelope and its autocorrelation (tempo), crest factor and frame levels. Plain TypeScript, so a
 * test can measure a rendered bed without another tool.
 */

/** In-place iterative radix-2 FFT; `real.length` must be a power of two. */
function fft(real: Float64Array, imaginary: Float64Array): void {
  const size = real.length;
  for (let index = 1, swap = 0; index < size; index++) {
    let bit = size >> 1;
    for (; swap & bit; bit >>= 1) swap ^= bit;
    swap ^= bit;
    if (index < swap) {
      [real[index], real[swap]] = [real[swap]!, real[index]!];
      [imaginary[index], imaginary[swap]] = [imaginary[swap]!, imaginary[index]!];
    }
  }
  for (let length = 2; length <= size; length <<= 1) {
    const angle = (-2 * Math.PI) / length;
    for (let start = 0; start < size; start += length) {
      for (let offset = 0; offset < length / 2; offset++) {
        const cos = Math.cos(angle * offset);
        const sin = Math.sin(angle * offset);
        const evenIndex = start + offset;
        const oddIndex = evenIndex + length / 2;
        const oddReal = real[oddIndex]! * cos - imaginary[oddIndex]! * sin;
        const oddImaginary = real[oddIndex]! * sin + imaginary[oddIndex]! * cos;
        real[oddIndex] = real[evenIndex]! - oddReal;
        imaginary[oddIndex] = imaginary[evenIndex]! - oddImaginary;
        real[evenIndex] = real[evenIndex]! + oddReal;
        imaginary[evenIndex] = imaginary[evenIndex]! + oddImaginary;
      }
    }
  }
}

/** Welch power spectrum: Hann-windowed frames of `size` samples, half-overlapped, averaged. */
export function powerSpectrum(samples: Float32Array, size = 4096): Float64Array {
  const power = new Float64Array(size / 2);
  const window = Float64Array.from({ length: size }, (_, index) => 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size));
  let frames = 0;
  for (let start = 0; start + size <= samples.length; start += size / 2) {
    const real = new Float64Array(size);
    const imaginary = new Float64Array(size);
    for (let index = 0; index < size; index++) real[index] = samples[start + index]! * window[index]!;
    fft(real, imaginary);
    for (let bin = 0; bin < size / 2; bin++) power[bin]! += real[bin]! ** 2 + imaginary[bin]! ** 2;
    frames++;
  }
  for (let bin = 0; bin < power.length; bin++) power[bin]! /= Math.max(1, frames);
  return power;
}

/** The share of the spectrum's energy between `low` and `high` Hz. */
export function bandShare(power: Float64Array, sampleRate: number, low: number, high: number): number {
  const binHz = sampleRate / (power.length * 2);
  let inside = 0;
  let total = 0;
  power.forEach((value, bin) => {
    total += value;
    if (bin * binHz >= low && bin * binHz < high) inside += value;
  });
  return inside / total;
}

/** Energy per octave band from 62.5 Hz to 16 kHz, in dB: a coarse spectral fingerprint. */
export function octaveBandsDb(power: Float64Array, sampleRate: number): number[] {
  const bands: number[] = [];
  for (let low = 62.5; low < 16000; low *= 2)
    bands.push(10 * Math.log10(bandShare(power, sampleRate, low, low * 2) + 1e-12));
  return bands;
}

export function spectralCentroid(power: Float64Array, sampleRate: number): number {
  const binHz = sampleRate / (power.length * 2);
  let weighted = 0;
  let total = 0;
  power.forEach((value, bin) => {
    weighted += value * bin * binHz;
    total += value;
  });
  return weighted / total;
}

/** RMS of consecutive frames of `frameSeconds`. */
export function frameLevels(samples: Float32Array, sampleRate: number, frameSeconds: number): number[] {
  const size = Math.round(frameSeconds * sampleRate);
  const levels: number[] = [];
  for (let start = 0; start + size <= samples.length; start += size) {
    let sum = 0;
    for (let index = start; index < start + size; index++) sum += samples[index]! ** 2;
    levels.push(Math.sqrt(sum / size));
  }
  return levels;
}

/**
 * Onset strength every 5 ms: how much the level (RMS over 20 ms, in nepers of power) rose over the last
 * 10 ms, rises only. The 20 ms window keeps noise flicker small next to a struck note or a drum hit.
 */
export function onsetEnvelope(samples: Float32Array, sampleRate: number): { strength: number[]; hopSeconds: number } {
  const hopSeconds = 0.005;
  const hop = Math.round(hopSeconds * sampleRate);
  const window = hop * 4;
  const levels: number[] = [];
  for (let start = 0; start + window <= samples.length; start += hop) {
    let sum = 0;
    for (let index = start; index < start + window; index++) sum += samples[index]! ** 2;
    levels.push(Math.log(sum / window + 1e-9));
  }
  const strength = levels.map((level, index) => (index < 2 ? 0 : Math.max(0, level - levels[index - 2]!)));
  return { strength, hopSeconds };
}

/** Onset times (s): local peaks of the onset strength above `threshold`, at least `minGap` s apart. */
export function onsets(samples: Float32Array, sampleRate: number, threshold = 0.5, minGap = 0.08): number[] {
  const { strength, hopSeconds } = onsetEnvelope(samples, sampleRate);
  const times: number[] = [];
  for (let index = 1; index < strength.length - 1; index++) {
    const value = strength[index]!;
    if (value < threshold || value < strength[index - 1]! || value < strength[index + 1]!) continue;
    const time = index * hopSeconds;
    if (times.length > 0 && time - times[times.length - 1]! < minGap) continue;
    times.push(time);
  }
  return times;
}

/** The lag (s) in [minLag, maxLag] where the onset envelope's autocorrelation peaks: the pulse period. */
export function pulsePeriod(samples: Float32Array, sampleRate: number, minLag: number, maxLag: number): number {
  const { strength, hopSeconds } = onsetEnvelope(samples, sampleRate);
  const mean = strength.reduce((sum, value) => sum + value, 0) / strength.length;
  const centred = strength.map((value) => value - mean);
  let bestLag = 0;
  let best = -Infinity;
  for (let lag = Math.round(minLag / hopSeconds); lag <= Math.round(maxLag / hopSeconds); lag++) {
    let sum = 0;
    for (let index = 0; index + lag < centred.length; index++) sum += centred[index]! * centred[index + lag]!;
    const normalised = sum / (centred.length - lag);
    if (normalised > best) {
      best = normalised;
      bestLag = lag;
    }
  }
  return bestLag * hopSeconds;
}

/** Mean power in dB relative to full scale (a full-scale sine reads -3). */
export function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return 10 * Math.log10(sum / samples.length);
}

export function crestFactor(samples: Float32Array): number {
  let peak = 0;
  let sum = 0;
  for (const sample of samples) {
    peak = Math.max(peak, Math.abs(sample));
    sum += sample * sample;
  }
  return peak / Math.sqrt(sum / samples.length);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** Mono mix of a stereo pair. */
export function mono(left: Float32Array, right: Float32Array): Float32Array {
  return Float32Array.from(left, (value, index) => (value + right[index]!) / 2);
}
