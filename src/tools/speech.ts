/**
 * The lines a clip's characters speak on screen, as a generation tool takes them: each line's voice is a
 * stored audio record made before the clip (the same line the Audio Integrator mixes, so it is voiced and
 * paid for once), placed at its start within the clip.
 */
import { join } from "node:path";
import { z } from "zod";
import type { ClipSpeech } from "../media/speech-types.js";
import { CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { renderSpeechTrack } from "../media/speech.js";
import { mediaPath, type ToolContext } from "./context.js";

export const SpokenLineSchema = z.object({
  character: z.string().min(1).max(40),
  text: z.string().min(1).max(400),
  startSeconds: z.number().min(0).describe("where the line starts within the clip"),
  durationSeconds: z.number().positive(),
  audioMediaId: z.string().min(1).max(80).describe("media id of the line's voice (an audio record)"),
});

export const speechField = z
  .array(SpokenLineSchema)
  .max(4)
  .nullable()
  .default(null)
  .describe("lines spoken on screen in this clip, voiced beforehand; null when nobody speaks");

export type SpeechArgs = z.infer<typeof speechField>;

/** The clip's voice track built from the lines' stored audio, or null when nobody speaks. */
export async function clipSpeech(
  context: ToolContext,
  lines: SpeechArgs,
  clipSeconds: number,
): Promise<ClipSpeech | null> {
  if (lines === null || lines.length === 0) return null;
  const placed: Array<{ path: string; startSeconds: number }> = [];
  for (const line of lines) {
    const { record, path } = await mediaPath(context, line.audioMediaId, "speech.audioMediaId");
    if (record.kind !== "audio")
      throw new CutroomError("INVALID_INPUT", `speech.audioMediaId ${line.audioMediaId} is not audio`, {
        field: "speech",
      });
    if (line.startSeconds >= clipSeconds)
      throw new CutroomError(
        "INVALID_INPUT",
        `speech: "${line.text.slice(0, 30)}" starts at ${line.startSeconds} s, after the ${clipSeconds} s clip ends`,
        { field: "speech" },
      );
    placed.push({ path, startSeconds: line.startSeconds });
  }
  const audioPath = await renderSpeechTrack(placed, clipSeconds, join(context.workDir, `${newId("voice")}.wav`), {
    timeoutMs: context.runtime.config.ffmpegTimeoutMs,
    signal: context.signal ?? null,
  });
  return {
    lines: lines.map(({ character, text, startSeconds, durationSeconds }) => ({
      character,
      text,
      startSeconds,
      durationSeconds,
    })),
    audioPath,
  };
}
