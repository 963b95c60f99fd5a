/**
 * The one way into the video department, for every caller: the chat's orchestrator, the `video_department`
 * tool, the HTTP generate route (and MCP, which goes through the chat). Each gets the same request checks,
 * the same cost rule, the same recursion limit, its own abort signal and progress, and the same Brain
 * validation of the take before it is handed back.
 *
 * The cost rule: a caller that can ask its user (the chat) weighs the request with `weighRequest` and asks
 * above the confirmation threshold before it runs the department; a caller that cannot ask (a tool call,
 * HTTP) gives an explicit budget, and a request estimated above it is refused before anything is spent.
 */
import { asContext } from "../../context.js";
import type { DepartmentReport } from "../../domain.js";
import { assertId, CutroomError } from "../../errors.js";
import { newId } from "../../ids.js";
import { cancelledBy } from "../../jobs/cancel.js";
import type { ProgressBus } from "../../jobs/progress.js";
import type { Runtime } from "../../runtime.js";
import { asksForOneClip, type AskedTake } from "./asked.js";
import { wouldPassBudget } from "./budget.js";
import { videoDepartmentGraph } from "./graph.js";
import { RUN_KEY } from "./nodes/take-run.js";
import { clipCostUsd } from "./planner/cost.js";
import type { ScenePlan } from "./planner/plan.js";
import { givenPlanEstimateUsd } from "./given-plan.js";
import { clipLimits, singleClipLimit } from "./planner/lengths.js";
import { previewRequest } from "./preview.js";
import { withFrame, withRequestShape } from "./shape.js";
import type { TakeResult } from "./state.js";
import { assertUsableMessage } from "./understand.js";

/**
 * Graph steps one department run may take, whoever started it: a scene's chains, the specialists and the
 * automatic retries of a take all count. The orchestrator's 80 is kept; the tool's and HTTP's 60 were lower.
 */
export const DEPARTMENT_RECURSION_LIMIT = 80;

export interface DepartmentRequest {
  projectId: string;
  /** The request's words, as the user gave them. */
  text: string;
  /** A thread and request of the caller's (the chat's); a new one of each when left out. */
  threadId?: string | null;
  requestId?: string | null;
  /** What the caller fixed (the generate route's method, images, length, references, quality). */
  asked?: AskedTake | null;
  /** A regenerate: the take it follows, the feedback it carries and the shots it makes again. */
  previousTakeId?: string | null;
  feedback?: string[];
  redoShots?: number[] | null;
  /** A plan the user edited and the caller checked (`checkGivenPlan`): followed instead of planning anew. */
  plan?: ScenePlan | null;
}

export type CostConsent =
  /** The caller asked its user with `weighRequest`'s verdict before this call (the chat's confirm step). */
  | { kind: "confirmed" }
  /** The caller cannot ask: the most the request may spend, all its takes together. */
  | { kind: "budget"; budgetUsd: number };

export interface DepartmentOptions {
  cost: CostConsent;
  /** Aborting it stops the run and cancels the jobs and provider calls it started. */
  signal?: AbortSignal | null;
  /** Receives the run's progress; the runtime's own bus when left out. */
  progress?: ProgressBus | null;
}

export interface DepartmentRun {
  threadId: string;
  requestId: string;
  takes: TakeResult[];
  /** The take the run ended with, checked against the Brain and storage; null when none was made. */
  take: TakeResult | null;
  report: DepartmentReport | null;
}

export interface CostWeighing {
  /** Null when the request cannot be planned: the department refuses it with its own message. */
  estimateUsd: number | null;
  budgetUsd: number;
  /** run: go ahead; ask: the user must say proceed first; refuse: no answer could make it affordable. */
  verdict: "run" | "ask" | "refuse";
}

/**
 * The request's cost before any call: what `cutroom plan` shows for it (clips at their models' prices plus
 * the reference images a real image model would make first), with the scene planned deterministically.
 */
export async function estimateRequestCost(runtime: Runtime, text: string, projectId?: string): Promise<number> {
  const preview = await previewRequest(withRequestShape(runtime, text), text, {
    planner: "deterministic",
    ...(projectId === undefined ? {} : { projectId }),
  });
  return preview.estimatedCostUsd;
}

/**
 * The same for a request whose caller fixed one clip's method or length: that clip is priced as fixed,
 * on top of the references the words would have made first.
 */
async function estimateAskedCost(unshaped: Runtime, request: DepartmentRequest): Promise<number> {
  const runtime = withRequestShape(unshaped, request.text);
  const asked = request.asked ?? null;
  const preview = await previewRequest(runtime, request.text, {
    planner: "deterministic",
    projectId: request.projectId,
  });
  if (request.plan && preview.plan)
    return givenPlanEstimateUsd(runtime.config, preview.plan, preview.estimatedCostUsd, request.plan);
  if (!asksForOneClip(asked)) return preview.estimatedCostUsd;
  const config = runtime.config;
  const clipsUsd = preview.shots.reduce((sum, shot) => sum + clipCostUsd(config, shot.method, shot.durationSeconds), 0);
  const referencesUsd = Math.max(0, preview.estimatedCostUsd - clipsUsd);
  const first = preview.shots[0];
  const method = asked!.method ?? first?.method ?? "text-to-video";
  const seconds = asked!.durationSeconds ?? first?.durationSeconds ?? config.video.clipSeconds;
  return Math.round((clipCostUsd(config, method, seconds) + referencesUsd) * 1e6) / 1e6;
}

/** The cost rule, in one place: above the budget refused; above the threshold asked, if the caller can ask. */
export async function weighRequest(
  runtime: Runtime,
  request: DepartmentRequest,
  rule: { budgetUsd: number; canAsk: boolean },
): Promise<CostWeighing> {
  let estimateUsd: number;
  try {
    estimateUsd = await estimateAskedCost(runtime, request);
  } catch {
    // A request the planner refuses is refused with its own message by the department; whatever it
    // starts is still held to the budget clip by clip.
    return { estimateUsd: null, budgetUsd: rule.budgetUsd, verdict: "run" };
  }
  const verdict = wouldPassBudget(0, estimateUsd, rule.budgetUsd)
    ? "refuse"
    : rule.canAsk && estimateUsd > runtime.config.confirmAboveUsd
      ? "ask"
      : "run";
  return { estimateUsd, budgetUsd: rule.budgetUsd, verdict };
}

/** The refusal a caller that cannot ask gets: the estimate and the budget, and what would change it. */
export function overBudgetError(estimateUsd: number, budgetUsd: number): CutroomError {
  return new CutroomError(
    "BUDGET_EXCEEDED",
    `not started: the request is estimated at $${estimateUsd.toFixed(2)}, above its budget of $${budgetUsd.toFixed(2)}; ` +
      "nothing was spent: raise the budget (CUTROOM_BUDGET_USD) or ask for less (fewer or shorter shots)",
  );
}

/**
 * The checks every caller's request passes before anything runs: usable words, valid ids, and for a
 * caller that cannot ask, an estimate within its explicit budget. Returns the request as it will run.
 */
export async function admitRequest(
  runtime: Runtime,
  request: DepartmentRequest,
  cost: CostConsent,
): Promise<DepartmentRequest & { threadId: string; requestId: string }> {
  const admitted = {
    ...request,
    projectId: assertId(request.projectId, "projectId"),
    text: assertUsableMessage(request.text),
    // An empty id is a missing one (a graph run started without a thread names none).
    threadId: assertId(request.threadId || newId("thr"), "threadId"),
    requestId: assertId(request.requestId || newId("req"), "requestId"),
  };
  const seconds = admitted.asked?.durationSeconds ?? null;
  if (seconds !== null) {
    // A fixed single clip is held to what its model renders; a request's words are planned as shots instead.
    const method = admitted.asked?.method ?? null;
    const limits = method === null ? singleClipLimit(runtime.config) : clipLimits(runtime.config, method);
    if (seconds > limits.maxSeconds + 1e-9)
      throw new CutroomError(
        "INVALID_INPUT",
        `duration: ${limits.model} renders clips of at most ${limits.maxSeconds} s; got ${seconds} (ask for a scene to have it planned as shots)`,
        { field: "duration" },
      );
  }
  if (cost.kind === "budget") {
    if (!Number.isFinite(cost.budgetUsd) || cost.budgetUsd < 0) {
      throw new CutroomError("INVALID_INPUT", `budget must be a number of USD, 0 or more; got ${cost.budgetUsd}`, {
        field: "budget",
      });
    }
    const weighing = await weighRequest(runtime, admitted, { budgetUsd: cost.budgetUsd, canAsk: false });
    if (weighing.verdict === "refuse") throw overBudgetError(weighing.estimateUsd!, cost.budgetUsd);
  }
  return admitted;
}

/**
 * A take is handed back only when the Brain agrees with storage: its node, its stored object and its media
 * record. A contradiction stops the caller loudly.
 */
export async function checkStoredTake(runtime: Runtime, projectId: string, take: TakeResult): Promise<void> {
  const brain = runtime.brain.forProject(projectId);
  const violations = await brain.validateTake(take.videoId);
  // The take's video, and every file the Brain links from it (caption files, contact sheet), is stored with
  // its media record.
  const captions = await brain.captionsOf(take.videoId);
  const sheet = await brain.contactSheetOf(take.videoId);
  const linked = [
    { what: "video", mediaId: take.mediaId, key: take.key },
    ...(captions === null
      ? []
      : [
          { what: "SRT captions", mediaId: captions.srt.mediaId, key: captions.srt.objectKey },
          { what: "WebVTT captions", mediaId: captions.vtt.mediaId, key: captions.vtt.objectKey },
        ]),
    ...(sheet === null ? [] : [{ what: "contact sheet", mediaId: sheet.mediaId, key: sheet.objectKey }]),
  ];
  for (const file of linked) {
    if (!(await runtime.store.head(file.key)))
      violations.push({
        rule: "object-exists",
        message: `take ${take.videoId} has no stored object for its ${file.what} at ${file.key}`,
      });
    const record = await runtime.media.get(file.mediaId);
    if (!record || record.key !== file.key || record.status !== "live")
      violations.push({
        rule: "object-exists",
        message: `take ${take.videoId} has no live media record for its ${file.what} ${file.mediaId}`,
      });
  }
  if (violations.length > 0) {
    throw new CutroomError(
      "BRAIN_VALIDATION",
      `the Brain contradicts the stored take: ${violations.map((violation) => `${violation.rule}: ${violation.message}`).join("; ")}`,
    );
  }
}

/** The run's view of the runtime: its progress bus, its budget, and jobs cancelled with its signal. */
function runRuntime(runtime: Runtime, options: DepartmentOptions): Runtime {
  const budgetUsd = options.cost.kind === "budget" ? options.cost.budgetUsd : null;
  if (!options.progress && !options.signal && (budgetUsd === null || budgetUsd === runtime.config.budgetUsd))
    // Unchanged, so a view the caller's graph node made (its stream, its cancellation) is kept as it is.
    return runtime;
  return {
    ...runtime,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(budgetUsd === null ? {} : { config: { ...runtime.config, budgetUsd } }),
    jobs: cancelledBy(runtime.jobs, options.signal),
  };
}

/**
 * The runtime at the request's shape: the caller's (a view `withShape` made), else the words', else a
 * regenerate's take's own, else the configured frame.
 */
async function shapedFor(runtime: Runtime, request: DepartmentRequest): Promise<Runtime> {
  const shaped = withRequestShape(runtime, request.text);
  if (shaped !== runtime || runtime.config.video.shapeFrom !== undefined || !request.previousTakeId) return shaped;
  const previous = await runtime.brain.forProject(request.projectId).getTake(request.previousTakeId);
  if (previous === null) return runtime;
  return withFrame(runtime, { width: previous.video.width, height: previous.video.height }, "the take it regenerates");
}

/** Runs the department on one request, as every caller does. */
export async function runDepartment(
  unshaped: Runtime,
  request: DepartmentRequest,
  options: DepartmentOptions,
): Promise<DepartmentRun> {
  const runtime = await shapedFor(unshaped, request);
  const admitted = await admitRequest(runtime, request, options.cost);
  const result = await videoDepartmentGraph.invoke(
    {
      projectId: admitted.projectId,
      threadId: admitted.threadId,
      requestId: admitted.requestId,
      requestText: admitted.text,
      asked: admitted.asked ?? null,
      feedback: admitted.feedback ?? [],
      previousTakeId: admitted.previousTakeId ?? null,
      redoShots: admitted.redoShots ?? null,
      givenPlan: admitted.plan ?? null,
    },
    {
      context: asContext(runRuntime(runtime, options)),
      recursionLimit: DEPARTMENT_RECURSION_LIMIT,
      ...(options.signal ? { signal: options.signal } : {}),
      // Each run is named afresh, a resumed one too, so its report tells what it made from what it got back.
      configurable: { [RUN_KEY]: newId("run") },
    },
  );
  const take = result.takes[result.takes.length - 1] ?? null;
  if (take !== null) await checkStoredTake(runtime, admitted.projectId, take);
  return {
    threadId: admitted.threadId,
    requestId: admitted.requestId,
    takes: result.takes,
    take,
    report: result.report,
  };
}
