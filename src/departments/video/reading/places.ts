/**
 * Where the shot is: the noun phrase after a preposition of place ("by the fountain", "in her apartment",
 * "on the bridge of the starship"), any noun, not a fixed list. The name is short and lower case, without
 * its article or a pronoun owner ("her apartment" → "apartment"), because it names a location the Brain
 * keeps and the renderer reads ("the apartment", not "the her apartment").
 */
import { endsClause, hasComma, type Term } from "./terms.js";

/** Containment names the setting; contact and nearness a spot, perhaps inside a setting named next. */
const SETTING = new Set(["in", "inside", "at", "into", "within", "enters", "entering", "enter"]);
const SPOT = new Set(
  "on onto off by near beside along across through around past outside under beneath behind over down up toward towards to from".split(
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

/** Where a preposition's place phrase ends, so a place inside another can be seen ("on a bench in the park"). */
interface Found {
  name: string;
  next: number;
  /** The place as written, with its article or owner: "the town square", "his kitchen". */
  phrase: string;
}

/** A place the request names: the short name the Brain keys on, and the words the user wrote. */
export interface Place {
  name: string;
  phrase: string;
}

const NOT_PLACE_TAGS = ["Date", "Value", "Duration", "Month", "WeekDay", "Holiday", "Pronoun", "Demonym"];
/** After these a bare name is a person ("an email to Kenji"), unless the tagger knows it as a place. */
const TOWARD_SOMEONE = new Set(["to", "from", "toward", "towards", "by", "near", "past", "beside", "behind"]);

function nounish(term: Term): boolean {
  return (
    (term.tags.has("Noun") || term.tags.has("Adjective") || term.tags.has("ProperNoun")) &&
    !term.tags.has("Pronoun") &&
    !term.tags.has("Preposition") &&
    !term.tags.has("Conjunction") &&
    !term.tags.has("Determiner")
  );
}

/**
 * Whether a word the tagger calls a verb is a noun inside a place phrase: after an article or a noun, a
 * bare verb form is usually a noun ("the bus stop", "the skate park"); an -ing or -s form is the next verb.
 */
function nounInPhrase(term: Term, afterArticleOrNoun: boolean): boolean {
  return (
    afterArticleOrNoun &&
    term.tags.has("Verb") &&
    (term.tags.has("Infinitive") || term.tags.has("Noun")) &&
    !term.tags.has("Gerund") &&
    !term.tags.has("PastTense") &&
    !/s$/.test(term.normal)
  );
}

/** One noun phrase from `at`: its words and where it stopped; null when no noun ends it. */
function nounPhrase(terms: Term[], at: number): { words: Term[]; next: number } | null {
  let index = at;
  let article = false;
  while (index < terms.length && (ARTICLES.has(terms[index]!.normal) || OWNERS.has(terms[index]!.normal))) {
    if (hasComma(terms[index]!) || endsClause(terms[index]!)) return null;
    article = true;
    index++;
  }
  const words: Term[] = [];
  while (index < terms.length && words.length < 4) {
    const term = terms[index]!;
    const modifier = term.tags.has("Gerund") && index + 1 < terms.length && nounish(terms[index + 1]!);
    const named = term.possessive && words.length === 0;
    const noun = nounish(term) && !term.tags.has("Verb");
    if (!noun && !modifier && !named && !nounInPhrase(term, article || words.length > 0)) break;
    if (!/^[\p{L}\d'’-]+$/u.test(term.text)) break;
    // After a noun, an -ing word that leads nowhere is the next verb: "at the bar saying ...".
    const previous = words.at(-1);
    const after = terms[index + 1];
    if (previous?.tags.has("Noun") && /ing$/.test(term.normal) && !(after && !hasComma(term) && nounish(after))) break;
    words.push(term);
    index++;
    if (term.possessive && !named) break;
    if (hasComma(term) || endsClause(term)) break;
  }
  while (words.length > 0 && !words.at(-1)!.tags.has("Noun") && !words.at(-1)!.tags.has("Verb")) words.pop();
  if (words.length === 0) return null;
  return { words, next: terms.indexOf(words.at(-1)!) + 1 };
}

/** The words as written (an article opening them in lower case), for a prompt rather than a key. */
function asWritten(words: Term[]): string {
  const text = words
    .map((term, index) => {
      const word = term.possessive ? `${term.text}'s` : term.text;
      return index < words.length - 1 && /^-$/.test(term.post) ? `${word}-` : `${word} `;
    })
    .join("")
    .trim();
  return ARTICLES.has(words[0]!.normal) || OWNERS.has(words[0]!.normal)
    ? text.charAt(0).toLowerCase() + text.slice(1)
    : text;
}

/** The words as a name: lower case, hyphenated words kept whole ("neon-lit street"). */
function spoken(words: Term[]): string {
  return words
    .map((term, index) => {
      const word = term.possessive ? `${term.normal}'s` : term.normal;
      return index < words.length - 1 && /^-$/.test(term.post) ? `${word}-` : `${word} `;
    })
    .join("")
    .trim();
}

function placeAfter(terms: Term[], at: number): Found | null {
  const preposition = terms[at]!;
  if (hasComma(preposition) || endsClause(preposition)) return null;
  const previous = terms[at - 1];
  if (previous && preposition.normal === "at" && AT_TARGET.test(previous.normal)) return null;
  if (previous && preposition.normal === "to" && TO_ADDRESSEE.test(previous.normal)) return null;
  let start = at + 1;
  // "in front of the house" is at the house; the tagger reads "in front" as adjectives.
  if (terms[start]?.normal === "front" && terms[start + 1]?.normal === "of") start += 2;
  // Two-word prepositions: "next to the car", "out of the house".
  if (preposition.normal === "next" || preposition.normal === "out") {
    if (!/^(to|of)$/.test(terms[start]?.normal ?? "")) return null;
    start++;
  }
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
  if (RELATIONAL.has(head.normal) && terms[phrase.next]?.normal === "of" && !hasComma(head)) {
    phrase = nounPhrase(terms, phrase.next + 1);
    if (phrase === null) return null;
    head = phrase.words.at(-1)!;
  }
  if (NOT_PLACES.has(head.normal) || (head.tags.has("Person") && !head.tags.has("Place"))) return null;
  if (phrase.words.some((term) => NOT_PLACE_TAGS.some((tag) => term.tags.has(tag)))) return null;
  const bareName = phrase.words.every((term) => /^\p{Lu}/u.test(term.text)) && !ARTICLES.has(terms[start]!.normal);
  if (bareName && TOWARD_SOMEONE.has(preposition.normal) && !phrase.words.some((term) => term.tags.has("Place")))
    return null;
  let name = spoken(phrase.words);
  let next = phrase.next;
  // A place of a place: "the bridge of the starship", "the roof of an old barn".
  if (terms[phrase.next]?.normal === "of" && !hasComma(head) && !endsClause(head)) {
    const owner = nounPhrase(terms, phrase.next + 1);
    if (owner !== null && !owner.words.some((term) => term.tags.has("Person") || term.tags.has("Date"))) {
      const article = ARTICLES.has(terms[phrase.next + 1]!.normal) ? `${terms[phrase.next + 1]!.normal} ` : "";
      const longer = `${name} of ${article}${spoken(owner.words)}`;
      if (longer.length <= 40) {
        name = longer;
        next = owner.next;
      }
    }
  }
  const written = asWritten(terms.slice(start, next));
  return { name: name.length <= 40 ? name : spoken([head]), next, phrase: written.length <= 80 ? written : name };
}

const SETTING_WORDS = new Set(["in", "inside", "at", "within"]);

/** Whether a place phrase starts at this term (a preposition of place with a place after it). */
export function placeStartsAt(terms: Term[], index: number): boolean {
  const word = terms[index]!.normal;
  if (!SETTING.has(word) && !SPOT.has(word) && word !== "next" && word !== "out") return false;
  return placeAfter(terms, index) !== null;
}

/**
 * The place of a request: the first place phrase; a spot inside a setting named right after it gives the
 * setting ("sits on a bench in the park" → park, "waits by the fire in the cabin" → cabin).
 */
export function placeIn(terms: Term[]): Place | null {
  for (let index = 0; index < terms.length; index++) {
    const word = terms[index]!.normal;
    if (!SETTING.has(word) && !SPOT.has(word) && word !== "next" && word !== "out") continue;
    const found = placeAfter(terms, index);
    if (found === null) continue;
    const last = terms[found.next - 1];
    if (
      !SETTING.has(word) &&
      last &&
      !hasComma(last) &&
      !endsClause(last) &&
      SETTING_WORDS.has(terms[found.next]?.normal ?? "")
    ) {
      const setting = placeAfter(terms, found.next);
      if (setting !== null) return { name: setting.name, phrase: setting.phrase };
    }
    return { name: found.name, phrase: found.phrase };
  }
  // A named place opening a clause that no preposition introduces: "Tokyo at night, Yuki walks home".
  const first = terms.findIndex(
    (term, index) =>
      (index === 0 || endsClause(terms[index - 1]!)) &&
      term.tags.has("Place") &&
      term.tags.has("ProperNoun") &&
      !term.tags.has("Person"),
  );
  if (first < 0) return null;
  let last = first;
  while (last + 1 < terms.length && terms[last + 1]!.tags.has("Place") && !hasComma(terms[last]!)) last++;
  return { name: spoken(terms.slice(first, last + 1)), phrase: asWritten(terms.slice(first, last + 1)) };
}
