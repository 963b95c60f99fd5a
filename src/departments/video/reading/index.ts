/**
 * Reading a request without a chat model: who acts or speaks, where, how long, and which lines are said by
 * whom, from the compromise English tagger with the small rules in the files beside this one.
 */
import { actionPhraseIn } from "./actions.js";
import { appositivesIn, blankAppositives, type Appositive } from "./appositives.js";
import { lastCharacterBefore, speakerOf } from "./lines.js";
import { actingNames, charactersIn, nameSpans, shownNames, type NameSpan } from "./names.js";
import { secondsIn, shotNumbersIn } from "./numbers.js";
import { placeIn } from "./places.js";
import { blankQuotes, quotesIn, termsOf, type Term } from "./terms.js";

export { valueOf } from "./numbers.js";
export { MAKING_VERBS } from "./names.js";
export { gerundOf } from "./actions.js";

export interface Reading {
  /** People who act or speak, in order of first mention (at most 4, as a brief holds). */
  characters: string[];
  /** Where, as the Brain names it: lower case, without an article ("town square"). */
  location: string | null;
  /** The same place as the request wrote it, for a prompt: "the town square", "his kitchen". */
  placePhrase: string | null;
  /** The request's words for what the subject does, the verb as -ing: "playing chess". */
  actionPhrase: string | null;
  /** What the request says a character looks like or is: Sarah → "a tall woman in a red coat". */
  descriptions: Record<string, string>;
  /** The length asked for, in seconds. */
  seconds: number | null;
  dialogue: Array<{ character: string | null; text: string }>;
  /**
   * The text with quoted lines and descriptions of characters blanked out, for pattern tests that must not
   * look inside them ("a woman in a warm coat" asks for no warm grade).
   */
  unquoted: string;
  terms: Term[];
}

export const MAX_CHARACTERS = 4;
export const MAX_LINES = 4;

/** The terms and names of a text, with the descriptions set beside names blanked out first. */
function described(text: string): { plain: string; terms: Term[]; spans: NameSpan[]; appositives: Appositive[] } {
  const terms = termsOf(text);
  const spans = nameSpans(terms);
  const appositives = appositivesIn(text, terms, spans);
  if (appositives.length === 0) return { plain: text, terms, spans, appositives };
  const plain = blankAppositives(text, appositives);
  const plainTerms = termsOf(plain);
  return { plain, terms: plainTerms, spans: nameSpans(plainTerms), appositives };
}

function read(text: string): Reading {
  const quotes = quotesIn(text);
  const { plain: unquoted, terms, spans, appositives } = described(blankQuotes(text, quotes));
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
  const place = placeIn(terms);
  const descriptions = Object.fromEntries(
    appositives
      .filter((appositive) => characters.includes(appositive.name))
      .map((appositive) => [appositive.name, appositive.description.slice(0, 200)]),
  );
  return {
    characters,
    location: place?.name ?? null,
    placePhrase: place?.phrase ?? null,
    actionPhrase: actionPhraseIn(terms, spans, acting),
    descriptions,
    seconds: secondsIn(terms),
    dialogue,
    unquoted,
    terms,
  };
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

/** What a clause (a scene's beat: "walks past the fountain", "Tom runs down the street") has its subject do. */
export function actionPhraseOf(clause: string): string | null {
  const { terms, spans } = described(blankQuotes(clause, quotesIn(clause)));
  return actionPhraseIn(terms, spans, actingNames(terms, spans), true);
}

/** The shots a regenerate note names; `count` (how many shots the scene has) resolves "the last shot". */
export function shotsNamedIn(note: string, count: number | null = null): number[] {
  return shotNumbersIn(termsOf(blankQuotes(note, quotesIn(note))), count);
}
export {
  ASPECT_RATIOS,
  frameFor,
  isAspectRatio,
  shapeInRequest,
  type AspectRatio,
  type ShapeReading,
} from "./shape.js";
