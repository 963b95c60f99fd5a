/**
 * Bring-your-own references: a user's photo of a character or plate of a location becomes that owner's
 * master reference in the project's Brain, exactly like one the department made, marked `source: uploaded`.
 *
 * Every upload is re-encoded to PNG, whatever it arrived as: references are PNG everywhere else (stored
 * with their content type, found as scratch files, sent to image models), and a fresh encode is what
 * leaves the sender's EXIF, GPS, XMP and ICC behind. The camera's orientation is applied to the pixels
 * first, so the image looks the way it did on the phone that took it.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import type { Runtime } from "../runtime.js";
import { createToolContext, removeTakeScratch, storeMedia } from "../tools/context.js";
import { lookForLocation, profileForCharacter } from "./profiles.js";
import { sourceOf, type ProjectBrain, type ReferenceKind, type ReferenceNode } from "./types.js";

export const MAX_REFERENCE_BYTES = 20 * 1024 * 1024;
/** Shorter than this on its short side, a face or a plate carries too little for an image model. */
export const MIN_REFERENCE_SIDE = 256;
/** A small file can declare a huge canvas; decoding one would take gigabytes, so it is refused first. */
export const MAX_REFERENCE_PIXELS = 64_000_000;
export const MAX_OWNER_NAME = 64;

export type UploadFormat = "png" | "jpeg" | "webp";
export type ReferenceOwner = "character" | "location";

export interface ReferenceImage {
  /** PNG bytes, orientation applied, no metadata. */
  png: Buffer;
  width: number;
  height: number;
  /** What the user sent, recognised from its bytes. */
  sourceFormat: UploadFormat;
}

const refuse = (field: string, message: string) => new CutroomError("INVALID_INPUT", `${field}: ${message}`, { field });

/** The format from the file's first bytes (its name and declared content type are never trusted). */
export function sniffImageFormat(bytes: Buffer): UploadFormat | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP")
    return "webp";
  return null;
}

/** Checks an uploaded image and re-encodes it; every refusal is INVALID_INPUT naming `field`. */
export async function readReferenceImage(bytes: Buffer, field = "image"): Promise<ReferenceImage> {
  if (bytes.length === 0) throw refuse(field, "the file is empty; send a PNG, JPEG or WebP image");
  if (bytes.length > MAX_REFERENCE_BYTES) {
    throw refuse(field, `the file is ${bytes.length} bytes; at most ${MAX_REFERENCE_BYTES} (20 MB) is accepted`);
  }
  const sourceFormat = sniffImageFormat(bytes);
  if (sourceFormat === null) throw refuse(field, "not a PNG, JPEG or WebP image (judged by its content)");
  const decoder = () => sharp(bytes, { limitInputPixels: MAX_REFERENCE_PIXELS, failOn: "warning" });
  const metadata = await decoder()
    .metadata()
    .catch((error: unknown) => {
      throw refuse(field, `the ${sourceFormat.toUpperCase()} image cannot be read (${messageOf(error)})`);
    });
  const { width = 0, height = 0 } = metadata;
  if (metadata.format !== sourceFormat) {
    throw refuse(field, `starts like a ${sourceFormat.toUpperCase()} image but is not one`);
  }
  if (width * height > MAX_REFERENCE_PIXELS) {
    throw refuse(field, `${width}x${height} is more than ${MAX_REFERENCE_PIXELS / 1_000_000} megapixels`);
  }
  if (Math.min(width, height) < MIN_REFERENCE_SIDE) {
    throw refuse(field, `${width}x${height} is too small; at least ${MIN_REFERENCE_SIDE} px on the short side`);
  }
  // Decoding the whole image (not only its header) is what finds a truncated or corrupt file.
  const encoded = await decoder()
    .rotate()
    .png()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw refuse(field, `the ${sourceFormat.toUpperCase()} image cannot be decoded (${messageOf(error)})`);
    });
  return { png: encoded.data, width: encoded.info.width, height: encoded.info.height, sourceFormat };
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
}

/** A character's or location's name as the Brain keeps it: trimmed, 1–64 characters, no control characters. */
export function ownerName(name: unknown, field = "name"): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed === "" || trimmed.length > MAX_OWNER_NAME || /\p{Cc}/u.test(trimmed)) {
    throw refuse(
      field,
      `a name of 1-${MAX_OWNER_NAME} characters without control characters; got ${JSON.stringify(name)}`,
    );
  }
  return trimmed;
}

const MASTER_KIND: Record<ReferenceOwner, ReferenceKind> = {
  character: "character-master",
  location: "location-master",
};

interface Owner {
  id: string;
  name: string;
}

async function findOwner(brain: ProjectBrain, owner: ReferenceOwner, name: string): Promise<Owner | null> {
  return owner === "character" ? brain.findCharacterByName(name) : brain.findLocationByName(name);
}

/** The owner, or NOT_FOUND (another project's answers the same: the Brain view cannot see it). */
async function requireOwner(brain: ProjectBrain, owner: ReferenceOwner, name: string): Promise<Owner> {
  const found = await findOwner(brain, owner, ownerName(name));
  if (found === null) throw new CutroomError("NOT_FOUND", `no ${owner} named ${name} in the Brain`, { field: "name" });
  return found;
}

/** Found by name, or made the way the department makes one it meets in a request. */
async function ownerFor(brain: ProjectBrain, owner: ReferenceOwner, name: string): Promise<Owner> {
  const found = await findOwner(brain, owner, name);
  if (found !== null) return found;
  const createdAt = new Date().toISOString();
  if (owner === "character")
    return brain.saveCharacter({
      id: newId("chr"),
      name,
      profile: profileForCharacter(name),
      voiceId: null,
      createdAt,
    });
  return brain.saveLocation({ id: newId("loc"), name, look: lookForLocation(name), createdAt });
}

export interface UploadedReference {
  owner: ReferenceOwner;
  ownerId: string;
  ownerName: string;
  reference: ReferenceNode;
  /** References unlinked by `replace`. */
  detached: string[];
}

/**
 * Stores an uploaded image as the owner's master reference. The image is checked before anything is
 * written; a Brain write that fails takes the stored object and its media record with it. With
 * `replace`, the owner's earlier masters are unlinked once the new one is saved, and so are turnarounds
 * drawn from them (they show the face being replaced); takes that used them keep them in their provenance.
 */
export async function addUploadedReference(
  runtime: Runtime,
  projectId: string,
  input: { owner: ReferenceOwner; name: string; bytes: Buffer; replace?: boolean },
): Promise<UploadedReference> {
  const brain = runtime.brain.forProject(projectId);
  const name = ownerName(input.name);
  const image = await readReferenceImage(input.bytes);
  const owner = await ownerFor(brain, input.owner, name);
  const kind = MASTER_KIND[input.owner];
  const previous = await brain.referencesOf(owner.id);
  const scratchId = newId("upl");
  const context = await createToolContext(runtime, projectId, scratchId);
  try {
    const path = join(context.workDir, `${newId("ref")}.png`);
    await writeFile(path, image.png);
    const saved = await storeMedia(context, {
      path,
      kind: "image",
      name: "upload",
      prefix: `${input.owner === "character" ? "characters" : "locations"}/${owner.id}`,
      ownerId: owner.id,
      generation: {
        referenceKind: kind,
        source: "uploaded",
        [input.owner === "character" ? "characterId" : "locationId"]: owner.id,
        sourceFormat: image.sourceFormat,
        width: image.width,
        height: image.height,
      },
    });
    const reference: ReferenceNode = {
      id: newId("ref"),
      kind,
      mediaId: saved.mediaId,
      objectKey: saved.key,
      createdAt: new Date().toISOString(),
      source: "uploaded",
      madeBy: "upload",
    };
    try {
      await brain.saveReference(reference, owner.id);
    } catch (error) {
      // Nothing stays stored without the Brain knowing it: the record goes, then the object.
      await runtime.media.delete(saved.mediaId).catch(() => {});
      await runtime.store.delete(saved.key).catch(() => {});
      throw error;
    }
    const detached: string[] = [];
    if (input.replace === true) {
      const replaced = new Set(previous.filter((item) => item.kind === kind).map((item) => item.id));
      const drawnFrom = previous.filter(
        (item) => item.kind === "character-turnaround" && (item.madeFrom ?? []).some((id) => replaced.has(id)),
      );
      for (const id of [...replaced, ...drawnFrom.map((item) => item.id)]) {
        if (await brain.detachReference(owner.id, id)) detached.push(id);
      }
    }
    return { owner: input.owner, ownerId: owner.id, ownerName: owner.name, reference, detached };
  } finally {
    await removeTakeScratch(runtime, scratchId);
  }
}

/** What a client is shown of a reference. */
export interface ReferenceListing {
  id: string;
  kind: ReferenceKind;
  source: "uploaded" | "generated";
  madeBy: string | null;
  mediaId: string;
  createdAt: string;
}

export function referenceListing(reference: ReferenceNode): ReferenceListing {
  return {
    id: reference.id,
    kind: reference.kind,
    source: sourceOf(reference),
    madeBy: reference.madeBy ?? null,
    mediaId: reference.mediaId,
    createdAt: reference.createdAt,
  };
}

/** The owner's current references, oldest first; NOT_FOUND when the project has no such owner. */
export async function listReferences(
  runtime: Runtime,
  projectId: string,
  owner: ReferenceOwner,
  name: string,
): Promise<{ owner: ReferenceOwner; ownerId: string; name: string; references: ReferenceListing[] }> {
  const brain = runtime.brain.forProject(projectId);
  const found = await requireOwner(brain, owner, name);
  const references = (await brain.referencesOf(found.id)).map(referenceListing);
  return { owner, ownerId: found.id, name: found.name, references };
}

/**
 * Unlinks one of the owner's references, named by its reference id or its media id. New takes stop
 * using it; its object and record stay, since takes that used it keep it in their provenance.
 */
export async function removeReference(
  runtime: Runtime,
  projectId: string,
  owner: ReferenceOwner,
  name: string,
  id: string,
): Promise<ReferenceListing> {
  const brain = runtime.brain.forProject(projectId);
  const found = await requireOwner(brain, owner, name);
  const reference = (await brain.referencesOf(found.id)).find((item) => item.id === id || item.mediaId === id);
  if (!reference || !(await brain.detachReference(found.id, reference.id))) {
    throw new CutroomError("NOT_FOUND", `${owner} ${found.name} has no reference ${id}`, { field: "referenceId" });
  }
  return referenceListing(reference);
}
