/**
 * What a request will become before anything is spent: one clip or a planned scene with each shot's
 * length, method, model and prompt, the lines, and the estimated cost (as `cutroom plan` shows it). The
 * page edits the scene's plan and sends it back with the request. Only in the key's project.
 */
import { Router } from "express";
import { z } from "zod";
import { previewRequest } from "../../departments/video/preview.js";
import { withRequestShape } from "../../departments/video/shape.js";
import type { ServerContext } from "../context.js";
import { parseWith } from "../errors.js";
import { scrub } from "../videos.js";
import { projectOf } from "./projects.js";

export const PreviewBodySchema = z
  .object({ message: z.string().trim().min(1, "describe the video you want").max(2000) })
  .strict();

export function previewRoutes(context: ServerContext): Router {
  const router = Router();
  router.post("/projects/:projectId/plans/preview", async (request, response) => {
    const projectId = projectOf(request);
    const body = parseWith(PreviewBodySchema, request.body);
    // Shaped by the request's words (a reel is vertical) as the turn that makes it will be.
    const runtime = withRequestShape(context.runtime, body.message);
    const preview = await previewRequest(runtime, body.message, { projectId });
    response.setHeader("Cache-Control", "private, no-store");
    response.json(scrub(preview, context.runtime.config.dataDir));
  });
  return router;
}
