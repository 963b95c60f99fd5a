/** What a talking clip is made with, and the passes a clip may go through after its model made it. */

/** One line spoken in a clip: who says it, and when within the clip. */
export interface SpokenLine {
  character: string;
  text: string;
  startSeconds: number;
  durationSeconds: number;
}

/**
 * What a talking clip is made with: its lines and one voice track as long as the clip, each line's voice
 * placed at its start and silence between (a WAV in the take's scratch, never drawn).
 */
export interface ClipSpeech {
  lines: SpokenLine[];
  audioPath: string;
}

/** Work done on a clip after its model made it, with what that cost (counted in the clip's cost). */
export interface ClipPass {
  step: "lip-sync";
  model: string;
  costUsd: number;
}
