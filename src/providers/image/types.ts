/**
 * The image port, beside video and voice: the stills the department animates. A character gets a master
 * reference (front on) and a turnaround sheet; a location gets a plate; a shot that animates an image
 * gets a composite of its characters placed into the plate in the shot's framing.
 *
 * The embedded adapter draws them with the local renderer (free, and never sent to a paid model); the FAL
 * adapter makes them with a text-to-image model, and turnarounds and composites with a multi-reference
 * image edit model given the `references`.
 */
import type { Action, CameraMove, LocationLook, VisualProfile } from "../../domain.js";
import type { ProgressReporter } from "../video/types.js";

export interface ImageCharacter {
  name: string;
  profile: VisualProfile;
}

export interface ImageLocation {
  name: string;
  look: LocationLook;
  /** The location's layout seed, so every drawing of it places its features the same way. */
  layoutSeed: number;
}

/** What an image shows; the local renderer draws from these facts, a model from `prompt`. */
export type ImageSubject =
  | { kind: "character-master"; character: ImageCharacter }
  | { kind: "character-turnaround"; character: ImageCharacter }
  | { kind: "location-master"; location: ImageLocation }
  | {
      kind: "shot-composite";
      characters: ImageCharacter[];
      location: ImageLocation | null;
      action: Action;
      camera: CameraMove;
    };

export type ImageKind = ImageSubject["kind"];

export interface ImageRequest {
  subject: ImageSubject;
  /** The image in words: what a text-to-image or edit model is asked for. */
  prompt: string;
  /** What the model must avoid, where it takes a negative prompt. */
  negativePrompt: string | null;
  /**
   * Local paths of the images the result must follow (a turnaround's master; a composite's character
   * references and plate), in that order. A paid adapter is never given a local drawing here: the
   * department only passes uploaded or model-made images to it.
   */
  references: string[];
  width: number;
  height: number;
  seed: number;
}

export interface ImageOptions {
  /** Directory where the provider writes its output file. */
  outputDir: string;
  onProgress: ProgressReporter | null;
  signal: AbortSignal | null;
}

/** A finished image, with its facts measured from the file and what it cost. */
export interface GeneratedImage {
  path: string;
  width: number;
  height: number;
  /** The model that made it (`local-renderer` for the local drawings). */
  model: string;
  seed: number;
  costUsd: number;
  generationSeconds: number;
}

export interface ImageProvider {
  readonly name: string;
  /**
   * True for the local renderer: its images are drawings, marked `drawnBy: local-renderer` when stored,
   * and never sent to a paid video or image model.
   */
  readonly drawsLocally: boolean;
  generate(request: ImageRequest, options: ImageOptions): Promise<GeneratedImage>;
  /** USD one image of this kind would cost now (the estimate shown before a request is run). */
  priceOf(kind: ImageKind): number;
}
