/** Audio Integrator tools: character dialogue, sound effects, timing against the picture, mixing, storing. */
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { CutroomError } from "../errors.js";
import { newId, seedFrom } from "../ids.js";
import { cancelledBy } from "../jobs/cancel.js";
import {
  voiceJobId,
  voiceKey,
  type SoundEffect,
  type VoiceJobData,
  type VoiceJobResult,
  type VoiceLine,
} from "../jobs/voice.js";
import { mixAudioIntoVideo } from "../media/audio.js";
import { audibleSpan } from "../media/audible.js";
import { probe } from "../media/runner.js";
import type { CharacterNode } from "../brain/types.js";
import type { Runtime } from "../runtime.js";
import { anyMediaPath, createSaveTool, scratchPath, toolResult, type ToolContext } from "./context.js";

const TRACK_TYPES = ["dialogue", "music", "sfx"] as const;

const TrackSchema = z.object({
  type: z.enum(TRACK_TYPES),
  audioId: z.string().describe("scratch audio id from generate_character_dialogue or generate_sound_effect"),
  startTime: z.number().min(0),
  duration: z.number().positive().nullable().default(null),
  volume: z.number().min(0).max(1).default(1),
  fadeIn: z.number().min(0).max(10).default(0),
  fadeOut: z.number().min(0).max(10).default(0),
});

const EMOTIONS = ["neutral", "happy", "sad", "angry", "excited", "calm", "whisper"] as const;

/**
 * Voice work runs as a job, so a line spoken or an effect made (and paid for) once is reused by a resumed
 * run or a retried attempt; the job is cancelled with the work it serves.
 */
async function voiceJob(
  context: ToolContext,
  work: { line: VoiceLine } | { effect: SoundEffect },
  jobId: string,
): Promise<VoiceJobResult> {
  const data: VoiceJobData = { projectId: context.projectId, takeId: context.takeId, ...work };
  return (await cancelledBy(context.runtime.jobs, context.signal).run("voice", { ...data }, jobId)) as VoiceJobResult;
}

/** A stored object copied into the take's work dir under a scratch id; the store's file (or cache) stays. */
async function fromStore(context: ToolContext, key: string, prefix: string): Promise<string> {
  const audioId = newId(prefix);
  await copyFile(await context.runtime.store.localPath(key, context.workDir), join(context.workDir, `${audioId}.wav`));
  return audioId;
}

/**
 * The character's voice. A character keeps the first voice it is given (saved in the Brain), so every
 * later line sounds like the same person.
 */
export async function characterVoice(
  runtime: Runtime,
  projectId: string,
  character: string,
  field: string,
): Promise<{ found: CharacterNode; voiceId: string }> {
  const brain = runtime.brain.forProject(projectId);
  const found = await brain.findCharacterByName(character);
  if (!found) throw new CutroomError("NOT_FOUND", `${field}: ${character} is not in the Brain`, { field });
  if (found.voiceId !== null) return { found, voiceId: found.voiceId };
  // A character keeps the first voice it is given, so every later line sounds like the same person:
  // designed from its profile where the provider can, else picked from the library by its name.
  let voiceId: string;
  if (runtime.voice.createCharacterVoice) {
    voiceId = (
      await runtime.voice.createCharacterVoice({ name: found.name, description: found.profile.description, labels: {} })
    ).voiceId;
  } else {
    const voices = await runtime.voice.listVoices();
    if (voices.length === 0)
      throw new CutroomError("NOT_FOUND", "voice provider offers no voices", { field: "voiceId" });
    voiceId = voices[seedFrom(found.name.toLowerCase()) % voices.length]!.voiceId;
  }
  await brain.saveCharacter({ ...found, voiceId });
  return { found, voiceId };
}

/**
 * When the words are heard within a voiced line, from the provider's per-character timings (ElevenLabs'
 * alignment): the first spoken character's start to the last one's end, so captions skip the silence a
 * voice leaves around its words. Null when the provider gave no timings or they are not usable.
 */
export function spokenSpan(alignment: unknown): { startSeconds: number; endSeconds: number } | null {
  if (typeof alignment !== "object" || alignment === null) return null;
  const { characters, startSeconds, endSeconds } = alignment as Record<string, unknown>;
  if (!Array.isArray(characters) || !Array.isArray(startSeconds) || !Array.isArray(endSeconds)) return null;
  const spoken = characters
    .map((character, index) => ({ character, start: startSeconds[index], end: endSeconds[index] }))
    .filter(
      (entry): entry is { character: string; start: number; end: number } =>
        typeof entry.character === "string" &&
        entry.character.trim() !== "" &&
        Number.isFinite(entry.start) &&
        Number.isFinite(entry.end),
    );
  if (spoken.length === 0) return null;
  const start = Math.max(0, spoken[0]!.start);
  const end = Math.max(...spoken.map((entry) => entry.end));
  return end > start ? { startSeconds: start, endSeconds: end } : null;
}

/**
 * Without the provider's timings, where the words are heard in the line's own file (measured, never
 * estimated); null when that cannot be measured, and the caption then spans the whole line.
 */
async function measuredSpan(
  context: ToolContext,
  audioId: string,
): Promise<{ startSeconds: number; endSeconds: number } | null> {
  try {
    return await audibleSpan(join(context.workDir, `${audioId}.wav`), {
      signal: context.signal ?? null,
      timeoutMs: context.runtime.config.ffmpegTimeoutMs,
    });
  } catch (error) {
    if (context.signal?.aborted) throw error;
    context.runtime.log.warn(
      `${audioId}: the words could not be found in the line (${error instanceof Error ? error.message : String(error)})`,
    );
    return null;
  }
}

export function createAudioTools(context: ToolContext) {
  const { voice, config } = context.runtime;

  const dialogue = tool(
    async ({ character, text, emotion }) => {
      const { found, voiceId } = await characterVoice(context.runtime, context.projectId, character, "character");
      context.runtime.progress.emit("audio", 0.2, `voicing ${found.name}`);
      const line = { character: found.name, text, emotion, voiceId };
      const voiced = await voiceJob(context, { line }, voiceJobId(context.takeId, voiceKey(voice.name, { line })));
      const audioId = await fromStore(context, voiced.key, "line");
      // Character timings stay beside the line for subtitles.
      if (voiced.alignment !== null)
        await writeFile(join(context.workDir, `${audioId}.alignment.json`), JSON.stringify(voiced.alignment));
      return toolResult({
        audioId,
        // The stored recording of the line, for the verifier to find it in the take's sound.
        mediaId: voiced.mediaId,
        character: found.name,
        voiceId,
        durationSeconds: voiced.durationSeconds,
        spoken: spokenSpan(voiced.alignment) ?? (await measuredSpan(context, audioId)),
        model: voiced.model,
        reused: voiced.reused,
      });
    },
    {
      name: "generate_character_dialogue",
      description: "Speak a line in the character's own voice (assigned once and kept in the Brain).",
      schema: z.object({
        character: z.string().min(1).max(40),
        text: z.string().min(1).max(400),
        emotion: z.enum(EMOTIONS).default("neutral"),
      }),
    },
  );

  const soundEffect = tool(
    async ({ description, durationSeconds }) => {
      context.runtime.progress.emit("audio", 0.4, `making ${description} sound`);
      const effect = { description, durationSeconds };
      const made = await voiceJob(context, { effect }, voiceJobId(context.takeId, voiceKey(voice.name, { effect })));
      const audioId = await fromStore(context, made.key, "sfx");
      return toolResult({ audioId, description, durationSeconds: made.durationSeconds, reused: made.reused });
    },
    {
      name: "generate_sound_effect",
      description: "Make a sound effect or ambience bed from a short description, exactly durationSeconds long.",
      schema: z.object({ description: z.string().min(1).max(80), durationSeconds: z.number().positive().max(60) }),
    },
  );

  const sync = tool(
    async ({ videoId, audioTracks }) => {
      const video = await probe(await anyMediaPath(context, videoId, "videoId"));
      const warnings: string[] = [];
      const synced = [];
      for (const track of audioTracks) {
        const measured = (await probe(scratchPath(context, track.audioId, "audioTracks.audioId"))).durationSeconds;
        if (track.startTime >= video.durationSeconds) {
          warnings.push(
            `${track.type} ${track.audioId} starts at ${track.startTime}s, after the video ends (${video.durationSeconds.toFixed(2)}s): dropped`,
          );
          continue;
        }
        const wanted = Math.min(track.duration ?? measured, measured);
        const duration = Math.min(wanted, video.durationSeconds - track.startTime);
        if (duration < wanted)
          warnings.push(`${track.type} ${track.audioId} cut to ${duration.toFixed(2)}s to end with the video`);
        synced.push({ ...track, duration: Number(duration.toFixed(3)) });
      }
      return toolResult({ videoDurationSeconds: video.durationSeconds, tracks: synced, warnings });
    },
    {
      name: "sync_audio_tracks",
      description:
        "Place dialogue, music and sfx tracks against the video: measured lengths, trimmed to end with the picture.",
      schema: z.object({
        videoId: z.string().describe("media id or scratch clip id of the video"),
        audioTracks: z.array(TrackSchema).min(1).max(16),
      }),
    },
  );

  const mix = tool(
    async ({ videoId, tracks }) => {
      const videoPath = await anyMediaPath(context, videoId, "videoId");
      const video = await probe(videoPath);
      const outputId = newId("mixed");
      const output = join(context.workDir, `${outputId}.mp4`);
      await mixAudioIntoVideo(
        {
          videoPath,
          // Mixed to the delivery target the final mix is checked against.
          targetLufs: context.runtime.config.loudnessTargetLufs,
          tracks: tracks.map((track) => ({
            type: track.type,
            path: scratchPath(context, track.audioId, "tracks.audioId"),
            startTime: track.startTime,
            duration: track.duration,
            volume: track.volume,
            fadeIn: track.fadeIn,
            fadeOut: track.fadeOut,
          })),
          videoDurationSeconds: video.durationSeconds,
          outputPath: output,
        },
        {
          // A cancelled turn or job stops its ffmpeg run too (killed, partial output removed).
          signal: context.signal ?? null,
          timeoutMs: config.ffmpegTimeoutMs,
          onProgress: (fraction) => context.runtime.progress.emit("audio", 0.6 + 0.4 * fraction, "mixing"),
        },
      );
      return toolResult({
        clipId: outputId,
        trackCount: tracks.length,
        durationSeconds: (await probe(output)).durationSeconds,
      });
    },
    {
      name: "mix_audio",
      description:
        "Mix synced tracks under the video (dialogue first, music ducked, sfx beneath, loudness normalized).",
      schema: z.object({ videoId: z.string(), tracks: z.array(TrackSchema).min(1).max(16) }),
    },
  );

  const save = createSaveTool(context, {
    name: "save_with_audio",
    description: "Store the video with its mixed audio and a media record.",
    kind: "video",
    objectName: "with-audio",
  });

  return [dialogue, soundEffect, sync, mix, save];
}
