/**
 * What a request will become, without making anything: one clip or a planned scene, each shot's method,
 * model, length and the prompt it will be sent, and the estimated cost. `cutroom plan` shows it; it reads
 * the request, the Brain and the configured adapters exactly as a chat turn does, so the two agree.
 */
import { lookForLocation, profileForCharacter, wordsOf } from "../../brain/profiles.js";
import type { ProjectBrain, ReferenceNode } from "../../brain/types.js";
import { locationInWords } from "../../brain/words.js";
import type { GenerationMethod } from "../../domain.js";
import { captionCues, type CaptionCue } from "../../media/captions.js";
import { aspectOfSize } from "../../providers/video/fal/registry.js";
import type { Runtime } from "../../runtime.js";
import { chooseMethod } from "./policy.js";
import { clipCostUsd, modelFor, talkingCostUsd } from "./planner/cost.js";
import type { ScenePlan } from "./planner/plan.js";
import { platesForTake } from "./references.js";
import { isDrawnReference } from "./reference-store.js";
import { spokenSeconds } from "./planner/deterministic.js";
import { singleClipLimit } from "./planner/lengths.js";
import { plansAsScene, sceneBrief } from "./scene-brief.js";
import { clipLines, sceneShotLines } from "./speaking.js";
import { plannedShotFacts, sceneShotMethod, shotFacts, shotPrompt, shotSizeIn } from "./shot-prompt.js";
import type { EntityRef } from "./state.js";
import { understandRequest, type VideoBrief } from "./understand.js";

export interface PreviewShot {
  index: number;
  start: number;
  durationSeconds: number;
  method: GenerationMethod;
  model: string;
  characters: string[];
  location: string | null;
  action: string;
  actionPhrase: string | null;
  camera: string;
  shotSize: string;
  continuesFrom: number | null;
  prompt: string;
  negativePrompt: string | null;
}

/** The frame the request renders at, and what chose it when it is not the configured one. */
export interface PreviewFrame {
  width: number;
  height: number;
  aspectRatio: string;
  /** The field or the words that asked for the shape; null for the configured frame. */
  shapedBy: string | null;
}

export interface Preview {
  kind: "clip" | "scene";
  request: string;
  totalDuration: number;
  frame: PreviewFrame;
  /**
   * The caption cues the lines would have, at their estimated times (the made take's captions use the
   * voiced lines' measured times).
   */
  captions: CaptionCue[];
  shots: PreviewShot[];
  /** Clips at their models' prices plus the reference images that would be made. */
  estimatedCostUsd: number;
  /** The scene's plan (transitions, lines, music, effects) when the request is a scene. */
  plan: ScenePlan | null;
  /** Reference images the request would have made first (none when they exist or are drawn for free). */
  referencesToMake: string[];
}

/** Whether an owner has an image a paid model may be sent (an upload or a model's image). */
function hasPhoto(references: ReferenceNode[], kind: ReferenceNode["kind"]): boolean {
  return references.some((reference) => reference.kind === kind && !isDrawnReference(reference));
}

interface Cast {
  entities: EntityRef[];
  location: EntityRef | null;
  toMake: string[];
  imageUsd: number;
  withImages: { characters: number; location: boolean };
}

/** The characters and place as a turn would find or make them, in words, without writing anything. */
async function castOf(runtime: Runtime, brain: ProjectBrain, brief: VideoBrief): Promise<Cast> {
  const paid = !runtime.video.acceptsDrawings;
  const realImages = !runtime.image.drawsLocally;
  const toMake: string[] = [];
  let imageUsd = 0;
  const make = (what: string, kind: Parameters<Runtime["image"]["priceOf"]>[0]) => {
    toMake.push(what);
    imageUsd += runtime.image.priceOf(kind);
  };
  const entities: EntityRef[] = [];
  let withCharacterImages = 0;
  for (const name of brief.characters) {
    const found = await brain.findCharacterByName(name);
    const references = found === null ? [] : await brain.referencesOf(found.id);
    const profile = found?.profile ?? profileForCharacter(name);
    const given = brief.descriptions?.[name];
    const photo = hasPhoto(references, "character-master");
    if (realImages && !photo) make(`${name}'s master reference`, "character-master");
    if (realImages && !hasPhoto(references, "character-turnaround"))
      make(`${name}'s turnaround sheet`, "character-turnaround");
    if (!realImages && !references.some((reference) => reference.kind === "character-master"))
      make(`${name}'s master reference`, "character-master");
    if (!paid || photo || realImages) withCharacterImages++;
    entities.push({
      id: found?.id ?? name,
      name: found?.name ?? name,
      referenceIds: [],
      referenceMediaIds: [],
      created: found === null,
      description: given ? `${name}: ${given}` : wordsOf(name, profile),
    });
  }
  let location: EntityRef | null = null;
  let locationImage = false;
  if (brief.location !== null) {
    const found = await brain.findLocationByName(brief.location);
    const references = found === null ? [] : await brain.referencesOf(found.id);
    // As the turn decides it: a plate is made when none fits the request's shape (or only drawings do and a
    // model draws references).
    const { plates, makePlate } = await platesForTake(runtime, references);
    if (makePlate) make(`the ${brief.location} plate`, "location-master");
    const photo = plates.some((reference) => !isDrawnReference(reference));
    locationImage = !paid || photo || realImages;
    location = {
      id: found?.id ?? brief.location,
      name: found?.name ?? brief.location,
      referenceIds: [],
      referenceMediaIds: [],
      created: found === null,
      description: locationInWords(brief.location, found?.look ?? lookForLocation(brief.location)),
    };
  }
  return {
    entities,
    location,
    toMake,
    imageUsd,
    withImages: { characters: withCharacterImages, location: locationImage },
  };
}

/** The preview of a request as a chat turn on this runtime would make it. */
export async function previewRequest(
  runtime: Runtime,
  text: string,
  options: { projectId?: string; planner?: "configured" | "deterministic" } = {},
): Promise<Preview> {
  const config = runtime.config;
  const brain = runtime.brain.forProject(options.projectId ?? config.projectId);
  if (plansAsScene(text, config)) {
    // The cost check before a turn plans without the chat model: one model call per request is enough.
    const planning = options.planner === "deterministic" ? { ...runtime, llm: null } : runtime;
    const { plan, brief } = await sceneBrief(planning, text);
    const cast = await castOf(runtime, brain, brief);
    const shots = plan.shots.map((shot): PreviewShot => {
      // As the scene's chains do: a continuing shot starts from the clip before it, a shot without a picture
      // of the place it may be sent is made from text.
      // As the scene's chains decide it, from whether the place has a picture the provider may be sent.
      const method = sceneShotMethod(shot, cast.withImages.location);
      const { facts, durationSeconds } = plannedShotFacts(
        brief,
        { characters: cast.entities, location: cast.location },
        plan,
        shot,
      );
      const model = modelFor(config, method);
      const built = shotPrompt(model, facts);
      return {
        index: shot.index,
        start: shot.start,
        durationSeconds,
        method,
        model,
        characters: shot.characters,
        location: shot.location,
        action: shot.action,
        actionPhrase: shot.actionPhrase ?? null,
        camera: shot.camera,
        shotSize: facts.shotSize,
        continuesFrom: shot.continuesFrom,
        prompt: built.prompt,
        negativePrompt: built.negativePrompt,
      };
    });
    const clipsUsd = shots.reduce(
      (sum, shot) =>
        sum +
        clipCostUsd(config, shot.method, shot.durationSeconds) +
        talkingCostUsd(config, shot.method, shot.durationSeconds, sceneShotLines(plan, shot.index).length > 0),
      0,
    );
    return {
      kind: "scene",
      request: text,
      totalDuration: plan.totalDuration,
      frame: frameOfPreview(config),
      captions: captionCues(
        plan.dialogue.map((line) => ({
          text: line.text,
          speaker: line.character,
          startSeconds: line.startTime,
          endSeconds: line.startTime + line.estimatedDuration,
        })),
        plan.fps,
        plan.totalDuration,
      ),
      shots,
      estimatedCostUsd: round(clipsUsd + cast.imageUsd),
      plan,
      referencesToMake: cast.toMake,
    };
  }
  const brief = understandRequest(text, singleClipLimit(config));
  const cast = await castOf(runtime, brain, brief);
  const method = chooseMethod({
    characterCount: brief.characters.length,
    characterReferences: cast.withImages.characters,
    characterPhotos: runtime.video.acceptsDrawings ? 0 : cast.withImages.characters,
    hasLocationReference: cast.withImages.location,
    continueFrom: null,
    failedChecks: [],
  }).method;
  const durationSeconds = brief.durationSeconds ?? config.video.clipSeconds;
  const facts = shotFacts(
    brief,
    { characters: cast.entities, location: cast.location },
    {
      characters: brief.characters,
      action: brief.action,
      actionPhrase: brief.actionPhrase ?? null,
      location: brief.location,
      camera: brief.camera,
      shotSize: shotSizeIn(text),
      durationSeconds,
      corrections: [],
    },
  );
  const model = modelFor(config, method);
  const built = shotPrompt(model, facts);
  const composite = method === "composite-to-video" && !runtime.image.drawsLocally;
  if (composite) cast.toMake.push("the composite for shot 1");
  const compositeUsd = composite ? runtime.image.priceOf("shot-composite") : 0;
  return {
    kind: "clip",
    request: text,
    totalDuration: durationSeconds,
    frame: frameOfPreview(config),
    captions: clipCaptions(brief, config.video.fps, durationSeconds, cast.entities[0]?.name ?? null),
    shots: [
      {
        index: 1,
        start: 0,
        durationSeconds,
        method,
        model,
        characters: brief.characters,
        location: brief.location,
        action: brief.action,
        actionPhrase: brief.actionPhrase ?? null,
        camera: brief.camera,
        shotSize: facts.shotSize,
        continuesFrom: null,
        prompt: built.prompt,
        negativePrompt: built.negativePrompt,
      },
    ],
    estimatedCostUsd: round(
      clipCostUsd(config, method, durationSeconds) +
        talkingCostUsd(config, method, durationSeconds, clipLines(brief.dialogue, brief.characters).length > 0) +
        cast.imageUsd +
        compositeUsd,
    ),
    plan: null,
    referencesToMake: cast.toMake,
  };
}

function frameOfPreview(config: Runtime["config"]): PreviewFrame {
  const { width, height, shapeFrom } = config.video;
  return { width, height, aspectRatio: aspectOfSize(width, height), shapedBy: shapeFrom ?? null };
}

/** A clip's lines as the audio integrator places them: half a second in, one after another with a pause. */
function clipCaptions(brief: VideoBrief, fps: number, totalSeconds: number, fallbackSpeaker: string | null) {
  let cursor = 0.5;
  const lines = brief.dialogue.map((line) => {
    const startSeconds = cursor;
    const endSeconds = startSeconds + spokenSeconds(line.text);
    cursor = endSeconds + 0.3;
    return { text: line.text, speaker: line.character ?? fallbackSpeaker, startSeconds, endSeconds };
  });
  return captionCues(lines, fps, totalSeconds);
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
