/** Shared test fixtures: a character, a location and clip requests to vary per test. */
import { lookForLocation, profileForCharacter } from "../../src/brain/profiles.js";
import type { ClipRequest, VisualProfile } from "../../src/domain.js";
import type { ShotTask } from "../../src/specialists/video-generator/index.js";

export const alice: VisualProfile = {
  skin: "#e0b090",
  hair: "#3a2410",
  top: "#c03030",
  bottom: "#2040a0",
  accent: "#f0d020",
  height: 0.5,
  build: 0.26,
  description: "red top",
};

export const park = {
  kind: "park" as const,
  sky: "#87ceeb",
  ground: "#4caf50",
  feature: "#2e7d32",
  horizon: 0.55,
  description: "park",
};

/** Alice walking through the park, 2.5 s at 320x180 and 24 fps, text-to-video; override what a test needs. */
export function clipRequest(overrides: Partial<ClipRequest> = {}): ClipRequest {
  return {
    method: "text-to-video",
    prompt: "Alice walks through the park",
    negativePrompt: null,
    durationSeconds: 2.5,
    width: 320,
    height: 180,
    fps: 24,
    seed: 11,
    action: "walk",
    camera: "static",
    motionStrength: 0.5,
    characters: [{ id: "alice", name: "Alice", profile: alice }],
    location: { id: "park", name: "Park", look: park },
    sourceImage: null,
    firstFrame: null,
    lastFrame: null,
    compositeImage: null,
    caption: null,
    ...overrides,
  };
}

/**
 * Sarah walking in the park as the department would ask a provider for her: her Brain profile and the
 * park's look, 2 s at 320x180 and 12 fps; override what a test needs.
 */
export function sarahInThePark(overrides: Partial<ClipRequest> = {}): ClipRequest {
  return clipRequest({
    prompt: "Sarah walking in the park",
    durationSeconds: 2,
    fps: 12,
    motionStrength: 0.6,
    characters: [{ id: "chr_sarah", name: "Sarah", profile: profileForCharacter("Sarah") }],
    location: { id: "loc_park", name: "park", look: lookForLocation("park") },
    ...overrides,
  });
}

/** A one-second text-to-video shot of an empty street, needing nothing from the Brain; override what a test needs. */
export function streetShot(overrides: Partial<ShotTask> = {}): ShotTask {
  return {
    index: 1,
    method: "text-to-video",
    prompt: "an empty street",
    durationSeconds: 1,
    characters: [],
    location: null,
    action: "stand",
    camera: "static",
    motionStrength: 0.5,
    seed: 3,
    images: {},
    ...overrides,
  };
}
