/**
 * Luma (Dream Machine, Ray). Luma asks for natural, descriptive language that says what should be seen, and
 * warns that naming what to leave out tends to bring it in: so flowing sentences, positive wording only, no
 * negative prompt (its FAL endpoints take none). Used for the video-to-video model too.
 * Guide: https://lumaai-help.freshdesk.com/support/solutions/articles/151000219614-understanding-prompting-for-dream-machine-positive-vs-negative
 */
import type { CameraMove } from "../../../domain.js";
import {
  actionClause,
  correctionsSentence,
  describedSubjects,
  fit,
  isParticiple,
  join,
  lightingOf,
  namesOf,
  placePhrase,
  sentence,
  withArticle,
  SHOT_SIZE_WORDS,
  type FamilyBuilder,
} from "./phrases.js";

export const LUMA_PROMPT_CHARACTERS = 1500;

function lumaCamera(camera: CameraMove, names: string): string {
  switch (camera) {
    case "static":
      return "The camera holds perfectly still.";
    case "pan-left":
      return "The camera pans slowly to the left.";
    case "pan-right":
      return "The camera pans slowly to the right.";
    case "dolly-in":
      return `The camera glides slowly closer to ${names}.`;
    case "dolly-out":
      return `The camera glides slowly back, away from ${names}.`;
    case "tracking":
      return `The camera travels alongside ${names}, keeping them in frame.`;
  }
}

export const buildLuma: FamilyBuilder = (clean) => {
  const prompt = fit(clean, LUMA_PROMPT_CHARACTERS, (facts) => {
    const names = namesOf(facts.subjects);
    const subjects = describedSubjects(facts.subjects, "comma");
    const size = SHOT_SIZE_WORDS[facts.shotSize];
    // "A medium shot of Ivan, a tall man, playing chess in the town square": one descriptive sentence.
    const opening = isParticiple(facts.action)
      ? sentence(join(`${withArticle(size)} of ${subjects}`, facts.action, placePhrase(facts, "comma")))
      : join(
          sentence(join(`${withArticle(size)} of ${subjects}`, placePhrase(facts, "comma"))),
          sentence(actionClause(facts)),
        );
    return join(
      opening,
      lumaCamera(facts.camera, names),
      sentence(`The scene has ${lightingOf(facts.style)}`),
      correctionsSentence(facts),
    );
  });
  return { prompt, negativePrompt: null };
};
