/**
 * The voice provider's paid work as jobs, so a line is spoken (and an effect made) once. A line is its
 * voice, emotion and words; an effect its description and length. One already made and recorded in this
 * project is reused (a resumed run, a retried attempt, a later take), and an object an interrupted attempt
 * stored without its record is deleted first.
 */
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import type { SpeechResult } from "../providers/voice/types.js";
import { storeMedia, type ToolContext } from "../tools/context.js";
import type { Runtime } from "../runtime.js";
import type { MediaRecord } from "../storage/types.js";
import { removeOrphans, tracked } from "./journal.js";
import type { JobContext } from "./types.js";

export interface VoiceLine {
  character: string;
  text: string;
  emotion: string;
  voiceId: string;
}

export interface SoundEffect {
  description: string;
  durationSeconds: number;
}

export type VoiceJobData = { projectId: string; takeId: string } & (
  { line: VoiceLine; effect?: undefined } | { effect: SoundEffect; line?: undefined }
);

export interface VoiceJobResult {
  mediaId: string;
  key: string;
  voiceId: string;
  durationSeconds: number;
  model: string;
  /** The provider's per-character timings (for subtitles), when it gave them. */
  alignment: unknown;
  reused: boolean;
}

/** Same provider, voice, emotion and words: the same line. Same description and length: the same effect. */
export function voiceKey(provider: string, work: { line: VoiceLine } | { effect: SoundEffect }): string {
  const identity =
    "line" in work
      ? [provider, work.line.voiceId, work.line.emotion, work.line.text]
      : [provider, "effect", work.effect.description, work.effect.durationSeconds.toFixed(3)];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

/** One job per take and sound: the job id is the idempotency key within a run. */
export function voiceJobId(takeId: string, key: string): string {
  return `voice-${takeId}-${key}`;
}

export function registerVoiceJob(runtime: Runtime): void {
  runtime.jobs.register("voice", (data, context) => voiceJob(runtime, data as unknown as VoiceJobData, context));
}

async function voiceJob(runtime: Runtime, data: VoiceJobData, context: JobContext): Promise<VoiceJobResult> {
  await context.progress(0);
  const records = await runtime.media.listByProject(data.projectId);
  await removeOrphans(runtime.store, records, await context.journal.entries());
  const key = voiceKey(runtime.voice.name, data.line ? { line: data.line } : { effect: data.effect! });
  const stored = records.find(
    (record) => record.kind === "audio" && record.status === "live" && record.generation.voiceKey === key,
  );
  if (stored !== undefined && (await runtime.store.head(stored.key)) !== null) {
    await context.progress(1);
    return resultOf(stored, true);
  }
  return tracked(runtime, data, context, (scoped) => make(scoped, data, key));
}

async function make(context: ToolContext, data: VoiceJobData, key: string): Promise<VoiceJobResult> {
  const { voice } = context.runtime;
  const options = { signal: context.signal ?? null };
  const sound: SpeechResult = data.line
    ? await voice.synthesize(
        { text: data.line.text, voiceId: data.line.voiceId, emotion: data.line.emotion },
        context.workDir,
        options,
      )
    : await voice.soundEffect(data.effect!.description, data.effect!.durationSeconds, context.workDir, options);
  try {
    const alignment = sound.alignmentPath ? (JSON.parse(await readFile(sound.alignmentPath, "utf8")) as unknown) : null;
    const saved = await storeMedia(context, {
      path: sound.path,
      kind: "audio",
      name: data.line ? "line" : "sfx",
      generation: {
        voiceKey: key,
        ...(data.line ?? data.effect),
        voiceId: sound.voiceId,
        model: sound.model,
        durationSeconds: sound.durationSeconds,
        alignment,
      },
    });
    return resultOf(saved.record, false);
  } finally {
    await rm(sound.path, { force: true });
    if (sound.alignmentPath) await rm(sound.alignmentPath, { force: true });
  }
}

function resultOf(record: MediaRecord, reused: boolean): VoiceJobResult {
  const generation = record.generation;
  return {
    mediaId: record.id,
    key: record.key,
    voiceId: String(generation.voiceId),
    durationSeconds: record.durationSeconds ?? Number(generation.durationSeconds ?? 0),
    model: String(generation.model ?? "unknown"),
    alignment: generation.alignment ?? null,
    reused,
  };
}
