/**
 * Bring-your-own references over HTTP: a character's photo or a location's plate is POSTed as the raw
 * request body, listed, and detached. Multipart forms are not taken: the only multipart parser installed
 * (busboy) arrives as a test tool's dependency, not the server's; the page sends the file itself as the body.
 */
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import {
  addUploadedReference,
  listReferences,
  MAX_REFERENCE_BYTES,
  referenceListing,
  removeReference,
  type ReferenceOwner,
} from "../../brain/uploads.js";
import type { ServerContext } from "../context.js";
import { ApiError, parseWith } from "../errors.js";
import { projectOf } from "./projects.js";

/** Content types the upload routes read as image bytes; the bytes, not the type, decide what the file is. */
export const REFERENCE_CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp", "application/octet-stream"];

export const ReferenceQuerySchema = z.object({
  replace: z.enum(["true", "false"], { error: "true or false" }).optional(),
});

const OWNERS: Array<[segment: string, owner: ReferenceOwner]> = [
  ["characters", "character"],
  ["locations", "location"],
];

const readImage = express.raw({ limit: MAX_REFERENCE_BYTES, type: REFERENCE_CONTENT_TYPES });

/** The body is read only for the key's own project, and its too-large answer names the field and the limit. */
function imageBody(request: Request, response: Response, next: NextFunction): void {
  projectOf(request);
  readImage(request, response, (error?: unknown) => {
    if ((error as { type?: string } | undefined)?.type !== "entity.too.large") return next(error);
    const message = `image: larger than ${MAX_REFERENCE_BYTES} bytes (20 MB); send a smaller PNG, JPEG or WebP`;
    next(new ApiError(413, "PAYLOAD_TOO_LARGE", message, { fields: { image: message } }));
  });
}

function imageBytes(request: Request): Buffer {
  if (!request.is(REFERENCE_CONTENT_TYPES)) {
    throw new ApiError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `send the image itself as the request body, with Content-Type ${REFERENCE_CONTENT_TYPES.join(", ")}`,
    );
  }
  // A request with no body at all leaves nothing parsed: that is an empty image, refused as one.
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export function referenceRoutes(context: ServerContext): Router {
  const router = Router();
  const { runtime } = context;

  for (const [segment, owner] of OWNERS) {
    const path = `/projects/:projectId/${segment}/:name/references`;

    router.post(path, imageBody, async (request, response) => {
      const projectId = projectOf(request);
      const query = parseWith(ReferenceQuerySchema, request.query, "query");
      const added = await addUploadedReference(runtime, projectId, {
        owner,
        name: String(request.params.name),
        bytes: imageBytes(request),
        replace: query.replace === "true",
      });
      const location = `/api/v1/projects/${projectId}/${segment}/${encodeURIComponent(added.ownerName)}/references`;
      response.status(201).location(location);
      response.json({
        owner,
        ownerId: added.ownerId,
        name: added.ownerName,
        reference: referenceListing(added.reference),
        detached: added.detached,
      });
    });

    router.get(path, async (request, response) => {
      const projectId = projectOf(request);
      response.json(await listReferences(runtime, projectId, owner, String(request.params.name)));
    });

    router.delete(path + "/:referenceId", async (request, response) => {
      const projectId = projectOf(request);
      const name = String(request.params.name);
      const detached = await removeReference(runtime, projectId, owner, name, String(request.params.referenceId));
      response.json({ detached });
    });
  }
  return router;
}
