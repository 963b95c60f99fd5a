/**
 * Deterministic reading of a video request: who, where, doing what, how long, which look, which lines.
 * The LLM planner (when configured) produces the same shape and is validated against VideoBriefSchema.
 */
import { z } from "zod";
import { ACTIONS, CAMERA_MOVES, MAX_CLIP_SECONDS, type Action, type CameraMove } from "../../domain.js";
import { CutroomError } from "../../errors.js";

export const GRADE_PRESETS = ["natural", "cinematic", "warm", "cool", "high-contrast"] as const;
export type GradePreset = (typeof GRADE_PRESETS)[number];

export const VideoBriefSchema = z.object({
  characters: z.array(z.string().min(1).max(40)).max(4),
  location: z.string().min(1).max(40).nullable(),
  action: z.enum(ACTIONS),
  camera: z.enum(CAMERA_MOVES),
  durationSeconds: z.number().positive().max(MAX_CLIP_SECONDS).nullable(),
  grade: z.enum(GRADE_PRESETS).nullable(),
  dialogue: z.array(z.object({ character: z.string().nullable(), text: z.string().min(1).max(400) })).max(4),
  ambience: z.string().max(80).nullable(),
});
export type VideoBrief = z.infer<typeof VideoBriefSchema>;

export const ACTION_WORDS: Array<[RegExp, Action]> = [
  [
    /\b(walk|walks|walking|stroll|strolls|strolling|wander|wanders|wandering|enters?|entering|arrives?|arriving|pass|passes|passing)\b/i,
    "walk",
  ],
  [/\b(run|runs|running|jog|jogs|jogging|sprint|sprints|sprinting)\b/i, "run"],
  [/\b(sit|sits|sitting|seated)\b/i, "sit"],
  [/\b(wave|waves|waving)\b/i, "wave"],
  [/\b(dance|dances|dancing)\b/i, "dance"],
  [/\b(jump|jumps|jumping|leap|leaps|leaping)\b/i, "jump"],
  [/\b(talk|talks|talking|speak|speaks|speaking|says|say|saying)\b/i, "talk"],
  [/\b(look|looks|looking|gaze|gazes|gazing|watch|watches|watching)\b/i, "look"],
  [/\b(stand|stands|standing|wait|waits|waiting)\b/i, "stand"],
];

export const CAMERA_WORDS: Array<[RegExp, CameraMove]> = [
  [/\bpan(s|ning)?\s+left\b/i, "pan-left"],
  [/\bpan(s|ning)?\s+right\b|\bpan(s|ning)?\b/i, "pan-right"],
  [/\b(dolly|push)(ing)?\s*(in|forward)\b|\bzoom(s|ing)?\s*in\b/i, "dolly-in"],
  [/\b(dolly|pull)(ing)?\s*(out|back)\b|\bzoom(s|ing)?\s*out\b/i, "dolly-out"],
  [/\btrack(s|ing)?\b|\bfollow(s|ing)?\b/i, "tracking"],
  [/\bstatic\b|\blocked[- ]off\b|\btripod\b/i, "static"],
];

export const LOCATION_PATTERN =
  /\b(?:in|at|on|of|over|from|through|across|inside|by|near|into|to|enters?|entering|past|around|outside|along|down|up)\s+(?:the\s+|a\s+|an\s+)?((?:[a-z]+\s+){0,2}?(?:park|street|room|beach|forest|woods|city|plaza|square|garden|kitchen|office|cafe|station|market|alley|harbor|harbour|field|meadow|library|studio|bridge|road|river|lake|mountain|desert|village|town))\b/i;

/** Words that start with a capital letter but are not character names. */
export const NOT_NAMES = new Set(
  "A An The Generate Create Make Show Render Film Shoot Animate Video Clip Scene Shot Please Can Could Would Give I We She He They It In On At Of And With Then Her His Their Cinematic Warm Cool Natural".split(
    " ",
  ),
);

export function assertUsableMessage(message: string): string {
  const text = message.trim();
  if (text.length === 0)
    throw new CutroomError("INVALID_INPUT", "message is empty: describe the video you want", { field: "message" });
  if (text.length > 2000) {
    throw new CutroomError("INVALID_INPUT", `message is ${text.length} characters; at most 2000 are accepted`, {
      field: "message",
    });
  }
  if (!/\p{L}{2,}/u.test(text)) {
    throw new CutroomError(
      "INVALID_INPUT",
      'message has no words: describe the video you want, e.g. "generate Sarah walking in the park"',
      {
        field: "message",
      },
    );
  }
  return text;
}

/** Seconds asked for, if any ("5-second", "5 seconds", "5s", "3.5 sec"). */
export function requestedSeconds(text: string): number | null {
  const match = /(\d+(?:\.\d+)?)\s*-?\s*(?:s|sec|secs|second|seconds)\b/i.exec(text);
  return match ? Number(match[1]) : null;
}

export function understandRequest(message: string): VideoBrief {
  const text = assertUsableMessage(message);
  const seconds = requestedSeconds(text);
  if (seconds !== null && (seconds <= 0 || seconds > MAX_CLIP_SECONDS)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `duration ${seconds}s is outside one clip's range: a single clip is longer than 0 and at most ${MAX_CLIP_SECONDS} s`,
      { field: "duration" },
    );
  }
  const quoted = [...text.matchAll(/["“]([^"”]{1,400})["”]/g)].map((match) => match[1]!.trim()).filter(Boolean);
  const withoutQuotes = text.replace(/["“][^"”]*["”]/g, " ");
  const characters = [...new Set([...withoutQuotes.matchAll(/\b([A-Z][a-z]{1,39})\b/g)].map((match) => match[1]!))]
    .filter((name) => !NOT_NAMES.has(name))
    .slice(0, 4);
  const locationMatch = LOCATION_PATTERN.exec(withoutQuotes);
  const location = locationMatch ? locationMatch[1]!.toLowerCase().replace(/\s+/g, " ").trim() : null;
  const action =
    ACTION_WORDS.find(([pattern]) => pattern.test(withoutQuotes))?.[1] ?? (quoted.length > 0 ? "talk" : "stand");
  const camera =
    CAMERA_WORDS.find(([pattern]) => pattern.test(withoutQuotes))?.[1] ??
    (action === "walk" || action === "run" ? "tracking" : "static");
  const grade = GRADE_PRESETS.find((preset) => new RegExp(`\\b${preset}\\b`, "i").test(withoutQuotes)) ?? null;
  const ambienceMatch = /\b(birds?|wind|rain|traffic|crowd|waves|ambience|ambient sound|music|piano)\b/i.exec(
    withoutQuotes,
  );
  return {
    characters,
    location,
    action,
    camera,
    durationSeconds: seconds,
    grade,
    dialogue: quoted.map((line) => ({ character: characters[0] ?? null, text: line })),
    ambience: ambienceMatch ? ambienceMatch[1]!.toLowerCase() : null,
  };
}

/** A request for more than one shot: planned as a scene rather than made as one clip. */
export function isSceneRequest(message: string): boolean {
  return /\b(scene|sequence|shots)\b/i.test(message.replace(/["“][^"”]*["”]/g, " "));
}

const VIDEO_WORDS = /\b(generate|create|make|render|film|shoot|animate|video|clip|shot|scene|footage|show|movie)\b/i;

/**
 * How relevant a request is to the video department, 0..1: an explicit video verb or noun counts most,
 * then the things a shot is made of (a character, an action, a place).
 */
export function videoRelevance(message: string): number {
  const text = message.trim();
  if (text === "") return 0;
  const withoutQuotes = text.replace(/["“][^"”]*["”]/g, " ");
  const hasVerb = VIDEO_WORDS.test(withoutQuotes);
  const hasAction = ACTION_WORDS.some(([pattern]) => pattern.test(withoutQuotes));
  const hasPlace = LOCATION_PATTERN.test(withoutQuotes);
  const hasName = [...withoutQuotes.matchAll(/\b([A-Z][a-z]{1,39})\b/g)].some((match) => !NOT_NAMES.has(match[1]!));
  const score = (hasVerb ? 0.5 : 0) + (hasAction ? 0.2 : 0) + (hasPlace ? 0.15 : 0) + (hasName ? 0.15 : 0);
  return Math.round(score * 100) / 100;
}
