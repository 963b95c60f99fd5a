/**
 * A user's description of a character, set beside the name: "Sarah, a tall woman in a red coat, walks",
 * "Sarah (a retired teacher) reads", "Sarah, who is a retired teacher, reads". The description is kept
 * for the prompt, then blanked out (same length, so offsets stay valid) before the other rules read the
 * request: to the tagger "Sarah, a tall woman ..., walks" is a list, and Sarah would not be the one who walks.
 */
import type { NameSpan } from "./names.js";
import type { Term } from "./terms.js";

export interface Appositive {
  name: string;
  description: string;
  /** The characters to blank: from right after the name to the end of the appositive. */
  start: number;
  end: number;
}

const IN_BRACKETS = /^\s*\(\s*(?:who(?:\s+is|['’]s)\s+)?([^()"“”]{2,120}?)\s*\)/i;
/** After a comma: "who is" and anything, or a noun phrase with an article or an owner. */
const AFTER_COMMA =
  /^\s*,\s*(?:who(?:\s+is|['’]s|\s+was)\s+([^,;:.!?()"“”]{2,120}?)|((?:a|an|the|my|our|his|her|their)\s[^,;:.!?()"“”]{1,120}?))\s*(,|[;:.!?]|$)/i;

/** A verb that makes the words after the comma a clause of their own ("Mia, the train arrives"). */
function finiteVerb(term: Term): boolean {
  if (!term.tags.has("Verb") || term.tags.has("Gerund")) return false;
  return ["PresentTense", "Infinitive", "Copula", "Modal", "Auxiliary"].some((tag) => term.tags.has(tag));
}

export function appositivesIn(text: string, terms: Term[], spans: NameSpan[]): Appositive[] {
  const found: Appositive[] = [];
  for (const span of spans) {
    if (span.possessive) continue;
    const rest = text.slice(span.end);
    const bracketed = IN_BRACKETS.exec(rest);
    const commaed = bracketed ? null : AFTER_COMMA.exec(rest);
    const match = bracketed ?? commaed;
    if (match === null) continue;
    const description = (bracketed ? bracketed[1]! : (commaed![1] ?? commaed![2]!)).trim();
    const closing = commaed?.[3] ?? "";
    // A comma closing the appositive goes with it; a full stop or the end of the text stays.
    const end = span.end + match[0].length - (closing === "," || bracketed ? 0 : closing.length);
    const inside = terms.filter((term) => term.start >= span.end && term.end <= end);
    if (!bracketed && inside.some(finiteVerb) && !/^\s*,\s*who\b/i.test(rest)) continue;
    found.push({ name: span.name, description, start: span.end, end });
  }
  return found;
}

/** The text with each appositive replaced by spaces, so the name stands right before its verb. */
export function blankAppositives(text: string, appositives: Appositive[]): string {
  let result = text;
  for (const { start, end } of appositives) {
    result = result.slice(0, start) + " ".repeat(end - start) + result.slice(end);
  }
  return result;
}
