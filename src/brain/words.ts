/**
 * Characters and locations in plain words: what an image or video model is told, never the renderer's
 * hex colours. A colour is named by the nearest entry (CIEDE2000 distance, culori) of a small palette of
 * everyday English colour names, so "#f39c12" reads "orange" and "#2b1b0e" "dark brown".
 */
import { differenceCiede2000, nearest } from "culori";
import type { Action, LocationLook, VisualProfile } from "../domain.js";

/** Everyday colour names and a typical shade of each. */
const PALETTE: Record<string, string> = {
  black: "#111111",
  "charcoal grey": "#36454f",
  "dark grey": "#555555",
  grey: "#808080",
  "light grey": "#c8c8c8",
  white: "#f5f5f5",
  cream: "#fff5d6",
  beige: "#e3d3b0",
  tan: "#c9a36b",
  "light brown": "#a87a4b",
  brown: "#7a4e2a",
  "dark brown": "#3d2614",
  auburn: "#a52a2a",
  blonde: "#e6c35c",
  red: "#c62828",
  "dark red": "#7b1f1f",
  orange: "#f08a14",
  "burnt orange": "#cc5500",
  yellow: "#f5d30f",
  "pale yellow": "#fbeea8",
  gold: "#d4af37",
  olive: "#6b6b2a",
  green: "#2e9e4f",
  "dark green": "#1f4d2b",
  "light green": "#9ed69b",
  teal: "#138d80",
  turquoise: "#2ec4c0",
  "sky blue": "#87ceeb",
  blue: "#2a6fc0",
  "navy blue": "#1c2c5e",
  "slate blue": "#4a5d7e",
  purple: "#7d3c98",
  lavender: "#b9a6dc",
  pink: "#f08cb8",
  "hot pink": "#e83e8c",
  magenta: "#c2185b",
};

const names = Object.keys(PALETTE);
const closest = nearest(
  names.map((name) => PALETTE[name]!),
  differenceCiede2000(),
);

/** The everyday English name of a hex colour ("#f39c12" → "orange"). */
export function colourName(hex: string): string {
  const [match] = closest(hex, 1);
  return names[names.findIndex((name) => PALETTE[name] === match)] ?? "neutral";
}

/** Skin tones are named on their own scale: a palette of clothes colours would call them "tan" or "beige". */
function skinTone(hex: string): string {
  const value = parseInt(hex.slice(1), 16);
  const luminance = 0.2126 * ((value >> 16) & 255) + 0.7152 * ((value >> 8) & 255) + 0.0722 * (value & 255);
  if (luminance > 200) return "fair";
  if (luminance > 165) return "light";
  if (luminance > 120) return "medium";
  if (luminance > 85) return "tan";
  return "dark";
}

function buildOf(profile: Pick<VisualProfile, "build" | "height">): string {
  const build = profile.build < 0.24 ? "slim" : profile.build < 0.28 ? "medium" : "sturdy";
  const height = profile.height < 0.48 ? "short" : profile.height < 0.52 ? "average-height" : "tall";
  return `${height}, ${build} build`;
}

/**
 * A character in words: "Sarah: a tall, slim person in their thirties with light skin and dark brown hair,
 * wearing an orange top and navy blue trousers, with a yellow accent".
 */
export function characterInWords(name: string, profile: Omit<VisualProfile, "description">): string {
  const age = profile.apparentAge ? ` ${profile.apparentAge}` : "";
  return (
    `${name}: ${article(buildOf(profile))} person${age} with ${skinTone(profile.skin)} skin and ${colourName(profile.hair)} hair, ` +
    `wearing ${article(colourName(profile.top))} top and ${colourName(profile.bottom)} trousers, ` +
    `with ${article(colourName(profile.accent))} accent`
  );
}

/** "a tall, slim", "an orange", "an average-height". */
function article(words: string): string {
  return `${/^[aeiou]/i.test(words) ? "an" : "a"} ${words}`;
}

const PLACES: Record<Exclude<LocationLook["kind"], "generic">, string> = {
  park: "a park with grass and trees",
  street: "a street with buildings and pavement",
  room: "an indoor room",
  beach: "a waterside with sand and water",
  forest: "a forest with tall trees",
  city: "a city with buildings and lights",
};

/**
 * A location in words: its name and kind of place, the sky and ground (walls and floor indoors) named. A
 * place of no known kind is its name alone: words for a kind it is not would mislead a model.
 */
export function locationInWords(name: string, look: Omit<LocationLook, "description">): string {
  if (look.kind === "generic") return name;
  if (look.kind === "room")
    return `${name}: ${PLACES.room} with ${colourName(look.sky)} walls and ${article(colourName(look.ground))} floor`;
  const skyColour = colourName(look.sky).replace(/^sky blue$/, "clear blue");
  return `${name}: ${PLACES[look.kind]}, ${article(skyColour)} sky and ${colourName(look.ground)} ground`;
}

const ACTION_WORDS: Record<Action, string> = {
  walk: "walking",
  run: "running",
  stand: "standing",
  sit: "sitting",
  wave: "waving",
  dance: "dancing",
  jump: "jumping",
  talk: "talking",
  look: "looking around",
};

/** The renderer's action class as words ("walk" → "walking"). */
export function actionInWords(action: Action): string {
  return ACTION_WORDS[action];
}
