/**
 * Runway (Gen-3 Alpha). Its guide's base structure is "[camera movement]: [establishing scene]. [additional
 * details].", e.g. "Low angle static shot: The camera is angled up at a woman wearing all orange as she
 * stands in a tropical rainforest." It advises repeating key ideas in another section for adherence (so the
 * move is said again in the details) and describing only what should be in the scene. Gen-3 takes up to
 * 1000 characters and no negative prompt.
 * Guide: Runway's "Gen-3 Alpha Prompting Guide" (help.runwayml.com), as kept at
 * https://metaverse-imagen.gitbook.io/ai-tools-research/ai-tools-main-categories/prompt-design-and-engineering/video-synthesis-prompts/runway-3
 */
import type { CameraMove } from "../../../domain.js";
import {
  actionClause,
  correctionsSentence,
  describedSubjects,
  fit,
  join,
  lightingOf,
  namesOf,
  placePhrase,
  sentence,
  SHOT_SIZE_WORDS,
  type FamilyBuilder,
} from "./phrases.js";
import type { ShotSize } from "./types.js";

export const RUNWAY_PROMPT_CHARACTERS = 1000;

/** The heading before the colon: the move and the shot size. */
function heading(camera: CameraMove, size: ShotSize): string {
  const shot = SHOT_SIZE_WORDS[size];
  switch (camera) {
    case "static":
      return `Static ${shot}`;
    case "pan-left":
      return `Slow pan left, ${shot}`;
    case "pan-right":
      return `Slow pan right, ${shot}`;
    case "dolly-in":
      return `Slow dolly in, ${shot}`;
    case "dolly-out":
      return `Slow dolly out, ${shot}`;
    case "tracking":
      return `Tracking ${shot}`;
  }
}

/** The move said again among the details. */
function reinforcement(camera: CameraMove, names: string): string {
  switch (camera) {
    case "static":
      return "The camera stays locked off.";
    case "pan-left":
      return "The camera turns slowly to the left across the scene.";
    case "pan-right":
      return "The camera turns slowly to the right across the scene.";
    case "dolly-in":
      return `The camera moves slowly toward ${names}.`;
    case "dolly-out":
      return `The camera pulls slowly back from ${names}.`;
    case "tracking":
      return `The camera follows ${names} as they move.`;
  }
}

export const buildRunway: FamilyBuilder = (clean) => {
  const prompt = fit(clean, RUNWAY_PROMPT_CHARACTERS, (facts) => {
    const names = namesOf(facts.subjects);
    const subjects = describedSubjects(facts.subjects, "comma");
    const scene = join(subjects + actionClause(facts).slice(names.length), placePhrase(facts, "comma"));
    return join(
      `${heading(facts.camera, facts.shotSize)}: ${sentence(scene)}`,
      reinforcement(facts.camera, names),
      sentence(lightingOf(facts.style)),
      correctionsSentence(facts),
    );
  });
  return { prompt, negativePrompt: null };
};
