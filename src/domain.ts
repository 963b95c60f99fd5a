/**
 * Shared shapes of the department: visual profiles, shots, takes, quality results and reports.
 * The quality and report shapes follow the Video Department design (VideoQualityResult, VideoHeadResponse).
 */
import { z } from "zod";
import type { ClipPass, ClipSpeech } from "./media/speech-types.js";

export const GENERATION_METHODS = [
  "text-to-video",
  "image-to-video",
  "first-last-frame",
  "composite-to-video",
] as const;
export type GenerationMethod = (typeof GENERATION_METHODS)[number];

/**
 * Longest clip the local renderer produces in one generation, in seconds, and the limit for a paid model
 * the registry does not list. A listed model plans and renders its own lengths (planner/lengths.ts).
 */
export const MAX_CLIP_SECONDS = 7;

/** Longest clip any generation may be asked for, in seconds: the longest a listed model renders. */
export const LONGEST_CLIP_SECONDS = 15;

export const RgbHex = z.string().regex(/^#[0-9a-f]{6}$/i, "a colour like #a1b2c3");

/** How a character is drawn; stable across takes so the same character looks the same everywhere. */
export const VisualProfileSchema = z.object({
  skin: RgbHex,
  hair: RgbHex,
  top: RgbHex,
  bottom: RgbHex,
  accent: RgbHex,
  /** Height of the figure relative to frame height, 0.3-0.7. */
  height: z.number().min(0.3).max(0.7),
  /** Build: width relative to height, 0.18-0.34. */
  build: z.number().min(0.18).max(0.34),
  /** How old the character looks, in words ("in their thirties"); profiles stored before it have none. */
  apparentAge: z.string().optional(),
  description: z.string(),
});
export type VisualProfile = z.infer<typeof VisualProfileSchema>;

/** How a location is drawn as a background. */
export const LocationLookSchema = z.object({
  kind: z.enum(["park", "street", "room", "beach", "forest", "city", "generic"]),
  sky: RgbHex,
  ground: RgbHex,
  feature: RgbHex,
  /** 0..1 position of the horizon from the top. */
  horizon: z.number().min(0.2).max(0.8),
  description: z.string(),
});
export type LocationLook = z.infer<typeof LocationLookSchema>;

export const CAMERA_MOVES = ["static", "pan-left", "pan-right", "dolly-in", "dolly-out", "tracking"] as const;
export type CameraMove = (typeof CAMERA_MOVES)[number];

export const ACTIONS = ["walk", "run", "stand", "sit", "wave", "dance", "jump", "talk", "look"] as const;
export type Action = (typeof ACTIONS)[number];

export interface CharacterInShot {
  id: string;
  name: string;
  profile: VisualProfile;
}

/** Everything a video provider needs to render one clip. */
export interface ClipRequest {
  method: GenerationMethod;
  prompt: string;
  negativePrompt: string | null;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  seed: number;
  action: Action;
  camera: CameraMove;
  /** 0..1, how much motion the action shows; raised by feedback when motion was judged frozen. */
  motionStrength: number;
  characters: CharacterInShot[];
  location: { id: string; name: string; look: LocationLook } | null;
  /** Local image paths, per method: image-to-video uses sourceImage; first-last uses first/last; composite uses compositeImage. */
  sourceImage: string | null;
  firstFrame: string | null;
  lastFrame: string | null;
  compositeImage: string | null;
  /** Caption burnt into the clip (user text: always escaped / passed via textfile). */
  caption: string | null;
  /** A model chosen for this request, sent instead of the method's configured one (FAL only). */
  model?: string | null;
  /** The lines spoken on screen in this clip, voiced before it is made; null or absent when nobody speaks. */
  speech?: ClipSpeech | null;
}

export interface GeneratedClip {
  /** Local file path of the rendered MP4 (scratch; not yet stored). */
  path: string;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  method: GenerationMethod;
  model: string;
  seed: number;
  generationSeconds: number;
  costUsd: number;
  /** Passes run on the clip after generation (their cost is part of costUsd). */
  passes?: ClipPass[];
}

export const QUALITY_CHECK_TYPES = [
  "duration",
  "resolution",
  "fps",
  "character-consistency",
  "location-consistency",
  "motion-quality",
  "visual-clarity",
  "bitrate",
  "audio",
  "continuity",
  "lip-sync",
] as const;
export type QualityCheckType = (typeof QUALITY_CHECK_TYPES)[number];

export interface QualityCheck {
  type: QualityCheckType;
  score: number;
  passed: boolean;
  details: string;
  threshold: number;
  /** False when the measurement itself failed: the check says nothing about the clip ("not measured"). */
  measured?: boolean;
}

/** A check left out of a take's grade, and why it says nothing about the take. */
export interface IgnoredCheck {
  type: QualityCheckType;
  why: string;
}

export interface VideoQualityResult {
  passed: boolean;
  overallQuality: number;
  checks: QualityCheck[];
  issues: string[];
  suggestions: string[];
  /**
   * Checks that were not informative for this take (not measured, or compared with something that proves
   * nothing, such as a local drawing for a generated clip): shown, never graded or paid for again.
   */
  ignored?: IgnoredCheck[];
}

export interface SelfAssessment {
  confidence: number;
  completeness: number;
  issues: string[];
}

export interface Grade {
  quality: number;
  relevance: number;
  consistency: number;
  overall: number;
  passed: boolean;
  threshold: number;
  /**
   * What the relevance rests on: "measured" from the file (its length and what its picture shows),
   * "request" from what was asked of the generator when the picture could not be measured, or those plus
   * a chat model's judgement of the facts or of the take's frames; with the reason (the measurements, or
   * the model's words).
   */
  relevanceBasis?: "measured" | "request" | "facts" | "frames";
  relevanceReason?: string;
}

export type TakeStatus = "pending" | "accepted" | "discarded" | "superseded";

export interface GradedOutput {
  specialist: SpecialistName;
  output: Record<string, unknown>;
  selfAssessment: SelfAssessment;
  grade: Grade | null;
}

export type SpecialistName = "video-generator" | "scene-assembler" | "quality-verifier" | "audio-integrator";

/** What a run did: clips, time, money, quality, failures (the execution summary of a scene). */
export interface ExecutionSummary {
  clipsTotal: number;
  clipsCompleted: number;
  clipsFailed: number;
  clipsReused: number;
  generationSeconds: number;
  costUsd: number;
  averageQuality: number | null;
  failedClips: Array<{ shotIndex: number; reason: string }>;
  retries: number;
  fallbackUsed: string[];
  budgetUsd: number;
}

export interface DepartmentReport {
  department: "video-generation";
  summary?: ExecutionSummary;
  relevance: number;
  status: "complete" | "partial" | "failed";
  outputs: GradedOutput[];
  departmentQuality: number;
  issues: string[];
  suggestions: string[];
}
