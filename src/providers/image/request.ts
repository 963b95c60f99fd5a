/**
 * What every image adapter checks before it spends anything: the size, the seed, the facts a drawing is
 * made from, and that each reference is a file. Failures name the field, as the video adapters do.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { LocationLookSchema, VisualProfileSchema } from "../../domain.js";
import { CutroomError } from "../../errors.js";
import type { ImageCharacter, ImageLocation, ImageRequest } from "./types.js";

/** Characters one composite may place; more would not fit a frame side by side. */
export const MAX_COMPOSITE_CHARACTERS = 6;
/** References one edit request may carry (the edit models take up to 14; a composite needs at most 8). */
export const MAX_REFERENCES = 10;

function invalid(field: string, message: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field} ${message}`, { field });
}

function checkCharacter(character: ImageCharacter, field: string): void {
  const parsed = VisualProfileSchema.safeParse(character.profile);
  if (!parsed.success) {
    throw invalid(`${field}.profile`, `is not a valid visual profile: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
}

function checkLocation(location: ImageLocation, field: string): void {
  const parsed = LocationLookSchema.safeParse(location.look);
  if (!parsed.success) {
    throw invalid(`${field}.look`, `is not a valid location look: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  if (!Number.isSafeInteger(location.layoutSeed)) {
    throw invalid(`${field}.layoutSeed`, `must be a whole number; got ${location.layoutSeed}`);
  }
}

/** The request with its reference paths made absolute, or an INVALID_INPUT error naming the field. */
export async function checkedImageRequest(request: ImageRequest): Promise<ImageRequest> {
  for (const field of ["width", "height"] as const) {
    const value = request[field];
    // Even sizes: these stills become video frames, and H.264 with 4:2:0 needs even dimensions.
    if (!Number.isInteger(value) || value < 64 || value > 3840 || value % 2 !== 0) {
      throw invalid(field, `must be an even whole number of pixels from 64 to 3840; got ${value}`);
    }
  }
  if (!Number.isSafeInteger(request.seed) || request.seed < 0) {
    throw invalid("seed", `must be a non-negative whole number; got ${request.seed}`);
  }
  const subject = request.subject;
  switch (subject.kind) {
    case "character-master":
    case "character-turnaround":
      checkCharacter(subject.character, "subject.character");
      break;
    case "location-master":
      checkLocation(subject.location, "subject.location");
      break;
    case "shot-composite":
      if (subject.characters.length > MAX_COMPOSITE_CHARACTERS) {
        throw invalid(
          "subject.characters",
          `may hold at most ${MAX_COMPOSITE_CHARACTERS} characters; got ${subject.characters.length}`,
        );
      }
      subject.characters.forEach((character, index) => checkCharacter(character, `subject.characters[${index}]`));
      if (subject.location !== null) checkLocation(subject.location, "subject.location");
      break;
  }
  if (request.references.length > MAX_REFERENCES) {
    throw invalid("references", `may hold at most ${MAX_REFERENCES} images; got ${request.references.length}`);
  }
  const references: string[] = [];
  for (const [index, path] of request.references.entries()) {
    const found = path === "" ? null : await stat(path).catch(() => null);
    if (found === null || !found.isFile()) {
      throw invalid(`references[${index}]`, `does not exist or is not a file: ${path}`);
    }
    references.push(resolve(path));
  }
  return { ...request, references };
}
