/**
 * A composite per shot: with a real image model, a shot animated by composite-to-video starts from an image
 * made for it (its characters, from their master references, placed into the location's plate in the
 * shot's framing) rather than from the bare plate. It is the take's (stored with the take), linked in the
 * Brain to the references it was made from, and made once per take and shot: a resumed or retried shot
 * finds it stored and does not pay for it again.
 */
import { actionInWords, characterInWords, locationInWords } from "../../brain/words.js";
import { CutroomError } from "../../errors.js";
import { seedFrom } from "../../ids.js";
import type { Runtime } from "../../runtime.js";
import type { ShotTask } from "../../specialists/video-generator/index.js";
import { mediaPath, type ToolContext } from "../../tools/context.js";
import { makeReference, type PaidBy, type ReferenceNotes } from "./reference-store.js";
import { referenceWorkDir } from "./references.js";
import type { DepartmentStateValue, EntityRef } from "./state.js";

const SHOT_SIZES: Record<string, string> = {
  "extreme-wide": "extreme wide shot, figures small in the landscape",
  wide: "wide shot, full figures with the place around them",
  full: "full shot, head to toe",
  medium: "medium shot, from the waist up",
  "medium-close": "medium close-up, from the chest up",
  close: "close-up on the face",
  "close-up": "close-up on the face",
};

/** The words for a shot's framing; a single clip is framed as a full shot so the action shows. */
export function framingWords(shotType: string | null): string {
  return (shotType && SHOT_SIZES[shotType]) ?? SHOT_SIZES.full!;
}

export interface ShotComposite {
  mediaId: string;
  referenceId: string;
}

/** The start images (media and Brain ids) of an entity that a paid model may be sent, or null. */
function startOf(entity: EntityRef | null): { mediaId: string; referenceId: string } | null {
  const mediaId = entity?.imageReferenceMediaIds?.[0];
  const referenceId = entity?.imageReferenceIds?.[0];
  return mediaId && referenceId ? { mediaId, referenceId } : null;
}

/**
 * The composite a shot starts from, made (or found, when this take already made it) with the image port.
 * Null when there is nothing to make it from or the image port is the local renderer (which draws the
 * characters into the plate itself), or when it could not be made (the note says why).
 */
export async function shotComposite(
  runtime: Runtime,
  context: ToolContext,
  state: DepartmentStateValue,
  shot: ShotTask,
  options: { shotType: string | null; reserveUsd: number },
  notes: ReferenceNotes,
): Promise<ShotComposite | null> {
  if (runtime.image.drawsLocally || shot.method !== "composite-to-video") return null;
  if (state.asked?.images?.compositeImage !== undefined) return null;
  const characters = state.characters.filter((character) => shot.characters.includes(character.name));
  const plate = startOf(state.location);
  const people = characters.map(startOf);
  if (plate === null || people.length === 0 || people.some((person) => person === null)) return null;
  const stored = (await runtime.media.listByProject(state.projectId)).find(
    (record) =>
      record.status === "live" &&
      record.generation.referenceKind === "shot-composite" &&
      record.generation.takeId === state.takeId &&
      record.generation.shotIndex === shot.index &&
      typeof record.generation.referenceId === "string",
  );
  if (stored !== undefined) return { mediaId: stored.id, referenceId: stored.generation.referenceId as string };
  const brain = runtime.brain.forProject(state.projectId);
  const drawing = await referenceWorkDir(context);
  const sources = [...(people as Array<{ mediaId: string; referenceId: string }>), plate];
  const paths: string[] = [];
  for (const source of sources) paths.push((await mediaPath(drawing, source.mediaId, "composite source")).path);
  const described: string[] = [];
  const subjects = [];
  for (const character of characters) {
    const node = await brain.findCharacterByName(character.name);
    if (node === null) throw new CutroomError("NOT_FOUND", `character ${character.name} is not in the Brain`);
    described.push(characterInWords(node.name, node.profile));
    subjects.push({ name: node.name, profile: node.profile });
  }
  const location = await brain.findLocationByName(state.location!.name);
  if (location === null) throw new CutroomError("NOT_FOUND", `location ${state.location!.name} is not in the Brain`);
  const action = actionInWords(shot.action);
  const paidBy: PaidBy = { projectId: state.projectId, requestId: state.requestId };
  const made = await makeReference(
    runtime,
    drawing,
    paidBy,
    {
      kind: "shot-composite",
      ownerId: null,
      prefix: `takes/${state.takeId}`,
      request: {
        subject: {
          kind: "shot-composite",
          characters: subjects,
          location: { name: location.name, look: location.look, layoutSeed: seedFrom(location.id) },
          action: shot.action,
          camera: shot.camera,
        },
        prompt:
          `Place ${described.length === 1 ? "the person from the first image" : "the people from the first images"} ` +
          `(${described.join("; ")}) into the place in the last image (${locationInWords(location.name, location.look)}), ` +
          `${action}. ${framingWords(options.shotType)}, eye-level camera. Keep each person's face, hair and clothes exactly ` +
          "as in their image; match the place's light and perspective; photorealistic single frame.",
        negativePrompt: "text, watermark, extra people, duplicated person, distorted face, cartoon",
        references: paths,
        width: runtime.config.video.width,
        height: runtime.config.video.height,
        seed: shot.seed,
      },
      madeFrom: sources.map((source) => source.referenceId),
      what: `the composite for shot ${shot.index} (with its clip)`,
      reserveUsd: options.reserveUsd,
      generation: { takeId: state.takeId, shotIndex: shot.index },
    },
    notes,
  );
  return made === null ? null : { mediaId: made.reference.mediaId, referenceId: made.reference.id };
}
