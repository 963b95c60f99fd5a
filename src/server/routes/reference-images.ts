/**
 * A reference's image, so the page can show a character or a location by its picture as well as its
 * description. Served only when the reference is one of that owner's current references in the key's
 * project, and its stored record is a live image there.
 */
import { extname } from "node:path";
import { Router } from "express";
import { listReferences, type ReferenceOwner } from "../../brain/uploads.js";
import type { ServerContext } from "../context.js";
import { notFound } from "../errors.js";
import { projectOf } from "./projects.js";

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
};

const OWNERS: Array<[segment: string, owner: ReferenceOwner]> = [
  ["characters", "character"],
  ["locations", "location"],
];

export function referenceImageRoutes(context: ServerContext): Router {
  const router = Router();
  const { runtime } = context;
  for (const [segment, owner] of OWNERS) {
    router.get(`/projects/:projectId/${segment}/:name/references/:referenceId/image`, async (request, response) => {
      const projectId = projectOf(request);
      const referenceId = String(request.params.referenceId);
      const listed = await listReferences(runtime, projectId, owner, String(request.params.name));
      const reference = listed.references.find((item) => item.id === referenceId);
      const record = reference ? await runtime.media.get(reference.mediaId) : null;
      const type = record ? IMAGE_TYPES[extname(record.key).toLowerCase()] : undefined;
      if (!record || record.projectId !== projectId || record.status !== "live" || record.kind !== "image" || !type)
        throw notFound("reference", referenceId);
      const path = await runtime.store.localPath(record.key, runtime.scratchDir);
      response.sendFile(path, {
        headers: { "Content-Type": type, "Cache-Control": "private, max-age=3600" },
        dotfiles: "allow",
      });
    });
  }
  return router;
}
