/**
 * Numbers in requests and notes: how long a clip is ("5 seconds", "a ten-second clip", "half a minute") and
 * which shots a note names ("shot 3", "shots 2-4", "the third shot"). The tagger values number words
 * ("twelve", "twenty-five", "one and a half", "third"); which number is a length or a shot is decided here,
 * since the tagger reads "twelve seconds" as twelve halves and "1980s" as a plain number.
 */
import nlp from "compromise";
import { MAX_SCENE_CLIPS } from "../planner/plan.js";
import type { Term } from "./terms.js";

const SECONDS = new Set(["s", "sec", "secs", "second", "seconds"]);
const MINUTES = new Set(["min", "mins", "minute", "minutes"]);
/** A number glued to its unit: "5s", "3.5sec", "2min". */
const GLUED = /^(\d+(?:\.\d+)?)(s|sec|secs|min|mins)$/;
/** A length that changes another one, or a moment inside the clip, is not the clip's length. */
const RELATIVE_AFTER = new Set([
  "longer",
  "shorter",
  "more",
  "less",
  "earlier",
  "later",
  "late",
  "early",
  "behind",
  "ahead",
  "too",
  "ago",
  "apart",
]);
const MOMENT_BEFORE = new Set(["every", "after", "in", "within", "first", "last", "each", "per", "another", "extra"]);
/** Nouns that make "80s" a decade: "an 80s style video", "a 1920s look". */
const ERA_NOUNS = new Set(
  "style styled look vibe vibes aesthetic fashion music film films movie era decor disco sitcom tv retro".split(" "),
);

const numberWords = new Map<string, number | null>();

/** The value of number words or digits, by the tagger: "twelve" → 12, "one and a half" → 1.5, "third" → 3. */
export function valueOf(words: string): number | null {
  const key = words.toLowerCase().trim();
  if (/^\d+(\.\d+)?$/.test(key)) return Number(key);
  if (key === "a" || key === "an") return 1;
  if (/^(a |an )?half( a| an)?$/.test(key)) return 0.5;
  const cached = numberWords.get(key);
  if (cached !== undefined) return cached;
  const found = (nlp(key).numbers().get() as unknown[]).find((value): value is number => typeof value === "number");
  const value = found !== undefined && Number.isFinite(found) ? found : null;
  if (numberWords.size > 2000) numberWords.clear();
  numberWords.set(key, value);
  return value;
}

function numeric(term: Term): boolean {
  return (
    /^\d+(\.\d+)?$/.test(term.normal) ||
    ["a", "an", "half", "and", "point"].includes(term.normal) ||
    (/^\p{Ll}+$/u.test(term.normal) && valueOf(term.normal) !== null)
  );
}

/**
 * Where the number before a unit starts: one figure ("5 seconds") or a run of number words ("one and a
 * half minutes"), never both, so "shot 2 three seconds shorter" keeps the 2 apart from the length.
 */
function numberStart(terms: Term[], unitAt: number): number {
  let first = unitAt;
  while (first > 0 && unitAt - first < 5) {
    const previous = terms[first - 1]!;
    if (!numeric(previous) || /[,;:.]/.test(previous.post)) break;
    const figure = /^\d/.test(previous.normal);
    if (figure && first < unitAt) break;
    first--;
    if (figure) break;
  }
  return first;
}

/** A decade, not seconds: four digits ending in 0 ("1980s"), or "80s" after "the"/an apostrophe or before a style. */
function isDecade(value: number, term: Term, previous: Term | undefined, next: Term | undefined): boolean {
  if (value % 10 !== 0) return false;
  if (value >= 1000) return true;
  if (/['’]/.test(term.text) || previous?.normal === "the" || /['’]\s*$/.test(previous?.post ?? "")) return true;
  return next !== undefined && ERA_NOUNS.has(next.normal);
}

/** Every length named in the terms, in seconds, with the index of its unit. */
function lengths(terms: Term[]): Array<{ seconds: number; at: number }> {
  const found: Array<{ seconds: number; at: number }> = [];
  terms.forEach((term, at) => {
    const glued = GLUED.exec(term.normal);
    let value: number | null = null;
    let unit: "s" | "min" | null = null;
    let first = at;
    if (glued) {
      value = Number(glued[1]);
      unit = glued[2]!.startsWith("m") ? "min" : "s";
      if (unit === "s" && isDecade(value, term, terms[at - 1], terms[at + 1])) return;
    } else if (SECONDS.has(term.normal) || MINUTES.has(term.normal)) {
      unit = MINUTES.has(term.normal) ? "min" : "s";
      first = numberStart(terms, at);
      while (first < at && ["and", "point"].includes(terms[first]!.normal)) first++;
      if (first === at) return;
      const words = terms.slice(first, at).map((item) => item.normal);
      // "half a minute", "a minute and a half": the tagger values neither.
      value = words.join(" ").match(/^(a |an )?half( a| an)?$/) ? 0.5 : valueOf(words.join(" "));
      if (value === null && words.length > 1) value = valueOf(words.at(-1)!);
    } else return;
    if (value === null || value <= 0) return;
    if (
      unit === "min" &&
      terms[at + 1]?.normal === "and" &&
      terms[at + 2]?.normal === "a" &&
      terms[at + 3]?.normal === "half"
    )
      value += 0.5;
    const next = terms[at + 1];
    const before = terms[first - 1];
    if ((next && RELATIVE_AFTER.has(next.normal)) || (before && MOMENT_BEFORE.has(before.normal))) return;
    found.push({ seconds: unit === "min" ? value * 60 : value, at });
  });
  return found;
}

/** How long the request asks the clip or scene to be, in seconds; null when it names no length. */
export function secondsIn(terms: Term[]): number | null {
  return lengths(terms)[0]?.seconds ?? null;
}

/** Term indexes that belong to a length ("5 seconds longer"), so they are not read as shot numbers. */
function lengthIndexes(terms: Term[]): Set<number> {
  const taken = new Set<number>();
  terms.forEach((term, at) => {
    if (
      GLUED.test(term.normal) ||
      /^(s|sec|secs|second|seconds|min|mins|minute|minutes|frames?|percent|%|times|x|fps)$/.test(term.normal)
    ) {
      taken.add(at);
      for (let back = numberStart(terms, at); back < at; back++) taken.add(back);
    }
  });
  return taken;
}

const ORDINAL = /^(\d+(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|opening)$/;

/**
 * The shots a note names: "shot 3", "shots 2 and 4", "shots 2-4", "the third shot", "the first and last shots"
 * (with `count`, the number of shots, "last" is known). Lengths and other quantities are never shot numbers,
 * nor is a number past the most shots a scene has.
 */
export function shotNumbersIn(terms: Term[], count: number | null): number[] {
  const skip = lengthIndexes(terms);
  const shots = new Set<number>();
  const numberAt = (index: number): number | null => {
    const term = terms[index];
    if (term === undefined || skip.has(index)) return null;
    const word = term.normal.replace(/^#/, "");
    if (!/^\d+$/.test(word) && !/^\p{Ll}+(-\p{Ll}+)?$/u.test(word)) return null;
    if (["a", "an", "half", "and", "point"].includes(word)) return null;
    const value = valueOf(word);
    return value !== null && Number.isInteger(value) && value > 0 ? value : null;
  };
  terms.forEach((term, at) => {
    if (term.normal !== "shot" && term.normal !== "shots") return;
    // After the word: "shot 3", "shots 2, 3 and 5", "shots 2-4", "shot #2", "shot number 2".
    let index = at + 1;
    if (terms[index]?.normal === "number" || terms[index]?.normal === "no") index++;
    let previous: number | null = null;
    for (;;) {
      // The tagger keeps "2-4" as one term.
      const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(terms[index]?.normal ?? "");
      if (range && Number(range[2]) > Number(range[1]) && Number(range[2]) - Number(range[1]) <= 20) {
        for (let shot = Number(range[1]); shot <= Number(range[2]); shot++) shots.add(shot);
        previous = Number(range[2]);
      }
      const value = range ? null : numberAt(index);
      if (range && /^(and|or|&)$/.test(terms[index + 1]?.normal ?? "")) {
        index += 2;
        continue;
      }
      if (value === null) break;
      const ranged = previous !== null && /^(to|through|thru|-|–)$/.test(terms[index - 1]?.normal ?? "");
      const dashed = previous !== null && /[-–]\s*$/.test(terms[index - 1]!.post);
      if ((ranged || dashed) && value > previous! && value - previous! <= 20) {
        for (let shot = previous! + 1; shot <= value; shot++) shots.add(shot);
      } else shots.add(value);
      previous = value;
      const link = terms[index + 1];
      if (/[-–]\s*$/.test(terms[index]!.post) && numberAt(index + 1) !== null) index++;
      else if (link && /^(and|or|&|to|through|thru|-|–)$/.test(link.normal) && numberAt(index + 2) !== null) index += 2;
      else if (terms[index]!.post.includes(",") && numberAt(index + 1) !== null) index++;
      else break;
    }
    // Before the word: "the third shot", "the 2nd and 4th shots", "the first and last shots".
    for (let back = at - 1; back >= 0 && at - back <= 6; back--) {
      const word = terms[back]!.normal;
      if (ORDINAL.test(word))
        shots.add(word === "opening" ? 1 : (valueOf(word.replace(/^(\d+)(st|nd|rd|th)$/, "$1")) ?? 0));
      else if ((word === "last" || word === "final" || word === "closing") && count !== null) shots.add(count);
      else if (!/^(and|or|&|the|,)$/.test(word)) break;
      if (terms[back - 1] && /[.;:!?]/.test(terms[back - 1]!.post)) break;
    }
  });
  // A number past the most shots a scene can have is not a shot of it.
  return [...shots].filter((shot) => shot >= 1 && shot <= MAX_SCENE_CLIPS).sort((left, right) => left - right);
}
