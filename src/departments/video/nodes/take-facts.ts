/**
 * What a take is made of, read from the department's state: its clips, what it cost, and the Brain's
 * record of it as a scene (shots and the sound actually mixed under them).
 */
import type { SceneWrite } from "../../../brain/types.js";
import type { MixedTrack } from "../../../specialists/audio-integrator/index.js";
import type { GeneratedClipOutput } from "../../../specialists/video-generator/index.js";
import type { DepartmentStateValue } from "../state.js";

/** The clips made for this take (parallel workers of earlier takes add theirs to the same list). */
export function takeClips(state: DepartmentStateValue): GeneratedClipOutput[] {
  return state.clips.filter((clip) => (clip as GeneratedClipOutput & { takeId?: string }).takeId === state.takeId);
}

/** Money spent on this take: every provider call in the ledger (a scene), else its clips' cost. */
export function takeCost(state: DepartmentStateValue): number {
  const ledger = state.ledger.filter((entry) => !entry.reused);
  const cost =
    ledger.length > 0
      ? ledger.reduce((sum, entry) => sum + entry.costUsd, 0)
      : takeClips(state).reduce((sum, clip) => sum + clip.costUsd, 0);
  return Math.round(cost * 1e6) / 1e6;
}

/**
 * The sound under a scene take, as the Brain records it: the tracks the audio integrator actually mixed
 * (a track sync dropped or cut is recorded that way), or none when the take was not voiced.
 */
function sceneAudio(state: DepartmentStateValue): Array<Omit<SceneWrite["audio"][number], "id">> {
  if (!state.specialists.includes("audio-integrator")) return [];
  const output = state.outputs.find(
    (item) => item.specialist === "audio-integrator" && item.output.takeId === state.takeId,
  );
  return (output?.output.tracks as MixedTrack[] | undefined) ?? [];
}

/** The Brain's picture of a scene take: ids derive from the take and media ids, so a re-record merges. */
export function sceneWrite(state: DepartmentStateValue): SceneWrite | null {
  const plan = state.plan;
  if (plan === null) return null;
  const clips = takeClips(state);
  const audio: SceneWrite["audio"] = sceneAudio(state).map((track, index) => ({
    id: `aud_${state.takeId}_${index + 1}`,
    ...track,
  }));
  return {
    id: `scn_${state.takeId}`,
    totalDurationSeconds: state.finalMedia?.durationSeconds ?? plan.totalDuration,
    shotCount: plan.shots.length,
    missingShots: state.failures.map((failure) => failure.shotIndex),
    archetype: plan.archetype,
    clips: clips.map((clip) => ({
      id: `clp_${clip.mediaId}`,
      mediaId: clip.mediaId,
      objectKey: clip.key,
      shotIndex: clip.index,
      durationSeconds: clip.durationSeconds,
      method: clip.method,
      model: clip.model,
      seed: clip.seed,
      costUsd: clip.costUsd,
    })),
    audio,
  };
}
