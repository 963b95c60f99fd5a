/** State of the Video Department Head's subgraph. */
import type { AskedTake } from "./asked-take.js";
import { ReducedValue, StateSchema } from "@langchain/langgraph";
import { z } from "zod";
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

/** One provider call (or reuse) of a request, for cost accounting and the execution summary. */
export interface LedgerEntry {
  /** The take the clip was made for (a single clip's automatic retries are takes of one run). */
  takeId?: string;
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
}

export interface FinalMedia {
  mediaId: string;
  key: string;
  path: string | null;
  durationSeconds: number;
}

const concat = <T>() =>
  new ReducedValue(
    z.array(z.custom<T>()).default(() => []),
    {
      inputSchema: z.array(z.custom<T>()),
      reducer: (current: T[], next: T[]) => current.concat(next),
    },
  );

export const DepartmentState = new StateSchema({
  // Input
  projectId: z.string(),
  threadId: z.string(),
  requestId: z.string(),
  requestText: z.string(),
  feedback: z.array(z.string()).default(() => []),
  previousTakeId: z.string().nullable().default(null),
  /** On a regenerate: the shots to make again (null = all); the others are reused from storage. */
  redoShots: z.array(z.number().int()).nullable().default(null),
  /** What the caller fixed (the generate route's method, images, length, references, quality level). */
  asked: z.custom<AskedTake>().nullable().default(null),
  // Decided by the head
  relevance: z.number().default(0),
  brief: z.custom<VideoBrief>().nullable().default(null),
  characters: z.array(z.custom<EntityRef>()).default(() => []),
  location: z.custom<EntityRef>().nullable().default(null),
  method: z.custom<GenerationMethod>().nullable().default(null),
  methodReason: z.string().default(""),
  specialists: z.array(z.custom<SpecialistName>()).default(() => []),
  specialistReasons: z.array(z.string()).default(() => []),
  durationSeconds: z.number().default(0),
  adjustments: z.custom<Adjustments>().default(() => ({ motionStrength: 0.6, sharpen: null, notes: [] })),
  attempt: z.number().default(1),
  takeId: z.string().default(""),
  shots: z.array(z.custom<ShotTask>()).default(() => []),
  // Written by specialists; clips and outputs join from parallel workers.
  clips: concat<GeneratedClipOutput>(),
  outputs: concat<GradedOutput>(),
  finalMedia: z.custom<FinalMedia>().nullable().default(null),
  verification: z.custom<VideoQualityResult & { reportId: string }>().nullable().default(null),
  grade: z.custom<Grade>().nullable().default(null),
  takes: concat<TakeResult>(),
  report: z.custom<DepartmentReport>().nullable().default(null),
  // Multi-clip scenes: the plan, and what each shot's generation cost or why it failed.
  plan: z.custom<ScenePlan>().nullable().default(null),
  ledger: concat<LedgerEntry>(),
  failures: concat<ShotFailure>(),
  /** What the request has spent in all its runs, as of the last take recorded (from its stored clips). */
  requestSpentUsd: z.number().default(0),
  /** Why no further take is made automatically: the next one would pass the request's budget (null: it would not). */
  budgetNote: z.string().nullable().default(null),
});

export type DepartmentStateValue = typeof DepartmentState.State;
