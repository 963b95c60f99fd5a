/**
 * The local voice provider: speech from espeak-ng (ffmpeg's flite source when espeak-ng is absent) and
 * sound effects synthesised from noise and tones with ffmpeg, so dialogue and ambience work offline.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CutroomError } from "../../errors.js";
import { escapeFilterValue } from "../../media/filtergraph.js";
import { probe, runFfmpeg } from "../../media/runner.js";
import {
  assertEffectSeconds,
  type SpeechRequest,
  type SpeechResult,
  type Voice,
  type VoiceCallOptions,
  type VoiceProvider,
} from "./types.js";

interface CatalogueVoice extends Voice {
  espeak: string;
  flite: string;
}

const CATALOGUE: CatalogueVoice[] = [
  {
    voiceId: "en-us-female",
    name: "Ava",
    labels: { gender: "female", accent: "american", age: "adult" },
    espeak: "en-us+f3",
    flite: "slt",
  },
  {
    voiceId: "en-us-male",
    name: "Sam",
    labels: { gender: "male", accent: "american", age: "adult" },
    espeak: "en-us+m3",
    flite: "kal",
  },
  {
    voiceId: "en-gb-female",
    name: "Fiona",
    labels: { gender: "female", accent: "british", age: "adult" },
    espeak: "en-gb+f2",
    flite: "slt",
  },
  {
    voiceId: "en-gb-male",
    name: "Oliver",
    labels: { gender: "male", accent: "british", age: "adult" },
    espeak: "en-gb+m1",
    flite: "rms",
  },
  {
    voiceId: "en-scottish-male",
    name: "Angus",
    labels: { gender: "male", accent: "scottish", age: "adult" },
    espeak: "en-gb-scotland+m2",
    flite: "awb",
  },
  {
    voiceId: "en-us-child",
    name: "Pip",
    labels: { gender: "female", accent: "american", age: "child" },
    espeak: "en-us+f5",
    flite: "slt",
  },
  {
    voiceId: "en-us-elder",
    name: "Walter",
    labels: { gender: "male", accent: "american", age: "senior" },
    espeak: "en-us+m7",
    flite: "kal",
  },
];

/** espeak-ng speed (words a minute), pitch (0-99) and amplitude (0-200) per emotion; unknown emotions read as neutral. */
const EMOTIONS: Record<string, { speed: number; pitch: number; amplitude: number; whisper?: boolean }> = {
  neutral: { speed: 160, pitch: 50, amplitude: 100 },
  happy: { speed: 175, pitch: 68, amplitude: 110 },
  sad: { speed: 128, pitch: 34, amplitude: 85 },
  angry: { speed: 182, pitch: 40, amplitude: 160 },
  excited: { speed: 195, pitch: 75, amplitude: 130 },
  calm: { speed: 145, pitch: 45, amplitude: 90 },
  whisper: { speed: 140, pitch: 50, amplitude: 80, whisper: true },
};

const MAX_TEXT_LENGTH = 2000;
const SAMPLE_RATE = 48000;

/** Effect recipes: lavfi sources and filters by what the description mentions, first match wins. */
const EFFECTS: Array<{ words: RegExp; graph: (duration: string) => string }> = [
  {
    // Music: a soft, piano-like I-vi-IV-V progression, one chord every 2 s, each struck and decaying.
    words: /\bmusic|piano|melod|score|soundtrack|strings\b/i,
    graph: (duration) => {
      const chord = "mod(floor(t/2),4)";
      const root = `if(eq(${chord},0),261.63,if(eq(${chord},1),220,if(eq(${chord},2),174.61,196)))`;
      const third = `if(eq(${chord},1),1.189,1.26)`;
      const envelope = "exp(-1.8*mod(t,2))";
      const voice = (ratio: string, level: number) => `${level}*sin(2*PI*${root}*${ratio}*t)`;
      return (
        `aevalsrc='0.2*${envelope}*(${voice("1", 1)}+${voice(third, 0.7)}+${voice("1.498", 0.5)})':` +
        `sample_rate=${SAMPLE_RATE}:duration=${duration},lowpass=f=2500`
      );
    },
  },
  {
    // Bird song: warbling high tones gated into short chirps over a quiet pink-noise bed.
    words: /\bbird|chirp|tweet|song ?bird/i,
    graph: (duration) =>
      `anoisesrc=color=pink:amplitude=0.04:sample_rate=${SAMPLE_RATE}:duration=${duration}[bed];` +
      `sine=frequency=3300:sample_rate=${SAMPLE_RATE}:duration=${duration},vibrato=f=14:d=0.6,volume=volume='0.35*gt(sin(2*PI*t*2.7)*sin(2*PI*t*0.9),0.55)':eval=frame[chirps];` +
      `[bed][chirps]amix=inputs=2:normalize=0`,
  },
  {
    words: /rain|storm|shower|drizzle/i,
    graph: (duration) =>
      `anoisesrc=color=white:amplitude=0.25:sample_rate=${SAMPLE_RATE}:duration=${duration},highpass=f=700,lowpass=f=7000`,
  },
  {
    words: /wave|ocean|sea|beach|surf/i,
    graph: (duration) =>
      `anoisesrc=color=pink:amplitude=0.45:sample_rate=${SAMPLE_RATE}:duration=${duration},lowpass=f=1200,tremolo=f=0.12:d=0.85`,
  },
  {
    words: /traffic|city|street|crowd|engine|road/i,
    graph: (duration) =>
      `anoisesrc=color=brown:amplitude=0.6:sample_rate=${SAMPLE_RATE}:duration=${duration},lowpass=f=300,tremolo=f=0.3:d=0.3`,
  },
  {
    words: /wind|breeze|park|forest|ambien|outdoor|field/i,
    graph: (duration) =>
      `anoisesrc=color=brown:amplitude=0.5:sample_rate=${SAMPLE_RATE}:duration=${duration},lowpass=f=500,tremolo=f=0.2:d=0.6`,
  },
];
const SOFT_BED = (duration: string) =>
  `anoisesrc=color=pink:amplitude=0.08:sample_rate=${SAMPLE_RATE}:duration=${duration},lowpass=f=3000`;

function runProcess(command: string, args: string[], timeoutMs: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) return reject(new CutroomError("CANCELLED", `${command} was cancelled before it started`));
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], ...(signal ? { signal } : {}) });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(signal?.aborted ? new CutroomError("CANCELLED", `${command} was cancelled`, { cause: error }) : error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else
        reject(
          new CutroomError("MEDIA", `${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-500)}`),
        );
    });
  });
}

export class LocalVoiceProvider implements VoiceProvider {
  readonly name = "local-espeak";
  private readonly espeakPath: string;
  private readonly timeoutMs: number;

  constructor(options: { espeakPath?: string; timeoutMs?: number } = {}) {
    this.espeakPath = options.espeakPath ?? "espeak-ng";
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async listVoices(): Promise<Voice[]> {
    return CATALOGUE.map(({ voiceId, name, labels }) => ({ voiceId, name, labels: { ...labels } }));
  }

  async synthesize(request: SpeechRequest, outputDir: string, options: VoiceCallOptions = {}): Promise<SpeechResult> {
    const signal = options.signal ?? null;
    const text = request.text.trim();
    if (text === "") throw new CutroomError("INVALID_INPUT", "text must not be empty", { field: "text" });
    if (text.length > MAX_TEXT_LENGTH)
      throw new CutroomError("INVALID_INPUT", `text may be at most ${MAX_TEXT_LENGTH} characters; got ${text.length}`, {
        field: "text",
      });
    const voice = CATALOGUE.find((candidate) => candidate.voiceId === request.voiceId);
    if (voice === undefined) {
      throw new CutroomError(
        "INVALID_INPUT",
        `voiceId ${JSON.stringify(request.voiceId)} is not a local voice; use one of ${CATALOGUE.map((entry) => entry.voiceId).join(", ")}`,
        { field: "voiceId" },
      );
    }
    const emotion = EMOTIONS[request.emotion.toLowerCase()] ?? EMOTIONS.neutral!;
    const directory = resolve(outputDir);
    await mkdir(directory, { recursive: true });
    const path = join(directory, `speech-${voice.voiceId}-${randomBytes(4).toString("hex")}.wav`);
    let model = "espeak-ng";
    try {
      const espeakVoice = emotion.whisper ? `${voice.espeak.split("+")[0]}+whisper` : voice.espeak;
      // "--" ends the options, so text starting with "-" is spoken rather than parsed.
      const args = [
        "-v",
        espeakVoice,
        "-s",
        String(emotion.speed),
        "-p",
        String(emotion.pitch),
        "-a",
        String(emotion.amplitude),
        "-w",
        path,
        "--",
        text,
      ];
      await runProcess(this.espeakPath, args, this.timeoutMs, signal);
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
      model = "flite";
      await this.synthesizeWithFlite(text, voice.flite, path, signal);
    }
    const { durationSeconds } = await probe(path);
    return { path, durationSeconds, voiceId: voice.voiceId, model };
  }

  /** Fallback speech through ffmpeg's flite source; the text goes in a file, never into the filter string. */
  private async synthesizeWithFlite(
    text: string,
    fliteVoice: string,
    path: string,
    signal: AbortSignal | null,
  ): Promise<void> {
    const textPath = `${path}.txt`;
    await writeFile(textPath, text, "utf8");
    try {
      await runFfmpeg(
        {
          inputs: [
            { source: `flite=textfile=${escapeFilterValue(textPath)}:voice=${fliteVoice}`, options: ["-f", "lavfi"] },
          ],
          filterComplex: null,
          outputOptions: ["-c:a", "pcm_s16le"],
          output: path,
        },
        { timeoutMs: this.timeoutMs, signal },
      );
    } finally {
      await rm(textPath, { force: true });
    }
  }

  async soundEffect(
    description: string,
    durationSeconds: number,
    outputDir: string,
    options: VoiceCallOptions = {},
  ): Promise<SpeechResult> {
    assertEffectSeconds(durationSeconds);
    const recipe = EFFECTS.find((effect) => effect.words.test(description));
    const seconds = durationSeconds.toFixed(3);
    const samples = Math.round(durationSeconds * SAMPLE_RATE);
    const directory = resolve(outputDir);
    await mkdir(directory, { recursive: true });
    const path = join(directory, `sfx-${randomBytes(4).toString("hex")}.wav`);
    const source = (recipe?.graph ?? SOFT_BED)(seconds);
    await runFfmpeg(
      {
        inputs: [],
        // Sample-exact length, stereo at 48 kHz, short fades so the bed does not click in or out.
        filterComplex:
          `${source},aformat=sample_rates=${SAMPLE_RATE}:channel_layouts=stereo,atrim=end_sample=${samples},` +
          `afade=t=in:d=${Math.min(0.2, durationSeconds / 4).toFixed(3)},afade=t=out:st=${Math.max(0, durationSeconds - Math.min(0.2, durationSeconds / 4)).toFixed(3)}:d=${Math.min(0.2, durationSeconds / 4).toFixed(3)}[aout]`,
        outputOptions: ["-map", "[aout]", "-c:a", "pcm_s16le", "-ar", String(SAMPLE_RATE)],
        output: path,
      },
      { timeoutMs: this.timeoutMs, signal: options.signal ?? null },
    );
    const { durationSeconds: measured } = await probe(path);
    return {
      path,
      durationSeconds: measured,
      voiceId: "sound-effect",
      model: recipe === undefined ? "ffmpeg-noise-bed" : "ffmpeg-synth",
    };
  }
}
