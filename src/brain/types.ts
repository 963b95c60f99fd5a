/**
 * The Brain port: the knowledge graph the department reads before work and writes after it.
 * Node labels: Character, Location, Reference, Request, Video (a take), QualityReport.
 * Relationships: (Character|Location)-[:HAS_REFERENCE]->(Reference), (Request)-[:PRODUCED]->(Video),
 * (Video)-[:DEPICTS]->(Character), (Video)-[:SET_IN]->(Location), (Video)-[:USES_REFERENCE]->(Reference),
 * (Video)-[:GRADED_BY]->(QualityReport), (Video)-[:REGENERATED_FROM]->(Video),
 * (Video)-[:HAS_CAPTIONS]->(Captions), (Video)-[:HAS_CONTACT_SHEET]->(ContactSheet).
 */
import type {
  GenerationMethod,
  Grade,
  LocationLook,
  TakeStatus,
  VideoQualityResult,
  VisualProfile,
} from "../domain.js";
import type { LibraryTake, LibraryThread, Page, TakeListQuery, ThreadListQuery } from "./library-types.js";

export interface CharacterNode {
  id: string;
  name: string;
  profile: VisualProfile;
  voiceId: string | null;
  createdAt: string;
}

export interface LocationNode {
  id: string;
  name: string;
  look: LocationLook;
  createdAt: string;
}

/**
 * What a reference image shows. A character has a master still (its face and clothes, front on) and a
 * turnaround sheet (front, three-quarter, side and back: the design's 360° profile); a location has a
 * plate (`location-master`); a shot composite is one shot's characters placed into the plate in that
 * shot's framing, made for the take that animates it.
 */
export type ReferenceKind = "character-master" | "character-turnaround" | "location-master" | "shot-composite";

/** Where a reference came from: the user's own image, or one the department generated. */
export type ReferenceSource = "uploaded" | "generated";

export interface ReferenceNode {
  id: string;
  kind: ReferenceKind;
  /** Media record id and object key of the stored image. */
  mediaId: string;
  objectKey: string;
  createdAt: string;
  /** Absent on references stored before uploads existed: those were all generated. */
  source?: ReferenceSource;
  /**
   * What made it: an image model id, `local-renderer` for the local renderer's drawings, or `upload`.
   * Absent on older references (local drawings).
   */
  madeBy?: string;
  /** References this one was made from (a turnaround from its master; a composite from masters and plate). */
  madeFrom?: string[];
}

/** The owner label a reference kind belongs to; composites belong to no owner (they are made for a shot). */
export function ownerLabelOf(kind: ReferenceKind): "Character" | "Location" | null {
  if (kind === "character-master" || kind === "character-turnaround") return "Character";
  if (kind === "location-master") return "Location";
  return null;
}

/** A reference's source; references from before uploads existed were generated. */
export function sourceOf(reference: Pick<ReferenceNode, "source">): ReferenceSource {
  return reference.source ?? "generated";
}

export interface RequestNode {
  id: string;
  threadId: string;
  text: string;
  createdAt: string;
}

export interface VideoNode {
  id: string;
  requestId: string;
  threadId: string;
  mediaId: string;
  objectKey: string;
  method: GenerationMethod;
  model: string;
  prompt: string;
  /** A short title from the request's words (library.ts titleOf); absent on older takes. */
  title?: string;
  seed: number;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  costUsd: number;
  attempt: number;
  status: TakeStatus;
  statusReason: string | null;
  grade: Grade;
  createdAt: string;
  updatedAt: string;
  /** Work done on the take's clips after their models made them (a lip-sync pass); absent on older takes. */
  passes?: ClipPassNode[];
}

/** One pass over a clip of a take: which shot, what was done, with which model and at what cost. */
export interface ClipPassNode {
  shotIndex: number;
  step: "lip-sync";
  model: string;
  costUsd: number;
}

export interface QualityReportNode extends VideoQualityResult {
  id: string;
  createdAt: string;
}

/**
 * A multi-clip take: (Video)-[:RENDERS]->(Scene), (Clip)-[:PART_OF]->(Scene) for every shot used and
 * (Scene)-[:HAS_AUDIO]->(AudioTrack) for every line, music and effect mixed under it.
 */
export interface SceneWrite {
  id: string;
  totalDurationSeconds: number;
  shotCount: number;
  missingShots: number[];
  archetype: string;
  clips: Array<{
    id: string;
    mediaId: string;
    objectKey: string;
    shotIndex: number;
    durationSeconds: number;
    method: GenerationMethod;
    model: string;
    seed: number;
    costUsd: number;
  }>;
  audio: Array<{
    id: string;
    type: "dialogue" | "music" | "sfx";
    description: string;
    startTime: number;
    duration: number;
  }>;
}

export interface SceneView {
  scene: Omit<SceneWrite, "clips" | "audio">;
  clips: SceneWrite["clips"];
  audio: SceneWrite["audio"];
}

/** One stored caption file: its media record and object key. */
export interface CaptionFile {
  mediaId: string;
  objectKey: string;
}

/**
 * A take's captions, (Video)-[:HAS_CAPTIONS]->(Captions): the dialogue as cues, stored as SRT and WebVTT
 * files beside the video, and whether they are also burned into its picture.
 */
export interface CaptionsNode {
  id: string;
  /** BCP 47 language of the text, as the player's track is labelled. */
  language: string;
  cueCount: number;
  burnedIn: boolean;
  srt: CaptionFile;
  vtt: CaptionFile;
  createdAt: string;
}

/**
 * A take's contact sheet, (Video)-[:HAS_CONTACT_SHEET]->(ContactSheet): one still per shot in a grid, a
 * stored image (its media record and object key) made when the take's clips were joined.
 */
export interface ContactSheetNode {
  id: string;
  mediaId: string;
  objectKey: string;
  shotCount: number;
  createdAt: string;
}

/** Everything one department result writes, applied in one transaction. */
export interface TakeWrite {
  request: RequestNode;
  video: VideoNode;
  report: QualityReportNode;
  characterIds: string[];
  locationId: string | null;
  referenceIds: string[];
  regeneratedFromId: string | null;
  /** Present when the take is a multi-clip scene. */
  scene?: SceneWrite | null;
  /** Present when the take has dialogue captions (their files are stored before the take is written). */
  captions?: CaptionsNode | null;
  /** Present when the take's clips were joined with a contact sheet (stored before the take is written). */
  contactSheet?: ContactSheetNode | null;
}

export interface TakeView {
  video: VideoNode;
  request: RequestNode;
  report: QualityReportNode | null;
  characters: CharacterNode[];
  location: LocationNode | null;
  references: ReferenceNode[];
  regeneratedFrom: string | null;
  regeneratedInto: string[];
}

export interface CharacterView {
  character: CharacterNode;
  references: ReferenceNode[];
  takes: Array<{ id: string; status: TakeStatus; overall: number; createdAt: string }>;
}

export interface LocationView {
  location: LocationNode;
  references: ReferenceNode[];
}

/** A request's takes, oldest first, each with its grade and the human choice made on it (if any). */
export interface RequestTakesView {
  request: RequestNode;
  takes: Array<{
    id: string;
    attempt: number;
    status: TakeStatus;
    choiceReason: string | null;
    grade: Grade;
    overallQuality: number | null;
    regeneratedFrom: string | null;
    createdAt: string;
    updatedAt: string;
  }>;
}

/** "How was this clip made": everything that decided a take and what was thought of it. */
export interface TakeProvenance {
  takeId: string;
  request: { id: string; threadId: string; text: string };
  method: GenerationMethod;
  model: string;
  prompt: string;
  seed: number;
  durationSeconds: number;
  resolution: string;
  fps: number;
  costUsd: number;
  /** Passes over the clips after generation, each with its model and cost (part of costUsd). */
  passes: ClipPassNode[];
  attempt: number;
  media: { mediaId: string; objectKey: string };
  characters: Array<{ id: string; name: string; voiceId: string | null }>;
  location: { id: string; name: string } | null;
  references: Array<{
    id: string;
    kind: ReferenceNode["kind"];
    mediaId: string;
    objectKey: string;
    source: ReferenceSource;
    madeBy: string | null;
  }>;
  grade: Grade;
  quality: { passed: boolean; overallQuality: number; issues: string[] } | null;
  choice: { status: TakeStatus; reason: string | null; at: string };
  regeneratedFrom: string | null;
  regeneratedInto: string[];
}

export interface BrainViolation {
  rule:
    | "take-exists"
    | "take-has-request"
    | "depicts-known-character"
    | "set-in-known-location"
    | "graded"
    | "reference-exists"
    | "regenerated-from-exists"
    | "object-exists";
  message: string;
}

export interface BrainCounts {
  nodes: Record<string, number>;
  relationships: Record<string, number>;
}

/**
 * The project every node written before the Brain knew projects belongs to: the project id every older
 * record was made under (CUTROOM_PROJECT unset).
 */
export const LEGACY_PROJECT_ID = "default";

/**
 * The Brain of one project. Names are unique within it, and an id of another project answers exactly like
 * a missing one: reads give null, writes that link to it are refused as unknown, status changes NOT_FOUND.
 */
export interface ProjectBrain {
  readonly name: string;
  readonly projectId: string;
  findCharacterByName(name: string): Promise<CharacterNode | null>;
  saveCharacter(character: CharacterNode): Promise<CharacterNode>;
  findLocationByName(name: string): Promise<LocationNode | null>;
  saveLocation(location: LocationNode): Promise<LocationNode>;
  /**
   * Stores a reference and links it to its owner (a Character or Location) with HAS_REFERENCE, and to each
   * reference in `madeFrom` with MADE_FROM. A shot composite has no owner (`ownerId` null); every other
   * kind needs one of the label `ownerLabelOf(kind)`.
   */
  saveReference(reference: ReferenceNode, ownerId: string | null): Promise<void>;
  /** The owner's current references, oldest first. */
  referencesOf(ownerId: string): Promise<ReferenceNode[]>;
  /**
   * Unlinks a reference from its owner: it is no longer used for new takes, while takes that used it keep
   * it in their provenance. False when the owner has no such reference (in this project).
   */
  detachReference(ownerId: string, referenceId: string): Promise<boolean>;
  /** Writes a whole take (request, video, report and every relationship) atomically; idempotent by ids. */
  recordTake(write: TakeWrite): Promise<void>;
  setTakeStatus(takeId: string, status: TakeStatus, reason: string | null): Promise<void>;
  getTake(takeId: string): Promise<TakeView | null>;
  characterView(name: string): Promise<CharacterView | null>;
  locationView(name: string): Promise<LocationView | null>;
  requestTakes(requestId: string): Promise<RequestTakesView | null>;
  /** The scene a take renders (its clips and audio tracks), or null for a single-clip take. */
  sceneOf(takeId: string): Promise<SceneView | null>;
  /** The take's captions, or null when it has none (no dialogue, captions off, or an unknown take). */
  captionsOf(takeId: string): Promise<CaptionsNode | null>;
  /** The take's contact sheet, or null when it has none (an older take, or an unknown one). */
  contactSheetOf(takeId: string): Promise<ContactSheetNode | null>;
  /** The project's takes, newest first, filtered and a page at a time (library.ts). */
  listTakes(query: TakeListQuery): Promise<Page<LibraryTake>>;
  /** The project's threads that produced takes, most recently active first. */
  listThreads(query: ThreadListQuery): Promise<Page<LibraryThread>>;
  /** Provenance of one take (`cutroom brain why`); null when the take is unknown. */
  why(takeId: string): Promise<TakeProvenance | null>;
  /** Graph rules a take must satisfy (contradictions). Empty when consistent. */
  validateTake(takeId: string): Promise<BrainViolation[]>;
  /** Nodes and relationships of this project only. */
  counts(): Promise<BrainCounts>;
}

/**
 * The whole Brain. It answers no question about characters, takes or references itself: every such read
 * and write goes through the view of one project, so a caller cannot reach another project's nodes.
 */
export interface Brain {
  readonly name: string;
  /** The project's view; the id must be a valid project id (INVALID_ID otherwise). */
  forProject(projectId: string): ProjectBrain;
  /** Totals over every project: a readiness probe, never shown per caller. */
  counts(): Promise<BrainCounts>;
  close(): Promise<void>;
}
