/**
 * The references a take works from: a character's master still and turnaround sheet, a location's plate,
 * and a composite per shot. They belong to the character or location (never to a take), so they are made
 * once and reused by every later take of the project.
 *
 * Which one is used: the user's own upload (the newest) always wins; then one a real image model made;
 * the local renderer's drawings only when the video provider is the local renderer itself, since a paid
 * model is never sent a drawing. With a real image model, what is missing is made by it (master, turnaround,
 * plate); without one, the local renderer draws a missing master as it always has.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describeProfile, lookForLocation, profileForCharacter, wordsOf } from "../../brain/profiles.js";
import { sourceOf, type ReferenceKind, type ReferenceNode } from "../../brain/types.js";
import { locationInWords } from "../../brain/words.js";
import { newId, seedFrom } from "../../ids.js";
import type { Runtime } from "../../runtime.js";
import { mediaPath, type ToolContext } from "../../tools/context.js";
import { isDrawnReference, makeReference, ranked, type PaidBy, type ReferenceNotes } from "./reference-store.js";

export { isDrawnReference, ranked, type PaidBy, type ReferenceNotes } from "./reference-store.js";
import type { EntityRef } from "./state.js";
import { frameFor, isAspectRatio } from "./reading/shape.js";
import { shapeOf } from "./shape.js";

/** The local renderer's master still of a character (as it has always drawn it). */
const LOCAL_CHARACTER_SIZE = { width: 320, height: 180 };
/** What a real image model is asked for: a portrait full-body still, a wide turnaround sheet, a plate. */
const MODEL_SIZES: Record<Exclude<ReferenceKind, "shot-composite">, { width: number; height: number }> = {
  "character-master": { width: 768, height: 1024 },
  "character-turnaround": { width: 1536, height: 768 },
  "location-master": { width: 1280, height: 720 },
};

const NEGATIVE = "text, captions, watermark, logo, extra people, extra limbs, distorted face, blurry, cartoon";

/** The entity as a take sees it: the references it uses and those a paid model may be sent. */
function entityOf(
  node: { id: string; name: string },
  created: boolean,
  used: ReferenceNode[],
  startImages: ReferenceNode[] | null,
  drawingsWithheld: number,
): EntityRef {
  return {
    ...(drawingsWithheld > 0 ? { drawingsWithheld } : {}),
    id: node.id,
    name: node.name,
    referenceIds: used.map((reference) => reference.id),
    referenceMediaIds: used.filter((reference) => reference.kind !== "character-turnaround").map((r) => r.mediaId),
    ...(startImages === null
      ? {}
      : {
          imageReferenceMediaIds: startImages.map((reference) => reference.mediaId),
          imageReferenceIds: startImages.map((reference) => reference.id),
        }),
    created,
  };
}

/** Finds or creates a character, makes what references it lacks, and says which it uses. */
export async function characterEntity(
  runtime: Runtime,
  context: ToolContext,
  name: string,
  paidBy: PaidBy,
  notes: ReferenceNotes,
  userDescription: string | null = null,
): Promise<EntityRef> {
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
  // The user's own words for the character win over generated ones, now and in every later take.
  const described = describeProfile(character.name, character.profile, userDescription);
  if (userDescription !== null && character.profile.description !== described) {
    character = await brain.saveCharacter({ ...character, profile: { ...character.profile, description: described } });
  }
  const realImages = !runtime.image.drawsLocally;
  const subject = { name: character.name, profile: character.profile };
  const prefix = `characters/${character.id}`;
  const generation = { characterId: character.id, profile: character.profile };
  const words = wordsOf(character.name, character.profile);
  let masters = ranked(await brain.referencesOf(character.id), "character-master");
  const usable = (reference: ReferenceNode) => runtime.video.acceptsDrawings || !isDrawnReference(reference);
  if (masters.length === 0 || (realImages && !masters.some((reference) => !isDrawnReference(reference)))) {
    const size = realImages ? MODEL_SIZES["character-master"] : LOCAL_CHARACTER_SIZE;
    const made = await makeReference(
      runtime,
      context,
      paidBy,
      {
        kind: "character-master",
        ownerId: character.id,
        prefix,
        request: {
          subject: { kind: "character-master", character: subject },
          prompt:
            `Full-body reference photograph of ${words}. Standing, facing the camera, arms relaxed, neutral ` +
            "expression, whole figure in frame, plain light grey studio background, soft even lighting, photorealistic.",
          negativePrompt: NEGATIVE,
          references: [],
          ...size,
          seed: seedFrom(character.id),
        },
        madeFrom: [],
        what: `${character.name}'s master reference`,
        generation,
      },
      notes,
    );
    if (made !== null) masters = ranked([...masters, made.reference], "character-master");
  }
  const master = masters.find(usable) ?? null;
  const withheld = master === null ? masters.filter(isDrawnReference).length : 0;
  notes.withheld += withheld;
  const used: ReferenceNode[] = master === null ? [] : [master];
  if (realImages && master !== null && !isDrawnReference(master)) {
    const turnarounds = ranked(await brain.referencesOf(character.id), "character-turnaround").filter(
      (reference) => !isDrawnReference(reference),
    );
    // A turnaround follows the master it was made from: a new upload gets a new one.
    let turnaround = turnarounds.find((reference) => reference.madeFrom?.includes(master.id)) ?? null;
    if (turnaround === null) {
      const { path } = await mediaPath(context, master.mediaId, "master reference");
      turnaround =
        (
          await makeReference(
            runtime,
            context,
            paidBy,
            {
              kind: "character-turnaround",
              ownerId: character.id,
              prefix,
              request: {
                subject: { kind: "character-turnaround", character: subject },
                prompt:
                  `Character turnaround sheet of the person in the image (${words}): four full-body views side by ` +
                  "side, front, three-quarter, side profile and back; the same person, face, hair and clothes in " +
                  "every view; plain light grey background, even lighting, photorealistic.",
                negativePrompt: NEGATIVE,
                references: [path],
                ...MODEL_SIZES["character-turnaround"],
                seed: seedFrom(`${character.id}:turnaround`),
              },
              madeFrom: [master.id],
              what: `${character.name}'s turnaround sheet`,
              generation,
            },
            notes,
          )
        )?.reference ?? null;
    }
    if (turnaround !== null) used.push(turnaround);
  }
  return {
    ...entityOf(
      character,
      created,
      used,
      runtime.video.acceptsDrawings ? null : master === null ? [] : [master],
      withheld,
    ),
    description: words,
  };
}

/**
 * The plates a take at a shape may start from: the user's own (used as given), and those made at that
 * shape, so a landscape plate never starts a vertical shot. A plate made before shapes were recorded was
 * made at the configured frame (a drawing) or at 16:9 (a model's).
 */
async function platesAt(runtime: Runtime, plates: ReferenceNode[], shape: string): Promise<ReferenceNode[]> {
  const fitting: ReferenceNode[] = [];
  for (const plate of plates) {
    const unrecorded = isDrawnReference(plate) && runtime.config.video.shapeFrom === undefined ? shape : "16:9";
    const made = (await runtime.media.get(plate.mediaId))?.generation.aspectRatio ?? unrecorded;
    if (sourceOf(plate) === "uploaded" || made === shape) fitting.push(plate);
  }
  return fitting;
}

/**
 * The plates of a location a take at this runtime's shape may start from, and whether one must be made
 * first: none fits the shape, or a model draws references and only drawings fit.
 */
export async function platesForTake(
  runtime: Runtime,
  references: ReferenceNode[],
): Promise<{ plates: ReferenceNode[]; makePlate: boolean }> {
  const plates = await platesAt(runtime, ranked(references, "location-master"), shapeOf(runtime));
  const realImages = !runtime.image.drawsLocally;
  return {
    plates,
    makePlate: plates.length === 0 || (realImages && !plates.some((reference) => !isDrawnReference(reference))),
  };
}

/** Finds or creates a location, makes its plate when it lacks one (at the take's shape), and says which it uses. */
export async function locationEntity(
  runtime: Runtime,
  context: ToolContext,
  name: string,
  paidBy: PaidBy,
  notes: ReferenceNotes,
): Promise<EntityRef> {
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
  const realImages = !runtime.image.drawsLocally;
  const shape = shapeOf(runtime);
  const found = await platesForTake(runtime, await brain.referencesOf(location.id));
  let plates = found.plates;
  if (found.makePlate) {
    const { width, height } = realImages
      ? frameFor(isAspectRatio(shape) ? shape : "16:9", MODEL_SIZES["location-master"])
      : runtime.config.video;
    const made = await makeReference(
      runtime,
      context,
      paidBy,
      {
        kind: "location-master",
        ownerId: location.id,
        prefix: `locations/${location.id}`,
        request: {
          subject: {
            kind: "location-master",
            location: { name: location.name, look: location.look, layoutSeed: seedFrom(location.id) },
          },
          prompt:
            `Wide establishing photograph of ${locationInWords(location.name, location.look)}. No people, eye-level ` +
            "camera, natural light, sharp focus, photorealistic.",
          negativePrompt: NEGATIVE,
          references: [],
          width,
          height,
          seed: seedFrom(location.id),
        },
        madeFrom: [],
        what: `the ${location.name} plate`,
        generation: { locationId: location.id, look: location.look, aspectRatio: shape },
      },
      notes,
    );
    if (made !== null) plates = ranked([...plates, made.reference], "location-master");
  }
  const plate = plates.find((reference) => runtime.video.acceptsDrawings || !isDrawnReference(reference)) ?? null;
  const withheld = plate === null ? plates.filter(isDrawnReference).length : 0;
  notes.withheld += withheld;
  return {
    ...entityOf(
      location,
      created,
      plate === null ? [] : [plate],
      runtime.video.acceptsDrawings ? null : plate === null ? [] : [plate],
      withheld,
    ),
    description: locationInWords(location.name, location.look),
  };
}

/** Where a take's references are made: outside the take's scratch root, where no tool can name them. */
export async function referenceWorkDir(context: ToolContext): Promise<ToolContext> {
  const workDir = join(context.workDir, "references");
  await mkdir(workDir, { recursive: true });
  return { ...context, workDir };
}
