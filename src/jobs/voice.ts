/**
 * Voiced dialogue lines as jobs, so a paid line is spoken once. A line is its voice, emotion and words:
 * one already voiced and recorded in this project is reused (a resumed run, a retried attempt, a later
 * take), and an object an interrupted attempt stored without its record is deleted first.
 */
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
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

export interface VoiceJobData {
  projectId: string;
  takeId: string;
  line: VoiceLine;
}

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

/** Same provider, voice, emotion and words: the same line. */
export function voiceLineKey(provider: string, line: VoiceLine): string {
  return createHash("sha256")
    .update(JSON.stringify([provider, line.voiceId, line.emotion, line.text]))
    .digest("hex")
    .slice(0, 32);
}

/** One job per take and line: the job id is the idempotency key within a run. */
export function voiceJobId(takeId: string, lineKey: string): string {
  return `voice-${takeId}-${lineKey}`;
}

export function registerVoiceJob(runtime: Runtime): void {
  runtime.jobs.register("voice", (data, context) => voiceLineJob(runtime, data as unknown as VoiceJobData, context));
}

async function voiceLineJob(runtime: Runtime, data: VoiceJobData, context: JobContext): Promise<VoiceJobResult> {
  await context.progress(0);
  const records = await runtime.media.listByProject(data.projectId);
  await removeOrphans(runtime.store, records, await context.journal.entries());
  const lineKey = voiceLineKey(runtime.voice.name, data.line);
  const stored = records.find(
    (record) => record.kind === "audio" && record.status === "live" && record.generation.voiceLine === lineKey,
  );
  if (stored !== undefined && (await runtime.store.head(stored.key)) !== null) {
    await context.progress(1);
    return resultOf(stored, true);
  }
  return tracked(runtime, data, context, (scoped) => voice(scoped, data.line, lineKey));
}

async function voice(context: ToolContext, line: VoiceLine, lineKey: string): Promise<VoiceJobResult> {
  const speech = await context.runtime.voice.synthesize(
    { text: line.text, voiceId: line.voiceId, emotion: line.emotion },
    context.workDir,
    { signal: context.signal ?? null },
  );
  try {
    const alignment = speech.alignmentPath
      ? (JSON.parse(await readFile(speech.alignmentPath, "utf8")) as unknown)
      : null;
    const saved = await storeMedia(context, {
      path: speech.path,
      kind: "audio",
      name: "line",
      generation: {
        voiceLine: lineKey,
        character: line.character,
        text: line.text,
        emotion: line.emotion,
        voiceId: speech.voiceId,
        model: speech.model,
        durationSeconds: speech.durationSeconds,
        alignment,
      },
    });
    return resultOf(saved.record, false);
  } finally {
    await rm(speech.path, { force: true });
    if (speech.alignmentPath) await rm(speech.alignmentPath, { force: true });
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
