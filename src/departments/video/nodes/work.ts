/**
 * The specialist nodes of the head's subgraph. Each builds its tools for the current take from the
 * runtime context, runs its specialist, and hands back the output with its self-assessment.
 */
import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import type { GradedOutput } from "../../../domain.js";
import { CutroomError } from "../../../errors.js";
import { runAudioIntegrator, type AudioTask } from "../../../specialists/audio-integrator/index.js";
import type { runQualityVerifier, VerifyTask } from "../../../specialists/quality-verifier/index.js";
import type { runSceneAssembler, SceneTask } from "../../../specialists/scene-assembler/index.js";
import { cancelledBy } from "../../../jobs/cancel.js";
import { generateJobId, type GenerateJobData, type GenerateJobResult } from "../jobs.js";
import type { GeneratedClipOutput, ShotTask } from "../../../specialists/video-generator/index.js";
import { createToolContext } from "../../../tools/context.js";
import { budgetNote, spentOnRequest, wouldPassBudget } from "../budget.js";
import { writeShotPrompt } from "../llm.js";
import { paidModel } from "../planner/cost.js";
import { startImageOf } from "../policy.js";
import type { DepartmentStateValue, DepartmentUpdate } from "../state.js";
import { compositeFor } from "./composite-step.js";
import { markRequestClip } from "./scene-reuse.js";
import { frameOf } from "../shape.js";
import { LOCAL_VIDEO_MODEL } from "../../../config.js";
import { shotFacts, shotPrompt, shotSizeIn } from "../shot-prompt.js";
import { takeClips, takeWork } from "./take-facts.js";
import { clipLines, takeSpeech, talkingClipCostUsd, withSpeech } from "../talking.js";
import { endsTakeOnFailure, runOf, shotSeed } from "./take-run.js";

type Update = DepartmentUpdate;

/** The take's clips in shot order (its workers finish in any order). */
function clipsInShotOrder(state: DepartmentStateValue): GeneratedClipOutput[] {
  return [...takeClips(state)].sort((left, right) => left.index - right.index);
}

/** A specialist's result as the head records it: output, how it was produced, and its self-assessment. */
function graded(
  state: DepartmentStateValue,
  specialist: GradedOutput["specialist"],
  result: { output: object; mode: string; toolCalls: string[]; selfAssessment: GradedOutput["selfAssessment"] },
): GradedOutput {
  return {
    specialist,
    output: { ...result.output, takeId: state.takeId, mode: result.mode, toolCalls: result.toolCalls },
    selfAssessment: result.selfAssessment,
    grade: null,
  };
}

function finalOf(output: {
  mediaId: string;
  key: string;
  path: string | null;
  durationSeconds: number;
}): Update["finalMedia"] {
  return { mediaId: output.mediaId, key: output.key, path: output.path, durationSeconds: output.durationSeconds };
}

/** The single clip's facts: the request's own words, the Brain's characters and place in words, corrections. */
function clipFacts(state: DepartmentStateValue) {
  const brief = state.brief!;
  return shotFacts(
    brief,
    { characters: state.characters, location: state.location },
    {
      characters: state.characters.map((character) => character.name),
      action: brief.action,
      actionPhrase: brief.actionPhrase ?? null,
      location: state.location?.name ?? null,
      camera: brief.camera,
      shotSize: shotSizeIn(state.requestText),
      durationSeconds: state.durationSeconds,
      corrections: state.adjustments.corrections ?? [],
    },
  );
}

/** Plans the shots of this take (one clip for a single-shot request) and fans them out with Send. */
export function planShots(state: DepartmentStateValue): ShotTask[] {
  const brief = state.brief!;
  const facts = clipFacts(state);
  // Only a reference the provider may be sent: a paid model's take is made from text instead of a drawing.
  const locationImage = startImageOf(state.location);
  const images: ShotTask["images"] = {};
  if (state.method === "composite-to-video" && locationImage) images.compositeImage = locationImage;
  // Without a picture of the place, a character's own reference (an upload or a model's image) starts it.
  const sourceImage = locationImage ?? state.characters.map(startImageOf).find((image) => image !== undefined);
  if (state.method === "image-to-video" && sourceImage) images.sourceImage = sourceImage;
  // Images the caller gave win over the references the head would use.
  Object.assign(images, state.asked?.images ?? {});
  return [
    {
      index: 1,
      method: state.method ?? "text-to-video",
      // Written for the model that renders it when the shot is generated; this reads well until then.
      prompt: shotPrompt(LOCAL_VIDEO_MODEL, facts).prompt,
      facts,
      durationSeconds: state.durationSeconds,
      characters: state.characters.map((character) => character.name),
      location: state.location?.name ?? null,
      action: brief.action,
      camera: brief.camera,
      motionStrength: state.adjustments.motionStrength,
      seed: shotSeed(state.takeId, 1),
      images,
    },
  ];
}

export function dispatchShots(state: DepartmentStateValue): Send[] {
  return planShots(state).map((shot) => new Send("video_generator", { ...state, shots: [shot] }));
}

async function generateShot(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const planned = state.shots[0]!;
  // The request's earlier takes and regenerations count: nothing is spent past its budget.
  const budget = runtime.config.budgetUsd;
  const lines = clipLines(state.brief!.dialogue, planned.characters);
  const next = talkingClipCostUsd(runtime, planned, lines);
  const checkBudget = async () => {
    const spent = await spentOnRequest(runtime, state);
    if (wouldPassBudget(spent, next, budget)) {
      throw new CutroomError(
        "BUDGET_EXCEEDED",
        `${budgetNote(spent, next, budget, `take ${state.attempt}'s clip`)}, so it was not generated`,
        { field: "CUTROOM_BUDGET_USD" },
      );
    }
  };
  await checkBudget();
  runtime.progress.emit("generate", 0, `shot ${planned.index}: ${planned.method}`);
  // The composite is made only when the clip still fits the budget after it.
  const composite = await compositeFor(runtime, config, state, planned, null, next);
  if (composite !== null) await checkBudget();
  const shot: ShotTask =
    composite === null ? planned : { ...planned, images: { ...planned.images, compositeImage: composite.mediaId } };
  const facts = shot.facts ?? clipFacts(state);
  const written = await writeShotPrompt(runtime, state.requestText, {
    facts,
    built: shotPrompt(runtime.video.modelFor(shot.method), facts),
  });
  // A job, so a clip is generated once per take and clip index even when the job is retried after a crash.
  const data: GenerateJobData = {
    projectId: state.projectId,
    takeId: state.takeId,
    shot: await withSpeech(
      runtime,
      state,
      { ...shot, prompt: written.prompt, negativePrompt: written.negativePrompt, model: paidModel(runtime, shot) },
      lines,
      config.signal ?? null,
    ),
    frame: frameOf(runtime),
  };
  const jobId = generateJobId(state.takeId, shot.index);
  const started = Date.now();
  const result = (await cancelledBy(runtime.jobs, config.signal).run(
    "generate",
    { ...data },
    jobId,
  )) as GenerateJobResult;
  const { mediaId, costUsd } = result.output;
  const reused = await markRequestClip(runtime, state, { mediaId, costUsd, shotIndex: shot.index, startedMs: started });
  return takeWork(state, {
    clips: [
      {
        ...result.output,
        ...(composite === null ? {} : { compositeReferenceId: composite.referenceId }),
      } as GeneratedClipOutput,
    ],
    // The method's reason goes with the clip, so the report says why it was made that way.
    outputs: [
      graded(state, "video-generator", { ...result, output: { ...result.output, methodReason: state.methodReason } }),
    ],
    ledger: [
      {
        run: runOf(config),
        shotIndex: shot.index,
        attempt: state.attempt,
        mediaId: result.output.mediaId,
        costUsd: reused ? 0 : result.output.costUsd,
        seconds: (Date.now() - started) / 1000,
        reused,
        model: result.output.model,
        passed: true,
        reason: null,
      },
    ],
  });
}

export const videoGeneratorNode = endsTakeOnFailure(generateShot);

/** Joins the parallel generator results: the take's picture is its clip until later stages replace it. */
export function collectClipsNode(state: DepartmentStateValue): Update {
  return { finalMedia: finalOf(clipsInShotOrder(state)[0]!) };
}

/**
 * The scene's clips and the joins between them. A join is the plan's transition when both neighbours
 * exist; next to a missing shot it becomes a cut and the tail handle made for the transition is trimmed.
 */
export function sceneJoins(state: DepartmentStateValue) {
  const clips = clipsInShotOrder(state);
  const transitions: SceneTask["transitions"] = [];
  const definitions = clips.map((clip, position) => {
    const next = clips[position + 1];
    const planned = state.plan?.transitions.find((transition) => transition.fromShot === clip.index) ?? null;
    const handle = planned && planned.type !== "cut" ? planned.duration : 0;
    const joined = planned !== null && next !== undefined && next.index === clip.index + 1 && planned.type !== "cut";
    if (joined)
      transitions.push({ fromClip: clip.index, toClip: next.index, type: planned.type, duration: planned.duration });
    return {
      mediaId: clip.mediaId,
      sequence: clip.index,
      durationSeconds: clip.durationSeconds,
      trimEnd: joined ? 0 : handle,
    };
  });
  const expectedSeconds = state.plan
    ? state.plan.shots
        .filter((shot) => clips.some((clip) => clip.index === shot.index))
        .reduce((sum, shot) => sum + shot.duration, 0)
    : state.durationSeconds;
  return { clips: definitions, transitions, expectedSeconds };
}

export const sceneAssemblerNode = endsTakeOnFailure(assembleScene);

async function assembleScene(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("assemble", 0, state.plan ? "assembling the scene" : "assembling and grading the picture");
  const joins = sceneJoins(state);
  // As a job (like generation), so a retried or resumed assembly is tracked and leaves no orphan objects.
  const task: SceneTask = {
    clips: joins.clips,
    transitions: joins.transitions,
    postProcessing: { colorGrade: state.brief?.grade ?? null, sharpen: state.adjustments.sharpen, denoise: false },
  };
  const result = (await cancelledBy(runtime.jobs, config.signal).run(
    "assemble",
    { projectId: state.projectId, takeId: state.takeId, input: task, frame: frameOf(runtime) },
    `assemble-${state.takeId}`,
  )) as Awaited<ReturnType<typeof runSceneAssembler>>;
  return {
    finalMedia: finalOf(result.output),
    ...takeWork(state, { outputs: [graded(state, "scene-assembler", result)] }),
  };
}

export const audioIntegratorNode = endsTakeOnFailure(integrateAudio);

async function integrateAudio(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("audio", 0, "voicing and mixing");
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const brief = state.brief!;
  const fallbackSpeaker = state.characters[0]?.name ?? null;
  const plan = state.plan;
  const dialogue = plan
    ? plan.dialogue.map((line) => ({
        character: line.character,
        text: line.text,
        emotion: "neutral",
        startTime: line.startTime,
      }))
    : brief.dialogue
        .map((line) => ({ character: line.character ?? fallbackSpeaker, text: line.text, emotion: "neutral" }))
        .filter((line): line is AudioTask["dialogue"][number] => line.character !== null);
  const result = await runAudioIntegrator(context, {
    videoMediaId: state.finalMedia!.mediaId,
    durationSeconds: state.finalMedia!.durationSeconds,
    dialogue,
    ambience: plan ? null : (brief.ambience ?? (brief.location ? `${brief.location} ambience` : null)),
    music: plan?.music ?? null,
    sfx: plan?.sfx ?? [],
  });
  return {
    finalMedia: finalOf(result.output),
    ...takeWork(state, { outputs: [graded(state, "audio-integrator", result)] }),
  };
}

export const qualityVerifierNode = endsTakeOnFailure(verifyTake);

async function verifyTake(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("verify", 0, "measuring the take");
  const { width, height, fps } = runtime.config.video;
  const clips = clipsInShotOrder(state);
  const continuityPairs = (state.plan?.shots ?? [])
    .filter((shot) => shot.continuesFrom !== null)
    .map((shot) => ({
      previous: clips.find((clip) => clip.index === shot.continuesFrom),
      next: clips.find((clip) => clip.index === shot.index),
    }))
    .filter(
      (pair): pair is { previous: GeneratedClipOutput; next: GeneratedClipOutput } =>
        pair.previous !== undefined && pair.next !== undefined,
    )
    .map((pair) => ({
      label: `${pair.previous.index}→${pair.next.index}`,
      previousMediaId: pair.previous.mediaId,
      nextMediaId: pair.next.mediaId,
    }));
  const task: VerifyTask = {
    mediaId: state.finalMedia!.mediaId,
    consistencyMediaId: clips[0]?.mediaId ?? state.finalMedia!.mediaId,
    expectedDurationSeconds: sceneJoins(state).expectedSeconds,
    resolution: `${width}x${height}`,
    fps,
    referenceIds: [
      ...state.characters.flatMap((character) => character.referenceMediaIds),
      ...(state.location?.referenceMediaIds ?? []),
    ],
    continuityPairs,
    // A take whose sound the department mixed is delivered as is: its loudness is checked against the target.
    audioRole: state.specialists.includes("audio-integrator") ? "final-mix" : "raw",
    ...(await takeSpeech(runtime, state, clips, sceneJoins(state))),
  };
  const result = (await cancelledBy(runtime.jobs, config.signal).run(
    "verify",
    { projectId: state.projectId, takeId: state.takeId, input: task, frame: frameOf(runtime) },
    `verify-${state.takeId}`,
  )) as Awaited<ReturnType<typeof runQualityVerifier>>;
  runtime.progress.emit(
    "verify",
    1,
    `overall quality ${result.output.overallQuality.toFixed(2)} (${result.output.passed ? "passed" : "failed"})`,
  );
  return { verification: result.output, ...takeWork(state, { outputs: [graded(state, "quality-verifier", result)] }) };
}
