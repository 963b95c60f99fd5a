/** State of the Video Department Head's subgraph. */
import type { AskedTake } from "./asked-take.js";
import { ReducedValue, StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import { newId } from "../../ids.js";
import type {
  DepartmentReport,
  GenerationMethod,
  Grade,
  GradedOutput,
  SpecialistName,
  VideoQualityResult,
} from "../../domain.js";
import type { GeneratedClipOutput, ShotTask } from "../../specialists/video-generator/index.js";
import type { VideoBrief } from "./understand.js";
import type { Adjustments } from "./policy.js";
import type { ScenePlan } from "./planner/plan.js";
import type { EntityRef } from "./entity-ref.js";

export type { EntityRef } from "./entity-ref.js";

/** One provider call (or reuse) of a take, for cost accounting and the execution summary. */
export interface LedgerEntry {
  /**
   * The run of the department that made the entry. A run resumed after a kill gets back the entries its
   * predecessor wrote from the checkpoint; their clips were paid for then, not in this run.
   */
  run?: string;
  shotIndex: number;
  attempt: number;
  mediaId: string | null;
  costUsd: number;
  seconds: number;
  reused: boolean;
  model: string | null;
  passed: boolean;
  reason: string | null;
}

export interface ShotFailure {
  shotIndex: number;
  reason: string;
  attempts: number;
}

/** A take's caption files, as callers are shown them. */
export interface TakeCaptions {
  language: string;
  cueCount: number;
  /** The captions are also drawn into the video's picture. */
  burnedIn: boolean;
  srt: { mediaId: string; key: string; url: string; path: string | null };
  vtt: { mediaId: string; key: string; url: string; path: string | null };
}

export interface TakeResult {
  videoId: string;
  requestId: string;
  attempt: number;
  mediaId: string;
  key: string;
  url: string;
  path: string | null;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  method: GenerationMethod;
  model: string;
  prompt: string;
  seed: number;
  costUsd: number;
  quality: VideoQualityResult & { reportId: string };
  grade: Grade;
  status: "pending" | "superseded";
  regeneratedFrom: string | null;
  brainWrites: string[];
  /** The dialogue's SRT and WebVTT files; absent or null when the take has no dialogue or none were asked for. */
  captions?: TakeCaptions | null;
  /** The stills of its shots in one image, when its clips were joined; absent on older takes. */
  contactSheet?: TakeContactSheet | null;
}

/** A take's contact sheet, as callers are shown it. */
export interface TakeContactSheet {
  mediaId: string;
  key: string;
  url: string;
  path: string | null;
  shotCount: number;
}

export interface FinalMedia {
  mediaId: string;
  key: string;
  path: string | null;
  durationSeconds: number;
}

/** A take's id as the head names it (`newTakeId`); every take of a request, retry or regenerate, has its own. */
export type TakeId = `vid_${string}`;

export function newTakeId(): TakeId {
  return newId("vid") as TakeId;
}

/**
 * What one take is made of, as its parallel workers and the specialists after them hand it back. A single
 * clip's automatic retries are takes of one run, each with its own record.
 */
export interface TakeWork {
  clips: GeneratedClipOutput[];
  /** Each specialist's output with its self-assessment, in the order they finished. */
  outputs: GradedOutput[];
  /** Every provider call (or reuse) made for the take. */
  ledger: LedgerEntry[];
  /** The scene's shots that could not be made. */
  failures: ShotFailure[];
}

/** The takes of a run by id. Plain objects and arrays, so a checkpoint stores and restores them as they are. */
export type WorkByTake = Partial<Record<TakeId, TakeWork>>;

/** What a node adds to a take: only the lists it wrote. */
export type TakeWorkUpdate = Partial<Record<TakeId, Partial<TakeWork>>>;

const NO_WORK: TakeWork = { clips: [], outputs: [], ledger: [], failures: [] };

/** The take's record, empty before anything was made for it. */
export function workOf(byTake: WorkByTake, takeId: TakeId | ""): TakeWork {
  return (takeId === "" ? undefined : byTake[takeId]) ?? NO_WORK;
}

/** Parallel workers of one take each add to its lists; the records of other takes are left as they are. */
export function addTakeWork(current: WorkByTake, next: TakeWorkUpdate): WorkByTake {
  const merged: WorkByTake = { ...current };
  for (const [takeId, added] of Object.entries(next) as Array<[TakeId, Partial<TakeWork>]>) {
    const before = workOf(merged, takeId);
    merged[takeId] = {
      clips: before.clips.concat(added.clips ?? []),
      outputs: before.outputs.concat(added.outputs ?? []),
      ledger: before.ledger.concat(added.ledger ?? []),
      failures: before.failures.concat(added.failures ?? []),
    };
  }
  return merged;
}

const concat = <T>() =>
  new ReducedValue(
    z.array(z.custom<T>()).default(() => []),
    {
      inputSchema: z.array(z.custom<T>()),
      reducer: (current: T[], next: T[]) => current.concat(next),
    },
  );

/** What the caller asked: the request and the take settings it fixed. */
const RequestInput = {
  projectId: z.string(),
  threadId: z.string(),
  requestId: z.string(),
  requestText: z.string(),
  /** The user's notes on an earlier take; an automatic retry adds the changes it makes. */
  feedback: z.array(z.string()).default(() => []),
  /** The take this request regenerates (a retry names the take it replaces). */
  previousTakeId: z.string().nullable().default(null),
  /** On a regenerate: the shots to make again (null = all); the others are reused from storage. */
  redoShots: z.array(z.number().int()).nullable().default(null),
  /** What the caller fixed (the generate route's method, images, length, references, quality level). */
  asked: z.custom<AskedTake>().nullable().default(null),
  /** A plan the user edited before it ran, already checked: followed instead of planning the request. */
  givenPlan: z.custom<ScenePlan>().nullable().default(null),
};

/**
 * What the head decided from the request, the Brain and the budget. A retry revises only the adjustments and
 * the specialists (a sharpened retry adds the assembler); the rest holds for every take of the run.
 */
const HeadDecisions = {
  relevance: z.number().default(0),
  brief: z.custom<VideoBrief>().nullable().default(null),
  characters: z.array(z.custom<EntityRef>()).default(() => []),
  location: z.custom<EntityRef>().nullable().default(null),
  method: z.custom<GenerationMethod>().nullable().default(null),
  methodReason: z.string().default(""),
  specialists: z.array(z.custom<SpecialistName>()).default(() => []),
  specialistReasons: z.array(z.string()).default(() => []),
  durationSeconds: z.number().default(0),
  /** Changes a retry makes from the failed checks of the take before. */
  adjustments: z.custom<Adjustments>().default(() => ({ motionStrength: 0.6, sharpen: null, notes: [] })),
  /** A multi-clip scene's plan (null: a single clip). */
  plan: z.custom<ScenePlan>().nullable().default(null),
  /** What the request has spent in all its runs, as of the last take recorded (from its stored clips). */
  requestSpentUsd: z.number().default(0),
  /** Why no further take is made automatically: the next one would pass the request's budget (null: it would not). */
  budgetNote: z.string().nullable().default(null),
};

/**
 * What each take produced. The take being made is `takeId`; what its workers made is in its record in
 * `perTake`, and the picture, measurement and grade of the moment are reset when a retry starts a new take.
 */
const TakeOutputs = {
  takeId: z.custom<TakeId | "">().default(""),
  attempt: z.number().default(1),
  /** A generator worker's shots (set in the state each Send gives it). */
  shots: z.array(z.custom<ShotTask>()).default(() => []),
  perTake: new ReducedValue(
    z.custom<WorkByTake>().default(() => ({})),
    {
      inputSchema: z.custom<TakeWorkUpdate>(),
      reducer: addTakeWork,
    },
  ),
  finalMedia: z.custom<FinalMedia>().nullable().default(null),
  verification: z.custom<VideoQualityResult & { reportId: string }>().nullable().default(null),
  grade: z.custom<Grade>().nullable().default(null),
  /** Every take recorded in the Brain, in order; the last is the department's answer. */
  takes: concat<TakeResult>(),
  report: z.custom<DepartmentReport>().nullable().default(null),
};

export const DepartmentState = new StateSchema({ ...RequestInput, ...HeadDecisions, ...TakeOutputs });

export type DepartmentStateValue = typeof DepartmentState.State;
/** What a node hands back; `perTake` takes only the lists it adds to one take. */
export type DepartmentUpdate = typeof DepartmentState.Update;
