/**
 * What a take is made of, read from the department's state: its clips, what it and this run cost, and
 * the Brain's record of it as a scene (shots and the sound actually mixed under them).
 */
import type { ClipPassNode, SceneWrite } from "../../../brain/types.js";
import type { MixedTrack } from "../../../specialists/audio-integrator/index.js";
import type { GeneratedClipOutput } from "../../../specialists/video-generator/index.js";
import { CutroomError } from "../../../errors.js";
import { workOf, type DepartmentStateValue, type DepartmentUpdate, type LedgerEntry, type TakeWork } from "../state.js";

/** What the workers and specialists of the take being made have handed back so far. */
export function currentTake(state: DepartmentStateValue): TakeWork {
  return workOf(state.perTake, state.takeId);
}

/** A node's additions to the take being made, as the update that files them under its id. */
export function takeWork(state: DepartmentStateValue, added: Partial<TakeWork>): Pick<DepartmentUpdate, "perTake"> {
  if (state.takeId === "") throw new CutroomError("MEDIA", "no take is being made: the head names one before any work");
  return { perTake: { [state.takeId]: added } };
}

/** The clips made for this take, in the order their workers finished. */
export function takeClips(state: DepartmentStateValue): GeneratedClipOutput[] {
  return currentTake(state).clips;
}

/** The passes the take's clips went through after generation (a lip-sync pass), shot by shot. */
export function takePasses(state: DepartmentStateValue): ClipPassNode[] {
  return [...takeClips(state)]
    .sort((left, right) => left.index - right.index)
    .flatMap((clip) => (clip.passes ?? []).map((pass) => ({ shotIndex: clip.index, ...pass })));
}

/** The ledger entries of this take. */
function takeLedger(state: DepartmentStateValue): LedgerEntry[] {
  return currentTake(state).ledger;
}

/** The ledger entries of every take of this request the state holds, take by take. */
export function allLedger(state: DepartmentStateValue): LedgerEntry[] {
  return Object.values(state.perTake).flatMap((work) => work?.ledger ?? []);
}

const usd = (amounts: number[]) => Math.round(amounts.reduce((sum, amount) => sum + amount, 0) * 1e6) / 1e6;

/**
 * Money spent making this take: every provider call in its ledger, including those of a killed run this
 * one resumed; clips taken back from storage were paid for by the take that made them.
 */
export function takeCost(state: DepartmentStateValue): number {
  const ledger = takeLedger(state);
  if (ledger.length === 0) return usd(takeClips(state).map((clip) => clip.costUsd));
  return usd(ledger.filter((entry) => !entry.reused).map((entry) => entry.costUsd));
}

/** What this run paid for, over all its takes: a killed run's clips it got back were paid for then. */
export function runCost(state: DepartmentStateValue, run: string): number {
  return usd(
    allLedger(state)
      .filter((entry) => !entry.reused && (entry.run ?? run) === run)
      .map((entry) => entry.costUsd),
  );
}

/** Seconds this run spent generating. */
export function runSeconds(state: DepartmentStateValue, run: string): number {
  const seconds = allLedger(state)
    .filter((entry) => (entry.run ?? run) === run)
    .reduce((sum, entry) => sum + entry.seconds, 0);
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Clips of this take this run did not make: taken back from storage, or made by the killed run it
 * resumed (and handed back by the checkpoint).
 */
export function reusedClips(state: DepartmentStateValue, run: string): number {
  const inTake = new Set(takeClips(state).map((clip) => clip.mediaId));
  const reused = takeLedger(state).filter(
    (entry) => entry.mediaId !== null && inTake.has(entry.mediaId) && (entry.reused || (entry.run ?? run) !== run),
  );
  return new Set(reused.map((entry) => entry.mediaId)).size;
}

/**
 * The sound under a scene take, as the Brain records it: the tracks the audio integrator actually mixed
 * (a track sync dropped or cut is recorded that way), or none when the take was not voiced.
 */
function sceneAudio(state: DepartmentStateValue): Array<Omit<SceneWrite["audio"][number], "id">> {
  if (!state.specialists.includes("audio-integrator")) return [];
  const output = currentTake(state).outputs.find((item) => item.specialist === "audio-integrator");
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
    missingShots: currentTake(state).failures.map((failure) => failure.shotIndex),
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
