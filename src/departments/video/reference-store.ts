/**
 * Making one reference image: the image port draws or generates it, and it is stored as an object, a media
 * record and a Brain reference together (nothing stored without its record), paid for by the request that
 * needed it and held against that request's budget first.
 */
import { sourceOf, type ReferenceKind, type ReferenceNode } from "../../brain/types.js";
import { isCutroomError } from "../../errors.js";
import { newId } from "../../ids.js";
import type { ImageRequest } from "../../providers/image/types.js";
import type { Runtime } from "../../runtime.js";
import { LOCAL_RENDERER, storeMedia, type ToolContext } from "../../tools/context.js";
import { holdBudget } from "./budget.js";

/** The request a made reference is paid for by, for its budget. */
export interface PaidBy {
  projectId: string;
  requestId: string;
}

/** Whether a reference is a local drawing: not uploaded, and made by the local renderer (or from before makers were recorded). */
export function isDrawnReference(reference: Pick<ReferenceNode, "source" | "madeBy">): boolean {
  return sourceOf(reference) !== "uploaded" && (reference.madeBy ?? LOCAL_RENDERER) === LOCAL_RENDERER;
}

/** An owner's references of one kind, best first: uploads (newest first), then model-made, then drawings. */
export function ranked(references: ReferenceNode[], kind: ReferenceKind): ReferenceNode[] {
  const rank = (reference: ReferenceNode) =>
    sourceOf(reference) === "uploaded" ? 0 : isDrawnReference(reference) ? 2 : 1;
  return references
    .filter((reference) => reference.kind === kind)
    .sort((left, right) => rank(left) - rank(right) || right.createdAt.localeCompare(left.createdAt));
}

/** What happened while references were looked up or made, for the method's reason and the progress. */
export interface ReferenceNotes {
  /** Drawings left out because the video model is paid. */
  withheld: number;
  /** References that could not be made (budget, refusal), each with why. */
  unmade: string[];
}

interface MadeImage {
  reference: ReferenceNode;
}

/**
 * Makes one reference image with the image port and stores it (object, media record, Brain reference) for
 * its owner. A paid image is held against the request's budget first; null (with a note) when it could not
 * be made, so the take goes on from what it has. A cancel is never swallowed.
 */
export async function makeReference(
  runtime: Runtime,
  context: ToolContext,
  paidBy: PaidBy,
  made: {
    kind: ReferenceKind;
    ownerId: string | null;
    prefix: string;
    request: ImageRequest;
    madeFrom: string[];
    what: string;
    generation: Record<string, unknown>;
    /** Spend that must still fit the budget after this image (the clip the image is made for). */
    reserveUsd?: number;
  },
  notes: ReferenceNotes,
): Promise<MadeImage | null> {
  const image = runtime.image;
  const price = image.priceOf(made.kind);
  const hold = price > 0 ? await holdBudget(runtime, paidBy, price + (made.reserveUsd ?? 0), made.what) : null;
  if (typeof hold === "string") {
    notes.unmade.push(`${made.what} was not made: ${hold}`);
    return null;
  }
  try {
    runtime.progress.emit("assess", null, `making ${made.what} with ${image.name}`);
    const result = await image.generate(made.request, {
      outputDir: context.workDir,
      onProgress: null,
      signal: context.signal ?? null,
    });
    const saved = await storeMedia(context, {
      path: result.path,
      kind: "image",
      name: made.kind,
      prefix: made.prefix,
      ...(made.ownerId === null ? {} : { ownerId: made.ownerId }),
      generation: {
        ...made.generation,
        referenceKind: made.kind,
        drawnBy: image.drawsLocally ? LOCAL_RENDERER : result.model,
        source: "generated",
        model: result.model,
        prompt: made.request.prompt,
        seed: result.seed,
        costUsd: result.costUsd,
        requestId: paidBy.requestId,
      },
    });
    const reference: ReferenceNode = {
      id: newId("ref"),
      kind: made.kind,
      mediaId: saved.mediaId,
      objectKey: saved.key,
      createdAt: new Date().toISOString(),
      source: "generated",
      madeBy: image.drawsLocally ? LOCAL_RENDERER : result.model,
      madeFrom: made.madeFrom,
    };
    try {
      await runtime.brain.forProject(context.projectId).saveReference(reference, made.ownerId);
    } catch (error) {
      // Nothing stored without its record: the image goes again when the Brain refuses it.
      await runtime.store.delete(saved.key).catch(() => undefined);
      await runtime.media.delete(saved.mediaId).catch(() => undefined);
      throw error;
    }
    await runtime.media.update(saved.mediaId, {
      generation: { ...saved.record.generation, referenceId: reference.id },
    });
    return { reference };
  } catch (error) {
    if (isCutroomError(error, "CANCELLED") || context.signal?.aborted) throw error;
    if (image.drawsLocally) throw error;
    const message = error instanceof Error ? error.message : String(error);
    runtime.log.warn(`${made.what} could not be made: ${message}`);
    notes.unmade.push(`${made.what} could not be made (${message})`);
    return null;
  } finally {
    if (hold !== null && typeof hold !== "string") hold.release();
  }
}
