/**
 * Reading a request without a chat model: who acts or speaks, where, how long, and which lines are said by
 * whom, from the compromise English tagger with the small rules in the files beside this one.
 */
import { lastCharacterBefore, speakerOf } from "./lines.js";
import { actingNames, charactersIn, nameSpans, shownNames } from "./names.js";
import { secondsIn, shotNumbersIn } from "./numbers.js";
import { placeIn } from "./places.js";
import { blankQuotes, quotesIn, termsOf, type Term } from "./terms.js";

export { valueOf } from "./numbers.js";
export { MAKING_VERBS } from "./names.js";

export interface Reading {
  /** People who act or speak, in order of first mention (at most 4, as a brief holds). */
  characters: string[];
  location: string | null;
  /** The length asked for, in seconds. */
  seconds: number | null;
  dialogue: Array<{ character: string | null; text: string }>;
  /** The text with quoted lines blanked out, for pattern tests that must not look inside lines. */
  unquoted: string;
  terms: Term[];
}

export const MAX_CHARACTERS = 4;
export const MAX_LINES = 4;

function read(text: string): Reading {
  const quotes = quotesIn(text);
  const unquoted = blankQuotes(text, quotes);
  const terms = termsOf(unquoted);
  const spans = nameSpans(terms);
  const acting = actingNames(terms, spans);
  const shown = shownNames(terms, spans, acting);
  const onScreen = new Set([...acting, ...shown.keys()]);
  // A line before which no one else is named is said by a subject or by the person the clip is of.
  const mayTalk = new Set([...acting, ...[...shown].filter(([, how]) => how === "filmed").map(([name]) => name)]);
  const speakers = quotes.map((quote, index) => speakerOf(quote, terms, spans, mayTalk, quotes[index - 1]?.end ?? 0));
  const cast = new Set([...onScreen, ...speakers.flatMap((speaker) => (speaker.name ? [speaker.name] : []))]);
  const characters = charactersIn(spans, cast).slice(0, MAX_CHARACTERS);
  const dialogue = quotes.slice(0, MAX_LINES).map((quote, index) => {
    const speaker = speakers[index]!;
    const named = speaker.name !== null && characters.includes(speaker.name) ? speaker.name : null;
    const character =
      named ?? (speaker.pronoun ? lastCharacterBefore(quote.start, spans, characters) : null) ?? characters[0] ?? null;
    return { character, text: quote.text.slice(0, 400) };
  });
  return { characters, location: placeIn(terms), seconds: secondsIn(terms), dialogue, unquoted, terms };
}

const recent = new Map<string, Reading>();

/** The reading of a request; the same text is read once (routing, the brief and the planner all ask). */
export function readRequest(text: string): Reading {
  const cached = recent.get(text);
  if (cached) return cached;
  const reading = read(text);
  if (recent.size >= 32) recent.delete(recent.keys().next().value!);
  recent.set(text, reading);
  return reading;
}

/** The shots a regenerate note names; `count` (how many shots the scene has) resolves "the last shot". */
export function shotsNamedIn(note: string, count: number | null = null): number[] {
  return shotNumbersIn(termsOf(blankQuotes(note, quotesIn(note))), count);
}
