/**
 * Who says each quoted line: the name before a speech verb ("Kenji ... says"), after one that follows the
 * line ("…," says Mateo), before a colon (Sarah: "…"), or the last character a pronoun points back to
 * ("she says"). A line nobody is named for goes to the first character, as one voice is the usual case.
 */
import type { NameSpan } from "./names.js";
import { SPEECH_VERB, type Quote, type Term } from "./terms.js";

const PRONOUNS = new Set(["she", "he", "they", "i", "we"]);

function spanAt(spans: NameSpan[], termIndex: number): NameSpan | undefined {
  return spans.find((span) => span.from === termIndex);
}

function clauseBreak(term: Term): boolean {
  return /[;.!?]/.test(term.post);
}

/** The name a line is said by, and whether it was named for it (not just the first character). */
export function speakerOf(
  quote: Quote,
  terms: Term[],
  spans: NameSpan[],
  mayTalk: Set<string>,
  previousQuoteEnd: number,
): { name: string | null; pronoun: boolean } {
  const after = terms.findIndex((term) => term.start >= quote.end);
  // After the line: `"…," says Mateo` or `"…" Mateo says`.
  if (after >= 0 && terms[after]!.start - quote.end <= 3) {
    const first = terms[after]!;
    if (SPEECH_VERB.test(first.normal)) {
      const named = spanAt(spans, after + 1);
      if (named) return { name: named.name, pronoun: false };
      if (PRONOUNS.has(terms[after + 1]?.normal ?? "")) return { name: null, pronoun: true };
    }
    const named = spanAt(spans, after);
    if (named && SPEECH_VERB.test(terms[named.to]?.normal ?? "")) return { name: named.name, pronoun: false };
  }
  // Before the line, within its clause and after the previous line.
  const before = terms
    .map((term, index) => ({ term, index }))
    .filter(({ term }) => term.end <= quote.start && term.start >= previousQuoteEnd);
  let verbSeen = false;
  for (let position = before.length - 1; position >= 0; position--) {
    const { term, index } = before[position]!;
    if (position < before.length - 1 && clauseBreak(term)) break;
    // The subject of the speech verb, not someone acted on before it ("Fatima hugs Omar, then says ...").
    const named = spans.find((span) => span.to - 1 === index);
    if (named && !named.possessive) {
      if (/:\s*$/.test(term.post) || (verbSeen && mayTalk.has(named.name))) return { name: named.name, pronoun: false };
    }
    if (SPEECH_VERB.test(term.normal)) verbSeen = true;
    else if (verbSeen && PRONOUNS.has(term.normal)) return { name: null, pronoun: true };
  }
  return { name: null, pronoun: false };
}

/** Resolves a pronoun to the last character named before the line; else the line's speaker is unknown. */
export function lastCharacterBefore(offset: number, spans: NameSpan[], characters: string[]): string | null {
  const earlier = spans.filter((span) => span.end <= offset && characters.includes(span.name));
  return earlier.at(-1)?.name ?? null;
}
