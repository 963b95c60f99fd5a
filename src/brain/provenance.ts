/** The provenance of a take, derived from its view the same way by every Brain adapter. */
import { sourceOf, type TakeProvenance, type TakeView } from "./types.js";

export function provenanceOf(view: TakeView): TakeProvenance {
  const { video, request, report } = view;
  return {
    takeId: video.id,
    request: { id: request.id, threadId: request.threadId, text: request.text },
    method: video.method,
    model: video.model,
    prompt: video.prompt,
    seed: video.seed,
    durationSeconds: video.durationSeconds,
    resolution: `${video.width}x${video.height}`,
    fps: video.fps,
    costUsd: video.costUsd,
    passes: video.passes ?? [],
    attempt: video.attempt,
    media: { mediaId: video.mediaId, objectKey: video.objectKey },
    characters: view.characters.map((character) => ({
      id: character.id,
      name: character.name,
      voiceId: character.voiceId,
    })),
    location: view.location === null ? null : { id: view.location.id, name: view.location.name },
    references: view.references.map((reference) => ({
      id: reference.id,
      kind: reference.kind,
      mediaId: reference.mediaId,
      objectKey: reference.objectKey,
      source: sourceOf(reference),
      madeBy: reference.madeBy ?? null,
    })),
    grade: video.grade,
    quality:
      report === null ? null : { passed: report.passed, overallQuality: report.overallQuality, issues: report.issues },
    choice: { status: video.status, reason: video.statusReason, at: video.updatedAt },
    regeneratedFrom: view.regeneratedFrom,
    regeneratedInto: view.regeneratedInto,
  };
}

/** Oldest first, ties broken by id, so both adapters list takes in one order. */
export function byCreatedAt(left: { createdAt: string; id: string }, right: { createdAt: string; id: string }): number {
  return left.createdAt === right.createdAt
    ? left.id.localeCompare(right.id)
    : left.createdAt.localeCompare(right.createdAt);
}
