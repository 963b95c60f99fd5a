/**
 * The library routes: a project's videos and threads, a page at a time, and a video's contact sheet.
 * Each answers only in the key's project; another project's answers as a missing one.
 */
import { Router } from "express";
import { principalOf } from "../auth.js";
import type { ServerContext } from "../context.js";
import { notFound } from "../errors.js";
import { contactSheetOfVideo, listThreads, listVideos } from "../library.js";
import { resolveVideo } from "../videos.js";
import { projectOf } from "./projects.js";

export function libraryRoutes(context: ServerContext): Router {
  const router = Router();
  const { runtime } = context;

  router.get("/projects/:projectId/videos", async (request, response) => {
    const projectId = projectOf(request);
    response.setHeader("Cache-Control", "private, no-store");
    response.json(await listVideos(runtime, projectId, request.query));
  });

  router.get("/threads", async (request, response) => {
    response.setHeader("Cache-Control", "private, no-store");
    response.json(await listThreads(runtime, principalOf(request).projectId, request.query));
  });

  router.get("/projects/:projectId/videos/:videoId/contact-sheet.png", async (request, response) => {
    const projectId = projectOf(request);
    const videoId = String(request.params.videoId);
    const sheet = await contactSheetOfVideo(runtime, await resolveVideo(runtime, projectId, videoId));
    if (sheet === null) throw notFound("contact sheet", videoId);
    const path = await runtime.store.localPath(sheet.key, runtime.scratchDir);
    response.sendFile(path, {
      headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=3600" },
      dotfiles: "allow",
    });
  });

  return router;
}
