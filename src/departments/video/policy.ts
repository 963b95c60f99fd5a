/**
 * The head's deterministic decisions: which generation method, which specialists, how to grade,
 * and what to change when a take falls short. Each has a unit test; the LLM versions fall back here.
 */
import type { GenerationMethod, Grade, QualityCheck, SpecialistName, VideoQualityResult } from "../../domain.js";
import type { EntityRef } from "./state.js";
import type { VideoBrief } from "./understand.js";

export interface MethodInputs {
  characterCount: number;
  /** Characters with a stored master reference image. */
  characterReferences: number;
  /**
   * Characters with an image a paid model may be sent (the user's upload or one a real image model made);
   * counted only when the video model is paid (the local renderer draws characters itself).
   */
  characterPhotos?: number;
  hasLocationReference: boolean;
  /** A frame to continue from (the previous take's last frame), when the request continues a shot. */
  continueFrom: string | null;
  /** Check types that failed in the previous attempt. */
  failedChecks: string[];
  /**
   * References left out of the counts above because the local renderer drew them and the provider is a
   * paid model, which is never sent a drawing. Only says why text-to-video was chosen.
   */
  drawingsWithheld?: number;
}

/** Why a take or shot is made from text when its references are drawings and the model is paid. */
export const DRAWINGS_WITHHELD_REASON = "references are local drawings; a paid model gets text only";

export interface MethodChoice {
  method: GenerationMethod;
  reason: string;
}

/**
 * The reference image a generation may start from: for a paid model none the local renderer drew
 * (`imageReferenceMediaIds`, set by the head); a state from before that field uses every reference.
 */
export function startImageOf(entity: EntityRef | null): string | undefined {
  if (entity === null) return undefined;
  return (entity.imageReferenceMediaIds ?? entity.referenceMediaIds)[0];
}

export function chooseMethod(inputs: MethodInputs): MethodChoice {
  if (inputs.continueFrom !== null && inputs.hasLocationReference) {
    return {
      method: "first-last-frame",
      reason: "continues the previous shot: starts from its last frame and ends on the location",
    };
  }
  if (
    inputs.characterCount > 0 &&
    inputs.characterReferences === inputs.characterCount &&
    inputs.hasLocationReference
  ) {
    return {
      method: "composite-to-video",
      reason: "every character and the location have master references: animate a composite of them for consistency",
    };
  }
  if (inputs.hasLocationReference && inputs.characterCount === 0) {
    return { method: "image-to-video", reason: "no characters: animate the location's master reference" };
  }
  if (inputs.hasLocationReference && inputs.failedChecks.includes("location-consistency")) {
    return { method: "image-to-video", reason: "location looked wrong last time: start from its reference image" };
  }
  if (!inputs.hasLocationReference && inputs.characterCount > 0 && (inputs.characterPhotos ?? 0) > 0) {
    return {
      method: "image-to-video",
      reason: "no usable picture of the location: animate the character's reference image",
    };
  }
  if ((inputs.drawingsWithheld ?? 0) > 0) {
    return { method: "text-to-video", reason: `${DRAWINGS_WITHHELD_REASON}: generate from the prompt` };
  }
  return { method: "text-to-video", reason: "no complete set of references: generate from the prompt" };
}

export function chooseSpecialists(brief: VideoBrief): { specialists: SpecialistName[]; reasons: string[] } {
  const specialists: SpecialistName[] = ["video-generator"];
  const reasons = ["video-generator: the request needs a new clip"];
  if (brief.grade !== null) {
    specialists.push("scene-assembler");
    reasons.push(`scene-assembler: the request asks for a ${brief.grade} look (post-processing)`);
  }
  if (brief.dialogue.length > 0 || brief.ambience !== null) {
    specialists.push("audio-integrator");
    reasons.push(
      `audio-integrator: ${brief.dialogue.length > 0 ? `${brief.dialogue.length} dialogue line(s)` : ""}${
        brief.dialogue.length > 0 && brief.ambience ? " and " : ""
      }${brief.ambience ? `${brief.ambience} sound` : ""}`,
    );
  }
  specialists.push("quality-verifier");
  reasons.push("quality-verifier: every take is measured before it is shown");
  return { specialists, reasons };
}

export interface RelevanceFacts {
  requestedCharacters: string[];
  depictedCharacters: string[];
  requestedLocation: string | null;
  setInLocation: string | null;
  requestedSeconds: number;
  measuredSeconds: number;
  /** Whether the take was made with the action and camera move the request asked for. */
  asked: { action: boolean; camera: boolean };
}

/** How well the take answers the request, from what was actually made and measured. */
export function measureRelevance(facts: RelevanceFacts): number {
  const wanted = facts.requestedCharacters.map((name) => name.toLowerCase());
  const depicted = new Set(facts.depictedCharacters.map((name) => name.toLowerCase()));
  const characterScore = wanted.length === 0 ? 1 : wanted.filter((name) => depicted.has(name)).length / wanted.length;
  const locationScore =
    facts.requestedLocation === null
      ? 1
      : facts.setInLocation?.toLowerCase() === facts.requestedLocation.toLowerCase()
        ? 1
        : 0;
  const durationScore = Math.max(
    0,
    1 - Math.abs(facts.measuredSeconds - facts.requestedSeconds) / facts.requestedSeconds,
  );
  const askedScore = (Number(facts.asked.action) + Number(facts.asked.camera)) / 2;
  return round(0.3 * characterScore + 0.2 * locationScore + 0.3 * durationScore + 0.2 * askedScore);
}

export const GRADE_WEIGHTS = { quality: 0.5, relevance: 0.2, consistency: 0.3 } as const;

export function gradeTake(verification: VideoQualityResult, relevance: number, threshold: number): Grade {
  const consistencyChecks = verification.checks.filter(
    (check) => check.type === "character-consistency" || check.type === "location-consistency",
  );
  const consistency =
    consistencyChecks.length > 0
      ? consistencyChecks.reduce((sum, check) => sum + check.score, 0) / consistencyChecks.length
      : verification.overallQuality;
  const overall =
    GRADE_WEIGHTS.quality * verification.overallQuality +
    GRADE_WEIGHTS.relevance * relevance +
    GRADE_WEIGHTS.consistency * consistency;
  return {
    quality: round(verification.overallQuality),
    relevance: round(relevance),
    consistency: round(consistency),
    overall: round(overall),
    passed: overall >= threshold && verification.passed,
    threshold,
  };
}

export interface Adjustments {
  motionStrength: number;
  sharpen: number | null;
  notes: string[];
}

/** What to change for the next attempt, from the checks that failed. */
export function adjustFromFeedback(failed: QualityCheck[], previous: Adjustments): Adjustments {
  const next: Adjustments = { motionStrength: previous.motionStrength, sharpen: previous.sharpen, notes: [] };
  for (const check of failed) {
    if (check.type === "motion-quality") {
      next.motionStrength = Math.min(1, previous.motionStrength + 0.3);
      next.notes.push(`motion was weak (${check.details}): motion strength ${next.motionStrength.toFixed(2)}`);
    } else if (check.type === "visual-clarity") {
      next.sharpen = Math.min(1, (previous.sharpen ?? 0) + 0.5);
      next.notes.push(`picture was soft (${check.details}): sharpen ${next.sharpen.toFixed(2)}`);
    } else {
      next.notes.push(`${check.type} failed (${check.details}): new seed, same references`);
    }
  }
  return next;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
