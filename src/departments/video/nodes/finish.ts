/**
 * The head's closing steps: grade the take, write it to the Brain, retry below the bar, report.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Config } from "../../../config.js";
import { runtimeOf } from "../../../context.js";
import type { DepartmentReport, ExecutionSummary, Grade, GradedOutput, IgnoredCheck } from "../../../domain.js";
import { titleOf } from "../../../brain/library.js";
import { takeBar } from "../asked.js";
import { removeCaptionRecords, storeTakeCaptions, type StoredCaptions } from "../captions.js";
import { contactSheetNode, takeContactSheet } from "../contact-sheet.js";
import { budgetNote, spentOnRequest, wouldPassBudget } from "../budget.js";
import { framesForJudge, judgeRelevance } from "../llm.js";
import { clipCostUsd } from "../planner/cost.js";
import { adjustFromFeedback, gradeTake, informativeVerification, takeRelevance } from "../policy.js";
import { measurePictureRelevance, type PictureRelevance } from "../../../media/relevance.js";
import { createToolContext, ensureThumbnail, mediaPath, removeTakeScratch } from "../../../tools/context.js";
import { shotSizeIn } from "../shot-prompt.js";
import {
  newTakeId,
  type DepartmentStateValue,
  type DepartmentUpdate,
  type EntityRef,
  type TakeResult,
} from "../state.js";
import {
  allLedger,
  currentTake,
  reusedClips,
  runCost,
  runSeconds,
  sceneWrite,
  takeClips,
  takeCost,
  takePasses,
} from "./take-facts.js";
import { endsTakeOnFailure, runOf } from "./take-run.js";

type Update = DepartmentUpdate;

export const gradeNode = endsTakeOnFailure(gradeTheTake);

async function gradeTheTake(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const verification = state.verification!;
  const clips = takeClips(state);
  const first = clips[0]!;
  const facts = {
    requestedCharacters: state.brief?.characters ?? [],
    depictedCharacters: [...new Set(clips.flatMap((clip) => clip.characters))],
    requestedLocation: state.brief?.location ?? null,
    setInLocation: first.location,
    requestedSeconds: state.durationSeconds,
    measuredSeconds: state.finalMedia!.durationSeconds,
    asked: { action: first.action === state.brief?.action, camera: first.camera === state.brief?.camera },
  };
  const picture = await pictureOfTake(runtime, state);
  const measured = takeRelevance(facts, picture);
  // A scene shows the grader one frame per shot (up to six); a clip three, from start to end.
  const frames = await framesForJudge(
    runtime,
    { projectId: state.projectId, takeId: state.takeId, mediaId: state.finalMedia!.mediaId, attempt: state.attempt },
    state.plan ? Math.min(6, Math.max(3, state.plan.shots.length)) : 3,
  );
  const judged = await judgeRelevance(
    runtime,
    state.requestText,
    {
      ...facts,
      picture: measured.details,
      prompt: first.prompt,
      failedChecks: verification.checks.filter((check) => !check.passed).map((check) => check.type),
    },
    measured.relevance,
    frames,
  );
  const graded = informativeVerification(verification, ignoredChecks(state), runtime.config.qualityThreshold);
  const grade: Grade = {
    ...gradeTake(graded, judged.relevance, takeBar(state.asked, runtime.config).threshold),
    relevanceBasis: judged.judgedFrom ?? measured.basis,
    relevanceReason: judged.decidedBy === "llm" ? judged.reason : measured.details,
  };
  runtime.progress.emit(
    "grade",
    1,
    `take ${state.attempt}: quality ${grade.quality}, relevance ${grade.relevance}${judged.decidedBy === "llm" ? ` (judged from the ${judged.judgedFrom}: ${judged.reason})` : ""}, consistency ${grade.consistency} → overall ${grade.overall} (${grade.passed ? "accept" : "below the bar"})`,
  );
  return { grade, verification: { ...graded, reportId: verification.reportId } };
}

/**
 * What the take's picture shows against what was asked (media/relevance.ts): people for the characters
 * named, framing when the request names a shot size, travel for a single clip's action. Null, with a
 * warning, when the file cannot be read; the grade then rests on what was asked.
 */
async function pictureOfTake(
  runtime: ReturnType<typeof runtimeOf>,
  state: DepartmentStateValue,
): Promise<PictureRelevance | null> {
  const asked = shotSizeIn(state.requestText);
  const single = state.plan === null;
  const ask = {
    characters: state.brief?.characters.length ?? 0,
    // A scene's shots each have their own action and size: only the people are judged over the whole.
    // A tracking camera keeps a walker in place on purpose: travel says nothing then.
    action: single && state.brief?.camera !== "tracking" ? (state.brief?.action ?? null) : null,
    shotSize: single && (asked !== "full" || /\bfull[- ]shot\b/i.test(state.requestText)) ? asked : null,
  };
  if (ask.characters === 0 && ask.action === null && ask.shotSize === null) return null;
  try {
    const context = await createToolContext(runtime, state.projectId, state.takeId);
    const { path } = await mediaPath(context, state.finalMedia!.mediaId, "finalMedia");
    return await measurePictureRelevance(path, ask);
  } catch (error) {
    runtime.log.warn(
      `grade: the picture could not be measured for relevance (${error instanceof Error ? error.message : String(error)})`,
    );
    return null;
  }
}

/**
 * Consistency that was not checked because the only references are local drawings and the clip came from
 * a paid model: a drawing proves nothing about a generated clip, so no take is failed (or paid for again)
 * on it, and the report says so.
 */
export function ignoredChecks(state: DepartmentStateValue): IgnoredCheck[] {
  const ignored: IgnoredCheck[] = [];
  const drawnOnly = (entity: EntityRef) => (entity.drawingsWithheld ?? 0) > 0 && entity.referenceMediaIds.length === 0;
  const people = state.characters.filter(drawnOnly).map((character) => character.name);
  if (people.length > 0)
    ignored.push({
      type: "character-consistency",
      why: `${people.join(" and ")}: the only references are local drawings, which a generated clip is not compared with`,
    });
  if (state.location !== null && drawnOnly(state.location))
    ignored.push({
      type: "location-consistency",
      why: `${state.location.name}: the only reference is a local drawing, which a generated clip is not compared with`,
    });
  return ignored;
}

/**
 * A single clip below the bar is made again; a scene is not, because each of its shots was already
 * checked and retried on its own, and regenerating would reuse the same stored shots. Nor is one the
 * request's budget cannot pay for (the record step weighs the next take's cost against what is spent).
 */
export function shouldRetry(state: DepartmentStateValue, maxAttempts: number, budgetUsd: number): boolean {
  return (
    state.plan === null &&
    state.grade !== null &&
    !state.grade.passed &&
    state.attempt < maxAttempts &&
    state.budgetNote === null &&
    state.requestSpentUsd <= budgetUsd
  );
}

/**
 * Why the request's budget stops another take of a single clip below the bar, or null: what the request
 * has spent in all its runs, plus the next take's clip at the price it will be recorded at.
 */
function nextTakeBudgetNote(state: DepartmentStateValue, spent: number, config: Config): string | null {
  if (state.plan !== null || state.grade?.passed !== false) return null;
  const next = clipCostUsd(config, state.method ?? "text-to-video", state.durationSeconds);
  return wouldPassBudget(spent, next, config.budgetUsd)
    ? budgetNote(spent, next, config.budgetUsd, "another take")
    : null;
}

/**
 * The execution summary of this run: its own provider calls from the ledger. Shots taken back from
 * storage, or finished by a killed run this one resumed, count as reused and cost this run nothing.
 */
export function executionSummary(state: DepartmentStateValue, budgetUsd: number, run: string): ExecutionSummary {
  const { clips, outputs, failures } = currentTake(state);
  const ledger = allLedger(state);
  const total = state.plan?.shots.length ?? clips.length;
  const fallbacks = outputs
    .filter((output) => output.output.mode === "llm-then-deterministic")
    .map((output) => `${output.specialist}: deterministic plan after the chat model`);
  return {
    clipsTotal: total,
    clipsCompleted: clips.length,
    clipsFailed: failures.length,
    clipsReused: reusedClips(state, run),
    generationSeconds: runSeconds(state, run),
    costUsd: runCost(state, run),
    averageQuality: state.verification ? state.verification.overallQuality : null,
    failedClips: failures.map((failure) => ({ shotIndex: failure.shotIndex, reason: failure.reason })),
    retries: ledger.filter((entry) => entry.attempt > 1).length,
    fallbackUsed: fallbacks,
    budgetUsd,
  };
}

export const recordNode = endsTakeOnFailure(recordTake);

async function recordTake(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const grade = state.grade!;
  const verification = state.verification!;
  const clips = takeClips(state);
  const first = clips[0]!;
  const final = state.finalMedia!;
  const record = await runtime.media.get(final.mediaId);
  const now = new Date().toISOString();
  const requestSpentUsd = await spentOnRequest(runtime, state);
  const budgetStop = nextTakeBudgetNote(state, requestSpentUsd, runtime.config);
  const willRetry = shouldRetry(
    { ...state, requestSpentUsd, budgetNote: budgetStop },
    takeBar(state.asked, runtime.config).maxAttempts,
    runtime.config.budgetUsd,
  );
  const status = willRetry ? "superseded" : "pending";
  const composites = clips.flatMap((clip) =>
    clip.compositeReferenceId === undefined ? [] : [clip.compositeReferenceId],
  );
  const referenceIds = [
    ...new Set([
      ...state.characters.flatMap((character) => character.referenceIds),
      ...(state.location?.referenceIds ?? []),
      ...composites,
    ]),
  ];
  // The caption files and their records are stored first, so the Brain links only what exists.
  const captions = await takeCaptions(runtime, state, record);
  const contactSheet = await takeContactSheet(runtime, state);
  // A take's video has its thumbnail, also when it is its one shot clip (stored without one).
  if (record !== null) await ensureThumbnail(await createToolContext(runtime, state.projectId, state.takeId), record);
  await runtime.brain
    .forProject(state.projectId)
    .recordTake({
      request: { id: state.requestId, threadId: state.threadId, text: state.requestText, createdAt: now },
      video: {
        id: state.takeId,
        requestId: state.requestId,
        threadId: state.threadId,
        mediaId: final.mediaId,
        objectKey: final.key,
        method: first.method,
        model: first.model,
        prompt: first.prompt,
        title: titleOf(state.requestText),
        seed: first.seed,
        durationSeconds: final.durationSeconds,
        width: first.width,
        height: first.height,
        fps: first.fps,
        costUsd: takeCost(state),
        passes: takePasses(state),
        attempt: state.attempt,
        status,
        statusReason: willRetry ? `overall ${grade.overall} below ${grade.threshold}: regenerated automatically` : null,
        grade,
        createdAt: now,
        updatedAt: now,
      },
      report: { ...verification, id: verification.reportId, createdAt: now },
      characterIds: state.characters.map((character) => character.id),
      locationId: state.location?.id ?? null,
      referenceIds,
      regeneratedFromId: state.previousTakeId,
      scene: sceneWrite(state),
      captions: captions?.node ?? null,
      contactSheet: contactSheet === null ? null : contactSheetNode(contactSheet, now),
    })
    .catch(async (error: unknown) => {
      if (captions !== null) await removeCaptionRecords(runtime, captions.written);
      throw error;
    });
  const scene = sceneWrite(state);
  const brainWrites = [
    `Request ${state.requestId}`,
    `Video ${state.takeId} (${status}, overall ${grade.overall})`,
    ...state.characters.map(
      (character) => `(${state.takeId})-[:DEPICTS]->(Character ${character.name}${character.created ? ", new" : ""})`,
    ),
    ...(state.location
      ? [`(${state.takeId})-[:SET_IN]->(Location ${state.location.name}${state.location.created ? ", new" : ""})`]
      : []),
    ...referenceIds.map((id) => `(${state.takeId})-[:USES_REFERENCE]->(Reference ${id})`),
    ...takePasses(state).map(
      (pass) => `(${state.takeId}) shot ${pass.shotIndex}: ${pass.step} by ${pass.model} ($${pass.costUsd.toFixed(4)})`,
    ),
    `(${state.takeId})-[:GRADED_BY]->(QualityReport ${verification.reportId})`,
    ...(state.previousTakeId ? [`(${state.takeId})-[:REGENERATED_FROM]->(Video ${state.previousTakeId})`] : []),
    ...(scene
      ? [
          `(${state.takeId})-[:RENDERS]->(Scene ${scene.id}, ${scene.shotCount} shots${scene.missingShots.length > 0 ? `, missing ${scene.missingShots.join(", ")}` : ""})`,
          ...scene.clips.map((clip) => `(Clip ${clip.id} shot ${clip.shotIndex})-[:PART_OF]->(Scene ${scene.id})`),
          ...scene.audio.map(
            (track) =>
              `(Scene ${scene.id})-[:HAS_AUDIO]->(AudioTrack ${track.type}: ${track.description.slice(0, 40)})`,
          ),
        ]
      : []),
    ...(captions
      ? [`(${state.takeId})-[:HAS_CAPTIONS]->(Captions ${captions.node.cueCount} cues, SRT and WebVTT)`]
      : []),
    ...(contactSheet
      ? [
          `(${state.takeId})-[:HAS_CONTACT_SHEET]->(ContactSheet ${contactSheet.shotCount} shot${contactSheet.shotCount === 1 ? "" : "s"})`,
        ]
      : []),
  ];
  runtime.progress.emit("record", 1, `Brain: ${brainWrites.length} facts written for ${state.takeId}`);
  const take: TakeResult = {
    videoId: state.takeId,
    requestId: state.requestId,
    attempt: state.attempt,
    mediaId: final.mediaId,
    key: final.key,
    url: record?.url ?? "",
    path: final.path,
    durationSeconds: final.durationSeconds,
    width: first.width,
    height: first.height,
    fps: first.fps,
    method: first.method,
    model: first.model,
    prompt: first.prompt,
    seed: first.seed,
    costUsd: takeCost(state),
    quality: verification,
    grade,
    status,
    regeneratedFrom: state.previousTakeId,
    brainWrites,
    captions: captions?.take ?? null,
    contactSheet,
  };
  // The take is stored and recorded: it has ended, and its scratch goes with it.
  await removeTakeScratch(runtime, state.takeId);
  return { takes: [take], requestSpentUsd, budgetNote: budgetStop };
}

/**
 * The take's caption files, stored for its final video (with its frame rate, so cues fall on its frames).
 * Captions are a companion of the take: when they cannot be stored the take is still recorded, without
 * them, and the log says why.
 */
async function takeCaptions(
  runtime: ReturnType<typeof runtimeOf>,
  state: DepartmentStateValue,
  record: Awaited<ReturnType<typeof runtime.media.get>>,
): Promise<StoredCaptions | null> {
  const final = state.finalMedia!;
  try {
    return await storeTakeCaptions(runtime, state, {
      mediaId: final.mediaId,
      key: final.key,
      durationSeconds: final.durationSeconds,
      fps: record?.fps ?? takeClips(state)[0]!.fps,
      burnedIn: record?.generation.captionsBurned === true,
    });
  } catch (error) {
    runtime.log.warn(
      `take ${state.takeId}: no caption files (${error instanceof Error ? error.message : String(error)})`,
    );
    return null;
  }
}

/** Next attempt: new take id and seed, the failed checks turned into concrete changes. */
export function prepareRetryNode(state: DepartmentStateValue, config: LangGraphRunnableConfig): Update {
  const runtime = runtimeOf(config);
  const ignored = new Set((state.verification?.ignored ?? []).map((item) => item.type));
  const failed = state.verification?.checks.filter((check) => !check.passed && !ignored.has(check.type)) ?? [];
  const adjustments = adjustFromFeedback(failed, state.adjustments, {
    characters: state.characters.map((character) => character.name),
    location: state.location?.name ?? null,
  });
  if (adjustments.notes.length === 0)
    adjustments.notes.push(`overall ${state.grade?.overall} below ${state.grade?.threshold}: new seed`);
  const specialists =
    adjustments.sharpen !== null && !state.specialists.includes("scene-assembler")
      ? ([
          "video-generator",
          "scene-assembler",
          ...state.specialists.filter((name) => name !== "video-generator"),
        ] as typeof state.specialists)
      : state.specialists;
  runtime.progress.emit("regenerate", null, `attempt ${state.attempt + 1}: ${adjustments.notes.join("; ")}`);
  return {
    attempt: state.attempt + 1,
    previousTakeId: state.takeId,
    takeId: newTakeId(),
    adjustments,
    specialists,
    feedback: [...state.feedback, ...adjustments.notes],
    finalMedia: null,
    verification: null,
    grade: null,
  };
}

export function reportNode(state: DepartmentStateValue, config: LangGraphRunnableConfig): Update {
  const runtime = runtimeOf(config);
  const take = state.takes[state.takes.length - 1];
  const summary = executionSummary(state, runtime.config.budgetUsd, runOf(config));
  const outputs: GradedOutput[] = currentTake(state).outputs.map((output) => ({
    ...output,
    grade: take?.grade ?? null,
  }));
  const missing = summary.failedClips.map((failure) => `shot ${failure.shotIndex} is missing: ${failure.reason}`);
  const overBudget =
    take !== undefined && !take.grade.passed && state.budgetNote !== null
      ? [`${state.budgetNote}: no more takes were made automatically`]
      : [];
  const issues = [
    ...missing,
    ...overBudget,
    ...(take?.quality.issues ?? []),
    ...outputs.flatMap((output) => output.selfAssessment.issues.map((issue) => `${output.specialist}: ${issue}`)),
  ];
  const report: DepartmentReport = {
    department: "video-generation",
    relevance: state.relevance,
    // A scene with missing shots is partial even when what exists passes.
    status: take === undefined ? "failed" : take.grade.passed && missing.length === 0 ? "complete" : "partial",
    summary,
    outputs,
    departmentQuality: take?.grade.overall ?? 0,
    issues,
    suggestions: take?.quality.suggestions ?? [],
  };
  return { report };
}
