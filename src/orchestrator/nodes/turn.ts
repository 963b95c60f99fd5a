/** Orchestrator nodes: route the turn, run the department, check the Brain, apply the user's choice. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../context.js";
import { budgetNote, spentOnRequest, wouldPassBudget } from "../../departments/video/budget.js";
import { checkStoredTake, runDepartment } from "../../departments/video/entry.js";
import { shotsNamedIn } from "../../departments/video/reading/index.js";
import { CutroomError } from "../../errors.js";
import { newId } from "../../ids.js";
import { routeTurn } from "../router.js";
import type { OrchestratorStateValue } from "../state.js";
import { estimateRegenerateCost } from "./cost.js";

type Update = Partial<OrchestratorStateValue>;

export async function routeNode(state: OrchestratorStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const message = state.message ?? "";
  const route = await routeTurn(message, runtime.llm, runtime.log);
  runtime.progress.emit("route", 1, `${route.kind === "video" ? "video department" : route.kind}: ${route.reason}`);
  const at = new Date().toISOString();
  if (route.kind === "video") {
    return {
      route,
      requestId: newId("req"),
      requestText: message,
      feedback: [],
      previousTakeId: null,
      redoShots: null,
      pendingTake: null,
      budgetNote: null,
      messages: [{ role: "user", text: message, at }],
    };
  }
  return { route, messages: [{ role: "user", text: message, at }] };
}

export function noDepartmentNode(state: OrchestratorStateValue): Update {
  const reply =
    state.route?.kind === "choice"
      ? 'There is no take waiting for a choice on this thread. Ask for a video first, e.g. "generate Sarah walking in the park".'
      : 'Sorry, no department here handles that. The video department makes clips of characters, actions and places, e.g. "generate Sarah walking in the park".';
  return { reply, messages: [{ role: "department", text: reply, at: new Date().toISOString() }] };
}

export async function videoDepartmentNode(
  state: OrchestratorStateValue,
  config: LangGraphRunnableConfig,
): Promise<Update> {
  const runtime = runtimeOf(config);
  if (state.budgetNote !== null && state.pendingTake !== null) {
    // The regenerate was refused for the budget: nothing is generated, and the take's report says why.
    const report = state.report && {
      ...state.report,
      issues: [state.budgetNote, ...state.report.issues.filter((issue) => issue !== state.budgetNote)],
    };
    return { report };
  }
  // The user was asked before this (the confirm step, or the regenerate's estimate), so consent is given.
  const run = await runDepartment(
    runtime,
    {
      projectId: state.projectId,
      threadId: state.threadId,
      requestId: state.requestId!,
      text: state.requestText!,
      feedback: state.feedback,
      previousTakeId: state.previousTakeId,
      redoShots: state.redoShots,
      plan: state.givenPlan,
    },
    { cost: { kind: "confirmed" }, signal: config.signal ?? null },
  );
  if (!run.take) throw new CutroomError("MEDIA", "the video department produced no take");
  return { takes: run.takes, pendingTake: run.take, report: run.report, budgetNote: null };
}

/** The Brain must agree with storage before anything is shown: a contradiction stops the turn loudly. */
export async function validateNode(state: OrchestratorStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const take = state.pendingTake!;
  await checkStoredTake(runtime, state.projectId, take);
  runtime.progress.emit("validate", 1, `Brain consistent for ${take.videoId}`);
  const reply =
    state.budgetNote !== null
      ? `Not regenerated: ${state.budgetNote}. Take ${take.videoId} still waits for your choice: ${take.path ?? take.url} (overall ${take.grade.overall}).`
      : `Take ${take.videoId} is ready: ${take.path ?? take.url} (overall ${take.grade.overall}).`;
  return { reply, messages: [{ role: "department", text: reply, at: new Date().toISOString() }] };
}

export async function applyChoiceNode(state: OrchestratorStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const take = state.pendingTake!;
  const choice = state.lastChoice!;
  const at = new Date().toISOString();
  if (choice.choice === "accept") {
    await runtime.brain.forProject(state.projectId).setTakeStatus(take.videoId, "accepted", choice.note);
    const reply = `Accepted ${take.videoId}; it is marked ACCEPTED in the Brain.`;
    return { pendingTake: null, reply, messages: [{ role: "department", text: reply, at }] };
  }
  if (choice.choice === "discard") {
    // Every object the take made goes to the tombstones, and its media records say so.
    const records = (await runtime.media.listByProject(state.projectId)).filter(
      // References belong to their character or location, never to a take; older data dirs stored them
      // with the takeId of the take that first needed them, so they are recognised by their kind too.
      (record) =>
        record.generation.takeId === take.videoId &&
        record.status === "live" &&
        record.generation.referenceKind === undefined,
    );
    for (const record of records) {
      const tombstoneKey = await runtime.store.tombstone(record.key);
      await runtime.media.update(record.id, { status: "tombstoned", key: tombstoneKey });
    }
    await runtime.brain
      .forProject(state.projectId)
      .setTakeStatus(take.videoId, "discarded", choice.note ?? "discarded by the user");
    const reply = `Discarded ${take.videoId}; ${records.length} stored object(s) moved to tombstones.`;
    return { pendingTake: null, reply, messages: [{ role: "department", text: reply, at }] };
  }
  const redoShots = shotsToRedo(choice.note, state.report);
  // The request's budget covers all its takes: a regenerate it cannot pay for leaves this take waiting.
  const budget = runtime.config.budgetUsd;
  const spent = await spentOnRequest(runtime, { projectId: state.projectId, requestId: take.requestId });
  const next = estimateRegenerateCost(runtime, state.requestText ?? "", take, redoShots);
  if (wouldPassBudget(spent, next, budget)) {
    const note = `${budgetNote(spent, next, budget, "another take")}, so ${take.videoId} was not regenerated`;
    runtime.progress.emit("regenerate", null, note);
    return { budgetNote: note };
  }
  await runtime.brain
    .forProject(state.projectId)
    .setTakeStatus(take.videoId, "superseded", choice.note ?? "the user asked to regenerate");
  const feedback = [
    ...take.quality.issues,
    `the user asked for another take of ${take.videoId}${choice.note ? `: ${choice.note}` : ""}`,
  ];
  // What it may spend is said before anything is spent: the estimate and what is left of the budget.
  const spending =
    next > 0
      ? `; estimated $${next.toFixed(2)}, at most $${Math.max(0, budget - spent).toFixed(2)} more (the request's budget of $${budget.toFixed(2)}, $${spent.toFixed(2)} spent)`
      : "";
  runtime.progress.emit(
    "regenerate",
    null,
    `regenerating from ${take.videoId}${redoShots ? `: shot(s) ${redoShots.join(", ")} only, the rest reused` : ""}${spending}`,
  );
  return { previousTakeId: take.videoId, feedback, redoShots, pendingTake: null, budgetNote: null };
}

/**
 * Which shots of a scene a regenerate makes again: those the note names ("shot 3", "shots 2 and 4",
 * "shots 2-4", "the third shot"; a length such as "5 seconds longer" names none), else the shots that
 * were missing, else all of them (null).
 */
export function shotsToRedo(note: string | null, report: OrchestratorStateValue["report"]): number[] | null {
  const named = note ? shotsNamedIn(note, report?.summary?.clipsTotal ?? null) : [];
  if (named.length > 0) return named;
  const missing = report?.summary?.failedClips.map((failure) => failure.shotIndex) ?? [];
  return missing.length > 0 ? missing : null;
}
