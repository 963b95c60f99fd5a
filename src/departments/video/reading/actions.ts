/**
 * What the subject does, in the request's own words: the renderer draws one of a few action classes, but a
 * paid model can be told "playing chess". The phrase runs from the acting verb up to the place phrase, a
 * clause end, a quoted line or the next clause, with the verb turned to its -ing form ("walks her dog" →
 * "walking her dog").
 */
import nlp from "compromise";
import { MAKING_VERBS, verbAfterSubject, type NameSpan } from "./names.js";
import { placeStartsAt } from "./places.js";
import { endsClause, hasComma, readsAsVerb, SPEECH_VERB, type Term } from "./terms.js";

/** Words that start another clause: the phrase is what the subject does first. */
const NEXT_CLAUSE = new Set([
  "then",
  "while",
  "as",
  "when",
  "before",
  "after",
  "until",
  "because",
  "so",
  "where",
  "who",
]);
/** Prepositions that, when no place follows, bring a time, a manner or clothes: "at dusk", "in a red dress". */
const CIRCUMSTANCE = new Set(["in", "at", "on", "during", "for", "with", "from", "inside", "under", "like"]);
/** After these verbs "at" and "to" take what is looked at or talked to, which belongs to the action. */
const TAKES_TARGET =
  /^(look|stare|gaz|glanc|smil|wav|point|laugh|nod|shout|yell|wink|frown|grin|peer|aim|throw|bark|scream|talk|speak|whisper|listen|sing|repl|call|explain)/;
const MAX_WORDS = 8;
const DURATION = /^(a|an|one|half|ever|hours?|minutes?|seconds?|days?|while|long|now)$/;
const LEADS = new Set(["then", "and", "also", "finally", "now", "later", "suddenly"]);

const gerunds = new Map<string, string>();

/** The -ing form of one verb ("walks" → "walking", "ski" → "skiing"), read in a frame that makes it a verb. */
export function gerundOf(word: string): string {
  const lower = word.toLowerCase();
  if (/ing$/.test(lower)) return lower;
  const cached = gerunds.get(lower);
  if (cached !== undefined) return cached;
  const frame = nlp(/s$/.test(lower) ? `she ${lower}` : `they ${lower}`);
  const forms = frame.verbs().conjugate()[0] as { Gerund?: string } | undefined;
  const gerund = forms?.Gerund?.split(" ")[0] ?? `${lower.replace(/e$/, "")}ing`;
  if (gerunds.size > 2000) gerunds.clear();
  gerunds.set(lower, gerund);
  return gerund;
}

function notAnAction(term: Term): boolean {
  return (
    MAKING_VERBS.has(term.normal) ||
    term.tags.has("Copula") ||
    term.tags.has("Auxiliary") ||
    term.tags.has("Modal") ||
    /^(is|are|was|were|be|been|being|has|have|had|do|does|did|let|please)$/.test(term.normal)
  );
}

function subjectLike(term: Term): boolean {
  return (
    (term.tags.has("Noun") || term.tags.has("Pronoun")) &&
    !term.tags.has("Possessive") &&
    !/^(me|us|him|them|it|this|that)$/.test(term.normal)
  );
}

/**
 * Where the action's verb is: after the first character who acts; else the first verb after a noun or a
 * pronoun ("a dragon flying", "she says"); in a clause (a scene's beat) also a verb it opens with.
 */
function verbIndex(terms: Term[], spans: NameSpan[], acting: Set<string>, clause: boolean): number | null {
  for (let at = 0; at < spans.length; at++) {
    if (!acting.has(spans[at]!.name)) continue;
    const next = verbAfterSubject(spans, at, terms);
    if (next !== null) return next;
  }
  for (let index = 0; index < terms.length; index++) {
    const term = terms[index]!;
    if (notAnAction(term) || !/^\p{L}[\p{L}-]*$/u.test(term.text)) continue;
    const previous = terms[index - 1];
    // A beat may open with a linking word: "then walks on", "and finally sits".
    const lead = clause && terms.slice(0, index).every((word) => LEADS.has(word.normal) || word.tags.has("Adverb"));
    const opens = lead || index === 0 || (previous !== undefined && (endsClause(previous) || hasComma(previous)));
    if (opens && !clause) continue;
    // "Snow falls": a word before a verb in the third person is its subject.
    const next = terms[index + 1];
    if (opens && next && /s$/.test(next.normal) && !hasComma(term) && readsAsVerb(next)) continue;
    if (!opens && !(previous && subjectLike(previous) && !hasComma(previous))) continue;
    if (!readsAsVerb(term)) continue;
    if (!opens && !term.tags.has("Verb") && !/(ing|s)$/.test(term.normal)) continue;
    return index;
  }
  return null;
}

/** Whether the phrase stops before the term at `index`. */
function stopsAt(terms: Term[], index: number, verb: Term): boolean {
  const term = terms[index]!;
  if (NEXT_CLAUSE.has(term.normal)) return true;
  if (term.normal === "and" || term.normal === "or") return index + 1 >= terms.length || readsAsVerb(terms[index + 1]!);
  if (term.tags.has("Value") || term.tags.has("Date")) return true;
  if (placeStartsAt(terms, index)) return true;
  if (/^(at|to)$/.test(term.normal) && TAKES_TARGET.test(verb.normal)) return false;
  // A preposition with nothing after it is the verb's particle: "gets on", "checks in".
  if (index + 1 >= terms.length || hasComma(term) || endsClause(term)) return false;
  // "runs for the bus" is part of the action; "for five seconds" is the clip's length.
  if (term.normal === "for") return DURATION.test(terms[index + 1]!.normal) || terms[index + 1]!.tags.has("Value");
  return CIRCUMSTANCE.has(term.normal);
}

function written(words: Term[]): string {
  return words
    .map((term, index) => {
      const word = index === 0 ? gerundOf(term.text) : term.possessive ? `${term.text}'s` : term.text;
      return index < words.length - 1 && term.post === "-" ? `${word}-` : `${word} `;
    })
    .join("")
    .trim();
}

/** The request's words for what its subject does ("playing chess"), or null when nothing is done. */
export function actionPhraseIn(terms: Term[], spans: NameSpan[], acting: Set<string>, clause = false): string | null {
  const start = verbIndex(terms, spans, acting, clause);
  if (start === null) return null;
  const verb = terms[start]!;
  if (SPEECH_VERB.test(verb.normal) && verb.normal !== "goes") return gerundOf(verb.text);
  const words = [verb];
  // "enters the kitchen": the place follows the verb itself.
  if (!hasComma(verb) && !endsClause(verb) && !placeStartsAt(terms, start)) {
    for (let index = start + 1; index < terms.length && words.length < MAX_WORDS; index++) {
      if (stopsAt(terms, index, verb)) break;
      const term = terms[index]!;
      words.push(term);
      if (hasComma(term) || endsClause(term)) break;
    }
  }
  while (words.length > 1 && /^(and|or|the|a|an|her|his|their|my|our|your|its|of|to|at)$/.test(words.at(-1)!.normal))
    words.pop();
  return written(words);
}
