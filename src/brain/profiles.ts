/**
 * Stable visual profiles: a new character or location gets a look derived from its name, so the same
 * name always looks the same, and the profile is stored in the Brain so later takes reuse it exactly.
 * The colours are for the local renderer; the description is words, as a model is told.
 */
import type { LocationLook, VisualProfile } from "../domain.js";
import { seedFrom } from "../ids.js";
import { characterInWords, locationInWords } from "./words.js";

const SKINS = ["#f1c27d", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#d1a27a"];
const HAIRS = ["#2b1b0e", "#6a4e23", "#b5651d", "#e6c35c", "#111111", "#a52a2a", "#808080"];
const TOPS = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#f39c12", "#16a085", "#d35400", "#2c3e50"];
const BOTTOMS = ["#34495e", "#1f3a93", "#4d3b2a", "#222222", "#5d6d7e", "#7b241c"];
const ACCENTS = ["#f1c40f", "#ecf0f1", "#e84393", "#00cec9", "#fd79a8", "#ffeaa7"];
const AGES = ["in their twenties", "in their thirties", "in their forties", "in their fifties"];
/** A description written before profiles were described in words: the renderer's colours as hex. */
const HEX_COLOUR = /#[0-9a-f]{6}/i;

function pick<T>(list: readonly T[], seed: number, salt: number): T {
  return list[(seed >>> salt) % list.length]!;
}

export function profileForCharacter(name: string): VisualProfile {
  const seed = seedFrom(name.trim().toLowerCase());
  const profile = {
    skin: pick(SKINS, seed, 0),
    hair: pick(HAIRS, seed, 3),
    top: pick(TOPS, seed, 6),
    bottom: pick(BOTTOMS, seed, 9),
    accent: pick(ACCENTS, seed, 12),
    height: 0.45 + ((seed >>> 15) % 10) / 100,
    build: 0.22 + ((seed >>> 19) % 8) / 100,
    apparentAge: pick(AGES, seed, 23),
  };
  return { ...profile, description: characterInWords(name, profile) };
}

/** A stored profile's description in words; one stored as hex colours is described again from its colours. */
export function wordsOf(name: string, profile: VisualProfile): string {
  return HEX_COLOUR.test(profile.description) ? characterInWords(name, profile) : profile.description;
}

/**
 * How a character is described to a model: the user's own words when the request gave them ("Sarah: a tall
 * woman in a red coat"), which say more than a look derived from a name; else the profile in words.
 */
export function describeProfile(name: string, profile: VisualProfile, userDescription?: string | null): string {
  const given = userDescription?.trim();
  return given ? `${name}: ${given}` : wordsOf(name, profile);
}

const LOOKS: Record<LocationLook["kind"], Omit<LocationLook, "description" | "kind">> = {
  park: { sky: "#87ceeb", ground: "#4caf50", feature: "#2e7d32", horizon: 0.45 },
  street: { sky: "#9fb6cd", ground: "#5f5f5f", feature: "#b0a48a", horizon: 0.5 },
  room: { sky: "#d8cbb3", ground: "#8b6b4a", feature: "#5b4636", horizon: 0.6 },
  beach: { sky: "#7ec8e3", ground: "#f4e1a1", feature: "#1e88e5", horizon: 0.5 },
  forest: { sky: "#a5c9a1", ground: "#3e5e2e", feature: "#1b3d1b", horizon: 0.4 },
  city: { sky: "#2c3e70", ground: "#3a3a3a", feature: "#f5d76e", horizon: 0.55 },
  generic: { sky: "#b8c4d0", ground: "#7d8a80", feature: "#56606b", horizon: 0.5 },
};

export function lookForLocation(name: string): LocationLook {
  const lower = name.toLowerCase();
  const kind: LocationLook["kind"] = /park|garden|meadow|field/.test(lower)
    ? "park"
    : /street|road|alley|plaza|square|market|bridge/.test(lower)
      ? "street"
      : /room|kitchen|office|cafe|library|studio|station/.test(lower)
        ? "room"
        : /beach|harbou?r|lake|river/.test(lower)
          ? "beach"
          : /forest|woods|mountain/.test(lower)
            ? "forest"
            : /city|town|village/.test(lower)
              ? "city"
              : "generic";
  const look = { kind, ...LOOKS[kind] };
  return { ...look, description: locationInWords(name, look) };
}
