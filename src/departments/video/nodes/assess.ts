/**
 * The head's first step: read the request, find or create its characters and location in the Brain
 * (each with a stable look and a master reference image), and decide method and specialists.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import { newId, seedFrom } from "../../../ids.js";
import { renderCharacterReference, renderLocationReference } from "../../../providers/video/local.js";
import { lookForLocation, profileForCharacter } from "../../../brain/profiles.js";
import type { Runtime } from "../../../runtime.js";
import {
  createToolContext,
  isLocalDrawing,
  LOCAL_RENDERER,
  storeMedia,
  type ToolContext,
} from "../../../tools/context.js";
import { askedMethod, asksForOneClip, withAsked } from "../asked.js";
import { chooseMethod, chooseSpecialists, DRAWINGS_WITHHELD_REASON, startImageOf } from "../policy.js";
import type { DepartmentStateValue, EntityRef } from "../state.js";
import { pricePerSecond } from "../planner/cost.js";
import { extractSceneFacts } from "../planner/deterministic.js";
import { planSceneRequest } from "../planner/index.js";
import type { ScenePlan } from "../planner/plan.js";
import {
  assertUsableMessage,
  GRADE_PRESETS,
  isSceneRequest,
  understandRequest,
  videoRelevance,
  type VideoBrief,
} from "../understand.js";

const REFERENCE_SIZE = { width: 320, height: 180 };

async function characterEntity(runtime: Runtime, context: ToolContext, name: string): Promise<EntityRef> {
  const brain = runtime.brain.forProject(context.projectId);
  let character = await brain.findCharacterByName(name);
  const created = character === null;
  if (character === null) {
    character = await brain.saveCharacter({
      id: newId("chr"),
      name,
      profile: profileForCharacter(name),
      voiceId: null,
      createdAt: new Date().toISOString(),
    });
  }
  let references = await brain.referencesOf(character.id);
  if (!references.some((reference) => reference.kind === "character-master")) {
    const path = join(context.workDir, `${newId("ref")}.png`);
    await renderCharacterReference(character.profile, path, REFERENCE_SIZE, runtime.config.ffmpegTimeoutMs);
    const saved = await storeMedia(context, {
      path,
      kind: "image",
      name: "master",
      prefix: `characters/${character.id}`,
      ownerId: character.id,
      generation: {
        referenceKind: "character-master",
        drawnBy: LOCAL_RENDERER,
        characterId: character.id,
        profile: character.profile,
      },
    });
    await brain.saveReference(
      {
        id: newId("ref"),
        kind: "character-master",
        mediaId: saved.mediaId,
        objectKey: saved.key,
        createdAt: new Date().toISOString(),
      },
      character.id,
    );
    references = await brain.referencesOf(character.id);
  }
  return {
    id: character.id,
    name: character.name,
    referenceIds: references.map((reference) => reference.id),
    referenceMediaIds: references.map((reference) => reference.mediaId),
    created,
  };
}

async function locationEntity(runtime: Runtime, context: ToolContext, name: string): Promise<EntityRef> {
  const brain = runtime.brain.forProject(context.projectId);
  let location = await brain.findLocationByName(name);
  const created = location === null;
  if (location === null) {
    location = await brain.saveLocation({
      id: newId("loc"),
      name,
      look: lookForLocation(name),
      createdAt: new Date().toISOString(),
    });
  }
  let references = await brain.referencesOf(location.id);
  if (!references.some((reference) => reference.kind === "location-master")) {
    const path = join(context.workDir, `${newId("ref")}.png`);
    const { width, height } = runtime.config.video;
    await renderLocationReference(
      location.look,
      seedFrom(location.id),
      path,
      { width, height },
      runtime.config.ffmpegTimeoutMs,
    );
    const saved = await storeMedia(context, {
      path,
      kind: "image",
      name: "master",
      prefix: `locations/${location.id}`,
      ownerId: location.id,
      generation: {
        referenceKind: "location-master",
        drawnBy: LOCAL_RENDERER,
        locationId: location.id,
        look: location.look,
      },
    });
    await brain.saveReference(
      {
        id: newId("ref"),
        kind: "location-master",
        mediaId: saved.mediaId,
        objectKey: saved.key,
        createdAt: new Date().toISOString(),
      },
      location.id,
    );
    references = await brain.referencesOf(location.id);
  }
  return {
    id: location.id,
    name: location.name,
    referenceIds: references.map((reference) => reference.id),
    referenceMediaIds: references.map((reference) => reference.mediaId),
    created,
  };
}

/**
 * An entity with the references a generation may start from. The local renderer animates its own
 * drawings, as always; a paid model is never sent one, so for it the drawings are withheld (and counted,
 * so the method's reason can say why it is made from text).
 */
async function withImageReferences(
  runtime: Runtime,
  entity: EntityRef,
): Promise<{ entity: EntityRef; withheld: number }> {
  if (runtime.video.acceptsDrawings) return { entity, withheld: 0 };
  const usable: string[] = [];
  let withheld = 0;
  for (const mediaId of entity.referenceMediaIds) {
    const record = await runtime.media.get(mediaId);
    if (record === null || record.status !== "live") continue;
    if (isLocalDrawing(record)) withheld++;
    else usable.push(mediaId);
  }
  return { entity: { ...entity, imageReferenceMediaIds: usable }, withheld };
}

/** A scene request becomes a plan first; its brief is what the head and the specialists read. */
async function sceneBrief(runtime: Runtime, text: string): Promise<{ plan: ScenePlan; brief: VideoBrief }> {
  assertUsableMessage(text);
  const plan = await planSceneRequest(text, {
    fps: runtime.config.video.fps,
    priceFor: (method, seconds) => pricePerSecond(runtime.config, method) * seconds,
    llm: runtime.llm,
    log: runtime.log,
  });
  const first = plan.shots[0]!;
  const characters = [...new Set(plan.shots.flatMap((shot) => shot.characters))];
  const brief: VideoBrief = {
    characters: characters.length > 0 ? characters : extractSceneFacts(text).characters,
    location: first.location,
    action: first.action,
    camera: first.camera,
    durationSeconds: null,
    grade: GRADE_PRESETS.find((preset) => new RegExp(`\\b${preset}\\b`, "i").test(text)) ?? null,
    dialogue: plan.dialogue.map((line) => ({ character: line.character, text: line.text })),
    ambience: plan.sfx[0]?.description ?? null,
  };
  return { plan, brief };
}

export async function assessNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Partial<DepartmentStateValue>> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("assess", 0, "reading the request");
  const scene =
    isSceneRequest(state.requestText) && !asksForOneClip(state.asked)
      ? await sceneBrief(runtime, state.requestText)
      : null;
  const brief = scene?.brief ?? withAsked(understandRequest(state.requestText), state.asked);
  if (scene) {
    runtime.progress.emit(
      "plan",
      1,
      `${scene.plan.totalDuration} s scene in ${scene.plan.shots.length} shots (${scene.plan.archetype}), estimated $${scene.plan.estimatedCostUsd.toFixed(2)}`,
    );
  }
  const relevance = videoRelevance(state.requestText);
  const takeId = newId("vid");
  const context = await createToolContext(runtime, state.projectId, takeId);
  runtime.progress.emit("assess", 0.3, "looking up characters and locations in the Brain");
  // References are drawn outside the take's scratch root, where no tool can name them by a scratch id.
  const drawing = { ...context, workDir: join(context.workDir, "references") };
  await mkdir(drawing.workDir, { recursive: true });
  const characters: EntityRef[] = [];
  let drawingsWithheld = 0;
  for (const name of brief.characters) {
    const found = await withImageReferences(runtime, await characterEntity(runtime, drawing, name));
    characters.push(found.entity);
    drawingsWithheld += found.withheld;
  }
  const located =
    brief.location === null
      ? null
      : await withImageReferences(runtime, await locationEntity(runtime, drawing, brief.location));
  const location = located?.entity ?? null;
  drawingsWithheld += located?.withheld ?? 0;
  const hasLocationReference = startImageOf(location) !== undefined;
  const method =
    askedMethod(state.asked, hasLocationReference, (located?.withheld ?? 0) > 0) ??
    chooseMethod({
      characterCount: characters.length,
      characterReferences: characters.filter((character) => startImageOf(character) !== undefined).length,
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
    methodReason: scene
      ? drawingsWithheld > 0
        ? `chosen per shot: ${DRAWINGS_WITHHELD_REASON}, so shots are made from the prompt (continuing shots start from the previous clip's last frame)`
        : "chosen per shot by the plan (continuing shots start from the previous clip's last frame)"
      : method.reason,
    specialists: withAudio,
    specialistReasons: reasons,
    durationSeconds: scene ? scene.plan.totalDuration : (brief.durationSeconds ?? runtime.config.video.clipSeconds),
    plan: scene?.plan ?? null,
    takeId,
    attempt: 1,
  };
}
