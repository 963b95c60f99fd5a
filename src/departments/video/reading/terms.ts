/**
 * The English tagger's view of a request, as flat terms with their character offsets. Quoted lines are
 * blanked out (same length, so offsets still point into the original text) because what a character
 * says is not part of what the request describes: a name or a place inside a line is not in the shot.
 */
import nlp from "compromise";

export interface Term {
  /** The word as written, without surrounding punctuation. */
  text: string;
  /** Lower case, without a possessive 's. */
  normal: string;
  tags: ReadonlySet<string>;
  /** Punctuation and spaces after the word. */
  post: string;
  start: number;
  end: number;
  possessive: boolean;
}

export interface Quote {
  start: number;
  end: number;
  text: string;
}

interface RawTerm {
  text: string;
  post: string;
  normal: string;
  tags: string[];
  offset: { start: number; length: number };
}

const SPEECH_VERBS =
  "says|say|said|saying|asks|ask|asked|asking|whispers|whisper|whispered|whispering|shouts|shout|shouted|shouting|replies|reply|replied|replying|tells|tell|told|yells|yell|yelled|yelling|calls|call|called|calling|sings|sing|sang|singing|mutters|mutter|muttered|muttering|cries|cried|crying|adds|added|answers|answer|answered|exclaims|exclaimed|screams|screamed|screaming|murmurs|murmured|announces|announced|goes";
export const SPEECH_VERB = new RegExp(`^(?:${SPEECH_VERBS})$`, "i");

const DOUBLE_QUOTED = /["“”„]([^"“”„]{1,400})["“”]/g;
/**
 * Single quotes double as apostrophes ("O'Brien", "Let's"), so a single-quoted line is taken only where a
 * line is expected: after a speech verb or a colon, and closed before punctuation, "and"/"then", a
 * preposition that goes on with the sentence ("saying 'hi there' in the park") or the end.
 */
const AFTER_LINE = "and|then|in|at|on|to|while|as|with|before|after|near|by|from|under|inside|outside|across|through";
const SINGLE_QUOTED = new RegExp(
  `(?:\\b(?:${SPEECH_VERBS})\\b[^"“'‘;.]{0,40}?|:\\s*)(['‘])(.{1,400}?)['’](?=\\s*(?:[;,.!?)]|$|(?:${AFTER_LINE})\\b))`,
  "gi",
);

/** A comma before the closing quote belongs to the sentence around the line ("\u201cWe\u2019re late,\u201d says Mateo"). */
function lineText(quoted: string): string {
  return quoted.trim().replace(/,$/, "").trim();
}

/** The quoted lines of a request, in order, double quotes anywhere and single quotes where a line is expected. */
export function quotesIn(text: string): Quote[] {
  const quotes: Quote[] = [];
  for (const match of text.matchAll(DOUBLE_QUOTED)) {
    quotes.push({ start: match.index, end: match.index + match[0].length, text: lineText(match[1]!) });
  }
  for (const match of text.matchAll(SINGLE_QUOTED)) {
    const start = match.index + match[0].length - match[2]!.length - 2;
    const end = match.index + match[0].length;
    if (quotes.some((quote) => start < quote.end && end > quote.start)) continue;
    quotes.push({ start, end, text: lineText(match[2]!) });
  }
  return quotes.filter((quote) => quote.text.length > 0).sort((left, right) => left.start - right.start);
}

/**
 * The text with each quote replaced by a comma and spaces of the same length: offsets stay valid, and the
 * comma keeps the tagger from running the words on either side of a line into one phrase.
 */
export function blankQuotes(text: string, quotes: Quote[]): string {
  let result = text;
  for (const quote of quotes) {
    result = result.slice(0, quote.start) + `,${" ".repeat(quote.end - quote.start - 1)}` + result.slice(quote.end);
  }
  return result;
}

export function termsOf(text: string): Term[] {
  const sentences = nlp(text).json({ offset: true, terms: { offset: true } }) as Array<{ terms: RawTerm[] }>;
  const terms = sentences.flatMap((sentence) =>
    sentence.terms
      .filter((term) => term.text.length > 0)
      .map((term) => {
        const possessive = /['’]s$/i.test(term.text) && term.tags.includes("Possessive");
        const text = term.text.replace(/['’]s$/i, possessive ? "" : "$&");
        return {
          text,
          normal: (possessive ? term.normal.replace(/['’]s$/, "") : term.normal).toLowerCase(),
          tags: new Set(term.tags),
          post: term.post,
          start: term.offset.start,
          end: term.offset.start + term.offset.length,
          possessive,
        };
      }),
  );
  // A bare punctuation "word" (a blanked line's comma) is punctuation after the word before it.
  const words: Term[] = [];
  for (const term of terms) {
    const previous = words.at(-1);
    if (!/[\p{L}\p{N}]/u.test(term.text) && previous) previous.post += `${term.text}${term.post}`;
    else if (/[\p{L}\p{N}]/u.test(term.text)) words.push(term);
  }
  return words;
}

/** The tagger's word list: word → its tag. */
const LEXICON = (nlp.model() as { one: { lexicon: Record<string, string | undefined> } }).one.lexicon;

const verbReadings = new Map<string, boolean>();

/**
 * Whether a word is a verb when it follows a subject. The tagger reads a word right after a name as a
 * noun or a surname when the name is unknown to it ("Olga and Dmitri talk", "Lucas waiting"); read after
 * a pronoun the same word is unambiguous, so that reading decides.
 */
export function readsAsVerb(term: Term): boolean {
  if (term.tags.has("Verb")) return !term.tags.has("Particle") || term.tags.has("PhrasalVerb");
  if (!/^\p{Ll}[\p{Ll}-]*$/u.test(term.text)) return false;
  const word = term.normal;
  const cached = verbReadings.get(word);
  if (cached !== undefined) return cached;
  const frame = word.endsWith("ing") ? `they are ${word}` : word.endsWith("s") ? `she ${word}` : `they ${word}`;
  const tags = nlp(frame).json({ terms: { offset: false } }) as Array<{ terms: Array<{ tags: string[] }> }>;
  const last = tags[0]?.terms.at(-1)?.tags ?? [];
  const verb = last.includes("Verb") && !last.includes("Copula");
  if (verbReadings.size > 2000) verbReadings.clear();
  verbReadings.set(word, verb);
  return verb;
}

/** Whether the tagger's lexicon lists the word as an ordinary word: not a person's name, not a place. */
export function isCommonWord(word: string): boolean {
  const entry = LEXICON[word.toLowerCase()];
  return entry !== undefined && !/Name|Person|City|Country|Region|Place|ProperNoun/.test(entry);
}

/** Whether the lexicon knows the word as a person's name. */
export function isKnownName(word: string): boolean {
  const entry = LEXICON[word.toLowerCase()];
  return entry !== undefined && /Name|Person/.test(entry);
}

/** Punctuation after a term that ends a clause: a name before it does not reach a verb after it. */
export function endsClause(term: Term): boolean {
  return /[;:.!?()]/.test(term.post);
}

export function hasComma(term: Term): boolean {
  return term.post.includes(",");
}
