/**
 * Any other FAL model (Wan, Hunyuan, LTX and the like) follows the Wan guide, the most common open model's:
 * Subject (subject description) + Scene (scene description) + Motion (motion description) + aesthetic
 * control (shot size, camera, light) + stylization. These endpoints take a negative_prompt.
 * Guide: https://www.huggingface.co/blog/MonsterMMORPG/how-to-prompt-wan-models-full-tutorial-and-guide
 */
import {
  actionClause,
  cameraWords,
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

export const GENERIC_PROMPT_CHARACTERS = 1500;

export const buildGeneric: FamilyBuilder = (clean) => {
  const prompt = fit(clean, GENERIC_PROMPT_CHARACTERS, (facts) =>
    join(
      // Subject (description) + scene (description).
      sentence(join(describedSubjects(facts.subjects, "parentheses"), placePhrase(facts, "parentheses"))),
      // Motion.
      sentence(actionClause(facts)),
      // Aesthetic control, then stylization.
      sentence(`${SHOT_SIZE_WORDS[facts.shotSize]}, eye level, ${cameraWords(facts.camera, namesOf(facts.subjects))}`),
      sentence(lightingOf(facts.style)),
      correctionsSentence(facts),
    ),
  );
  return { prompt, negativePrompt: negativePromptFor(prompt, clean, NEGATIVE_PROMPT_CHARACTERS) };
};
