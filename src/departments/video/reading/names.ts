/**
 * Who is in the shot. The tagger finds proper nouns and knows many first names; a name becomes a character
 * only when it acts or speaks (the subject of a verb, a speaker, someone acted on or alongside, or the
 * person a clip is of), so a place, a weekday or a street name is never cast.
 */
import { endsClause, hasComma, isCommonWord, isKnownName, readsAsVerb, type Term } from "./terms.js";

export interface NameSpan {
  name: string;
  start: number;
  end: number;
  /** Index of the first and one past the last term of the name. */
  from: number;
  to: number;
  /** Known as a person's name to the tagger (a lexicon name, an honorific before it). */
  person: boolean;
  possessive: boolean;
}

/** Tags that mean a capitalised word is not a name, unless the tagger also calls it a person. */
const NOT_A_NAME = [
  "Verb",
  "Adjective",
  "Adverb",
  "Determiner",
  "Preposition",
  "Conjunction",
  "Pronoun",
  "QuestionWord",
  "Value",
  "Date",
  "Organization",
  "Plural",
  "Acronym",
];
/** Places and dates stay out even when tagged as a person too ("Paris", "June"), unless they act (below). */
const PLACE_OR_TIME = ["Place", "Date", "Month", "WeekDay", "Holiday"];
/** Lower-case words inside a full name: "Ludwig van Beethoven", "Leonardo da Vinci". */
const PARTICLES = new Set(["van", "von", "de", "da", "di", "del", "della", "der", "la", "le", "bin", "ibn", "al"]);
const HONORIFICS = new Set(
  "mr mrs ms miss mx dr prof professor sir dame lady lord captain capt officer detective sergeant sgt agent nurse coach aunt uncle grandma grandpa king queen prince princess saint st".split(
    " ",
  ),
);
/** The verbs that make a clip; the person right after one is the one filmed ("film Chloe in her kitchen"). */
export const MAKING_VERBS = new Set(
  "generate create make render film shoot animate show produce give capture record depict".split(" "),
);
const VIDEO_NOUNS = new Set(
  "video videos clip clips shot shots scene scenes footage movie film animation montage timelapse sequence take close-up closeup".split(
    " ",
  ),
);
/** Human actions, for a name the tagger reads as a place ("Florence walks", "Sydney dances"). */
const HUMAN_ACTION =
  /^(walk|run|sit|stand|wav|danc|jump|talk|speak|say|look|smil|laugh|cr[yi]|sing|hug|kiss|wait|read|writ|eat|drink|cook|play|swim|rid|driv|climb|sleep|shout|whisper|ski|skat)/;
const LINKS = new Set(["and", "&", "or"]);
/** Words between a subject and its verb that do not break the link: "Zanele slowly walks", "Sarah is dancing". */
const BETWEEN = new Set(["is", "are", "was", "were", "will", "then", "also", "both", "together", "just", "still"]);
/** Prepositions of place: a name after one is a place unless the lexicon knows it as a person's name. */
const PLACE_PREPOSITIONS = new Set(
  "in at on by near inside into onto through across along around past outside over under from toward towards to".split(
    " ",
  ),
);

function capitalised(term: Term): boolean {
  return /^\p{Lu}[\p{L}'’-]*\p{Ll}[\p{L}'’-]*$/u.test(term.text) && !/['’]$/.test(term.text);
}

/**
 * A capitalised word that could be a name. At the start of a clause capitals prove nothing, so there an
 * ordinary word of the lexicon ("Rain falls", "Film Chloe") is not one unless the tagger reads it as a
 * proper noun there; inside a clause the capital is the writer's word that it is a name ("a clip of Leo").
 */
function nameLike(term: Term, clauseStart: boolean): boolean {
  if (!capitalised(term) || HONORIFICS.has(term.normal.replace(/\.$/, ""))) return false;
  if (isKnownName(term.text)) return true;
  if (clauseStart && isCommonWord(term.text) && !term.tags.has("ProperNoun")) return false;
  if (term.tags.has("Person") || term.tags.has("Place")) return true;
  return !NOT_A_NAME.some((tag) => term.tags.has(tag));
}

function startsClause(terms: Term[], index: number): boolean {
  return index === 0 || endsClause(terms[index - 1]!);
}

/**
 * A capitalised singular noun opening a clause right before a verb in the third person ("Leo jumps",
 * "Hope sits"): English puts an article before a countable noun there, so without one it is a name. Mass
 * nouns ("Rain falls", "Smoke rises") are read by the tagger as verbs and stay out.
 */
function bareSubject(terms: Term[], index: number): boolean {
  const term = terms[index]!;
  const next = terms[index + 1];
  if (!startsClause(terms, index) || !capitalised(term) || next === undefined || hasComma(term)) return false;
  if (HONORIFICS.has(term.normal.replace(/\.$/, "")) || MAKING_VERBS.has(term.normal)) return false;
  const singularNoun = term.tags.has("Singular") && !term.tags.has("Verb") && !term.tags.has("Pronoun");
  return singularNoun && next.tags.has("Verb") && next.tags.has("PresentTense") && /s$/.test(next.normal);
}

/** Names in the text: runs of name-like words (with particles), an honorific before one marks a person. */
export function nameSpans(terms: Term[]): NameSpan[] {
  const spans: NameSpan[] = [];
  let index = 0;
  while (index < terms.length) {
    if (!nameLike(terms[index]!, startsClause(terms, index)) && !bareSubject(terms, index)) {
      index++;
      continue;
    }
    const from = index;
    let to = index + 1;
    while (
      to < terms.length &&
      !hasComma(terms[to - 1]!) &&
      !endsClause(terms[to - 1]!) &&
      !terms[to - 1]!.possessive
    ) {
      const next = terms[to]!;
      if (nameLike(next, false)) to++;
      else if (PARTICLES.has(next.text) && to + 1 < terms.length && nameLike(terms[to + 1]!, false)) to += 2;
      else break;
    }
    // A hyphenated name is split by the tagger: "Min-jun", "Jean-Luc".
    while (to < terms.length && terms[to - 1]!.post === "-" && /^\p{L}+$/u.test(terms[to]!.text)) to++;
    const words = terms.slice(from, to);
    const before = terms[from - 1];
    const honorific = before !== undefined && HONORIFICS.has(before.normal.replace(/\.$/, ""));
    spans.push({
      name: words
        .map((term, at) => term.text + (at < words.length - 1 ? (term.post === "-" ? "-" : " ") : ""))
        .join(""),
      start: words[0]!.start,
      end: words.at(-1)!.end,
      from,
      to,
      person: honorific || words.some((term) => term.tags.has("Person") || isKnownName(term.text)),
      possessive: words.at(-1)!.possessive,
    });
    index = to;
  }
  return spans;
}

function placeOrTime(span: NameSpan, terms: Term[]): boolean {
  return terms
    .slice(span.from, span.to)
    .some((term) => capitalised(term) && PLACE_OR_TIME.some((tag) => term.tags.has(tag)));
}

/** The term after a run of linked names ("Fatima, Yuki and Arjun"), skipping adverbs and auxiliaries. */
function termAfterChain(spans: NameSpan[], at: number, terms: Term[]): { next: number; chain: NameSpan[] } {
  const chain = [spans[at]!];
  let next = spans[at]!.to;
  for (;;) {
    const following = spans[at + chain.length];
    const link = terms[next];
    const afterComma = hasComma(terms[next - 1]!);
    if (following && link && LINKS.has(link.normal) && following.from === next + 1) {
      chain.push(following);
      next = following.to;
    } else if (following && afterComma && following.from === next) {
      chain.push(following);
      next = following.to;
    } else break;
    if (endsClause(terms[next - 1]!)) return { next: -1, chain };
  }
  if (hasComma(terms[next - 1]!) || endsClause(terms[next - 1]!)) return { next: -1, chain };
  while (next < terms.length && (terms[next]!.tags.has("Adverb") || BETWEEN.has(terms[next]!.normal))) {
    if (endsClause(terms[next]!) || hasComma(terms[next]!)) return { next: -1, chain };
    next++;
  }
  return { next, chain };
}

/** The verb a name (or the run of names it leads) is the subject of, as a term index; null when none follows. */
export function verbAfterSubject(spans: NameSpan[], at: number, terms: Term[]): number | null {
  if (spans[at]!.possessive) return null;
  const { next } = termAfterChain(spans, at, terms);
  return next >= 0 && next < terms.length && readsAsVerb(terms[next]!) ? next : null;
}

/** Whether a name span acts: it (or the run of names it leads) is followed by a verb. */
function acts(spans: NameSpan[], at: number, terms: Term[]): NameSpan[] {
  const span = spans[at]!;
  if (span.possessive) return [];
  const { next, chain } = termAfterChain(spans, at, terms);
  if (next < 0 || next >= terms.length) return [];
  const verb = terms[next]!;
  if (!readsAsVerb(verb)) return [];
  // A place or a weekday "acts" only with a human action: "Florence walks", not "Paris glitters".
  return chain.filter((item) => !placeOrTime(item, terms) || HUMAN_ACTION.test(verb.normal));
}

/**
 * How a name is on screen without being a subject: "filmed" (what the clip is of: "film Chloe", "a clip
 * of Leo"), "present" (acted on or alongside someone who acts: "Siobhan hugs Aoife"), or not at all.
 */
function shown(span: NameSpan, terms: Term[], actors: Set<string>): "filmed" | "present" | null {
  if (span.possessive || placeOrTime(span, terms)) return null;
  const before = terms[span.from - 1];
  if (before === undefined || endsClause(before)) return null;
  if (MAKING_VERBS.has(before.normal) && before.tags.has("Verb")) return "filmed";
  if (before.normal === "of") {
    const noun = terms[span.from - 2];
    return noun !== undefined && VIDEO_NOUNS.has(noun.normal) ? "filmed" : null;
  }
  if (before.normal === "with" || before.normal === "alongside") return actors.size > 0 ? "present" : null;
  if (PLACE_PREPOSITIONS.has(before.normal)) return span.person && actors.size > 0 ? "present" : null;
  // The object of an action whose subject is a character: "Siobhan hugs Aoife", "hugs her brother Omar".
  let verbAt = span.from - 1;
  const owner = terms[span.from - 2];
  if (!readsAsVerb(before) && owner && /^(her|his|their|my|our|the)$/.test(owner.normal) && !hasComma(before))
    verbAt = span.from - 3;
  const verb = terms[verbAt];
  if (verb && readsAsVerb(verb) && !MAKING_VERBS.has(verb.normal)) {
    for (let index = verbAt - 1; index >= 0 && !endsClause(terms[index]!); index--) {
      if (actors.has(terms[index]!.text)) return "present";
    }
  }
  return null;
}

/** The names that are the subject of a verb. */
export function actingNames(terms: Term[], spans: NameSpan[]): Set<string> {
  const acting = new Set<string>();
  spans.forEach((_span, at) => {
    for (const actor of acts(spans, at, terms)) acting.add(actor.name);
  });
  return acting;
}

/** The names on screen without being a subject, and how (see `shown`). */
export function shownNames(terms: Term[], spans: NameSpan[], acting: Set<string>): Map<string, "filmed" | "present"> {
  const firstWords = new Set([...acting].map((name) => name.split(" ")[0]!));
  const names = new Map<string, "filmed" | "present">();
  for (const span of spans) {
    const how = shown(span, terms, firstWords);
    if (how !== null && !names.has(span.name)) names.set(span.name, how);
  }
  return names;
}

/** The characters among the names (those in `cast`), in order of first mention. */
export function charactersIn(spans: NameSpan[], cast: Set<string>): string[] {
  return [...new Set(spans.filter((span) => cast.has(span.name)).map((span) => span.name))];
}
