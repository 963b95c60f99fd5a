/**
 * A take's plan as the Brain recorded it: its shots (length, method, model), its lines and its music and
 * sound cues, in the order they play. A single clip is a plan of one shot. Only in the key's project.
 */
import { Router } from "express";
import type { Runtime } from "../../runtime.js";
import type { ServerContext } from "../context.js";
import { notFound } from "../errors.js";
import { resolveVideo } from "../videos.js";
import { projectOf } from "./projects.js";

export interface TakePlan {
  videoId: string;
  totalDurationSeconds: number;
  archetype: string | null;
  shots: Array<{ index: number; durationSeconds: number; method: string; model: string }>;
  missingShots: number[];
  lines: Array<{ text: string; startTime: number; duration: number }>;
  cues: Array<{ type: "music" | "sfx"; description: string; startTime: number; duration: number }>;
}

export async function planOfTake(runtime: Runtime, projectId: string, videoId: string): Promise<TakePlan> {
  const video = await resolveVideo(runtime, projectId, videoId);
  // A stored scene or clip made outside a take has no plan the Brain knows of.
  if (!video.take) throw notFound("take", videoId);
  const { video: node } = video.take;
  const scene = await runtime.brain.forProject(projectId).sceneOf(node.id);
  if (!scene) {
    return {
      videoId,
      totalDurationSeconds: node.durationSeconds,
      archetype: null,
      shots: [{ index: 1, durationSeconds: node.durationSeconds, method: node.method, model: node.model }],
      missingShots: [],
      lines: [],
      cues: [],
    };
  }
  const byStart = <T extends { startTime: number }>(items: T[]) => [...items].sort((a, b) => a.startTime - b.startTime);
  return {
    videoId,
    totalDurationSeconds: scene.scene.totalDurationSeconds,
    archetype: scene.scene.archetype,
    shots: [...scene.clips]
      .sort((a, b) => a.shotIndex - b.shotIndex)
      .map((clip) => ({
        index: clip.shotIndex,
        durationSeconds: clip.durationSeconds,
        method: clip.method,
        model: clip.model,
      })),
    missingShots: scene.scene.missingShots,
    lines: byStart(scene.audio.filter((track) => track.type === "dialogue")).map((track) => ({
      text: track.description,
      startTime: track.startTime,
      duration: track.duration,
    })),
    cues: byStart(scene.audio.filter((track) => track.type !== "dialogue")).map((track) => ({
      type: track.type as "music" | "sfx",
      description: track.description,
      startTime: track.startTime,
      duration: track.duration,
    })),
  };
}

export function planRoutes(context: ServerContext): Router {
  const router = Router();
  router.get("/projects/:projectId/videos/:videoId/plan", async (request, response) => {
    const projectId = projectOf(request);
    response.setHeader("Cache-Control", "private, no-store");
    response.json(await planOfTake(context.runtime, projectId, String(request.params.videoId)));
  });
  return router;
}
