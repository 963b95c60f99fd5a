import { expect } from "vitest";
import { BRAIN_RULES } from "../../src/brain/rules.js";
import type {
  CaptionsNode,
  CharacterNode,
  LocationNode,
  ProjectBrain,
  ReferenceNode,
  TakeWrite,
} from "../../src/brain/types.js";

export const NOW = "2025-01-01T00:00:00.000Z";

export function character(id: string, name: string): CharacterNode {
  const profile = {
    skin: "#aa8866",
    hair: "#221100",
    top: "#3355aa",
    bottom: "#222222",
    accent: "#ffcc00",
    height: 0.5,
    build: 0.25,
    description: name,
  };
  return { id, name, profile, voiceId: null, createdAt: NOW };
}

export function location(id: string, name: string): LocationNode {
  const look = {
    kind: "park" as const,
    sky: "#88bbff",
    ground: "#228833",
    feature: "#665544",
    horizon: 0.5,
    description: name,
  };
  return { id, name, look, createdAt: NOW };
}

export function reference(id: string, kind: ReferenceNode["kind"]): ReferenceNode {
  return { id, kind, mediaId: `media_${id}`, objectKey: `refs/${id}.png`, createdAt: NOW };
}

export function take(
  id: string,
  options: Partial<Omit<TakeWrite, "request" | "video" | "report">> & { createdAt?: string; requestId?: string } = {},
): TakeWrite {
  const createdAt = options.createdAt ?? NOW;
  const requestId = options.requestId ?? `req_${id}`;
  const grade = { quality: 0.8, relevance: 0.9, consistency: 0.85, overall: 0.85, passed: true, threshold: 0.7 };
  return {
    request: { id: requestId, threadId: "thread_1", text: "a walk in the park", createdAt: NOW },
    video: {
      id,
      requestId,
      threadId: "thread_1",
      mediaId: `media_${id}`,
      objectKey: `videos/${id}.mp4`,
      method: "text-to-video",
      model: "local",
      prompt: "Ana walks in the park",
      seed: 42,
      durationSeconds: 5,
      width: 640,
      height: 360,
      fps: 24,
      costUsd: 0.25,
      attempt: 1,
      status: "pending",
      statusReason: null,
      grade,
      createdAt,
      updatedAt: createdAt,
    },
    report: {
      id: `report_${id}`,
      createdAt,
      passed: true,
      overallQuality: 0.85,
      checks: [],
      issues: ["slightly soft"],
      suggestions: [],
    },
    characterIds: options.characterIds ?? ["char_ana"],
    locationId: options.locationId === undefined ? "loc_park" : options.locationId,
    referenceIds: options.referenceIds ?? ["ref_ana"],
    regeneratedFromId: options.regeneratedFromId ?? null,
  };
}

/**
 * After a take's links were cut or pointed at nothing (each Brain corrupts its own store its own way),
 * validation names every shared rule the take breaks, and a missing take is a violation too.
 */
export async function expectEveryRuleBroken(brain: ProjectBrain, takeId: string): Promise<void> {
  const rules = (await brain.validateTake(takeId)).map((violation) => violation.rule).sort();
  expect(rules).toEqual([
    "depicts-known-character",
    "graded",
    "reference-exists",
    "regenerated-from-exists",
    "set-in-known-location",
    "take-has-request",
  ]);
  expect(await brain.validateTake("vid_none")).toEqual([{ rule: "take-exists", message: expect.any(String) }]);
  for (const rule of rules) expect(BRAIN_RULES[rule as keyof typeof BRAIN_RULES]).toBeTruthy();
}

/** The nodes every Brain test starts from, written into one project. */
export async function seedProject(brain: ProjectBrain): Promise<void> {
  await brain.saveCharacter(character("char_ana", "Ana"));
  await brain.saveLocation(location("loc_park", "City Park"));
  await brain.saveReference(reference("ref_ana", "character-master"), "char_ana");
  await brain.saveReference(reference("ref_park", "location-master"), "loc_park");
}

/**
 * A Brain file as written before nodes belonged to a project: nodes keyed by bare id, no project, with a
 * take of Ana in the park and its links.
 */
export function legacyBrainFile(): string {
  const node = (key: string, label: string, props: object) => ({ key, attributes: { label, props } });
  const write = take("vid_old");
  const edge = (type: string, source: string, target: string) => ({
    key: `${type}:${source}->${target}`,
    source,
    target,
    attributes: { type },
  });
  const graph = {
    options: { type: "directed", multi: true, allowSelfLoops: true },
    attributes: {},
    nodes: [
      node("char_ana", "Character", character("char_ana", "Ana")),
      node("loc_park", "Location", location("loc_park", "City Park")),
      node("ref_ana", "Reference", reference("ref_ana", "character-master")),
      node(write.request.id, "Request", write.request),
      node("vid_old", "Video", write.video),
      node(write.report.id, "QualityReport", write.report),
    ],
    edges: [
      edge("HAS_REFERENCE", "char_ana", "ref_ana"),
      edge("PRODUCED", write.request.id, "vid_old"),
      edge("GRADED_BY", "vid_old", write.report.id),
      edge("DEPICTS", "vid_old", "char_ana"),
      edge("SET_IN", "vid_old", "loc_park"),
      edge("USES_REFERENCE", "vid_old", "ref_ana"),
    ],
  };
  return JSON.stringify({ version: 7, format: "cutroom-brain", graph });
}

/** A take's captions as the department writes them: SRT and WebVTT files stored beside the video. */
export function captions(takeId: string): CaptionsNode {
  return {
    id: `cap_${takeId}`,
    language: "en",
    cueCount: 2,
    burnedIn: false,
    srt: { mediaId: `media_${takeId}_srt`, objectKey: `videos/${takeId}.srt` },
    vtt: { mediaId: `media_${takeId}_vtt`, objectKey: `videos/${takeId}.vtt` },
    createdAt: NOW,
  };
}
