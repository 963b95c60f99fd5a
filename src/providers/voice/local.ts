/**
 * The local voice provider: speech from espeak-ng (ffmpeg's flite source when espeak-ng is absent) and
 * music beds and ambiences synthesised in-process (src/media/synth) and encoded by ffmpeg, so dialogue,
 * music and ambience work offline.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CutroomError } from "../../errors.js";
import { escapeFilterValue } from "../../media/filtergraph.js";
import { probe, runFfmpeg } from "../../media/runner.js";
import {
  chooseCue,
  encodeBedSpec,
  interleave,
  isMusic,
  renderBed,
  seedForDescription,
} from "../../media/synth/index.js";
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
    const cue = chooseCue(description);
    const directory = resolve(outputDir);
    await mkdir(directory, { recursive: true });
    const path = join(directory, `sfx-${randomBytes(4).toString("hex")}.wav`);
    const rawPath = `${path}.f32`;
    const { sound, looped } = renderBed(cue, durationSeconds, seedForDescription(description));
    await writeFile(rawPath, interleave(sound));
    try {
      await runFfmpeg(encodeBedSpec(rawPath, durationSeconds, path, looped), {
        timeoutMs: this.timeoutMs,
        signal: options.signal ?? null,
      });
    } finally {
      await rm(rawPath, { force: true });
    }
    const { durationSeconds: measured } = await probe(path);
    return {
      path,
      durationSeconds: measured,
      voiceId: "sound-effect",
      model: `synth-${isMusic(cue) ? "music" : "ambience"}-${cue}`,
    };
  }
}
