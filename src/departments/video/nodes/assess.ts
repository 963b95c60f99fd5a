/**
 * The head's first step: read the request, find or create its characters and location in the Brain
 * (each with a stable look and a master reference image), and decide method and specialists.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import { createToolContext } from "../../../tools/context.js";
import { askedMethod, asksForOneClip, withAsked } from "../asked.js";
import { chooseMethod, chooseSpecialists, DRAWINGS_WITHHELD_REASON, startImageOf } from "../policy.js";
import { singleClipLimit } from "../planner/lengths.js";
import { plansAsScene, sceneBrief } from "../scene-brief.js";
import { characterEntity, locationEntity, referenceWorkDir, type ReferenceNotes } from "../references.js";
import { newTakeId, type DepartmentStateValue, type EntityRef } from "../state.js";
import { understandRequest, videoRelevance } from "../understand.js";

export async function assessNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Partial<DepartmentStateValue>> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("assess", 0, "reading the request");
  const planned =
    state.givenPlan !== null || (plansAsScene(state.requestText, runtime.config) && !asksForOneClip(state.asked))
      ? await sceneBrief(runtime, state.requestText)
      : null;
  // The request's words still name its cast and place; an edited plan only replaces the shots and lines.
  const scene = planned && state.givenPlan ? { ...planned, plan: state.givenPlan } : planned;
  const brief =
    scene?.brief ?? withAsked(understandRequest(state.requestText, singleClipLimit(runtime.config)), state.asked);
  if (scene) {
    runtime.progress.emit(
      "plan",
      1,
      `${scene.plan.totalDuration} s scene in ${scene.plan.shots.length} shots (${scene.plan.archetype}), estimated $${scene.plan.estimatedCostUsd.toFixed(2)}`,
    );
  }
  const relevance = videoRelevance(state.requestText);
  const takeId = newTakeId();
  const context = await createToolContext(runtime, state.projectId, takeId);
  runtime.progress.emit("assess", 0.3, "looking up characters and locations in the Brain");
  const drawing = await referenceWorkDir({ ...context, signal: config.signal ?? null });
  const paidBy = { projectId: state.projectId, requestId: state.requestId };
  const notes: ReferenceNotes = { withheld: 0, unmade: [] };
  const characters: EntityRef[] = [];
  for (const name of brief.characters) {
    const described = brief.descriptions?.[name] ?? null;
    characters.push(await characterEntity(runtime, drawing, name, paidBy, notes, described));
  }
  const characterWithheld = notes.withheld;
  const location =
    brief.location === null ? null : await locationEntity(runtime, drawing, brief.location, paidBy, notes);
  const locationWithheld = notes.withheld - characterWithheld;
  const drawingsWithheld = notes.withheld;
  const hasLocationReference = startImageOf(location) !== undefined;
  const method =
    askedMethod(state.asked, hasLocationReference, locationWithheld > 0) ??
    chooseMethod({
      characterCount: characters.length,
      characterReferences: characters.filter((character) => startImageOf(character) !== undefined).length,
      characterPhotos: characters.filter((character) => (character.imageReferenceMediaIds ?? []).length > 0).length,
      hasLocationReference,
      continueFrom: null,
      failedChecks: [],
      drawingsWithheld,
    });
  const chosen = chooseSpecialists(brief);
  const specialists =
    scene && !chosen.specialists.includes("scene-assembler")
      ? (["video-generator", "scene-assembler", ...chosen.specialists.slice(1)] as typeof chosen.specialists)
      : chosen.specialists;
  const hasSound =
    scene !== null && (scene.plan.music !== null || scene.plan.sfx.length > 0 || scene.plan.dialogue.length > 0);
  const withAudio =
    hasSound && !specialists.includes("audio-integrator")
      ? ([...specialists.slice(0, -1), "audio-integrator", "quality-verifier"] as typeof specialists)
      : specialists;
  const reasons = scene
    ? [
        ...chosen.reasons,
        `scene-assembler: ${scene.plan.shots.length} shots joined by ${scene.plan.transitions.map((item) => item.type).join(", ") || "nothing"}`,
      ]
    : chosen.reasons;
  runtime.progress.emit(
    "assess",
    1,
    `method ${scene ? "per shot" : `${method.method} (${method.reason})`}; specialists ${withAudio.join(", ")}`,
  );
  return {
    brief,
    relevance,
    characters,
    location,
    method: scene ? scene.plan.shots[0]!.method : method.method,
    methodReason:
      (scene
        ? drawingsWithheld > 0
          ? `chosen per shot: ${DRAWINGS_WITHHELD_REASON}, so shots are made from the prompt (continuing shots start from the previous clip's last frame)`
          : "chosen per shot by the plan (continuing shots start from the previous clip's last frame)"
        : method.reason) + (notes.unmade.length > 0 ? `; ${notes.unmade.join("; ")}` : ""),
    specialists: withAudio,
    specialistReasons: reasons,
    durationSeconds: scene ? scene.plan.totalDuration : (brief.durationSeconds ?? runtime.config.video.clipSeconds),
    plan: scene?.plan ?? null,
    takeId,
    attempt: 1,
  };
}
