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
import type { GeneratedClipOutput, ShotTask } from "../../specialists/video-generator/index.js";
import { clipCostUsd, paidModel } from "./planner/cost.js";
import { clipLines, type ShotLine } from "./speaking.js";
import { LOCAL_VIDEO_MODEL } from "../../config.js";
import { mouthColour } from "../../media/mouth.js";
import type { VerifyTask } from "../../specialists/quality-verifier/index.js";
import type { DepartmentStateValue } from "./state.js";
import { currentTake } from "./nodes/take-facts.js";

export { clipLines, sceneShotLines, type ShotLine } from "./speaking.js";

/** The emotion the department voices its lines with (the Audio Integrator's task says the same). */
export const LINE_EMOTION = "neutral";

/** Where a single clip's first line starts, and the pause between lines: as the Audio Integrator places them. */
const FIRST_LINE_AT = 0.5;
const PAUSE_BETWEEN_LINES = 0.3;

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

/** A line the mix placed: its words, and where it sits in the delivered take. */
export interface MixedLine {
  character: string;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

/**
 * The take's lines as the mix placed them: each line the department voiced, found among the mixed dialogue
 * tracks by its speaker and words ("Character: text", as the Audio Integrator describes a track).
 */
export function mixedLines(
  lines: Array<{ character: string; text: string }>,
  tracks: Array<{ type: string; description: string; startTime: number; duration: number }>,
): MixedLine[] {
  const dialogue = tracks.filter((track) => track.type === "dialogue");
  const used = new Set<number>();
  const placed: MixedLine[] = [];
  for (const line of lines) {
    const index = dialogue.findIndex(
      (track, position) =>
        !used.has(position) && track.description.toLowerCase() === `${line.character}: ${line.text}`.toLowerCase(),
    );
    if (index < 0) continue;
    used.add(index);
    const track = dialogue[index]!;
    placed.push({
      character: line.character,
      text: line.text,
      startSeconds: track.startTime,
      endSeconds: Number((track.startTime + track.duration).toFixed(3)),
    });
  }
  return placed;
}

/**
 * Where each clip sits in the assembled take: one after another, less any tail trimmed and the overlap of
 * a transition into the next clip.
 */
export function clipTimeline(
  clips: Array<{ sequence: number; durationSeconds: number; trimEnd: number }>,
  transitions: Array<{ fromClip: number; duration: number }>,
): Array<{ index: number; startSeconds: number; endSeconds: number }> {
  let cursor = 0;
  return clips.map((clip) => {
    const startSeconds = cursor;
    const endSeconds = startSeconds + clip.durationSeconds - clip.trimEnd;
    const overlap = transitions.find((transition) => transition.fromClip === clip.sequence)?.duration ?? 0;
    cursor = endSeconds - overlap;
    return {
      index: clip.sequence,
      startSeconds: Number(startSeconds.toFixed(3)),
      endSeconds: Number(endSeconds.toFixed(3)),
    };
  });
}

/**
 * What the verifier's lip-sync check needs of a take: its lines where the mix placed them, its shots where
 * the assembly put them (with who is on screen), and each speaker's painted mouth colour when every clip
 * is the local renderer's drawing. Nothing when no line was mixed.
 */
export async function takeSpeech(
  runtime: Runtime,
  state: DepartmentStateValue,
  clips: GeneratedClipOutput[],
  joins: {
    clips: Array<{ sequence: number; durationSeconds: number; trimEnd: number }>;
    transitions: Array<{ fromClip: number; duration: number }>;
  },
): Promise<{ speech?: NonNullable<VerifyTask["speech"]> }> {
  const mix = currentTake(state).outputs.find((output) => output.specialist === "audio-integrator");
  const tracks = (mix?.output as { tracks?: Parameters<typeof mixedLines>[1] } | undefined)?.tracks ?? [];
  const planned = state.plan
    ? state.plan.dialogue
    : clipLines(
        state.brief?.dialogue ?? [],
        state.characters.map((character) => character.name),
      );
  // Each line with its own recording, where the mix has one, so the verifier can find it in the take's sound.
  const recordings = [
    ...((mix?.output as { dialogueRecordings?: Array<{ mediaId: string; character: string; text: string }> })
      ?.dialogueRecordings ?? []),
  ];
  const lines = mixedLines(planned, tracks).map((line) => {
    const at = recordings.findIndex(
      (recording) => recording.character.toLowerCase() === line.character.toLowerCase() && recording.text === line.text,
    );
    if (at < 0) return line;
    const [recording] = recordings.splice(at, 1);
    return { ...line, recordingMediaId: recording!.mediaId };
  });
  if (lines.length === 0) return {};
  const timeline = clipTimeline(joins.clips, joins.transitions);
  const shots = timeline.map((placed) => {
    const clip = clips.find((candidate) => candidate.index === placed.index);
    return { ...placed, characters: clip?.characters ?? [] };
  });
  const drawn =
    clips.length > 0 && clips.every((clip) => clip.model === LOCAL_VIDEO_MODEL && (clip.passes ?? []).length === 0);
  let mouthColours: Record<string, string> | null = null;
  if (drawn) {
    mouthColours = {};
    const brain = runtime.brain.forProject(state.projectId);
    for (const name of new Set(lines.map((line) => line.character))) {
      const character = await brain.findCharacterByName(name);
      if (character !== null) mouthColours[name] = mouthColour(character.profile);
    }
  }
  return { speech: { lines, shots, mouthColours } };
}
