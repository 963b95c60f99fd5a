/**
 * Deterministic reading of a video request: who, where, doing what, how long, which look, which lines.
 * Names, places, lengths, speakers, the action in the request's words and what a character is said to look
 * like come from the English tagger (./reading/); the action class, camera move and look are the renderer's
 * own classes, matched by word. The LLM planner (when configured) produces
 * the same shape and is validated against VideoBriefSchema.
 */
import { z } from "zod";
import { ACTIONS, CAMERA_MOVES, MAX_CLIP_SECONDS, type Action, type CameraMove } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import { MAKING_VERBS, readRequest } from "./reading/index.js";
import { blankQuotes, quotesIn } from "./reading/terms.js";

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
  /**
   * The request's own words, for a model that can draw more than the renderer's classes: what the subject
   * does ("playing chess"), the place as written ("the town square") and what the user said a character
   * looks like or is (Sarah → "a tall woman in a red coat"). Optional, so a brief without them is valid.
   */
  actionPhrase: z.string().min(1).max(120).nullable().optional(),
  placePhrase: z.string().min(1).max(80).nullable().optional(),
  descriptions: z.record(z.string(), z.string().min(1).max(200)).optional(),
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

/**
 * Seconds asked for, if any: digits or words with a unit ("5-second", "5 seconds", "5s", "a ten-second clip",
 * "twelve seconds", "half a minute"). Decades and years ("1980s style", "in 1999") are not lengths.
 */
export function requestedSeconds(text: string): number | null {
  return readRequest(text).seconds;
}

/**
 * The brief of a one-clip request. `limit` is the longest clip its model renders (the local renderer's 7 s
 * when left out); a longer request is planned as shots before it gets here (scene-brief.ts plansAsScene),
 * so one that still asks for more is a caller's fixed single clip.
 */
export function understandRequest(
  message: string,
  limit: { maxSeconds: number; model: string } = { maxSeconds: MAX_CLIP_SECONDS, model: "the local renderer" },
): VideoBrief {
  const text = assertUsableMessage(message);
  const reading = readRequest(text);
  const seconds = reading.seconds;
  if (seconds !== null && (seconds <= 0 || seconds > limit.maxSeconds)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `duration ${seconds}s is outside one clip's range: a single clip is longer than 0 and at most ${limit.maxSeconds} s (${limit.model}); ask for a scene to have it planned as shots`,
      { field: "duration" },
    );
  }
  const plain = reading.unquoted;
  const action =
    ACTION_WORDS.find(([pattern]) => pattern.test(plain))?.[1] ?? (reading.dialogue.length > 0 ? "talk" : "stand");
  const camera =
    CAMERA_WORDS.find(([pattern]) => pattern.test(plain))?.[1] ??
    (action === "walk" || action === "run" ? "tracking" : "static");
  const grade = GRADE_PRESETS.find((preset) => new RegExp(`\\b${preset}\\b`, "i").test(plain)) ?? null;
  const ambienceMatch = /\b(birds?|wind|rain|traffic|crowd|waves|ambience|ambient sound|music|piano)\b/i.exec(plain);
  return {
    characters: reading.characters,
    location: reading.location,
    action,
    camera,
    durationSeconds: seconds,
    grade,
    dialogue: reading.dialogue,
    ambience: ambienceMatch ? ambienceMatch[1]!.toLowerCase() : null,
    actionPhrase: reading.actionPhrase?.slice(0, 120) ?? null,
    placePhrase: reading.placePhrase,
    descriptions: reading.descriptions,
  };
}

/** A request for more than one shot: planned as a scene rather than made as one clip. */
export function isSceneRequest(message: string): boolean {
  return /\b(scene|sequence|shots)\b/i.test(blankQuotes(message, quotesIn(message)));
}

/** Nouns for moving pictures, and camera language only a shot has. */
const VIDEO_NOUNS =
  /\b(videos?|clips?|footage|shots?|scenes?|movies?|films?|animations?|animatic|montage|time-?lapse|sequence|b-roll|reel|trailer|close-?up|pan|dolly|zoom)\b/i;
/** A request that is itself a video noun phrase: "a clip of the sunset", "I'd like a short video of ...". */
const VIDEO_NOUN_REQUEST =
  /^(?:please\s+)?(?:(?:i|we)\s+(?:want|need|would like|'d like|’d like)\s+)?(?:a|an|one|some|two|three)\b[^.?!]{0,30}?\b(?:videos?|clips?|footage|shots?|scenes?|animation|montage|time-?lapse|close-?up)\b/i;
/** Still images are another department's work, whatever verb asks for them. */
const IMAGE_NOUNS =
  /\b(pictures?|photos?|photographs?|images?|drawings?|paintings?|logos?|posters?|illustrations?|sketch(?:es)?|icons?|wallpapers?)\b/i;
/** A question about something (not a polite request, "can you ...") asks for an answer, not footage. */
const QUESTION = /^(?:what|what's|who|who's|when|where|where's|why|how|which|is|are|does|do|did|should|will)\b/i;

/**
 * How relevant a request is to the video department, 0..1: a video noun and a making verb count most, then
 * the things a shot is made of (a character who acts, something done, a place, a line said). A request that
 * leads with another task's verb ("book", "write", "tell"), asks for a still image, or asks a question
 * counts less.
 */
export function videoRelevance(message: string): number {
  const text = message.trim();
  if (text === "") return 0;
  const reading = readRequest(text);
  const plain = reading.unquoted.trim();
  const verbs = reading.terms.filter((term) => term.tags.has("Verb"));
  const making = verbs.some((term) => MAKING_VERBS.has(term.normal));
  const videoNoun = VIDEO_NOUNS.test(plain);
  const lead = reading.terms.find((term) => !/^(please|now|also|ok|okay|hey|so)$/.test(term.normal));
  const otherTask =
    lead !== undefined &&
    lead.tags.has("Verb") &&
    (lead.tags.has("Imperative") || lead.tags.has("Infinitive")) &&
    !MAKING_VERBS.has(lead.normal) &&
    !ACTION_WORDS.some(([pattern]) => pattern.test(lead.normal));
  // Something done on screen: one of the renderer's actions, or any verb that is not the request's own.
  const hasAction =
    ACTION_WORDS.some(([pattern]) => pattern.test(plain)) ||
    verbs.some(
      (term) =>
        term !== lead &&
        !MAKING_VERBS.has(term.normal) &&
        !term.tags.has("Copula") &&
        !term.tags.has("Auxiliary") &&
        !term.tags.has("Modal"),
    );
  let score =
    (making ? 0.25 : 0) +
    (videoNoun ? 0.35 : 0) +
    (VIDEO_NOUN_REQUEST.test(plain) ? 0.15 : 0) +
    (hasAction ? 0.2 : 0) +
    (reading.location !== null ? 0.15 : 0) +
    (reading.characters.length > 0 ? 0.15 : 0) +
    (reading.dialogue.length > 0 ? 0.15 : 0) -
    (IMAGE_NOUNS.test(plain) && !videoNoun ? 0.25 : 0) -
    (otherTask ? 0.2 : 0);
  if (QUESTION.test(plain)) score /= 2;
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}
