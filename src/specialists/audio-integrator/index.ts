/** Audio Integrator: voices the lines, makes the ambience, places and mixes them under the picture. */
import type { SelfAssessment } from "../../domain.js";
import type { CaptionLine } from "../../media/captions.js";
import { createAudioTools } from "../../tools/audio.js";
import type { ToolContext } from "../../tools/context.js";
import { requireResult, runSpecialist, type PlannedStep, type ToolCallRecord } from "../agent.js";
import { AUDIO_INTEGRATOR_PROMPT } from "./prompts.js";

export { AUDIO_INTEGRATOR_PROMPT } from "./prompts.js";

export interface AudioTask {
  videoMediaId: string;
  durationSeconds: number;
  /** Lines in order; a line with a startTime is placed there (a scene's plan), else after the previous one. */
  dialogue: Array<{ character: string; text: string; emotion: string; startTime?: number | null }>;
  ambience: string | null;
  music?: Cue | null;
  sfx?: Cue[];
}

export interface Cue {
  description: string;
  startTime: number;
  duration: number;
  volume: number;
}

/** Lines start half a second in and follow one another with a short pause. */
/** Every non-dialogue track in the order its sound is made: ambience, music, then effects. */
export function soundCues(task: AudioTask): Array<Cue & { type: "music" | "sfx" }> {
  const cues: Array<Cue & { type: "music" | "sfx" }> = [];
  if (task.ambience !== null)
    cues.push({ type: "sfx", description: task.ambience, startTime: 0, duration: task.durationSeconds, volume: 0.35 });
  if (task.music) cues.push({ type: "music", ...task.music });
  for (const cue of task.sfx ?? []) cues.push({ type: "sfx", ...cue });
  return cues
    .filter((cue) => cue.startTime < task.durationSeconds)
    .map((cue) => ({ ...cue, duration: Math.min(cue.duration, task.durationSeconds - cue.startTime) }));
}

/** Lines start where the plan puts them, or half a second in and one after another with a short pause. */
function placedTracks(calls: ToolCallRecord[], task: AudioTask) {
  const tracks: Array<Record<string, unknown>> = [];
  const cues = soundCues(task);
  let cursor = 0.5;
  let line = 0;
  let cue = 0;
  for (const call of calls) {
    if (!call.ok || call.result === null) continue;
    if (call.name === "generate_character_dialogue") {
      const startTime = task.dialogue[line]?.startTime ?? cursor;
      line += 1;
      tracks.push({ type: "dialogue", audioId: call.result.audioId, startTime, volume: 1, fadeIn: 0, fadeOut: 0.05 });
      cursor = startTime + Number(call.result.durationSeconds) + 0.3;
    } else if (call.name === "generate_sound_effect") {
      const placed = cues[cue] ?? { type: "sfx", startTime: 0, duration: task.durationSeconds, volume: 0.35 };
      cue += 1;
      tracks.push({
        type: placed.type,
        audioId: call.result.audioId,
        startTime: placed.startTime,
        duration: placed.duration,
        volume: placed.volume,
        fadeIn: 0.5,
        fadeOut: 0.5,
      });
    }
  }
  return tracks;
}

export function audioPlan(task: AudioTask): PlannedStep[] {
  const plan: PlannedStep[] = task.dialogue.map((line) => ({
    tool: "generate_character_dialogue",
    args: () => ({ character: line.character, text: line.text, emotion: line.emotion }),
  }));
  for (const cue of soundCues(task)) {
    plan.push({
      tool: "generate_sound_effect",
      args: () => ({ description: cue.description, durationSeconds: cue.duration }),
    });
  }
  plan.push({
    tool: "sync_audio_tracks",
    args: (calls) => ({ videoId: task.videoMediaId, audioTracks: placedTracks(calls, task) }),
  });
  plan.push({
    tool: "mix_audio",
    args: (calls) => ({ videoId: task.videoMediaId, tracks: requireResult(calls, "sync_audio_tracks").tracks }),
  });
  plan.push({
    tool: "save_with_audio",
    args: (calls) => ({
      clipId: requireResult(calls, "mix_audio").clipId,
      metadata: { dialogueLines: task.dialogue.length, ambience: task.ambience },
    }),
  });
  return plan;
}

/** What a mixed track is in the Brain: its kind, what it sounds like, and where it sits under the picture. */
export interface MixedTrack {
  type: "dialogue" | "music" | "sfx";
  description: string;
  startTime: number;
  duration: number;
}

/** The tracks the last successful mix_audio call put under the picture, as it was given them. */
function lastMix(
  calls: ToolCallRecord[],
): Array<{ type: MixedTrack["type"]; audioId: string; startTime: number; duration: number | null }> {
  const mix = [...calls].reverse().find((call) => call.ok && call.name === "mix_audio");
  return (mix?.args.tracks ?? []) as ReturnType<typeof lastMix>;
}

/**
 * The tracks the last successful mix_audio call actually put under the picture (after sync dropped or cut
 * any), each described by the call that made its sound: "Character: line" or the effect's description.
 */
export function mixedTracks(calls: ToolCallRecord[]): MixedTrack[] {
  const described = new Map<string, string>();
  for (const call of calls) {
    if (!call.ok || call.result === null) continue;
    const audioId = String(call.result.audioId ?? "");
    if (call.name === "generate_character_dialogue")
      described.set(audioId, `${String(call.args.character)}: ${String(call.args.text)}`);
    else if (call.name === "generate_sound_effect") described.set(audioId, String(call.args.description));
  }
  return lastMix(calls).map((track) => ({
    type: track.type,
    description: described.get(track.audioId) ?? track.audioId,
    startTime: track.startTime,
    duration: track.duration ?? 0,
  }));
}

/**
 * Each dialogue line where the final mix has it: its placed start plus the offset of its first word, to
 * the end of its last word, as the voice's per-character timings give them or as measured in the line's
 * own file (never the plan's estimate); without either, the line's whole synced length. Lines the sync
 * dropped have no caption, and a line the picture's end cuts ends there.
 */
export function captionLines(calls: ToolCallRecord[]): CaptionLine[] {
  const voiced = new Map<string, { character: string; text: string; spoken: unknown }>();
  for (const call of calls) {
    if (!call.ok || call.result === null || call.name !== "generate_character_dialogue") continue;
    voiced.set(String(call.result.audioId ?? ""), {
      character: String(call.result.character ?? call.args.character),
      text: String(call.args.text),
      spoken: call.result.spoken ?? null,
    });
  }
  const lines: CaptionLine[] = [];
  for (const track of lastMix(calls)) {
    const line = track.type === "dialogue" ? voiced.get(track.audioId) : undefined;
    if (line === undefined || track.duration === null) continue;
    const spoken = line.spoken as { startSeconds: number; endSeconds: number } | null;
    const within = spoken === null ? { startSeconds: 0, endSeconds: track.duration } : spoken;
    const startSeconds = track.startTime + Math.min(within.startSeconds, track.duration);
    const endSeconds = track.startTime + Math.min(within.endSeconds, track.duration);
    if (endSeconds <= startSeconds) continue;
    lines.push({ text: line.text, speaker: line.character, startSeconds, endSeconds });
  }
  return lines;
}

/** Each mixed dialogue line's stored recording (its media id) and where the mix placed it. */
export function dialogueRecordings(
  calls: ToolCallRecord[],
): Array<{ mediaId: string; character: string; text: string; startTime: number }> {
  const voiced = new Map<string, { mediaId: string; character: string; text: string }>();
  for (const call of calls) {
    if (!call.ok || call.result === null || call.name !== "generate_character_dialogue") continue;
    if (typeof call.result.mediaId !== "string") continue;
    voiced.set(String(call.result.audioId ?? ""), {
      mediaId: call.result.mediaId,
      character: String(call.result.character ?? call.args.character),
      text: String(call.args.text),
    });
  }
  return lastMix(calls).flatMap((track) => {
    const line = track.type === "dialogue" ? voiced.get(track.audioId) : undefined;
    return line === undefined ? [] : [{ ...line, startTime: track.startTime }];
  });
}

export async function runAudioIntegrator(context: ToolContext, task: AudioTask) {
  const run = await runSpecialist({
    name: "audio-integrator",
    systemPrompt: AUDIO_INTEGRATOR_PROMPT,
    task: JSON.stringify(task),
    tools: createAudioTools(context),
    plan: audioPlan(task),
    isComplete: (calls) => calls.some((call) => call.ok && call.name === "save_with_audio"),
    llm: context.runtime.llm,
    log: context.runtime.log,
  });
  const synced = requireResult(run.calls, "sync_audio_tracks");
  const saved = requireResult(run.calls, "save_with_audio");
  const requested = task.dialogue.length + soundCues(task).length;
  const placed = (synced.tracks as unknown[]).length;
  const warnings = (synced.warnings as string[]) ?? [];
  const selfAssessment: SelfAssessment = {
    confidence: Math.max(0, 1 - 0.2 * warnings.length),
    completeness: requested === 0 ? 1 : Math.min(1, placed / requested),
    issues: warnings,
  };
  return {
    output: {
      mediaId: String(saved.mediaId),
      key: String(saved.key),
      path: saved.path === null ? null : String(saved.path),
      audioTrackCount: placed,
      tracks: mixedTracks(run.calls),
      captionLines: captionLines(run.calls),
      dialogueRecordings: dialogueRecordings(run.calls),
      durationSeconds: Number(saved.durationSeconds),
    },
    selfAssessment,
    mode: run.mode,
    toolCalls: run.calls.map((call) => call.name),
  };
}
