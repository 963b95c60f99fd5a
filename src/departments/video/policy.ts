/**
 * The head's deterministic decisions: which generation method, which specialists, how to grade,
 * and what to change when a take falls short. Each has a unit test; the LLM versions fall back here.
 */
import type { PictureRelevance } from "../../media/relevance.js";
import type {
  GenerationMethod,
  Grade,
  IgnoredCheck,
  QualityCheck,
  SpecialistName,
  VideoQualityResult,
} from "../../domain.js";
import type { EntityRef } from "./entity-ref.js";
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

/**
 * How well the take answers the request from what the generator was asked to make (the request's own
 * values): only the duration is measured from the file. Used when the picture could not be measured.
 */
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
  const askedScore = (Number(facts.asked.action) + Number(facts.asked.camera)) / 2;
  return round(0.3 * characterScore + 0.2 * locationScore + 0.3 * durationScore(facts) + 0.2 * askedScore);
}

function durationScore(facts: Pick<RelevanceFacts, "measuredSeconds" | "requestedSeconds">): number {
  return Math.max(0, 1 - Math.abs(facts.measuredSeconds - facts.requestedSeconds) / facts.requestedSeconds);
}

export interface TakeRelevance {
  relevance: number;
  /** "measured": from the file (its length and what its picture shows); "request": from what was asked of the generator. */
  basis: "measured" | "request";
  details: string;
}

/**
 * Relevance of a take: from the picture when any of its aspects could be measured (people, framing,
 * motion; see media/relevance.ts) together with the measured length, 0.7 to 0.3; otherwise from the
 * request's own values (measureRelevance), and said to be so.
 */
export function takeRelevance(facts: RelevanceFacts, picture: PictureRelevance | null): TakeRelevance {
  const measuredAspects = picture?.aspects.filter((aspect) => aspect.measured) ?? [];
  if (picture !== null && picture.score !== null && measuredAspects.length > 0) {
    const length = durationScore(facts);
    return {
      relevance: round(0.7 * picture.score + 0.3 * length),
      basis: "measured",
      details: [
        ...picture.aspects.map((aspect) => `${aspect.aspect}: ${aspect.details}`),
        `length ${facts.measuredSeconds.toFixed(1)} s of ${facts.requestedSeconds} s asked`,
      ].join("; "),
    };
  }
  const why = picture?.aspects.map((aspect) => `${aspect.aspect}: ${aspect.details}`).join("; ");
  return {
    relevance: measureRelevance(facts),
    basis: "request",
    details: `the picture could not be measured${why ? ` (${why})` : ""}: relevance from what was asked of the generator and the measured length`,
  };
}

/**
 * The verification a take is graded on: checks that were not measured, or that compared the take with
 * something proving nothing about it (`ignored`), are kept for the report but left out of the quality score
 * and the verdict, so no take is failed (and paid for again) on them.
 */
export function informativeVerification(
  verification: VideoQualityResult,
  ignored: IgnoredCheck[],
  threshold: number,
): VideoQualityResult {
  const left: IgnoredCheck[] = [...ignored];
  for (const check of verification.checks) {
    if (check.measured === false && !left.some((item) => item.type === check.type))
      left.push({ type: check.type, why: `not measured (${check.details})` });
  }
  const skipped = new Set(left.map((item) => item.type));
  const kept = verification.checks.filter((check) => !skipped.has(check.type));
  if (left.length === 0) return verification;
  if (kept.length === 0) return { ...verification, ignored: left };
  const overallQuality = round(kept.reduce((sum, check) => sum + check.score, 0) / kept.length);
  return {
    ...verification,
    overallQuality,
    passed: kept.every((check) => check.passed) && overallQuality >= threshold,
    issues: verification.issues.filter((issue) => ![...skipped].some((type) => issue.startsWith(type))),
    ignored: left,
  };
}

export const GRADE_WEIGHTS = { quality: 0.5, relevance: 0.2, consistency: 0.3 } as const;

export function gradeTake(verification: VideoQualityResult, relevance: number, threshold: number): Grade {
  const ignored = new Set((verification.ignored ?? []).map((item) => item.type));
  const consistencyChecks = verification.checks.filter(
    (check) =>
      (check.type === "character-consistency" || check.type === "location-consistency") && !ignored.has(check.type),
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
  /** What was changed and why, for the report and the progress (may quote measurements). */
  notes: string[];
  /**
   * What the next prompt asks for, as visible things a video model can act on; never an id, a file name, a
   * hex colour or a score. Absent in a state from before corrections existed.
   */
  corrections?: string[];
}

/** Who and where a take shows, to word its corrections. */
export interface Cast {
  characters: string[];
  location: string | null;
}

/** A failed check as something a video model can see and do. Technical checks are fixed by settings, not words. */
function correctionFor(type: QualityCheck["type"], cast: Cast): string | null {
  switch (type) {
    case "character-consistency":
      return cast.characters.length === 0
        ? null
        : `keep ${cast.characters.join(" and ")} looking exactly as described (same face, hair and clothes) and fully in frame`;
    case "location-consistency":
      return cast.location === null ? null : `keep the ${cast.location} clearly recognisable behind them throughout`;
    case "motion-quality":
      return "continuous natural motion through the whole clip, no frozen, repeated or black frames";
    case "visual-clarity":
    case "bitrate":
      return "sharp focus and clean fine detail, no blur or blocky compression";
    case "continuity":
      return "steady camera, no sudden jumps";
    default:
      return null;
  }
}

/** What to change for the next attempt, from the checks that failed: settings, report notes and prompt corrections. */
export function adjustFromFeedback(failed: QualityCheck[], previous: Adjustments, cast?: Cast): Adjustments {
  const next: Adjustments = {
    motionStrength: previous.motionStrength,
    sharpen: previous.sharpen,
    notes: [],
    corrections: [],
  };
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
    const correction = correctionFor(check.type, cast ?? { characters: [], location: null });
    if (correction !== null && !next.corrections!.includes(correction)) next.corrections!.push(correction);
  }
  return next;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
