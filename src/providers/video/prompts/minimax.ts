/**
 * MiniMax (Hailuo). Its guide orders a prompt as main subject + scene + motion + camera + aesthetics, in
 * plain sentences; the Director models (T2V-01-Director, I2V-01-Director) also read camera moves written
 * as commands in square brackets ("[Pan left]", "[Push in]", "[Static shot]"), which other Hailuo models
 * would take as text, so brackets go only to a model whose id names the director.
 * Guides: https://docs.comfy.org/tutorials/video/minimax/minimax-h3-prompt-guide (MiniMax's prompt writing
 * guides), https://docs.comfy.org/tutorials/partner-nodes/minimax/overview (Director mode camera moves),
 * https://developer.puter.com/ai/minimax/video-01-director (bracketed camera commands).
 */
import type { CameraMove } from "../../../domain.js";
import {
  actionClause,
  cameraWords,
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

/** MiniMax's Director command for each move. */
const DIRECTOR_COMMANDS: Record<CameraMove, string> = {
  static: "[Static shot]",
  "pan-left": "[Pan left]",
  "pan-right": "[Pan right]",
  "dolly-in": "[Push in]",
  "dolly-out": "[Pull out]",
  tracking: "[Tracking shot]",
};

export const MINIMAX_PROMPT_CHARACTERS = 1500;

export const buildMinimax: FamilyBuilder = (clean, modelId) => {
  const director = modelId.toLowerCase().includes("director");
  const prompt = fit(clean, MINIMAX_PROMPT_CHARACTERS, (facts) => {
    const camera = director ? DIRECTOR_COMMANDS[facts.camera] : cameraWords(facts.camera, namesOf(facts.subjects));
    return join(
      // Main subject, then the scene it stands in.
      sentence(join(describedSubjects(facts.subjects, "comma"), placePhrase(facts, "comma"))),
      // Motion.
      sentence(actionClause(facts)),
      // Camera: shot size and move.
      sentence(`${SHOT_SIZE_WORDS[facts.shotSize]}, ${camera}`),
      // Aesthetics.
      sentence(lightingOf(facts.style)),
      correctionsSentence(facts),
    );
  });
  return { prompt, negativePrompt: null };
};
