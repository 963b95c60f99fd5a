/**
 * What the department asks a video model: the shot's facts in words (the request's own phrases, the Brain's
 * characters and places in words, a user's description first, corrections as visible things), written by
 * the builder of the model family that will render it. One function serves a single clip, each shot of a
 * scene, the retries of both and `cutroom plan`, so what the plan shows is what chat sends.
 */
import { actionInWords } from "../../brain/words.js";
import type { Action, CameraMove } from "../../domain.js";
import { buildPrompt } from "../../providers/video/prompts/index.js";
import type { BuiltPrompt, ShotFacts, ShotSize } from "../../providers/video/prompts/types.js";
import type { GenerationMethod } from "../../domain.js";
import type { ShotType } from "./planner/library.js";
import { clipSeconds, type PlannedShot, type ScenePlan } from "./planner/plan.js";
import type { EntityRef } from "./state.js";
import type { VideoBrief } from "./understand.js";

/** A plan's shot type as a shot size; two-shots and over-the-shoulder shots are medium. */
export function shotSizeOf(shotType: ShotType | null): ShotSize {
  switch (shotType) {
    case "extreme-wide":
      return "extreme-wide";
    case "wide":
      return "wide";
    case "close-up":
      return "close-up";
    case "medium":
    case "two-shot":
    case "over-the-shoulder":
      return "medium";
    default:
      return "full";
  }
}

/** A single clip's framing from the request's words ("a close-up of …"); a full shot shows the action. */
export function shotSizeIn(text: string): ShotSize {
  if (/\bextreme(ly)?[- ]wide\b/i.test(text)) return "extreme-wide";
  if (/\bmedium[- ]close\b/i.test(text)) return "medium-close";
  if (/\bclose[- ]?ups?\b|\bcloseups?\b/i.test(text)) return "close-up";
  if (/\bmedium shot\b|\bmid[- ]shot\b/i.test(text)) return "medium";
  if (/\bwide shot\b|\bwide angle\b|\bestablishing shot\b/i.test(text)) return "wide";
  return "full";
}

export interface ShotInput {
  characters: string[];
  action: Action;
  /** The request's or the plan shot's own words for the action. */
  actionPhrase: string | null;
  location: string | null;
  camera: CameraMove;
  shotSize: ShotSize;
  durationSeconds: number;
  corrections: string[];
}

/** The facts of one shot, from the brief and the entities the head looked up. */
export function shotFacts(
  brief: Pick<VideoBrief, "grade"> & Partial<Pick<VideoBrief, "placePhrase" | "descriptions" | "location">>,
  entities: { characters: EntityRef[]; location: EntityRef | null },
  shot: ShotInput,
): ShotFacts {
  const subjects = shot.characters.map((name) => {
    const entity = entities.characters.find((character) => character.name.toLowerCase() === name.toLowerCase());
    const given = brief.descriptions?.[name];
    return { name, description: given ? `${name}: ${given}` : (entity?.description ?? name) };
  });
  const samePlace = shot.location !== null && brief.location === shot.location;
  return {
    subjects,
    action: shot.actionPhrase ?? actionInWords(shot.action),
    setting:
      shot.location === null ? null : samePlace && brief.placePhrase ? brief.placePhrase : `the ${shot.location}`,
    settingDescription: placeWords(entities.location, shot.location),
    shotSize: shot.shotSize,
    camera: shot.camera,
    style: brief.grade,
    durationSeconds: shot.durationSeconds,
    corrections: shot.corrections,
  };
}

/** The shot's place in words, when the Brain's words say more than its name. */
function placeWords(location: EntityRef | null, name: string | null): string | null {
  if (location === null || name === null || location.name !== name) return null;
  const words = location.description ?? null;
  return words === null || words.trim().toLowerCase() === name.toLowerCase() ? null : words;
}

/** The prompt for a shot as the model that will make it reads prompts. */
export function shotPrompt(modelId: string, facts: ShotFacts): BuiltPrompt {
  return buildPrompt(modelId, facts);
}

/** A shot task's facts; a task from before facts were carried is described from its own fields. */
export function factsOfTask(task: {
  facts?: ShotFacts;
  characters: string[];
  action: Action;
  location: string | null;
  camera: CameraMove;
  durationSeconds: number;
}): ShotFacts {
  return (
    task.facts ?? {
      subjects: task.characters.map((name) => ({ name, description: name })),
      action: actionInWords(task.action),
      setting: task.location === null ? null : `the ${task.location}`,
      settingDescription: null,
      shotSize: "full",
      camera: task.camera,
      style: null,
      durationSeconds: task.durationSeconds,
      corrections: [],
    }
  );
}

/**
 * How a planned shot of a scene is made: a continuing shot starts from the clip before it (ending on the
 * place when there is a picture of it the provider may be sent, else image-to-video from the frame); any other
 * shot animates that picture as planned, or is made from text without one.
 */
export function sceneShotMethod(shot: PlannedShot, hasLocationImage: boolean): GenerationMethod {
  if (shot.continuesFrom !== null) return hasLocationImage ? shot.method : "image-to-video";
  if ((shot.method === "composite-to-video" || shot.method === "image-to-video") && hasLocationImage)
    return shot.method;
  return "text-to-video";
}

/** A planned shot's facts and clip length, as a scene's chain and `cutroom plan` both read them. */
export function plannedShotFacts(
  brief: Parameters<typeof shotFacts>[0],
  entities: Parameters<typeof shotFacts>[1],
  plan: ScenePlan,
  shot: PlannedShot,
): { facts: ShotFacts; durationSeconds: number } {
  const durationSeconds = Math.round(clipSeconds(plan, shot) * 1e6) / 1e6;
  const facts = shotFacts(brief, entities, {
    characters: shot.characters,
    action: shot.action,
    actionPhrase: shot.actionPhrase ?? null,
    location: shot.location,
    camera: shot.camera,
    shotSize: shotSizeOf(shot.shotType),
    durationSeconds,
    corrections: [],
  });
  return { facts, durationSeconds };
}
