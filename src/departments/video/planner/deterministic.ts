/**
 * The deterministic scene planner: reads the beats, lines and sound cues of a request and lays them
 * on shots from the library, following the archetype the request points to. It always produces a
 * valid plan (see planProblems), which is also what an invalid LLM plan is replaced with.
 */
import type { Action, GenerationMethod } from "../../../domain.js";
import { CutroomError } from "../../../errors.js";
import { actionPhraseOf, readRequest } from "../reading/index.js";
import { ACTION_WORDS } from "../understand.js";
import { lengthsThatFit, limitsOfModel, type ClipLimits } from "./lengths.js";
import { SCENE_ARCHETYPES, SHOT_LIBRARY, shotById, type SceneArchetype, type ShotSpec } from "./library.js";
import {
  DEFAULT_SCENE_SECONDS,
  distributeFrames,
  MAX_SCENE_CLIPS,
  round6,
  type PlannedShot,
  type PlannedTransition,
  type ScenePlan,
} from "./plan.js";

export interface Beat {
  text: string;
  action: Action;
  /** The beat's action in its own words ("walking past the fountain"), null when it names none. */
  actionPhrase: string | null;
}

export interface SceneFacts {
  totalSeconds: number | null;
  beats: Beat[];
  characters: string[];
  location: string | null;
  dialogue: Array<{ character: string | null; text: string }>;
  music: string | null;
  sfx: string[];
}

export interface PlanOptions {
  fps: number;
  /** Price of generating a clip of this length with this method, in USD. */
  priceFor: (method: GenerationMethod, seconds: number) => number;
  /**
   * The lengths a method's model renders (planner/lengths.ts `clipLimits`); the local renderer's 7 s when
   * left out.
   */
  clipLimits?: (method: GenerationMethod) => ClipLimits;
}

const PLACE_ONLY = new Set(["establishing_wide", "atmospheric_detail"]);
const SOUND_WORDS = /\b(birds?|wind|rain|traffic|crowd|waves|footsteps|thunder|ambience|background|chatter)\b/i;

/** The scene's length in seconds ("a 30-second scene", "a one minute scene", "half a minute"), if named. */
export function totalSecondsIn(text: string): number | null {
  return readRequest(text).seconds;
}

export function extractSceneFacts(text: string): SceneFacts {
  const reading = readRequest(text);
  // Quoted lines are blanked to a comma, so "she says '…'" stays a beat of its own.
  const plain = reading.unquoted;
  const body = plain.includes(":") ? plain.slice(plain.indexOf(":") + 1) : plain;
  const segments = body
    .split(/[;,]|\band then\b|\bthen\b/i)
    .map((segment) => segment.trim())
    .filter(Boolean);
  let music: string | null = null;
  const sfx: string[] = [];
  const beats: Beat[] = [];
  for (const segment of segments) {
    if (/\bmusic\b|\bpiano\b|\bscore\b|\bsoundtrack\b/i.test(segment)) {
      music = segment.replace(/\bin the background\b/i, "").trim();
      continue;
    }
    const action = ACTION_WORDS.find(([pattern]) => pattern.test(segment))?.[1];
    if (action) beats.push({ text: segment, action, actionPhrase: actionPhraseOf(segment)?.slice(0, 120) ?? null });
    else if (SOUND_WORDS.test(segment)) sfx.push(segment.replace(/\bin the background\b/i, "").trim() || segment);
  }
  return {
    totalSeconds: reading.seconds,
    beats,
    characters: reading.characters,
    location: reading.location,
    dialogue: reading.dialogue,
    music,
    sfx,
  };
}

export function chooseArchetype(text: string, facts: SceneFacts): SceneArchetype {
  if (facts.dialogue.length > 0 && facts.beats.filter((beat) => beat.action !== "talk").length <= 1)
    return SCENE_ARCHETYPES.find((item) => item.id === "conversation")!;
  return SCENE_ARCHETYPES.find((archetype) => archetype.cues.test(text)) ?? SCENE_ARCHETYPES[0]!;
}

function pickShot(
  archetype: SceneArchetype,
  position: "opening" | "middle" | "closing",
  action: Action,
  used: Set<string>,
): ShotSpec {
  const preferred = archetype[position].map((id) => shotById(id)!);
  const suiting = (list: ShotSpec[]) =>
    list.find((shot) => shot.suits === action && !used.has(shot.id)) ?? list.find((shot) => shot.suits === action);
  return (
    suiting(preferred) ??
    (position === "middle" ? suiting(SHOT_LIBRARY.filter((shot) => shot.position === "middle")) : undefined) ??
    preferred.find((shot) => !used.has(shot.id)) ??
    preferred[0]!
  );
}

function methodFor(characters: string[], location: string | null): GenerationMethod {
  if (characters.length > 0 && location !== null) return "composite-to-video";
  if (location !== null) return "image-to-video";
  return "text-to-video";
}

export function planScene(text: string, options: PlanOptions): ScenePlan {
  const facts = extractSceneFacts(text);
  const total = facts.totalSeconds ?? DEFAULT_SCENE_SECONDS;
  const limitsOf = options.clipLimits ?? (() => limitsOfModel(null));
  const baseMethod = methodFor(facts.characters, facts.location);
  const base = limitsOf(baseMethod);
  const continuing = limitsOf("first-last-frame");
  const sceneMax = MAX_SCENE_CLIPS * base.maxSeconds;
  if (total <= 0 || total > sceneMax) {
    throw new CutroomError(
      "INVALID_INPUT",
      `duration ${total}s: a scene lasts more than 0 and at most ${sceneMax} s (${MAX_SCENE_CLIPS} clips of at most ${base.maxSeconds} s with ${base.model})`,
      {
        field: "duration",
      },
    );
  }
  const beats =
    facts.beats.length > 0
      ? facts.beats
      : [{ text: text.trim(), action: "stand" as Action, actionPhrase: readRequest(text).actionPhrase }];
  const archetype = chooseArchetype(text, facts);
  // Shots no shorter than the model renders (a shorter one is paid for at that length and trimmed), and
  // enough of them that none is longer than the model renders.
  const shortest = Math.max(1.5, base.minSeconds);
  const fewest = Math.ceil(total / Math.min(6, base.maxSeconds) - 1e-9);
  const most = Math.max(1, Math.floor(total / shortest + 1e-9));
  const count = Math.max(
    1,
    Math.min(
      MAX_SCENE_CLIPS,
      Math.max(Math.ceil(total / base.maxSeconds - 1e-9), Math.min(fewest, most), Math.min(beats.length, most)),
    ),
  );
  const used = new Set<string>();
  const specs: Array<{ spec: ShotSpec; beat: Beat }> = [];
  for (let index = 0; index < count; index++) {
    const beat = beats[Math.floor((index * beats.length) / count)]!;
    const position = index === 0 && count > 1 ? "opening" : index === count - 1 && count > 2 ? "closing" : "middle";
    const spec = pickShot(archetype, position, beat.action, used);
    used.add(spec.id);
    specs.push({ spec, beat });
  }
  // Continuity: a following shot of the same motion starts from the previous shot's last frame, joined by a cut.
  const equalShare = total / count;
  const continues = specs.map(
    ({ spec, beat }, index) =>
      index > 0 &&
      spec.continues &&
      specs[index - 1]!.beat.action === beat.action &&
      // The continuing shot's model must render its length too.
      equalShare <= continuing.maxSeconds - 0.5,
  );
  // A shot of the place alone needs a place to show; without one the characters stay in it.
  const placeOnly = specs.map(({ spec }) => PLACE_ONLY.has(spec.id) && count > 1 && facts.location !== null);
  const methods = specs.map((_, index) =>
    continues[index] ? "first-last-frame" : methodFor(placeOnly[index] ? [] : facts.characters, facts.location),
  );
  const limitAt = (index: number) => Math.min(base.maxSeconds, limitsOf(methods[index]!).maxSeconds);
  const transitions: PlannedTransition[] = [];
  for (let index = 1; index < count; index++) {
    const soft =
      !continues[index] &&
      archetype.transition.type !== "cut" &&
      equalShare + archetype.transition.seconds <= limitAt(index - 1) - 0.5;
    transitions.push({
      fromShot: index,
      toShot: index + 1,
      type: soft ? archetype.transition.type : "cut",
      duration: soft ? archetype.transition.seconds : 0,
    });
  }
  const weights = specs.map(({ spec }) => spec.typicalSeconds);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  let frames = distributeFrames(
    Math.round(total * options.fps),
    weights.map((weight) => weight / weightSum),
  );
  const fits = frames.every(
    (frameCount, index) => frameCount / options.fps + (transitions[index]?.duration ?? 0) <= limitAt(index),
  );
  if (!fits)
    frames = distributeFrames(
      Math.round(total * options.fps),
      specs.map(() => 1 / count),
    );
  const onLengths = onModelLengths(
    frames,
    transitions,
    methods.map((method) => limitsOf(method).lengths),
    total,
    options.fps,
  );
  frames = onLengths.frames;
  transitions.splice(0, transitions.length, ...onLengths.transitions);
  const shots: PlannedShot[] = [];
  let start = 0;
  specs.forEach(({ spec, beat }, index) => {
    const duration = frames[index]! / options.fps;
    const characters = placeOnly[index] ? [] : facts.characters;
    const method = methods[index]!;
    shots.push({
      index: index + 1,
      shotId: spec.id,
      start: round6(start),
      duration: round6(duration),
      shotType: spec.shotType,
      camera: spec.camera,
      action: placeOnly[index] ? "stand" : beat.action,
      description: `${spec.description}: ${beat.text}`,
      characters,
      location: facts.location,
      method,
      continuesFrom: continues[index] ? index : null,
      // A shot of the place alone shows no one doing anything.
      actionPhrase: placeOnly[index] ? null : beat.actionPhrase,
    });
    start += duration;
  });
  const dialogue = placeDialogue(facts, shots, total);
  const clipLength = (shot: PlannedShot) =>
    shot.duration + (transitions.find((item) => item.fromShot === shot.index)?.duration ?? 0);
  return {
    totalDuration: total,
    fps: options.fps,
    archetype: archetype.id,
    shots,
    transitions,
    dialogue,
    music: facts.music ? { description: facts.music, startTime: 0, duration: total, volume: 0.25 } : null,
    sfx: facts.sfx.map((description) => ({ description, startTime: 0, duration: total, volume: 0.15 })),
    estimatedCostUsd: round6(shots.reduce((sum, shot) => sum + options.priceFor(shot.method, clipLength(shot)), 0)),
    decidedBy: "policy",
  };
}

/**
 * Shot frames moved onto lengths the shots' models render (a model of 4, 6 or 8 s, or of whole seconds),
 * when lengths near the planned ones add up to the scene: each clip is then billed for what it shows
 * rather than rendered longer and trimmed. A soft transition's tail handle is part of its clip, so when
 * half-second handles keep the lengths from adding up, whole-second ones are tried, then cuts. Unchanged
 * on the local renderer or when no lengths add up.
 */
function onModelLengths(
  frames: number[],
  transitions: PlannedTransition[],
  allowed: Array<number[] | null>,
  total: number,
  fps: number,
): { frames: number[]; transitions: PlannedTransition[] } {
  if (allowed.some((lengths) => lengths === null)) return { frames, transitions };
  const variants: PlannedTransition[][] = [
    transitions,
    transitions.map((item) =>
      item.type === "cut" ? item : { ...item, duration: Math.max(1, Math.ceil(item.duration)) },
    ),
    transitions.map((item) => ({ ...item, type: "cut" as const, duration: 0 })),
  ];
  for (const variant of variants) {
    const handles = frames.map((_, index) => variant[index]?.duration ?? 0);
    const lengths = lengthsThatFit(
      frames.map((count) => count / fps),
      handles,
      allowed,
      total,
    );
    if (lengths === null) continue;
    const moved = lengths.map((length, index) => Math.round((length - handles[index]!) * fps));
    const exact = lengths.every((length, index) => Math.abs((length - handles[index]!) * fps - moved[index]!) < 1e-6);
    if (exact && moved.reduce((sum, count) => sum + count, 0) === Math.round(total * fps))
      return { frames: moved, transitions: variant };
  }
  return { frames, transitions };
}

/** How long a line takes to say, estimated before it is voiced: 2.6 words a second and a breath. */
export function spokenSeconds(text: string): number {
  return round6(text.split(/\s+/).filter(Boolean).length / 2.6 + 0.3);
}

/** Lines go on the shot where someone talks (else the last shot with people), half a second in. */
function placeDialogue(facts: SceneFacts, shots: PlannedShot[], total: number): ScenePlan["dialogue"] {
  const lines = facts.dialogue.filter((line): line is { character: string; text: string } => line.character !== null);
  const talking = shots.filter((shot) => shot.action === "talk");
  const withPeople = shots.filter((shot) => shot.characters.length > 0);
  const hosts =
    talking.length > 0
      ? talking
      : withPeople.length > 0
        ? [withPeople[withPeople.length - 1]!]
        : [shots[shots.length - 1]!];
  let cursor = hosts[0]!.start + 0.4;
  return lines.map((line) => {
    const estimatedDuration = spokenSeconds(line.text);
    const startTime = round6(Math.max(0, Math.min(cursor, total - estimatedDuration)));
    cursor = startTime + estimatedDuration + 0.3;
    return { character: line.character, text: line.text, startTime, estimatedDuration };
  });
}
