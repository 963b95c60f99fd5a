/**
 * The head's first step: read the request, find or create its characters and location in the Brain
 * (each with a stable look and a master reference image), and decide method and specialists.
 */
import { join } from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import { newId, seedFrom } from "../../../ids.js";
import { renderCharacterReference, renderLocationReference } from "../../../providers/video/local.js";
import { lookForLocation, profileForCharacter } from "../../../brain/profiles.js";
import type { Runtime } from "../../../runtime.js";
import { createToolContext, storeMedia, type ToolContext } from "../../../tools/context.js";
import { chooseMethod, chooseSpecialists } from "../policy.js";
import type { DepartmentStateValue, EntityRef } from "../state.js";
import { understandRequest, videoRelevance } from "../understand.js";

const REFERENCE_SIZE = { width: 320, height: 180 };

async function characterEntity(runtime: Runtime, context: ToolContext, name: string): Promise<EntityRef> {
  let character = await runtime.brain.findCharacterByName(name);
  const created = character === null;
  if (character === null) {
    character = await runtime.brain.saveCharacter({
      id: newId("chr"),
      name,
      profile: profileForCharacter(name),
      voiceId: null,
      createdAt: new Date().toISOString(),
    });
  }
  let references = await runtime.brain.referencesOf(character.id);
  if (!references.some((reference) => reference.kind === "character-master")) {
    const path = join(context.workDir, `${newId("ref")}.png`);
    await renderCharacterReference(character.profile, path, REFERENCE_SIZE, runtime.config.ffmpegTimeoutMs);
    const saved = await storeMedia(context, {
      path,
      kind: "image",
      name: "master",
      prefix: `characters/${character.id}`,
      generation: { referenceKind: "character-master", characterId: character.id, profile: character.profile },
    });
    await runtime.brain.saveReference(
      {
        id: newId("ref"),
        kind: "character-master",
        mediaId: saved.mediaId,
        objectKey: saved.key,
        createdAt: new Date().toISOString(),
      },
      character.id,
    );
    references = await runtime.brain.referencesOf(character.id);
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
  let location = await runtime.brain.findLocationByName(name);
  const created = location === null;
  if (location === null) {
    location = await runtime.brain.saveLocation({
      id: newId("loc"),
      name,
      look: lookForLocation(name),
      createdAt: new Date().toISOString(),
    });
  }
  let references = await runtime.brain.referencesOf(location.id);
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
      generation: { referenceKind: "location-master", locationId: location.id, look: location.look },
    });
    await runtime.brain.saveReference(
      {
        id: newId("ref"),
        kind: "location-master",
        mediaId: saved.mediaId,
        objectKey: saved.key,
        createdAt: new Date().toISOString(),
      },
      location.id,
    );
    references = await runtime.brain.referencesOf(location.id);
  }
  return {
    id: location.id,
    name: location.name,
    referenceIds: references.map((reference) => reference.id),
    referenceMediaIds: references.map((reference) => reference.mediaId),
    created,
  };
}

export async function assessNode(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): Promise<Partial<DepartmentStateValue>> {
  const runtime = runtimeOf(config);
  runtime.progress.emit("assess", 0, "reading the request");
  const brief = understandRequest(state.requestText);
  const relevance = videoRelevance(state.requestText);
  const takeId = newId("vid");
  const context = await createToolContext(runtime, state.projectId, takeId);
  runtime.progress.emit("assess", 0.3, "looking up characters and locations in the Brain");
  const characters: EntityRef[] = [];
  for (const name of brief.characters) characters.push(await characterEntity(runtime, context, name));
  const location = brief.location === null ? null : await locationEntity(runtime, context, brief.location);
  const method = chooseMethod({
    characterCount: characters.length,
    characterReferences: characters.filter((character) => character.referenceMediaIds.length > 0).length,
    hasLocationReference: (location?.referenceMediaIds.length ?? 0) > 0,
    continueFrom: null,
    failedChecks: [],
  });
  const { specialists, reasons } = chooseSpecialists(brief);
  runtime.progress.emit("assess", 1, `method ${method.method}; specialists ${specialists.join(", ")}`);
  return {
    brief,
    relevance,
    characters,
    location,
    method: method.method,
    methodReason: method.reason,
    specialists,
    specialistReasons: reasons,
    durationSeconds: brief.durationSeconds ?? runtime.config.video.clipSeconds,
    takeId,
    attempt: 1,
  };
}
