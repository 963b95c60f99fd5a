/**
 * Ambiences built from the events that make a place recognisable: chirping birds, passing cars,
 * rain drops, a crowd of talkers, gusting wind, breaking waves and a room's quiet air. Every random
 * choice comes from the seeded Rng, so a description and length always give the same bed.
 */
import type { Rng } from "./dsp.js";
import { Biquad, BrownNoise, Drift, PinkNoise, Saw, SYNTH_SAMPLE_RATE, panGains, stereo, type Stereo } from "./dsp.js";

const RATE = SYNTH_SAMPLE_RATE;

/** Adds `value` at `index` across the stereo field (equal-power pan). */
function put(out: Stereo, index: number, value: number, gains: [number, number]): void {
  out.left[index]! += value * gains[0];
  out.right[index]! += value * gains[1];
}

/** A bed of `seconds` whose every frame is `next()` in both channels: the diffuse layer events sit on. */
function centredBed(seconds: number, next: () => number): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  for (let index = 0; index < out.left.length; index++) {
    const value = next();
    out.left[index] = value;
    out.right[index] = value;
  }
  return out;
}

/**
 * Birds: a few singers, each repeating its own kind of call (rising, falling or trilled sine sweeps of
 * 30–110 ms) in phrases at random intervals, over a faint high rustle of leaves.
 */
export function birds(seconds: number, rng: Rng): Stereo {
  const rustle = new PinkNoise(rng);
  const rustleBand = new Biquad("bandpass", 3500, 0.6);
  const out = centredBed(seconds, () => rustleBand.process(rustle.next()) * 0.02);
  const singers = 3;
  for (let singer = 0; singer < singers; singer++) {
    const base = rng.range(2600, 4600);
    const kind = rng.pick(["rise", "fall", "trill"] as const);
    const gains = panGains(rng.range(-0.8, 0.8));
    const level = rng.range(0.25, 0.45);
    let time = rng.range(0, 1.2);
    while (time < seconds) {
      const syllables = 2 + Math.floor(rng.next() * 5);
      for (let syllable = 0; syllable < syllables && time < seconds; syllable++) {
        const duration = rng.range(0.03, 0.11);
        const first = Math.round(time * RATE);
        const length = Math.min(Math.round(duration * RATE), out.left.length - first);
        const start = base * rng.range(0.9, 1.1);
        const sweep = kind === "rise" ? 1.45 : kind === "fall" ? 0.65 : 1;
        let phase = 0;
        for (let index = 0; index < length; index++) {
          const progress = index / length;
          let frequency = start * (1 + (sweep - 1) * progress);
          // The trill's fast frequency wobble is what the ear hears as warbling.
          frequency *= 1 + (kind === "trill" ? 0.12 : 0.04) * Math.sin(2 * Math.PI * 38 * (index / RATE));
          phase += (2 * Math.PI * frequency) / RATE;
          const envelope = Math.sin(Math.PI * progress) ** 2;
          put(out, first + index, Math.sin(phase) * envelope * level, gains);
        }
        time += duration + rng.range(0.02, 0.07);
      }
      time += rng.gap(1.1) + 0.25;
    }
  }
  return out;
}

/**
 * Traffic: a steady low rumble and cars passing every couple of seconds, each swelling as it nears,
 * its engine note gliding down as it passes (Doppler) and panning across.
 */
export function traffic(seconds: number, rng: Rng): Stereo {
  const rumble = new BrownNoise(rng);
  const rumbleFilter = new Biquad("lowpass", 140);
  const rumbleDrift = new Drift(rng, 2);
  const out = centredBed(seconds, () => rumbleFilter.process(rumble.next()) * (0.5 + 0.3 * rumbleDrift.next()));
  let closest = rng.range(0.5, 2);
  while (closest < seconds + 2) {
    const engine = rng.range(38, 70);
    const width = rng.range(0.7, 1.4);
    const speed = rng.range(0.04, 0.08);
    const direction = rng.next() < 0.5 ? -1 : 1;
    const level = rng.range(0.6, 1.1);
    const saw = new Saw(rng.next());
    const tyres = new BrownNoise(rng);
    const engineFilter = new Biquad("lowpass", 300, 0.9);
    const tyreFilter = new Biquad("bandpass", 250, 0.8);
    const first = Math.max(0, Math.round((closest - 4 * width) * RATE));
    const last = Math.min(out.left.length, Math.round((closest + 4 * width) * RATE));
    let nearness = 0;
    let doppler = 1;
    let gains: [number, number] = [0, 0];
    for (let index = first; index < last; index++) {
      // Distance, pitch and position change slowly: every 64 samples (1.3 ms) is smooth enough.
      if ((index - first) % 64 === 0) {
        const offset = (index / RATE - closest) / width;
        nearness = 1 / (1 + offset * offset * 2);
        // Approaching, the note is raised by the car's speed; receding, lowered; tanh is the glide between.
        doppler = 1 - speed * Math.tanh(offset * 1.5);
        tyreFilter.set("bandpass", 250 * doppler, 0.8);
        gains = panGains(direction * Math.tanh(offset));
      }
      const value = engineFilter.process(saw.next(engine * doppler)) * 0.35 + tyreFilter.process(tyres.next()) * 3.2;
      put(out, index, value * nearness * level, gains);
    }
    closest += rng.gap(1.8) + 0.8;
  }
  return out;
}

/** Rain: a broadband hiss of distant rain with close drops landing as short, bright, random clicks. */
export function rain(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  for (const channel of [out.left, out.right]) {
    const high = new Biquad("highpass", 400);
    const low = new Biquad("lowpass", 9000);
    // The patter on the ground under the hiss: pink noise from 200 Hz up gives the rain its body.
    const patter = new PinkNoise(rng);
    const patterHigh = new Biquad("highpass", 200);
    for (let index = 0; index < channel.length; index++)
      channel[index] = low.process(high.process(rng.bipolar())) * 0.1 + patterHigh.process(patter.next()) * 0.2;
  }
  let time = rng.gap(1 / 45);
  while (time < seconds) {
    const first = Math.round(time * RATE);
    const frequency = rng.range(1200, 6500);
    const decay = rng.range(0.0015, 0.006);
    // Most drops are faint, a few land close: level follows a steep power law.
    const level = 0.15 + 0.85 * rng.next() ** 3;
    const length = Math.min(Math.round(decay * 6 * RATE), out.left.length - first);
    const gains = panGains(rng.range(-1, 1));
    for (let index = 0; index < length; index++) {
      const t = index / RATE;
      put(out, first + index, Math.sin(2 * Math.PI * frequency * t) * Math.exp(-t / decay) * level, gains);
    }
    time += rng.gap(1 / 45);
  }
  return out;
}

/** Vowel formants (F1, F2, F3 in Hz): the resonances that make a burst of noise sound like a syllable. */
const VOWELS: ReadonlyArray<readonly [number, number, number]> = [
  [730, 1090, 2440],
  [530, 1840, 2480],
  [270, 2290, 3010],
  [570, 840, 2410],
  [300, 870, 2240],
  [660, 1720, 2410],
  [490, 1350, 1690],
];

/**
 * Crowd: a dozen talkers, each a buzz at their own pitch mixed with breath noise, shaped into
 * syllables by formant filters that jump from vowel to vowel, overlapping into babble.
 */
export function crowd(seconds: number, rng: Rng): Stereo {
  const murmur = new PinkNoise(rng);
  const murmurBand = new Biquad("bandpass", 500, 0.7);
  const out = centredBed(seconds, () => murmurBand.process(murmur.next()) * 0.05);
  const talkers = 12;
  for (let talker = 0; talker < talkers; talker++) {
    const pitch = rng.next() < 0.5 ? rng.range(95, 140) : rng.range(170, 250);
    const gains = panGains(rng.range(-0.9, 0.9));
    const level = rng.range(0.1, 0.3);
    const saw = new Saw(rng.next());
    const formants = [
      new Biquad("bandpass", 500, 5),
      new Biquad("bandpass", 1500, 8),
      new Biquad("bandpass", 2500, 10),
    ];
    let time = rng.range(0, 1.5);
    while (time < seconds) {
      const syllables = 3 + Math.floor(rng.next() * 8);
      for (let syllable = 0; syllable < syllables && time < seconds; syllable++) {
        const vowel = rng.pick(VOWELS);
        vowel.forEach((frequency, formant) =>
          formants[formant]!.set("bandpass", frequency * rng.range(0.92, 1.08), [5, 8, 10][formant]!),
        );
        const duration = rng.range(0.1, 0.26);
        const first = Math.round(time * RATE);
        const length = Math.min(Math.round(duration * RATE), out.left.length - first);
        const inflection = rng.range(0.9, 1.12);
        for (let index = 0; index < length; index++) {
          const progress = index / length;
          const source = saw.next(pitch * (1 + (inflection - 1) * progress)) * 0.7 + rng.bipolar() * 0.3;
          const voiced =
            formants[0]!.process(source) + 0.6 * formants[1]!.process(source) + 0.3 * formants[2]!.process(source);
          // A parabola rather than sin(): the same rise and fall, without a transcendental per sample.
          put(out, first + index, voiced * 4 * progress * (1 - progress) * level, gains);
        }
        time += duration + rng.range(0, 0.05);
      }
      time += rng.range(0.2, 1.2);
    }
  }
  return out;
}

/** Wind: noise through a band-pass whose centre and level follow slow gusts, over a low rumble. */
export function wind(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  const gust = new Drift(rng, 2.2);
  const swirl = new Drift(rng, 0.9);
  const channels = [out.left, out.right].map((channel) => ({
    channel,
    band: new Biquad("bandpass", 500, 1.6),
    whistle: new Biquad("bandpass", 1200, 14),
    rumble: new Biquad("lowpass", 120),
    noise: new BrownNoise(rng),
    // Pink rather than white: air turbulence has little energy up high, so the band's skirts stay dark.
    air: new PinkNoise(rng),
  }));
  let strength = 0;
  let centre = 500;
  for (let index = 0; index < out.left.length; index++) {
    if (index % 32 === 0) {
      strength = 0.2 + 0.8 * gust.next() ** 2;
      centre = 250 + 700 * strength + 150 * swirl.next();
      for (const layer of channels) {
        layer.band.set("bandpass", centre, 1.6);
        layer.whistle.set("bandpass", centre * 2.3, 14);
      }
    } else {
      gust.next();
      swirl.next();
    }
    for (const layer of channels) {
      const air = layer.air.next();
      const value =
        layer.band.process(air) * strength +
        layer.whistle.process(air) * strength * strength * 0.5 +
        layer.rumble.process(layer.noise.next()) * 0.06;
      layer.channel[index] = value;
    }
  }
  return out;
}

/** Waves: surf that swells over a few seconds, brightens as it breaks and washes out. */
export function waves(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  const breaks: number[] = [];
  for (let time = rng.range(1, 3); time < seconds + 6; time += rng.range(5.5, 8.5)) breaks.push(time);
  const swell = (time: number) =>
    breaks.reduce((sum, at) => {
      const offset = time - at;
      return sum + (offset < 0 ? Math.exp(-((offset / 1.6) ** 2)) : Math.exp(-offset / 2.2));
    }, 0);
  for (const channel of [out.left, out.right]) {
    const noise = new PinkNoise(rng);
    const filter = new Biquad("lowpass", 400);
    const foam = new Biquad("highpass", 2500);
    let level = 0;
    for (let index = 0; index < channel.length; index++) {
      if (index % 64 === 0) {
        level = Math.min(1.2, 0.15 + swell(index / RATE));
        filter.set("lowpass", 300 + 2400 * level);
      }
      // The hiss of foam comes only as a wave breaks, so it follows the swell squared.
      channel[index] = filter.process(noise.next()) * level + foam.process(rng.bipolar()) * 0.12 * level * level;
    }
  }
  return out;
}

/**
 * Room tone: dull air with a faint mains hum from the building; what a bed sounds like when the
 * description names no known place.
 */
export function room(seconds: number, rng: Rng): Stereo {
  const out = stereo(Math.round(seconds * RATE));
  for (const channel of [out.left, out.right]) {
    const noise = new PinkNoise(rng);
    const filter = new Biquad("lowpass", 900);
    for (let index = 0; index < channel.length; index++) {
      const hum = 0.02 * Math.sin((2 * Math.PI * 100 * index) / RATE);
      channel[index] = filter.process(noise.next()) + hum;
    }
  }
  return out;
}
