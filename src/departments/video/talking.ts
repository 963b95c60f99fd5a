/**
 * Talking shots: which lines are spoken on screen in a shot, voiced before the shot is made so the picture
 * can follow the voice (a model that animates to audio, a lip-sync pass, the local renderer's mouth). A
 * line is voiced exactly as the Audio Integrator voices it (same character voice, emotion and words, same
 * voice job), so the mix later finds it made and nothing is voiced or paid for twice.
 */
import { cancelledBy } from "../../jobs/cancel.js";
import { voiceJobId, voiceKey, type VoiceJobResult, type VoiceLine } from "../../jobs/voice.js";
import type { Runtime } from "../../runtime.js";
import { characterVoice } from "../../tools/audio.js";
import type { SpeechArgs } from "../../tools/speech.js";
import { talkingShotExtraUsd } from "../../providers/video/fal/lip-sync.js";
import type { ShotTask } from "../../specialists/video-generator/index.js";
import { clipCostUsd, paidModel } from "./planner/cost.js";
import type { ScenePlan } from "./planner/plan.js";

/** The emotion the department voices its lines with (the Audio Integrator's task says the same). */
export const LINE_EMOTION = "neutral";

/** Where a single clip's first line starts, and the pause between lines: as the Audio Integrator places them. */
const FIRST_LINE_AT = 0.5;
const PAUSE_BETWEEN_LINES = 0.3;

export interface ShotLine {
  character: string;
  text: string;
  /** Seconds into the shot; null: after the previous line (a single clip's lines). */
  startSeconds: number | null;
}

/**
 * The plan's lines that fall in a shot: the line's interval in the scene lies inside the shot's, and the
 * one who says it is on screen in it.
 */
export function sceneShotLines(plan: Pick<ScenePlan, "dialogue" | "shots">, shotIndex: number): ShotLine[] {
  const shot = plan.shots.find((candidate) => candidate.index === shotIndex);
  if (shot === undefined) return [];
  const onScreen = new Set(shot.characters.map((name) => name.toLowerCase()));
  const end = shot.start + shot.duration;
  return plan.dialogue
    .filter(
      (line) =>
        onScreen.has(line.character.toLowerCase()) &&
        line.startTime >= shot.start - 1e-6 &&
        line.startTime + line.estimatedDuration <= end + 1e-6,
    )
    .map((line) => ({
      character: line.character,
      text: line.text,
      startSeconds: Number((line.startTime - shot.start).toFixed(3)),
    }));
}

/** A single clip's lines, said by characters in it (a line nobody is named for goes to the first one). */
export function clipLines(
  dialogue: Array<{ character: string | null; text: string }>,
  characters: string[],
): ShotLine[] {
  const onScreen = new Set(characters.map((name) => name.toLowerCase()));
  return dialogue
    .map((line) => ({ character: line.character ?? characters[0] ?? "", text: line.text, startSeconds: null }))
    .filter((line) => onScreen.has(line.character.toLowerCase()));
}

/**
 * Voices a shot's lines and places them within a clip of `clipSeconds`: a line without a start follows the
 * previous one (the first half a second in); a line that would start after the clip ends is left to the mix.
 */
export async function voiceShotLines(
  runtime: Runtime,
  ids: { projectId: string; takeId: string },
  lines: ShotLine[],
  clipSeconds: number,
  signal: AbortSignal | null,
): Promise<NonNullable<SpeechArgs> | null> {
  if (lines.length === 0) return null;
  const spoken: NonNullable<SpeechArgs> = [];
  let cursor = FIRST_LINE_AT;
  for (const line of lines) {
    const startSeconds = line.startSeconds ?? cursor;
    if (startSeconds >= clipSeconds) break;
    const { found, voiceId } = await characterVoice(runtime, ids.projectId, line.character, "dialogue.character");
    const voiceLine: VoiceLine = { character: found.name, text: line.text, emotion: LINE_EMOTION, voiceId };
    const jobId = voiceJobId(ids.takeId, voiceKey(runtime.voice.name, { line: voiceLine }));
    const data = { projectId: ids.projectId, takeId: ids.takeId, line: voiceLine };
    runtime.progress.emit("generate", null, `voicing ${found.name}'s line before the shot`);
    const voiced = (await cancelledBy(runtime.jobs, signal).run("voice", { ...data }, jobId)) as VoiceJobResult;
    spoken.push({
      character: found.name,
      text: line.text,
      startSeconds,
      durationSeconds: voiced.durationSeconds,
      audioMediaId: voiced.mediaId,
    });
    cursor = startSeconds + voiced.durationSeconds + PAUSE_BETWEEN_LINES;
  }
  return spoken.length > 0 ? spoken : null;
}

/** The shot with its lines voiced, ready to queue (unchanged when nobody speaks in it). */
export async function withSpeech(
  runtime: Runtime,
  ids: { projectId: string; takeId: string },
  shot: ShotTask,
  lines: ShotLine[],
  signal: AbortSignal | null,
): Promise<ShotTask> {
  const speech = await voiceShotLines(runtime, ids, lines, shot.durationSeconds, signal);
  return speech === null ? shot : { ...shot, speech };
}

/**
 * What the next clip costs: the model's price for it, plus a lip-sync pass when people speak in it and its
 * model does not take their voice itself.
 */
export function talkingClipCostUsd(
  runtime: Pick<Runtime, "config" | "video">,
  shot: Pick<ShotTask, "method" | "durationSeconds">,
  lines: ShotLine[],
): number {
  const model = paidModel(runtime, shot);
  return (
    clipCostUsd(runtime.config, shot.method, shot.durationSeconds) +
    talkingShotExtraUsd(model, shot.durationSeconds, lines.length > 0, runtime.config.prices)
  );
}
