/**
 * One chat turn on a thread, from any front end (CLI, REPL, HTTP): start a request, or answer the
 * pending take's choice. The thread lives in the checkpointer, so turns may come from different processes.
 */
import { Command, isInterrupted } from "@langchain/langgraph";
import { asContext } from "../context.js";
import type { DepartmentReport, Grade, VideoQualityResult } from "../domain.js";
import { checkGivenPlan } from "../departments/video/given-plan.js";
import { assertId, CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { cancelledBy } from "../jobs/cancel.js";
import type { ProgressBus } from "../jobs/progress.js";
import { assertUsableMessage } from "../departments/video/understand.js";
import type { Runtime } from "../runtime.js";
import type { TakeCaptions, TakeContactSheet, TakeResult } from "../departments/video/state.js";
import { buildOrchestratorGraph } from "./graph.js";
import { parseCostDecision, type CostPrompt } from "./nodes/cost.js";
import { validateChoiceAnswer, type ChoicePrompt } from "./nodes/human-choice.js";
import { parseChoice, type Route } from "./router.js";
import type { ChoiceRecord, OrchestratorStateValue } from "./state.js";
import { claimThread } from "./thread-lock.js";

export interface TurnInput {
  threadId?: string | null;
  message?: string | null;
  choice?: string | null;
  note?: string | null;
  /** A plan the user edited before it ran (checked against the scene's rules first); with a message only. */
  plan?: unknown;
  /** Continue the thread's unfinished run (one stopped by a crash or a kill) where it stopped. */
  resume?: boolean;
  /** The project a new thread's request belongs to (an HTTP key's project); default: the config's. */
  projectId?: string | null;
  /** Receives this turn's progress only, so concurrent turns (HTTP) do not see each other's steps. */
  progress?: ProgressBus | null;
  /** The front end asking, so advice names what it offers: a CLI flag means nothing over HTTP. */
  surface?: "cli" | "http";
  /** Aborting it (Ctrl-C, a dropped client) stops the turn and cancels the jobs and provider calls it started. */
  signal?: AbortSignal | null;
}

export interface TurnResult {
  threadId: string;
  status: "awaiting-choice" | "awaiting-confirmation" | "accepted" | "discarded" | "cancelled" | "answered";
  /** The request's estimated cost when it waits for confirmation. */
  estimatedCostUsd?: number;
  route: Route | null;
  reply: string;
  videoId: string | null;
  path: string | null;
  url: string | null;
  quality: VideoQualityResult | null;
  grade: Grade | null;
  report: DepartmentReport | null;
  brainWrites: string[];
  /** The pending take's dialogue captions (SRT and WebVTT files), when it has them. */
  captions: TakeCaptions | null;
  /** The pending take's contact sheet (a still per shot), when its clips were joined. */
  contactSheet: TakeContactSheet | null;
  choices: string[];
  lastChoice: ChoiceRecord | null;
  takes: Array<{ videoId: string; attempt: number; status: string; overall: number; regeneratedFrom: string | null }>;
}

export interface ThreadView {
  threadId: string;
  pending: PendingPrompt | null;
  messages: OrchestratorStateValue["messages"];
  takes: TakeResult[];
  choices: ChoiceRecord[];
}

/** What a thread waits for: a choice on a take, or a yes to a costly request. */
export type PendingPrompt = ChoicePrompt | CostPrompt;

export class ChatService {
  private readonly graph;

  constructor(private readonly runtime: Runtime) {
    this.graph = buildOrchestratorGraph(runtime.checkpointer);
  }

  private config(threadId: string, progress: ProgressBus | null = null, signal: AbortSignal | null = null) {
    const scoped = progress ? { ...this.runtime, progress } : this.runtime;
    const runtime = signal ? { ...scoped, jobs: cancelledBy(scoped.jobs, signal) } : scoped;
    return {
      configurable: { thread_id: threadId },
      context: asContext(runtime),
      recursionLimit: 100,
      ...(signal ? { signal } : {}),
    };
  }

  async threadExists(threadId: string): Promise<boolean> {
    return (await this.runtime.checkpointer.getTuple({ configurable: { thread_id: threadId } })) !== undefined;
  }

  async thread(threadId: string): Promise<ThreadView> {
    assertId(threadId, "thread");
    if (!(await this.threadExists(threadId)))
      throw new CutroomError("UNKNOWN_THREAD", `thread ${threadId} does not exist`, { field: "thread" });
    const snapshot = await this.graph.getState(this.config(threadId));
    const values = snapshot.values as OrchestratorStateValue;
    const pending =
      snapshot.tasks.flatMap((task) => task.interrupts).map((item) => item.value as ChoicePrompt)[0] ?? null;
    return {
      threadId,
      pending,
      messages: values.messages ?? [],
      takes: values.takes ?? [],
      choices: values.choices ?? [],
    };
  }

  /** The request of a run that stopped before it finished (its next step is not a choice), or null. */
  private async unfinishedRequest(threadId: string): Promise<string | null> {
    const snapshot = await this.graph.getState(this.config(threadId));
    const waitingForChoice = snapshot.tasks.some((task) => task.interrupts.length > 0);
    // A step that failed with an error is finished too (the error was reported); only a run that was
    // cut off (a crash or a kill) has a next step without an error.
    const failed = snapshot.tasks.some((task) => task.error !== undefined && task.error !== null);
    if (snapshot.next.length === 0 || waitingForChoice || failed) return null;
    return (
      (snapshot.values as OrchestratorStateValue).requestText ??
      (snapshot.values as OrchestratorStateValue).message ??
      ""
    );
  }

  /** The thread's takes with their status as the Brain holds it now (accepted, discarded, ...). */
  private async takeStatuses(projectId: string, takes: TakeResult[]): Promise<TurnResult["takes"]> {
    const brain = this.runtime.brain.forProject(projectId);
    const rows: TurnResult["takes"] = [];
    for (const item of takes) {
      const view = await brain.getTake(item.videoId);
      rows.push({
        videoId: item.videoId,
        attempt: item.attempt,
        status: view?.video.status ?? item.status,
        overall: item.grade.overall,
        regeneratedFrom: item.regeneratedFrom,
      });
    }
    return rows;
  }

  /**
   * One turn, holding the thread's lock from the first look at its checkpoint to the last write, so a
   * turn from another process (a --resume, a second server) cannot start the same run again meanwhile.
   */
  async turn(input: TurnInput): Promise<TurnResult> {
    const threadId = input.threadId ? assertId(input.threadId, "thread") : newId("thr");
    const claim = await claimThread(this.runtime.config.dataDir, threadId, {
      onCompromised: (error) =>
        this.runtime.log.warn(`thread ${threadId}: another process took over its lock (${error.message})`),
    });
    try {
      return await this.claimedTurn(threadId, input);
    } finally {
      await claim.release();
    }
  }

  private async claimedTurn(threadId: string, input: TurnInput): Promise<TurnResult> {
    const exists = input.threadId ? await this.threadExists(threadId) : false;
    const pending = exists ? (await this.thread(threadId)).pending : null;
    const message = input.message?.trim() ?? "";
    const unfinished = exists && pending === null ? await this.unfinishedRequest(threadId) : null;
    if (input.resume && unfinished === null) {
      throw new CutroomError("INVALID_INPUT", `thread ${threadId} has no unfinished run to resume`, {
        field: "resume",
      });
    }
    if (unfinished !== null && !input.resume) {
      const advice =
        input.surface === "http"
          ? "it was cut off before it finished (a crash or a stop); start a new thread, or ask the server's operator to resume it (stored shots are reused, nothing is paid twice)"
          : "resume it with --resume (stored shots are reused, nothing is paid twice) or start a new thread";
      throw new CutroomError(
        "RUN_UNFINISHED",
        `thread ${threadId} has an unfinished run ("${unfinished.slice(0, 60)}"): ${advice}`,
        { field: "thread" },
      );
    }
    let answer: { choice: string; note: string | null } | null = null;
    if (input.resume) {
      // Nothing to validate: the run continues from its last checkpoint.
    } else if (pending?.kind === "cost") {
      // The thread waits for a yes or no on the estimated cost, from --choice or as a message.
      answer = { choice: parseCostDecision(input.choice ?? message), note: null };
    } else if (input.choice) {
      if (!input.threadId)
        throw new CutroomError("INVALID_INPUT", "--choice needs --thread: the thread whose take you are answering", {
          field: "thread",
        });
      if (!exists) throw new CutroomError("UNKNOWN_THREAD", `thread ${threadId} does not exist`, { field: "thread" });
      answer = validateChoiceAnswer({ choice: input.choice, note: input.note ?? (message || null) });
    } else if (pending && message !== "") {
      const choice = parseChoice(message);
      if (choice === null) {
        throw new CutroomError(
          "CHOICE_PENDING",
          `take ${pending.kind === "take" ? pending.videoId : ""} is waiting for a choice: answer accept, regenerate or discard (or start a new thread)`,
          { field: "message" },
        );
      }
      answer = { choice, note: input.note ?? null };
    } else {
      assertUsableMessage(message);
    }
    if (answer && !pending) {
      throw new CutroomError("NO_PENDING_CHOICE", `thread ${threadId} has no take waiting for a choice`, {
        field: "choice",
      });
    }
    const before = exists
      ? ((await this.graph.getState(this.config(threadId))).values as OrchestratorStateValue)
      : null;
    const takesBefore = before?.takes?.length ?? 0;
    // Checked before the turn starts, so a plan that breaks the rules spends nothing.
    const givenPlan =
      input.plan === undefined || input.plan === null ? null : checkGivenPlan(this.runtime.config, input.plan);
    if (givenPlan !== null && (answer || input.resume)) {
      throw new CutroomError("INVALID_INPUT", "a plan goes with a new request's message, not with a choice", {
        field: "plan",
      });
    }
    const runConfig = this.config(threadId, input.progress ?? null, input.signal ?? null);
    const projectId = assertId(input.projectId ?? this.runtime.config.projectId, "projectId");
    const result = input.resume
      ? await this.graph.invoke(null, runConfig)
      : answer
        ? await this.graph.invoke(new Command({ resume: answer }), runConfig)
        : await this.graph.invoke({ threadId, projectId, message, givenPlan }, runConfig);
    const values = (await this.graph.getState(this.config(threadId))).values as OrchestratorStateValue;
    const waitingFor = isInterrupted(result) ? (await this.thread(threadId)).pending : null;
    if (waitingFor?.kind === "cost") {
      return {
        threadId,
        status: "awaiting-confirmation",
        estimatedCostUsd: waitingFor.estimatedCostUsd,
        route: values.route ?? null,
        reply: waitingFor.question,
        videoId: null,
        path: null,
        url: null,
        quality: null,
        grade: null,
        report: null,
        brainWrites: [],
        captions: null,
        contactSheet: null,
        choices: [...waitingFor.choices],
        lastChoice: null,
        takes: await this.takeStatuses(values.projectId, values.takes ?? []),
      };
    }
    const awaiting = waitingFor !== null;
    const newTakes = (values.takes ?? []).slice(takesBefore);
    const take = awaiting ? values.pendingTake : null;
    const status: TurnResult["status"] = awaiting
      ? "awaiting-choice"
      : answer?.choice === "accept"
        ? "accepted"
        : answer?.choice === "discard"
          ? "discarded"
          : answer?.choice === "cancel"
            ? "cancelled"
            : "answered";
    return {
      threadId,
      status,
      route: values.route ?? null,
      reply: values.reply,
      videoId: take?.videoId ?? values.lastChoice?.videoId ?? null,
      path: take?.path ?? null,
      url: take?.url ?? null,
      quality: take?.quality ?? null,
      grade: take?.grade ?? null,
      report: awaiting ? values.report : null,
      brainWrites: newTakes.flatMap((item) => item.brainWrites),
      captions: take?.captions ?? null,
      contactSheet: take?.contactSheet ?? null,
      choices: awaiting ? ["accept", "regenerate", "discard"] : [],
      lastChoice: answer && pending?.kind === "take" ? values.lastChoice : null,
      takes: await this.takeStatuses(values.projectId, values.takes ?? []),
    };
  }
}
