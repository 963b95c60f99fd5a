/**
 * The shot library and scene archetypes both planners draw from. Shots are adapted to clips of at most
 * 7 s: each has a typical length, a range, a framing and a camera move, and a position in a scene.
 */
import type { Action, CameraMove } from "../../../domain.js";

export const SHOT_TYPES = ["extreme-wide", "wide", "medium", "close-up", "over-the-shoulder", "two-shot"] as const;
export type ShotType = (typeof SHOT_TYPES)[number];

export interface ShotSpec {
  id: string;
  position: "opening" | "middle" | "closing";
  shotType: ShotType;
  camera: CameraMove;
  typicalSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  /** The action this shot suits best; null when it suits any. */
  suits: Action | null;
  energy: "low" | "medium" | "high";
  /** A shot that follows the previous one's motion starts from its last frame. */
  continues: boolean;
  description: string;
}

export const SHOT_LIBRARY: readonly ShotSpec[] = [
  {
    id: "establishing_wide",
    position: "opening",
    shotType: "extreme-wide",
    camera: "pan-right",
    typicalSeconds: 5,
    minSeconds: 3,
    maxSeconds: 7,
    suits: null,
    energy: "low",
    continues: false,
    description: "wide view of the place before anyone acts",
  },
  {
    id: "entrance",
    position: "opening",
    shotType: "wide",
    camera: "tracking",
    typicalSeconds: 6,
    minSeconds: 3,
    maxSeconds: 7,
    suits: "walk",
    energy: "medium",
    continues: false,
    description: "a character enters the frame and the place",
  },
  {
    id: "atmospheric_detail",
    position: "opening",
    shotType: "close-up",
    camera: "static",
    typicalSeconds: 4,
    minSeconds: 2,
    maxSeconds: 6,
    suits: "look",
    energy: "low",
    continues: false,
    description: "a detail of the place that sets the mood",
  },
  {
    id: "follow_move",
    position: "middle",
    shotType: "medium",
    camera: "tracking",
    typicalSeconds: 7,
    minSeconds: 3,
    maxSeconds: 7,
    suits: "walk",
    energy: "medium",
    continues: true,
    description: "the camera follows the character's movement",
  },
  {
    id: "action_medium",
    position: "middle",
    shotType: "medium",
    camera: "static",
    typicalSeconds: 6,
    minSeconds: 2,
    maxSeconds: 7,
    suits: null,
    energy: "medium",
    continues: false,
    description: "the action in a steady medium frame",
  },
  {
    id: "run_tracking",
    position: "middle",
    shotType: "wide",
    camera: "tracking",
    typicalSeconds: 5,
    minSeconds: 2,
    maxSeconds: 7,
    suits: "run",
    energy: "high",
    continues: true,
    description: "fast movement tracked across the frame",
  },
  {
    id: "reaction_close",
    position: "middle",
    shotType: "close-up",
    camera: "dolly-in",
    typicalSeconds: 4,
    minSeconds: 2,
    maxSeconds: 6,
    suits: "look",
    energy: "low",
    continues: false,
    description: "a close reaction, pushing in",
  },
  {
    id: "dialogue_single",
    position: "middle",
    shotType: "over-the-shoulder",
    camera: "static",
    typicalSeconds: 6,
    minSeconds: 3,
    maxSeconds: 7,
    suits: "talk",
    energy: "low",
    continues: false,
    description: "a character speaks, framed over the shoulder",
  },
  {
    id: "two_shot",
    position: "middle",
    shotType: "two-shot",
    camera: "static",
    typicalSeconds: 6,
    minSeconds: 3,
    maxSeconds: 7,
    suits: "talk",
    energy: "medium",
    continues: false,
    description: "two characters share the frame",
  },
  {
    id: "settle_down",
    position: "middle",
    shotType: "medium",
    camera: "dolly-in",
    typicalSeconds: 5,
    minSeconds: 3,
    maxSeconds: 7,
    suits: "sit",
    energy: "low",
    continues: false,
    description: "a character comes to rest",
  },
  {
    id: "gesture_medium",
    position: "middle",
    shotType: "medium",
    camera: "static",
    typicalSeconds: 4,
    minSeconds: 2,
    maxSeconds: 6,
    suits: "wave",
    energy: "medium",
    continues: false,
    description: "a gesture that reads clearly",
  },
  {
    id: "reveal_pan",
    position: "middle",
    shotType: "wide",
    camera: "pan-left",
    typicalSeconds: 5,
    minSeconds: 3,
    maxSeconds: 7,
    suits: null,
    energy: "medium",
    continues: false,
    description: "the camera pans to reveal more of the place",
  },
  {
    id: "pull_back",
    position: "closing",
    shotType: "wide",
    camera: "dolly-out",
    typicalSeconds: 5,
    minSeconds: 3,
    maxSeconds: 7,
    suits: null,
    energy: "low",
    continues: false,
    description: "the camera pulls back to end the scene",
  },
  {
    id: "closing_close",
    position: "closing",
    shotType: "close-up",
    camera: "static",
    typicalSeconds: 3,
    minSeconds: 2,
    maxSeconds: 6,
    suits: null,
    energy: "low",
    continues: false,
    description: "a last close look at the character",
  },
  {
    id: "exit_wide",
    position: "closing",
    shotType: "wide",
    camera: "static",
    typicalSeconds: 5,
    minSeconds: 3,
    maxSeconds: 7,
    suits: "walk",
    energy: "medium",
    continues: false,
    description: "the character leaves the place",
  },
];

export interface SceneArchetype {
  id: string;
  name: string;
  /** Words in a request that point to this archetype. */
  cues: RegExp;
  opening: string[];
  middle: string[];
  closing: string[];
  /** How shots join: soft archetypes dissolve, energetic ones cut. */
  transition: { type: "cut" | "dissolve" | "fade"; seconds: number };
}

export const SCENE_ARCHETYPES: readonly SceneArchetype[] = [
  {
    id: "arrival",
    name: "Arrival and settling",
    cues: /\b(enters?|arrives?|comes? in|walks? (in|into|through|past))\b/i,
    opening: ["entrance", "establishing_wide"],
    middle: ["follow_move", "reveal_pan", "settle_down", "reaction_close", "action_medium"],
    closing: ["closing_close", "pull_back"],
    transition: { type: "dissolve", seconds: 0.5 },
  },
  {
    id: "conversation",
    name: "Conversation",
    cues: /\b(says?|talks?|tells?|asks?|conversation|dialogue|speaks?)\b/i,
    opening: ["establishing_wide", "entrance"],
    middle: ["two_shot", "dialogue_single", "reaction_close", "dialogue_single"],
    closing: ["closing_close", "pull_back"],
    transition: { type: "cut", seconds: 0 },
  },
  {
    id: "action",
    name: "Action sequence",
    cues: /\b(runs?|chases?|jumps?|fights?|races?|escapes?|dances?)\b/i,
    opening: ["establishing_wide"],
    middle: ["run_tracking", "action_medium", "run_tracking", "reaction_close"],
    closing: ["exit_wide", "pull_back"],
    transition: { type: "cut", seconds: 0 },
  },
  {
    id: "contemplative",
    name: "Contemplative moment",
    cues: /\b(looks?|gazes?|watches?|sunset|quiet|remembers?|thinks?)\b/i,
    opening: ["atmospheric_detail", "establishing_wide"],
    middle: ["reaction_close", "reveal_pan", "action_medium"],
    closing: ["pull_back"],
    transition: { type: "dissolve", seconds: 1 },
  },
  {
    id: "reveal",
    name: "Place reveal",
    cues: /\b(reveals?|discovers?|finds?|shows?)\b/i,
    opening: ["atmospheric_detail"],
    middle: ["reveal_pan", "follow_move", "action_medium"],
    closing: ["pull_back"],
    transition: { type: "fade", seconds: 0.5 },
  },
];

export function shotById(id: string): ShotSpec | undefined {
  return SHOT_LIBRARY.find((shot) => shot.id === id);
}
