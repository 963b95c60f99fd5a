/**
 * The pieces every family's prompt is assembled from: shot sizes, camera moves and lighting in words,
 * subjects with their descriptions, and fitting a prompt into a model's length limit by dropping the least
 * important parts first.
 */
import type { CameraMove } from "../../../domain.js";
import type { CleanFacts } from "./clean.js";
import { truncateAtWord } from "./clean.js";
import type { ShotFacts, ShotSize, ShotSubject } from "./types.js";

export { cleanFacts, type CleanFacts } from "./clean.js";

export const SHOT_SIZE_WORDS: Record<ShotSize, string> = {
  "extreme-wide": "extreme wide shot",
  wide: "wide shot",
  full: "full shot",
  medium: "medium shot",
  "medium-close": "medium close-up",
  "close-up": "close-up",
};

/** The grade presets as light a model can draw; blur-free wording so no negative prompt contradicts it. */
const LIGHTING: Record<string, string> = {
  natural: "natural daylight, soft shadows, true-to-life colours",
  cinematic: "cinematic lighting, gentle contrast, rich filmic colour",
  warm: "warm golden light, soft amber tones",
  cool: "cool bluish light, crisp clean shadows",
  "high-contrast": "high-contrast lighting, deep shadows and bright highlights",
};
const DEFAULT_LIGHTING = "soft even lighting, natural colours";

export function lightingOf(style: string | null): string {
  if (style === null || style.trim() === "") return DEFAULT_LIGHTING;
  return LIGHTING[style.trim().toLowerCase()] ?? `${style.trim()} style, ${DEFAULT_LIGHTING}`;
}

/** The camera move in plain film words, shared by the families whose guides take natural language. */
export function cameraWords(camera: CameraMove, names: string): string {
  switch (camera) {
    case "static":
      return "static camera";
    case "pan-left":
      return "the camera pans slowly left";
    case "pan-right":
      return "the camera pans slowly right";
    case "dolly-in":
      return `the camera dollies slowly in toward ${names}`;
    case "dolly-out":
      return `the camera dollies slowly out from ${names}`;
    case "tracking":
      return `tracking shot, the camera follows ${names}`;
  }
}

// Base verbs that end in "ing" but are not participles ("sing", not "singing").
const NOT_PARTICIPLES = new Set(["sing", "bring", "swing", "sting", "spring", "cling", "fling", "wring", "string"]);

/** "playing chess" reads after "is"; "waves at Sarah" reads after the name alone. */
export function isParticiple(action: string): boolean {
  const first = action.split(/\s+/)[0]?.toLowerCase() ?? "";
  return first.length > 4 && first.endsWith("ing") && !NOT_PARTICIPLES.has(first);
}

export function namesOf(subjects: ShotSubject[]): string {
  const names = subjects.map((subject) => subject.name);
  if (names.length <= 1) return names[0] ?? "the figure";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "waves at Sarah" said of several people: "wave at Sarah" ("watches" → "watch", "carries" → "carry"). */
function plural(action: string): string {
  const [verb = "", ...rest] = action.split(" ");
  const irregular: Record<string, string> = { is: "are", has: "have", does: "do", was: "were" };
  const lower = verb.toLowerCase();
  const form =
    irregular[lower] ??
    (/(?:ch|sh|x|ss|z)es$/.test(lower)
      ? verb.slice(0, -2)
      : /[^aeiou]ies$/.test(lower)
        ? `${verb.slice(0, -3)}y`
        : /[^s]s$/.test(lower)
          ? verb.slice(0, -1)
          : verb);
  return [form, ...rest].join(" ");
}

/** "Ivan is playing chess", "Ivan and Sarah are dancing", "Ivan waves at the camera". */
export function actionClause(facts: Pick<ShotFacts, "subjects" | "action">): string {
  const names = namesOf(facts.subjects);
  const several = facts.subjects.length > 1;
  if (!isParticiple(facts.action)) return `${names} ${several ? plural(facts.action) : facts.action}`;
  return `${names} ${several ? "are" : "is"} ${facts.action}`;
}

/**
 * Each subject with its description, in the form a family's guide writes it: "Ivan (a tall man)" or
 * "Ivan, a tall man," (the trailing comma lets an action or place follow; `sentence` drops it at an end).
 */
export function describedSubjects(subjects: ShotSubject[], form: "comma" | "parentheses"): string {
  const described = subjects.map((subject) => {
    if (subject.description === "") return subject.name;
    return form === "parentheses"
      ? `${subject.name} (${subject.description})`
      : `${subject.name}, ${subject.description},`;
  });
  if (described.length <= 1) return described[0] ?? "";
  const head = described
    .slice(0, -1)
    .map((item, index, all) => (index < all.length - 1 && !item.endsWith(",") ? `${item},` : item));
  return `${head.join(" ")} and ${described[described.length - 1]}`;
}

/** "a medium shot", "an extreme wide shot", "an 8-second", "an 11-second". */
export function withArticle(phrase: string): string {
  return `${/^(?:[aeiou]|8|11\b|11-|18\b|18-)/i.test(phrase) ? "an" : "a"} ${phrase}`;
}

export function sentence(text: string): string {
  const trimmed = text.trim().replace(/[,;:\s]+$/, "");
  if (trimmed === "") return "";
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export function join(...parts: string[]): string {
  return parts
    .filter((part) => part.trim() !== "")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The longest rendering within the limit: corrections go first (last one first), then the setting's
 * description, then subjects' descriptions (last subject first); the subjects and the action stay.
 */
export function fit(facts: CleanFacts, limit: number, render: (facts: CleanFacts) => string): string {
  let current = facts;
  let text = render(current);
  while (text.length > limit) {
    const described = current.subjects.map((subject) => subject.description !== "").lastIndexOf(true);
    if (current.corrections.length > 0) current = { ...current, corrections: current.corrections.slice(0, -1) };
    else if (current.settingDescription !== null) current = { ...current, settingDescription: null };
    else if (described >= 0) {
      const subjects = current.subjects.map((subject, index) =>
        index === described ? { ...subject, description: "" } : subject,
      );
      current = { ...current, subjects };
    } else return truncateAtWord(text, limit);
    text = render(current);
  }
  return text;
}

/** What every negative prompt leaves out: the usual failures of video models. */
export const NEGATIVE_BASE = [
  "blur",
  "distortion",
  "flicker",
  "black frames",
  "text",
  "watermark",
  "extra limbs",
  "deformed hands",
  "duplicate people",
  "morphing faces",
  "jitter",
  "low quality",
];

const STOP_WORDS = new Set(["a", "an", "the", "of", "in", "on", "at", "and", "or", "with", "to", "from", "any"]);

/** Content words, plural "s" dropped, so "dogs" meets "dog". */
function wordsOf(text: string): Set<string> {
  const words = (text.toLowerCase().match(/[a-z]+/g) ?? []).filter((word) => !STOP_WORDS.has(word));
  return new Set(words.map((word) => (word.length > 3 && word.endsWith("s") ? word.slice(0, -1) : word)));
}

/**
 * The base failures plus what the corrections asked to avoid, never fighting what the prompt asks for: a
 * base term goes when the prompt uses all its words ("text" when someone reads a text message), a term from
 * the corrections when the prompt uses any of them ("dogs in the background" while she walks her dog).
 */
export function negativePromptFor(prompt: string, facts: CleanFacts, limit: number): string {
  const positive = wordsOf(prompt);
  const inPrompt = (word: string) => positive.has(word);
  const base = NEGATIVE_BASE.filter((term) => ![...wordsOf(term)].every(inPrompt));
  const avoid = facts.avoid.filter((term) => ![...wordsOf(term)].some(inPrompt) && !base.includes(term));
  return truncateAtWord([...base, ...avoid].join(", "), limit);
}

/** A family's builder: cleaned facts in, that family's prompt (and negative prompt, if it takes one) out. */
export type FamilyBuilder = (facts: CleanFacts, modelId: string) => { prompt: string; negativePrompt: string | null };

/** How many characters a negative prompt may take: the base list fits with room for a few corrections. */
export const NEGATIVE_PROMPT_CHARACTERS = 500;

const ON_PLACES = new Set([
  "beach",
  "shore",
  "stage",
  "roof",
  "rooftop",
  "bridge",
  "platform",
  "pier",
  "deck",
  "terrace",
  "lawn",
  "balcony",
  "boat",
]);

/** Places one is beside rather than in: "by the river", "by the window". */
const BY_PLACES = new Set([
  "river",
  "riverside",
  "lake",
  "canal",
  "sea",
  "ocean",
  "pond",
  "stream",
  "fountain",
  "window",
  "fireplace",
  "fire",
  "waterfall",
  "harbour",
  "harbor",
]);

/** "in the town square, an open square with cobblestones" or "in the town square (…)", or "" with no place. */
export function placePhrase(facts: CleanFacts, form: "comma" | "parentheses"): string {
  if (facts.setting === null) return "";
  // "the town square" and "her kitchen" keep their words; a bare noun gets "the"; a proper name stays bare.
  const bare = !/^(?:the|a|an|his|her|their|my|our)\b/i.test(facts.setting) && !/^[A-Z]/.test(facts.setting);
  const place = bare ? `the ${facts.setting}` : facts.setting;
  // One is on a beach or a stage but in a square or a kitchen: the place's last word decides.
  const head = facts.setting.toLowerCase().match(/([a-z]+)\W*$/)?.[1] ?? "";
  const preposition = ON_PLACES.has(head) ? "on" : BY_PLACES.has(head) ? "by" : "in";
  if (facts.settingDescription === null) return `${preposition} ${place}`;
  return form === "parentheses"
    ? `${preposition} ${place} (${facts.settingDescription})`
    : `${preposition} ${place}, ${facts.settingDescription}`;
}

/** The corrections as one instruction sentence, or "". */
export function correctionsSentence(facts: CleanFacts): string {
  return facts.corrections.length === 0 ? "" : sentence(facts.corrections.join("; "));
}
