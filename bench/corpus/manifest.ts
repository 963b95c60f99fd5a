/**
 * The verifier's labelled corpus: clips made from real photographs (scikit-image's sample images, fetched
 * by scripts/corpus-sources.sh), each either a good take or a planted defect named with the check that
 * should catch it. Pure data: building (build.ts) and scoring (score.ts) read it; a unit test checks it.
 *
 * Who and where: astronaut, chelsea (a cat), motorcycle_left and camera (greyscale) are characters; rocket,
 * coffee, hubble_deep_field, brick and grass (greyscale) are places. Each clip's reference is its own source
 * photo, the still a real request would have uploaded.
 *
 * Long because it is a table: one entry per clip, each readable on its own.
 */
import type { QualityCheckType } from "../../src/domain.js";

export const PHOTOS = [
  "astronaut.png",
  "chelsea.png",
  "motorcycle_left.png",
  "camera.png",
  "rocket.jpg",
  "coffee.png",
  "hubble_deep_field.jpg",
  "brick.png",
  "grass.png",
] as const;
export type Photo = (typeof PHOTOS)[number];

export type Move = "pan" | "fast-pan" | "tilt" | "zoom";
export interface Shot {
  photo: Photo;
  seconds: number;
  move: Move;
  /** Where the frame sits vertically on the photo, 0 top to 1 bottom: a portrait's face is near the top. */
  focusY: number;
}

export type Grade = "dim" | "warm" | "cool";

export type VideoDefect =
  | { kind: "black"; fromSeconds: number; seconds: number }
  | { kind: "freeze"; fromSeconds: number; seconds: number }
  | { kind: "ghost"; shiftPixels: number }
  | { kind: "gblur"; sigma: number }
  | { kind: "boxblur"; radius: number }
  | { kind: "flicker"; brightness: number }
  | { kind: "stutter"; sourceFps: number };

/**
 * speech: a voiced, syllable-rate tone standing in for dialogue; room: brown noise; music: a chord over
 * pink noise; silence: digital zero. Loudness in LUFS, set by measuring and then applying gain.
 */
export interface AudioSpec {
  kind: "speech" | "room" | "music" | "silence";
  lufs: number | null;
  /** Full-scale bursts added after the loudness is set: a clipped mix at a normal loudness. */
  clippedBursts?: boolean;
  /** Sound shifted later than the picture, then trimmed back to the picture's length. */
  delaySeconds?: number;
}

export interface Recipe {
  shots: Shot[];
  width: number;
  height: number;
  fps: number;
  grade: Grade | null;
  grain: boolean;
  defect: VideoDefect | null;
  /** Video bit rate such as "25k" for a starved encode; null for the usual constant-quality encode. */
  videoBitrate: string | null;
  audio: AudioSpec | null;
}

export interface ClipParams {
  expectedDurationSeconds: number;
  expectedWidth: number;
  expectedHeight: number;
  expectedFps: number;
  characterReferences: Photo[];
  locationReferences: Photo[];
}

export interface CorpusClip {
  id: string;
  label: "good" | string;
  /** The check that should fail this clip; null for a good clip. */
  expectedCheck: QualityCheckType | null;
  /**
   * Other checks that are right to fail this clip too (a starved encode is also unclear): their flag is
   * neither a catch nor a false alarm.
   */
  tolerated: QualityCheckType[];
  note: string;
  recipe: Recipe;
  params: ClipParams;
}

const SIZE = { width: 320, height: 180 };
const FPS = 24;
const SPEECH: AudioSpec = { kind: "speech", lufs: -16 };
const ROOM_TONE: AudioSpec = { kind: "room", lufs: -27 };
const BROADCAST: AudioSpec = { kind: "music", lufs: -23 };

interface ClipInput {
  id: string;
  label?: string;
  expectedCheck?: QualityCheckType;
  tolerated?: QualityCheckType[];
  note?: string;
  shots: Shot[];
  recipe?: Partial<Omit<Recipe, "shots">>;
  /** What the request asked for, where it differs from what the recipe makes. */
  expected?: Partial<ClipParams>;
  characters?: Photo[];
  locations?: Photo[];
}

function clip(input: ClipInput): CorpusClip {
  const recipe: Recipe = {
    shots: input.shots,
    ...SIZE,
    fps: FPS,
    grade: null,
    grain: false,
    defect: null,
    videoBitrate: null,
    audio: SPEECH,
    ...input.recipe,
  };
  const seconds = input.shots.reduce((total, shot) => total + shot.seconds, 0);
  return {
    id: input.id,
    label: input.label ?? "good",
    expectedCheck: input.expectedCheck ?? null,
    tolerated: input.tolerated ?? [],
    note: input.note ?? "",
    recipe,
    params: {
      expectedDurationSeconds: seconds,
      expectedWidth: SIZE.width,
      expectedHeight: SIZE.height,
      expectedFps: FPS,
      characterReferences: input.characters ?? [],
      locationReferences: input.locations ?? [],
      ...input.expected,
    },
  };
}

// Faces sit in the top third of the two portraits; a centred frame would cut them off.
const PORTRAITS: Photo[] = ["astronaut.png", "camera.png"];
const shot = (photo: Photo, move: Move, seconds = 3): Shot => ({
  photo,
  seconds,
  move,
  focusY: PORTRAITS.includes(photo) ? 0.1 : 0.5,
});

const GOOD: CorpusClip[] = [
  clip({
    id: "good-astronaut-pan-silent",
    shots: [shot("astronaut.png", "pan")],
    recipe: { audio: null },
    characters: ["astronaut.png"],
    note: "no sound asked, none made",
  }),
  clip({ id: "good-chelsea-zoom-speech", shots: [shot("chelsea.png", "zoom")], characters: ["chelsea.png"] }),
  clip({
    id: "good-rocket-fast-pan-broadcast",
    shots: [shot("rocket.jpg", "fast-pan", 2)],
    recipe: { audio: BROADCAST },
    locations: ["rocket.jpg"],
    note: "a bed at broadcast loudness (-23 LUFS)",
  }),
  clip({
    id: "good-coffee-dim-room-tone",
    shots: [shot("coffee.png", "pan")],
    recipe: { grade: "dim", audio: ROOM_TONE },
    locations: ["coffee.png"],
    note: "eq brightness -0.08 saturation 0.9; quiet room tone (-27 LUFS)",
  }),
  clip({
    id: "good-motorcycle-warm-zoom",
    shots: [shot("motorcycle_left.png", "zoom")],
    recipe: { grade: "warm" },
    characters: ["motorcycle_left.png"],
  }),
  clip({
    id: "good-hubble-cool-tilt",
    shots: [shot("hubble_deep_field.jpg", "tilt")],
    recipe: { grade: "cool", audio: BROADCAST },
    locations: ["hubble_deep_field.jpg"],
  }),
  clip({
    id: "good-astronaut-grain-zoom",
    shots: [shot("astronaut.png", "zoom")],
    recipe: { grain: true },
    characters: ["astronaut.png"],
    note: "film grain",
  }),
  clip({
    id: "good-rocket-grain-dim-silent",
    shots: [shot("rocket.jpg", "pan")],
    recipe: { grain: true, grade: "dim", audio: null },
    locations: ["rocket.jpg"],
  }),
  clip({
    id: "good-cut-rocket-hubble",
    shots: [shot("rocket.jpg", "pan", 1.5), shot("hubble_deep_field.jpg", "zoom", 1.5)],
    note: "a cut between two places, no references asked",
  }),
  clip({
    id: "good-cut-astronaut-two-framings",
    shots: [shot("astronaut.png", "pan", 1.5), shot("astronaut.png", "zoom", 1.5)],
    characters: ["astronaut.png"],
    note: "a cut between two framings of one person",
  }),
  clip({
    id: "good-camera-greyscale-person",
    shots: [shot("camera.png", "pan")],
    characters: ["camera.png"],
    note: "a greyscale photograph as the character reference",
  }),
  clip({
    id: "good-brick-greyscale-place",
    shots: [shot("brick.png", "zoom")],
    recipe: { audio: ROOM_TONE },
    locations: ["brick.png"],
  }),
  clip({
    id: "good-grass-480-broadcast",
    shots: [shot("grass.png", "pan", 4)],
    recipe: { width: 480, height: 270, audio: BROADCAST },
    expected: { expectedWidth: 480, expectedHeight: 270 },
    locations: ["grass.png"],
  }),
  clip({
    id: "good-coffee-480-zoom",
    shots: [shot("coffee.png", "zoom", 2)],
    recipe: { width: 480, height: 270 },
    expected: { expectedWidth: 480, expectedHeight: 270 },
    locations: ["coffee.png"],
  }),
  clip({
    id: "good-motorcycle-fast-pan-silent",
    shots: [shot("motorcycle_left.png", "fast-pan", 2)],
    recipe: { audio: null },
    characters: ["motorcycle_left.png"],
  }),
  clip({
    id: "good-chelsea-warm-room-tone",
    shots: [shot("chelsea.png", "pan")],
    recipe: { grade: "warm", audio: ROOM_TONE },
    characters: ["chelsea.png"],
  }),
];

const DEFECTS: CorpusClip[] = [
  clip({
    id: "black-half-second",
    label: "black stretch",
    expectedCheck: "motion-quality",
    shots: [shot("rocket.jpg", "pan")],
    recipe: { defect: { kind: "black", fromSeconds: 1.2, seconds: 0.5 } },
    locations: ["rocket.jpg"],
  }),
  clip({
    id: "black-one-second",
    label: "black stretch",
    expectedCheck: "motion-quality",
    shots: [shot("coffee.png", "zoom")],
    recipe: { defect: { kind: "black", fromSeconds: 1, seconds: 1 } },
    locations: ["coffee.png"],
  }),
  clip({
    id: "black-fifth-at-end",
    label: "black stretch",
    expectedCheck: "motion-quality",
    shots: [shot("astronaut.png", "pan", 4)],
    recipe: { defect: { kind: "black", fromSeconds: 3.2, seconds: 0.8 } },
    characters: ["astronaut.png"],
    note: "20% of the clip",
  }),
  clip({
    id: "freeze-half-second",
    label: "frozen stretch",
    expectedCheck: "motion-quality",
    shots: [shot("motorcycle_left.png", "pan")],
    recipe: { defect: { kind: "freeze", fromSeconds: 1.25, seconds: 0.5 } },
  }),
  clip({
    id: "freeze-long-grain",
    label: "frozen stretch",
    expectedCheck: "motion-quality",
    shots: [shot("rocket.jpg", "fast-pan")],
    recipe: { grain: true, defect: { kind: "freeze", fromSeconds: 1, seconds: 1.25 } },
    note: "grain applied before the freeze, so the frozen frames are identical",
  }),
  clip({
    id: "ghost-astronaut",
    label: "ghosting",
    expectedCheck: "visual-clarity",
    shots: [shot("astronaut.png", "pan")],
    recipe: { defect: { kind: "ghost", shiftPixels: 12 } },
  }),
  clip({
    id: "ghost-chelsea",
    label: "ghosting",
    expectedCheck: "visual-clarity",
    shots: [shot("chelsea.png", "zoom")],
    recipe: { defect: { kind: "ghost", shiftPixels: 8 } },
  }),
  clip({
    id: "blur-gaussian",
    label: "blur",
    expectedCheck: "visual-clarity",
    shots: [shot("coffee.png", "pan")],
    recipe: { defect: { kind: "gblur", sigma: 4 } },
  }),
  clip({
    id: "blur-box",
    label: "blur",
    expectedCheck: "visual-clarity",
    shots: [shot("rocket.jpg", "zoom")],
    recipe: { defect: { kind: "boxblur", radius: 5 } },
  }),
  clip({
    id: "starved-hubble-grain",
    label: "starved encode",
    expectedCheck: "bitrate",
    tolerated: ["visual-clarity"],
    shots: [shot("hubble_deep_field.jpg", "zoom")],
    recipe: { grain: true, videoBitrate: "25k" },
    note: "25 kb/s: owned by bitrate, the direct measure; clarity is right to flag it too",
  }),
  clip({
    id: "starved-astronaut",
    label: "starved encode",
    expectedCheck: "bitrate",
    tolerated: ["visual-clarity"],
    shots: [shot("astronaut.png", "fast-pan")],
    recipe: { videoBitrate: "25k" },
  }),
  clip({
    id: "flicker-strong",
    label: "flicker",
    expectedCheck: "motion-quality",
    shots: [shot("chelsea.png", "pan")],
    recipe: { defect: { kind: "flicker", brightness: 0.15 } },
  }),
  clip({
    id: "flicker-mild",
    label: "flicker",
    expectedCheck: "motion-quality",
    shots: [shot("rocket.jpg", "tilt")],
    recipe: { defect: { kind: "flicker", brightness: 0.08 } },
  }),
  clip({
    id: "stutter-8-to-24",
    label: "duplicated-frame stutter",
    expectedCheck: "fps",
    tolerated: ["motion-quality"],
    shots: [shot("motorcycle_left.png", "fast-pan")],
    recipe: { defect: { kind: "stutter", sourceFps: 8 } },
    note: "8 fps with every frame shown three times: the container says 24",
  }),
  clip({
    id: "wrong-person-astronaut-as-chelsea",
    label: "wrong person",
    expectedCheck: "character-consistency",
    shots: [shot("astronaut.png", "zoom")],
    characters: ["chelsea.png"],
  }),
  clip({
    id: "wrong-person-motorcycle-as-astronaut",
    label: "wrong person",
    expectedCheck: "character-consistency",
    shots: [shot("motorcycle_left.png", "pan")],
    characters: ["astronaut.png"],
    note: "the person is absent altogether",
  }),
  clip({
    id: "wrong-person-astronaut-as-cameraman",
    label: "wrong person",
    expectedCheck: "character-consistency",
    shots: [shot("astronaut.png", "pan")],
    characters: ["camera.png"],
    note: "one real face for another",
  }),
  clip({
    id: "wrong-person-cameraman-as-astronaut",
    label: "wrong person",
    expectedCheck: "character-consistency",
    shots: [shot("camera.png", "zoom")],
    characters: ["astronaut.png"],
  }),
  clip({
    id: "wrong-place-rocket-as-coffee",
    label: "wrong place",
    expectedCheck: "location-consistency",
    shots: [shot("rocket.jpg", "pan")],
    locations: ["coffee.png"],
  }),
  clip({
    id: "wrong-place-brick-as-hubble",
    label: "wrong place",
    expectedCheck: "location-consistency",
    shots: [shot("brick.png", "zoom")],
    locations: ["hubble_deep_field.jpg"],
  }),
  clip({
    id: "wrong-length-short",
    label: "wrong length",
    expectedCheck: "duration",
    shots: [shot("chelsea.png", "pan", 2)],
    expected: { expectedDurationSeconds: 3 },
  }),
  clip({
    id: "wrong-size-256",
    label: "wrong size",
    expectedCheck: "resolution",
    shots: [shot("coffee.png", "pan")],
    recipe: { width: 256, height: 144 },
  }),
  clip({
    id: "wrong-rate-30",
    label: "wrong rate",
    expectedCheck: "fps",
    shots: [shot("hubble_deep_field.jpg", "pan")],
    recipe: { fps: 30 },
  }),
  clip({
    id: "clipped-audio",
    label: "clipped audio",
    expectedCheck: "audio",
    shots: [shot("astronaut.png", "pan")],
    recipe: { audio: { kind: "speech", lufs: -16, clippedBursts: true } },
  }),
  clip({
    id: "silence-where-speech-asked",
    label: "silence where speech was asked",
    expectedCheck: "audio",
    shots: [shot("chelsea.png", "zoom")],
    recipe: { audio: { kind: "silence", lufs: null } },
  }),
  clip({
    id: "desync-400ms",
    label: "desynchronized sound",
    expectedCheck: "lip-sync",
    shots: [shot("rocket.jpg", "pan", 1.5), shot("coffee.png", "pan", 1.5)],
    recipe: { audio: { kind: "speech", lufs: -16, delaySeconds: 0.4 } },
    note: "the line heard 0.4 s after its place (lip sync error): found by the sound sync against its recording",
  }),
];

export const CORPUS: CorpusClip[] = [...GOOD, ...DEFECTS];

/**
 * A continuing cut, as a scene's next shot continues from its previous one's last frame: the shot before
 * the cut is the first half of one silent take, the continuing shot the second half of another (the same
 * take for a good cut). The continuity check judges each pair; every other check has its own clips above.
 */
export interface CutSide {
  shots: Shot[];
  grade: Grade | null;
  grain: boolean;
  defect: VideoDefect | null;
}

export interface CorpusCut {
  id: string;
  label: "good" | string;
  expectedCheck: "continuity" | null;
  note: string;
  /** The take whose first half is the shot before the cut. */
  before: CutSide;
  /** The take whose second half continues it. */
  after: CutSide;
}

/** A take of one shot for a cut: 3 s, split at 1.5 s. */
const side = (photo: Photo, move: Move, look: Partial<Omit<CutSide, "shots">> = {}): CutSide => ({
  shots: [shot(photo, move)],
  grade: null,
  grain: false,
  defect: null,
  ...look,
});

/** A side's whole take as a recipe: silent, at the corpus frame size and rate. */
export function cutRecipe(cutSide: CutSide): Recipe {
  return { ...cutSide, ...SIZE, fps: FPS, videoBitrate: null, audio: null };
}

const continuing = (id: string, take: CutSide, note = ""): CorpusCut => ({
  id,
  label: "good",
  expectedCheck: null,
  note,
  before: take,
  after: take,
});

export const CUTS: CorpusCut[] = [
  continuing("cut-coffee-pan", side("coffee.png", "pan")),
  continuing("cut-chelsea-zoom", side("chelsea.png", "zoom")),
  continuing("cut-hubble-tilt", side("hubble_deep_field.jpg", "tilt")),
  continuing("cut-motorcycle-fast-pan", side("motorcycle_left.png", "fast-pan"), "the fastest move: 9 px a frame"),
  continuing("cut-astronaut-pan-face", side("astronaut.png", "pan"), "a face on both sides"),
  continuing(
    "cut-rocket-grain-dim",
    side("rocket.jpg", "pan", { grain: true, grade: "dim" }),
    "fresh grain each frame",
  ),
  continuing("cut-camera-greyscale-zoom", side("camera.png", "zoom")),
  continuing("cut-brick-pan-warm", side("brick.png", "pan", { grade: "warm" })),
  {
    id: "jump-rocket-to-hubble",
    label: "jump to another place",
    expectedCheck: "continuity",
    note: "",
    before: side("rocket.jpg", "pan"),
    after: side("hubble_deep_field.jpg", "zoom"),
  },
  {
    id: "jump-coffee-to-brick",
    label: "jump to another place",
    expectedCheck: "continuity",
    note: "",
    before: side("coffee.png", "pan"),
    after: side("brick.png", "pan"),
  },
  {
    id: "jump-astronaut-to-camera",
    label: "another person",
    expectedCheck: "continuity",
    note: "a face on both sides, not the same one",
    before: side("astronaut.png", "pan"),
    after: side("camera.png", "pan"),
  },
  {
    id: "jump-chelsea-reframed",
    label: "jump in framing",
    expectedCheck: "continuity",
    note: "the same photograph, the camera jumps from a pan to a push-in",
    before: side("chelsea.png", "pan"),
    after: side("chelsea.png", "zoom"),
  },
  {
    id: "ghost-in-continuation",
    label: "double image in the continuing shot",
    expectedCheck: "continuity",
    note: "the continuing shot blends a shifted copy of its picture over itself",
    before: side("motorcycle_left.png", "pan"),
    after: side("motorcycle_left.png", "pan", { defect: { kind: "ghost", shiftPixels: 12 } }),
  },
  {
    id: "grade-jump-warm-to-cool",
    label: "colour jump",
    expectedCheck: "continuity",
    note: "one take, the continuing shot graded cool where the first was warm",
    before: side("coffee.png", "zoom", { grade: "warm" }),
    after: side("coffee.png", "zoom", { grade: "cool" }),
  },
];

/** A clip id is also its file name, so it is held to a strict pattern. */
export const CLIP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;
