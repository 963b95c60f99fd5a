/**
 * Where the shot is: the noun phrase after a preposition of place ("by the fountain", "in her apartment",
 * "on the bridge of the starship"), any noun, not a fixed list. The name is short and lower case, without
 * its article or a pronoun owner ("her apartment" → "apartment"), because it names a location the Brain
 * keeps and the renderer reads ("the apartment", not "the her apartment").
 */
import { endsClause, hasComma, type Term } from "./terms.js";

/** Containment is the setting; contact and nearness usually a spot inside it ("sits on a bench in the park"). */
const SETTING = new Set(["in", "inside", "at", "into", "within", "enters", "entering", "enter"]);
const SPOT = new Set(
  "on onto by near beside along across through around past outside under beneath behind over down up toward towards to from".split(
    " ",
  ),
);
const ARTICLES = new Set(["the", "a", "an", "this", "that", "some"]);
const OWNERS = new Set(["her", "his", "their", "my", "our", "your", "its"]);
/** Nouns that relate to a place rather than name one: "in front of the house" is at the house. */
const RELATIONAL = new Set(
  "front top middle center centre side corner edge back bottom end heart interior outskirts".split(" "),
);
/**
 * Heads that follow these prepositions without being a place: manner and look ("in slow motion", "in a
 * noir style"), time ("at dawn"), weather ("in the rain"), clothing ("in a red dress"), framing and media
 * ("on camera", "on the phone").
 */
const NOT_PLACES = new Set(
  (
    "background foreground style look motion slow-motion frame shot camera lens screen focus view distance moment time " +
    "morning afternoon evening night day daytime nighttime dawn dusk sunset sunrise twilight midnight noon hour minute second " +
    "summer winter spring autumn fall era decade century year week month weekend " +
    "rain snow fog mist wind storm sun sunshine sunlight moonlight dark darkness shade shadow shadows light silence unison love hurry tears " +
    "dress coat jacket suit shirt hat uniform costume armor armour boots gown sweater hoodie scarf glasses sunglasses outfit clothes " +
    "pajamas tuxedo kimono sari robe jeans " +
    "phone call video clip scene footage color colour black white mono hd resolution quality loop reverse detail close-up closeup " +
    "foot fire purpose way order sequence row line turn place contrast portrait landscape format"
  ).split(" "),
);
/** After these verbs "at" names a target and "to" an addressee, not a place: "waves at the camera", "talks to Mia". */
const AT_TARGET =
  /^(look|stare|gaze|glance|smile|wave|point|laugh|nod|shout|yell|wink|frown|grin|peer|aim|throw|bark|scream)/;
const TO_ADDRESSEE = /^(talk|speak|say|whisper|listen|sing|reply|shout|yell|call|explain|wave|turn|return|go)/;

export interface PlacePhrase {
  name: string;
  start: number;
}

function nounish(term: Term): boolean {
  return (
    (term.tags.has("Noun") || term.tags.has("Adjective") || term.tags.has("ProperNoun")) &&
    !term.tags.has("Pronoun") &&
    !term.tags.has("Preposition") &&
    !term.tags.has("Conjunction") &&
    !term.tags.has("Determiner")
  );
}

/** One noun phrase from `at`: its words (lower case) and where it stopped; null when no noun ends it. */
function nounPhrase(terms: Term[], at: number): { words: Term[]; next: number } | null {
  let index = at;
  while (index < terms.length && (ARTICLES.has(terms[index]!.normal) || OWNERS.has(terms[index]!.normal))) {
    if (hasComma(terms[index]!) || endsClause(terms[index]!)) return null;
    index++;
  }
  const words: Term[] = [];
  while (index < terms.length && words.length < 4) {
    const term = terms[index]!;
    const modifier = term.tags.has("Gerund") && index + 1 < terms.length && nounish(terms[index + 1]!);
    const named = term.possessive && words.length === 0;
    if (!(nounish(term) && !term.tags.has("Verb")) && !modifier && !named && !(term.tags.has("Verb") && term.tags.has("Noun")))
      break;
    words.push(term);
    index++;
    if (term.possessive && !named) break;
    if (hasComma(term) || endsClause(term)) break;
  }
  while (words.length > 0 && !words.at(-1)!.tags.has("Noun")) words.pop();
  if (words.length === 0) return null;
  return { words, next: index };
}

function spoken(words: Term[]): string {
  return words.map((term) => (term.possessive ? `${term.normal}'s` : term.normal)).join(" ");
}

function placeAfter(terms: Term[], at: number): string | null {
  const preposition = terms[at]!;
  if (hasComma(preposition) || endsClause(preposition)) return null;
  const previous = terms[at - 1];
  if (previous && preposition.normal === "at" && AT_TARGET.test(previous.normal)) return null;
  if (previous && preposition.normal === "to" && TO_ADDRESSEE.test(previous.normal)) return null;
  let start = at + 1;
  // "in front of the house" is at the house; the tagger reads "in front" as adjectives.
  if (terms[start]?.normal === "front" && terms[start + 1]?.normal === "of") start += 2;
  // Two-word prepositions: "next to the car", "out of the house", "in front of" is handled as relational.
  if ((preposition.normal === "next" || preposition.normal === "out") && terms[start]?.normal.match(/^(to|of)$/))
    start++;
  const first = terms[start];
  if (first === undefined) return null;
  // "by car", "by herself": without an article, an owner or a proper name, "by" is a means, not a place.
  if (
    preposition.normal === "by" &&
    !ARTICLES.has(first.normal) &&
    !OWNERS.has(first.normal) &&
    !first.tags.has("ProperNoun") &&
    !first.possessive
  )
    return null;
  let phrase = nounPhrase(terms, start);
  if (phrase === null) return null;
  let head = phrase.words.at(-1)!;
  const joined = terms[phrase.next];
  if (RELATIONAL.has(head.normal) && joined?.normal === "of" && !hasComma(head)) {
    phrase = nounPhrase(terms, phrase.next + 1);
    if (phrase === null) return null;
    head = phrase.words.at(-1)!;
  }
  if (NOT_PLACES.has(head.normal) || head.tags.has("Person") && !head.tags.has("Place")) return null;
  if (phrase.words.some((term) => ["Date", "Value", "Duration", "Month", "WeekDay", "Holiday", "Pronoun"].some((tag) => term.tags.has(tag))))
    return null;
  let name = spoken(phrase.words);
  // A place of a place: "the bridge of the starship", "the roof of an old barn".
  const of = terms[phrase.next];
  if (of?.normal === "of" && !hasComma(head) && !endsClause(head)) {
    const owner = nounPhrase(terms, phrase.next + 1);
    if (owner !== null && !owner.words.some((term) => term.tags.has("Person") || term.tags.has("Date"))) {
      const article = terms.slice(phrase.next + 1, phrase.next + 1 + 1).find((term) => ARTICLES.has(term.normal));
      const longer = `${name} of ${article ? `${article.normal} ` : ""}${spoken(owner.words)}`;
      if (longer.length <= 40) name = longer;
    }
  }
  return name.length <= 40 ? name : spoken([head]);
}

/** The place of a request: the first setting ("in", "at", "inside"), else the first spot ("on", "by", ...). */
export function placeIn(terms: Term[]): string | null {
  let spot: string | null = null;
  for (let index = 0; index < terms.length; index++) {
    const word = terms[index]!.normal;
    const setting = SETTING.has(word);
    if (!setting && (spot !== null || !(SPOT.has(word) || word === "next" || word === "out"))) continue;
    const place = placeAfter(terms, index);
    if (place === null) continue;
    if (setting) return place;
    spot = place;
  }
  if (spot !== null) return spot;
  // A named place that no preposition introduces: "Tokyo at night, Yuki walks home".
  const first = terms.findIndex((term) => term.tags.has("Place") && term.tags.has("ProperNoun") && !term.tags.has("Person"));
  if (first < 0) return null;
  let last = first;
  while (last + 1 < terms.length && terms[last + 1]!.tags.has("Place") && !hasComma(terms[last]!)) last++;
  return spoken(terms.slice(first, last + 1));
}
