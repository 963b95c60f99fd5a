/**
 * Kling. Its guide writes a prompt as Subject (subject description) + subject movement + scene (scene
 * description) + camera language + lighting + atmosphere, with the camera said in film terms in its own
 * sentence ("static camera", "the camera pans left", "dolly in", "tracking shot"). Kling's FAL endpoints take
 * a negative_prompt.
 * Guides: https://kling.ai/blog/kling-ai-camera-control-video-guide (Kuaishou's camera guide) and the Kling
 * AI Guide's formula as quoted in https://raw.githubusercontent.com/Hao0321/ai-media-generator/0444a9392e094c47e8ee4300acb3a37f87c3c60a/references/kling.md
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
  negativePromptFor,
  NEGATIVE_PROMPT_CHARACTERS,
  placePhrase,
  sentence,
  SHOT_SIZE_WORDS,
  type FamilyBuilder,
} from "./phrases.js";

export const KLING_PROMPT_CHARACTERS = 1500;

function klingCamera(camera: CameraMove, names: string): string {
  switch (camera) {
    case "static":
      return "static camera, locked off on a tripod";
    case "pan-left":
      return "the camera pans left slowly";
    case "pan-right":
      return "the camera pans right slowly";
    case "dolly-in":
      return `slow dolly in toward ${names}`;
    case "dolly-out":
      return `slow dolly out away from ${names}`;
    case "tracking":
      return `tracking shot, the camera moves alongside ${names}`;
  }
}

export const buildKling: FamilyBuilder = (clean) => {
  const prompt = fit(clean, KLING_PROMPT_CHARACTERS, (facts) => {
    // Subject (description) + movement + scene (description), in one sentence as the formula reads.
    const subjects = describedSubjects(facts.subjects, "parentheses");
    const movement = actionClause({ subjects: facts.subjects, action: facts.action }).slice(
      namesOf(facts.subjects).length,
    );
    return join(
      sentence(join(subjects + movement, placePhrase(facts, "parentheses"))),
      // Camera language.
      sentence(`${SHOT_SIZE_WORDS[facts.shotSize]}, ${klingCamera(facts.camera, namesOf(facts.subjects))}`),
      // Lighting and atmosphere.
      sentence(lightingOf(facts.style)),
      correctionsSentence(facts),
    );
  });
  return { prompt, negativePrompt: negativePromptFor(prompt, clean, NEGATIVE_PROMPT_CHARACTERS) };
};
