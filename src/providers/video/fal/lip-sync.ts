/**
 * Talking clips on FAL. A model that takes driving audio (its registry entry names an `audio` field) is
 * sent the clip's voice track with the generation; any other model's clip gets a lip-sync pass afterwards:
 * the clip and the voice track (silence before and between the lines, as long as the clip) go to the
 * lip-sync model, which moves the mouth to the voice and keeps the clip's length (`sync_mode: cut_off`).
 * Either way the line is also written into the prompt, so the model shows the character speaking.
 */
import type { ClipSpeech } from "../../../media/speech-types.js";
import { videoCostUsd } from "../pricing.js";
import { registryEntry, type FalInput, type ModelEntry } from "./registry.js";

/** The lip-sync model the pass runs with. */
export const LIP_SYNC_MODEL = "fal-ai/sync-lipsync/v2";

/** True when the model is sent the voice track with the generation, so no lip-sync pass follows. */
export function takesDrivingAudio(entry: ModelEntry | null): boolean {
  return entry !== null && entry.fields.audio !== null && entry.tasks.some((task) => task !== "lip-sync");
}

/**
 * The lines in the form the video models' prompt guides give for speech (Veo's "says: \"…\"" with no
 * subtitles): the speaker by name, the words in double quotes. Empty when nobody speaks.
 */
export function spokenInWords(speech: ClipSpeech | null): string {
  if (speech === null || speech.lines.length === 0) return "";
  const said = speech.lines.map((line) => `${line.character} says: "${line.text.replace(/"/g, "'")}"`);
  return `${said.join(" Then ")} (no subtitles).`;
}

/** The lip-sync request: the clip, its voice track, and the length kept to the clip's. */
export function lipSyncInput(videoUrl: string, audioUrl: string, entry = registryEntry(LIP_SYNC_MODEL)!): FalInput {
  const fields = entry.fields;
  return { ...fields.fixed, [fields.video!]: videoUrl, [fields.audio!]: audioUrl };
}

/**
 * USD for a lip-sync pass over `seconds` of clip: CUTROOM_PRICES' rate when it lists the model, else the
 * registry's rule ($3 a minute), so the estimate and the recorded cost agree.
 */
export function lipSyncCostUsd(seconds: number, prices: Record<string, number> = {}): number {
  return videoCostUsd(LIP_SYNC_MODEL, seconds, prices);
}

/**
 * What a talking shot adds to a clip's price: a lip-sync pass over the clip when its model does not take
 * the voice itself, nothing when it does, when nobody speaks, or when the clip is not made by a FAL model.
 */
export function talkingShotExtraUsd(
  model: string | null,
  seconds: number,
  speaks: boolean,
  prices: Record<string, number> = {},
): number {
  if (!speaks || model === null) return 0;
  return takesDrivingAudio(registryEntry(model)) ? 0 : lipSyncCostUsd(seconds, prices);
}
