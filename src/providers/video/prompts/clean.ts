/**
 * Shot facts made safe to write from: names and the action scrubbed of anything the guard forbids,
 * descriptions and corrections that fail it dropped, descriptions kept short, and negated corrections said
 * as the visible thing to draw instead.
 */
import { isClean, scrub } from "./sanitize.js";
import type { ShotFacts } from "./types.js";

/** Facts a builder may write from: every field passes the guard, durations are whole seconds. */
export interface CleanFacts extends ShotFacts {
  /** Things to leave out, for families with a negative prompt ("no X" corrections with no positive form). */
  avoid: string[];
}

/** Cut at the last word boundary within the limit. */
export function truncateAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(" ");
  return (space > limit * 0.6 ? cut.slice(0, space) : cut).replace(/[,;:\s]+$/, "");
}

/** Negated corrections said as the visible thing a model should draw instead. */
const POSITIVE: Array<[RegExp, string]> = [
  [/black (?:frames?|screens?)|fade to black|dark frames?/i, "every frame clearly lit from first to last"],
  [/flicker/i, "steady, even light across every frame"],
  [/blur|out of focus|soft focus/i, "sharp focus"],
  [/shak|jitter|wobbl/i, "steady camera"],
  [/frozen|freez|still image|no motion|static motion/i, "clear, continuous motion"],
  [/extra (?:people|persons?|figures?)|crowd|duplicate/i, "only the named characters in frame"],
  [/extra (?:limbs|arms|legs|fingers)|deform/i, "natural, well-formed hands and limbs"],
  [/text|captions?|letters|watermarks?|logos?|subtitles?/i, "a clean picture free of lettering"],
];
const NEGATION = /^(?:no|avoid|without|never|don't show|do not show|don't|do not|not)\s+/i;

/** A correction in positive words, or what to avoid when it has no positive form. */
export function positiveCorrection(correction: string): { positive: string | null; avoid: string | null } {
  const text = correction.trim().replace(/[.!]+$/, "");
  if (!NEGATION.test(text)) return { positive: text, avoid: null };
  const rest = text.replace(NEGATION, "");
  const match = POSITIVE.find(([pattern]) => pattern.test(rest));
  return match ? { positive: match[1], avoid: null } : { positive: null, avoid: rest };
}

/** How long one description may be: a user's paragraph must not crowd the action out of the prompt. */
const DESCRIPTION_CHARACTERS = 300;

/**
 * A description without a repeated "Name:" lead (characterInWords' and locationInWords' form), no longer
 * than DESCRIPTION_CHARACTERS, and, for a person, with an article ("tall woman" → "a tall woman").
 */
function descriptionOf(name: string, description: string, article: boolean): string {
  let text = description.trim().replace(/[.\s]+$/, "");
  const lead = `${name.toLowerCase()}:`;
  if (text.toLowerCase().startsWith(lead)) text = text.slice(lead.length).trim();
  // A place's words lead with its short name ("park: a park with …") where the setting reads "the park".
  const bare = name.toLowerCase().replace(/^(?:the|a|an|his|her|their|my|our|your)\s+/, "");
  if (text.toLowerCase().startsWith(`${bare}:`)) text = text.slice(bare.length + 1).trim();
  text = truncateAtWord(text, DESCRIPTION_CHARACTERS);
  if (text === "") return "";
  text = text.charAt(0).toLowerCase() + text.slice(1);
  if (!article || /^(?:a|an|the|his|her|their|my|our|your|its|one|two|three|wearing|with|who|dressed|\d)/.test(text))
    return text;
  return `${/^[aeiou]/.test(text) ? "an" : "a"} ${text}`;
}

/**
 * The facts with everything the guard forbids taken out: names and the action are scrubbed (they cannot be
 * dropped), descriptions, style and corrections that fail are dropped whole.
 */
export function cleanFacts(facts: ShotFacts): CleanFacts {
  const subjects = facts.subjects
    .map((subject) => ({ name: scrub(subject.name), description: subject.description }))
    .filter((subject) => subject.name !== "")
    .map((subject) => ({
      name: subject.name,
      description: isClean(subject.description) ? descriptionOf(subject.name, subject.description, true) : "",
    }));
  const setting = facts.setting === null ? "" : scrub(facts.setting);
  const settingDescription =
    facts.settingDescription !== null && isClean(facts.settingDescription) && setting !== ""
      ? descriptionOf(setting, facts.settingDescription, false)
      : "";
  const positives: string[] = [];
  const avoid: string[] = [];
  for (const correction of facts.corrections) {
    if (!isClean(correction) || correction.trim() === "") continue;
    const { positive, avoid: thing } = positiveCorrection(correction);
    if (positive !== null && !positives.includes(positive)) positives.push(positive);
    if (thing !== null && !avoid.includes(thing)) avoid.push(thing);
  }
  return {
    // A shot of the place alone (an establishing shot) shows the place itself, not an invented person.
    subjects: subjects.length > 0 ? subjects : [{ name: "the place", description: "" }],
    // A word cut out of the action may leave it hanging on a preposition ("dancing with").
    action:
      subjects.length === 0
        ? "seen with gentle natural movement and no people in frame"
        : scrub(facts.action).replace(/(?:\s+(?:with|at|of|to|for|from|in|on|by|and|the|a|an))+$/i, "") ||
          "moving naturally",
    setting: setting === "" ? null : setting,
    settingDescription: settingDescription === "" ? null : settingDescription,
    shotSize: facts.shotSize,
    camera: facts.camera,
    style: facts.style !== null && isClean(facts.style) ? facts.style : null,
    durationSeconds: Math.max(1, Math.round(facts.durationSeconds)),
    corrections: positives,
    avoid,
  };
}
