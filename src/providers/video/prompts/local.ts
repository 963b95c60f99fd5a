/**
 * The local animatic renderer draws from structured data and never reads a prompt; the prompt is kept in
 * provenance, so it is one plain sentence a person reads at a glance (no guide to follow), with the length.
 */
import {
  actionClause,
  correctionsSentence,
  describedSubjects,
  fit,
  isParticiple,
  join,
  lightingOf,
  placePhrase,
  sentence,
  withArticle,
  SHOT_SIZE_WORDS,
  type FamilyBuilder,
} from "./phrases.js";
import type { CameraMove } from "../../../domain.js";

export const LOCAL_PROMPT_CHARACTERS = 1500;

const CAMERA: Record<CameraMove, string> = {
  static: "a still camera",
  "pan-left": "the camera panning left",
  "pan-right": "the camera panning right",
  "dolly-in": "the camera moving in",
  "dolly-out": "the camera moving out",
  tracking: "the camera tracking alongside",
};

export const buildLocal: FamilyBuilder = (clean) => {
  const prompt = fit(clean, LOCAL_PROMPT_CHARACTERS, (facts) => {
    const size = SHOT_SIZE_WORDS[facts.shotSize];
    const who = describedSubjects(facts.subjects, "parentheses");
    const what = isParticiple(facts.action)
      ? join(who, facts.action, placePhrase(facts, "parentheses"))
      : join(who, placePhrase(facts, "parentheses"), `where ${actionClause(facts)}`);
    const light = lightingOf(facts.style).split(",")[0] ?? "";
    return join(
      sentence(
        `${withArticle(`${facts.durationSeconds}-second`)} ${size} of ${what}, with ${CAMERA[facts.camera]} and ${light}`,
      ),
      correctionsSentence(facts),
    );
  });
  return { prompt, negativePrompt: null };
};
