/**
 * Multi-clip scenes: the plan becomes shots, continuity chains run in parallel (Send), shots inside a
 * chain run in order so each continuing shot starts from the previous clip's last frame. A shot already
 * stored for this request is reused, never generated (or paid for) twice; a shot that fails its checks is
 * retried with the failed checks as feedback, and the scene goes on when at least 80% of shots exist.
 */
import { join } from "node:path";
import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import type { GradedOutput } from "../../../domain.js";
import { CutroomError, isCutroomError } from "../../../errors.js";
import { newId } from "../../../ids.js";
import { extractFrame } from "../../../media/frames.js";
import { verifyVideo } from "../../../media/quality.js";
import { generateJobId, type GenerateJobData, type GenerateJobResult } from "../jobs.js";
import { frameOf } from "../shape.js";
import { cancelledBy } from "../../../jobs/cancel.js";
import { isFinalFailure } from "../../../jobs/types.js";
import type { GeneratedClipOutput, ShotTask } from "../../../specialists/video-generator/index.js";
import { createToolContext } from "../../../tools/context.js";
import { holdBudget } from "../budget.js";
import { writeShotPrompt } from "../llm.js";
import { adjustFromFeedback, startImageOf } from "../policy.js";
import { clipCostUsd, paidModel } from "../planner/cost.js";
import type { DepartmentStateValue, DepartmentUpdate, LedgerEntry, ShotFailure } from "../state.js";
import { LOCAL_VIDEO_MODEL } from "../../../config.js";
import { factsOfTask, plannedShotFacts, sceneShotMethod, shotPrompt } from "../shot-prompt.js";
import { compositeFor } from "./composite-step.js";
import { markRequestClip, reuse, storedShot } from "./scene-reuse.js";
import { currentTake, takeWork } from "./take-facts.js";
import { sceneShotLines, talkingClipCostUsd, withSpeech } from "../talking.js";
import { endsTakeOnFailure, runOf, shotSeed } from "./take-run.js";

type Update = DepartmentUpdate;

/** Share of a scene's shots that must exist for a (partial) scene to be assembled. */
export const MIN_SUCCESS_SHARE = 0.8;
/** Regenerations of one shot after its first attempt. */
export const SHOT_RETRIES = 2;

export function sceneShots(state: DepartmentStateValue): ShotTask[] {
  const plan = state.plan!;
  // Only a reference the provider may be sent: for a paid model no drawing, so shots start from text or,
  // when they continue, from the previous clip's last frame.
  const locationImage = startImageOf(state.location);
  return plan.shots.map((shot) => {
    const images: ShotTask["images"] = {};
    const method = sceneShotMethod(shot, locationImage !== undefined);
    if (locationImage !== undefined) {
      // A continuing shot's first frame (the previous clip's last) is extracted when the chain reaches it.
      if (shot.continuesFrom !== null) images.lastFrame = locationImage;
      else if (method === "composite-to-video") images.compositeImage = locationImage;
      else if (method === "image-to-video") images.sourceImage = locationImage;
    }
    const { facts, durationSeconds } = plannedShotFacts(
      state.brief ?? { grade: null },
      { characters: state.characters, location: state.location },
      plan,
      shot,
    );
    return {
      index: shot.index,
      method,
      // Written for the model that renders it when the chain reaches the shot; this reads well until then.
      prompt: shotPrompt(LOCAL_VIDEO_MODEL, facts).prompt,
      facts,
      durationSeconds,
      characters: shot.characters,
      location: shot.location,
      action: shot.action,
      camera: shot.camera,
      motionStrength: state.adjustments.motionStrength,
      seed: shotSeed(state.takeId, shot.index),
      images,
    };
  });
}

/** Continuity chains: a shot that continues its predecessor joins its chain. */
export function continuityChains(state: DepartmentStateValue): ShotTask[][] {
  const chains: ShotTask[][] = [];
  const shots = sceneShots(state);
  for (const shot of shots) {
    const planned = state.plan!.shots.find((candidate) => candidate.index === shot.index)!;
    if (planned.continuesFrom !== null && chains.length > 0) chains[chains.length - 1]!.push(shot);
    else chains.push([shot]);
  }
  return chains;
}

export function dispatchSceneChains(state: DepartmentStateValue): Send[] {
  return continuityChains(state).map((chain) => new Send("scene_generator", { ...state, shots: chain }));
}

export const sceneGeneratorNode = endsTakeOnFailure(generateChain);

async function generateChain(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<Update> {
  const runtime = runtimeOf(config);
  const run = runOf(config);
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const { width, height, fps } = runtime.config.video;
  const clips: GeneratedClipOutput[] = [];
  const ledger: LedgerEntry[] = [];
  const failures: ShotFailure[] = [];
  const outputs: GradedOutput[] = [];
  let previousPath: string | null = null;
  for (const planned of state.shots) {
    const existing = await storedShot(runtime, state, planned.index);
    if (existing) {
      const clip = await reuse(context, existing, planned);
      runtime.progress.emit("generate", null, `shot ${planned.index}: already stored as ${existing.id}, reused`);
      clips.push(clip);
      ledger.push({
        run,
        shotIndex: planned.index,
        attempt: 0,
        mediaId: existing.id,
        costUsd: 0,
        seconds: 0,
        reused: true,
        model: clip.model,
        passed: true,
        reason: null,
      });
      previousPath = clip.path;
      continue;
    }
    const shot: ShotTask = { ...planned, images: { ...planned.images } };
    const continuing = state.plan!.shots.find((candidate) => candidate.index === planned.index)?.continuesFrom !== null;
    if (continuing && previousPath !== null) {
      const frameId = newId("frame");
      await extractFrame(previousPath, "last", join(context.workDir, `${frameId}.png`), {
        timeoutMs: runtime.config.ffmpegTimeoutMs,
      });
      if (shot.method === "first-last-frame") shot.images.firstFrame = frameId;
      else shot.images.sourceImage = frameId;
    } else if (continuing) {
      // The shot it continues failed: start from the references instead.
      shot.method = shot.images.lastFrame ? "image-to-video" : "text-to-video";
      if (shot.images.lastFrame) shot.images = { sourceImage: shot.images.lastFrame };
    }
    const plannedShot = state.plan!.shots.find((candidate) => candidate.index === planned.index);
    const composite = await compositeFor(
      runtime,
      config,
      state,
      shot,
      plannedShot?.shotType ?? null,
      clipCostUsd(runtime.config, shot.method, shot.durationSeconds),
    );
    if (composite !== null) shot.images = { ...shot.images, compositeImage: composite.mediaId };
    // The prompt is written once the method (so the model) is settled, and again with each retry's corrections.
    const writePrompt = (corrections: string[]) => {
      const facts = { ...factsOfTask(planned), corrections };
      return writeShotPrompt(runtime, state.requestText, {
        facts,
        built: shotPrompt(runtime.video.modelFor(shot.method), facts),
      });
    };
    let written = await writePrompt([]);
    const lines = sceneShotLines(state.plan!, planned.index);
    let adjustments = state.adjustments;
    let done: GeneratedClipOutput | null = null;
    let lastReason = "";
    for (let attempt = 1; attempt <= 1 + SHOT_RETRIES && done === null; attempt++) {
      // Every chain, run and regeneration of the request counts: no attempt takes it past its budget.
      const next = talkingClipCostUsd(runtime, shot, lines);
      const hold = await holdBudget(runtime, state, next, `attempt ${attempt} at shot ${planned.index}`);
      if (typeof hold === "string") {
        const note = `${hold}, so it was not generated`;
        lastReason = lastReason === "" ? note : `${lastReason}; ${note}`;
        break;
      }
      runtime.progress.emit(
        "generate",
        (planned.index - 1) / state.plan!.shots.length,
        `shot ${planned.index} attempt ${attempt}: ${shot.method}`,
      );
      const started = Date.now();
      try {
        // Through the job queue, which bounds how many clips render at once across all chains.
        // The shot's lines are voiced before it is made (once: later attempts find them voiced).
        const jobShot: ShotTask = await withSpeech(
          runtime,
          state,
          {
            ...shot,
            prompt: written.prompt,
            negativePrompt: written.negativePrompt,
            model: paidModel(runtime, shot),
            motionStrength: adjustments.motionStrength,
            seed: shotSeed(state.takeId, planned.index, attempt),
          },
          lines,
          config.signal ?? null,
        );
        const jobData: GenerateJobData = {
          projectId: state.projectId,
          takeId: state.takeId,
          shot: jobShot,
          frame: frameOf(runtime),
        };
        const jobId = `${generateJobId(state.takeId, planned.index)}-${attempt}`;
        const jobs = cancelledBy(runtime.jobs, config.signal);
        const result = (await jobs.run("generate", { ...jobData }, jobId)) as GenerateJobResult;
        const check = await verifyVideo({
          path: result.output.path ?? (await runtime.store.localPath(result.output.key, context.workDir)),
          expectedDurationSeconds: shot.durationSeconds,
          expectedWidth: width,
          expectedHeight: height,
          expectedFps: fps,
          characterReferences: [],
          locationReferences: [],
          checks: ["duration", "resolution", "fps", "motion-quality"],
          threshold: runtime.config.qualityThreshold,
        });
        // A clip a killed run stored before this call (found again by the job) was paid for then, not now.
        const reused = await markRequestClip(
          runtime,
          state,
          {
            mediaId: result.output.mediaId,
            costUsd: result.output.costUsd,
            shotIndex: planned.index,
            startedMs: started,
          },
          { shotPassed: check.passed, qualityScore: check.overallQuality },
        );
        hold.release();
        ledger.push({
          run,
          shotIndex: planned.index,
          attempt,
          mediaId: result.output.mediaId,
          costUsd: reused ? 0 : result.output.costUsd,
          seconds: (Date.now() - started) / 1000,
          reused,
          model: result.output.model,
          passed: check.passed,
          reason: check.passed ? null : check.issues.join("; "),
        });
        outputs.push({
          specialist: "video-generator",
          output: {
            ...result.output,
            takeId: state.takeId,
            shotIndex: planned.index,
            attempt,
            methodReason: state.methodReason,
            mode: result.mode,
            toolCalls: result.toolCalls,
          },
          selfAssessment: result.selfAssessment,
          grade: null,
        });
        // A clip the killed run had stored is not reported as made now: this run neither made nor paid for it.
        const how = reused ? "found stored by the run this one resumes, as" : "stored as";
        runtime.progress.emit(
          "generate",
          null,
          `shot ${planned.index} ${how} ${result.output.mediaId} (${check.passed ? "passed" : "failed"} its checks)`,
        );
        if (check.passed) {
          done = {
            ...result.output,
            ...(composite === null ? {} : { compositeReferenceId: composite.referenceId }),
          } as GeneratedClipOutput;
        } else {
          lastReason = check.issues.join("; ");
          adjustments = adjustFromFeedback(
            check.checks.filter((item) => !item.passed),
            adjustments,
            { characters: planned.characters, location: planned.location },
          );
          written = await writePrompt(adjustments.corrections ?? []);
        }
      } catch (error) {
        hold.release();
        lastReason = error instanceof Error ? error.message : String(error);
        ledger.push({
          run,
          shotIndex: planned.index,
          attempt,
          mediaId: null,
          costUsd: 0,
          seconds: (Date.now() - started) / 1000,
          reused: false,
          model: null,
          passed: false,
          reason: lastReason,
        });
        // A stop asked for (a cancel, a budget stop) ends the scene; a refusal another try cannot mend ends
        // this shot's tries.
        if (config.signal?.aborted || isCutroomError(error, "CANCELLED")) throw error;
        if (isFinalFailure(error)) break;
      }
    }
    if (done) {
      clips.push(done);
      previousPath = done.path ?? (await runtime.store.localPath(done.key, context.workDir));
    } else {
      failures.push({
        shotIndex: planned.index,
        reason: lastReason || "no clip",
        attempts: ledger.filter((entry) => entry.shotIndex === planned.index).length,
      });
      runtime.progress.emit("generate", null, `shot ${planned.index} failed: ${lastReason}`);
      previousPath = null;
    }
  }
  return takeWork(state, { clips, ledger, failures, outputs });
}

/** Joins the chains: enough shots → go on (partial when some are missing); too few → a clear failure. */
export const collectSceneNode = endsTakeOnFailure(collectScene);

function collectScene(state: DepartmentStateValue): Update {
  const plan = state.plan!;
  const { clips, failures } = currentTake(state);
  const share = clips.length / plan.shots.length;
  if (clips.length === 0 || share < MIN_SUCCESS_SHARE) {
    const missing = failures.map((failure) => `shot ${failure.shotIndex} (${failure.reason})`).join(", ");
    throw new CutroomError(
      "MEDIA",
      `only ${clips.length} of ${plan.shots.length} shots could be generated (at least ${Math.ceil(MIN_SUCCESS_SHARE * plan.shots.length)} are needed): ${missing}`,
    );
  }
  const first = [...clips].sort((left, right) => left.index - right.index)[0]!;
  return {
    finalMedia: { mediaId: first.mediaId, key: first.key, path: first.path, durationSeconds: first.durationSeconds },
  };
}
