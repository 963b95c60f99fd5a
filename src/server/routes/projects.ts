/**
 * The design's project routes: generate and assemble as queued jobs, verify synchronously, a video's
 * details and bytes, a job's status and progress stream, and the Brain's facts about a character.
 */
import { readFile, stat } from "node:fs/promises";
import { Router, type Request } from "express";
import { z } from "zod";
import { admitRequest } from "../../departments/video/entry.js";
import { QUALITY_CHECK_TYPES } from "../../domain.js";
import { isCutroomError } from "../../errors.js";
import { TRANSITION_TYPES } from "../../media/assemble.js";
import { resolveLut } from "../../media/lut.js";
import { PostProcessingSchema } from "../../tools/scene.js";
import { principalOf } from "../auth.js";
import type { ServerContext } from "../context.js";
import { ApiError, notFound, parseWith } from "../errors.js";
import type { JobEvent } from "../../jobs/types.js";
import { requestJob, submitRequest, viewOf, type JobView } from "../jobs.js";
import { redactValue } from "../redact.js";
import { openEventStream } from "../sse.js";
import { contactSheetOfVideo, contactSheetUrl, contentDisposition, wantsDownload } from "../library.js";
import { withRequestChoices } from "../../departments/video/shape.js";
import { askedOf, GenerateBodySchema } from "../generate-request.js";
import {
  CAPTION_CONTENT_TYPES,
  captionsForClient,
  captionsOfVideo,
  characterFacts,
  generateBudget,
  resolveVideo,
  verifyStoredVideo,
  videoDetails,
  type CaptionFileFormat,
} from "../videos.js";

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: "an http(s) URL" })
  .max(2000)
  .nullish();

const MediaId = z.string().regex(/^med_[A-Za-z0-9_-]{1,60}$/, "a stored clip's media id (med_…)");

export const AssembleBodySchema = z
  .object({
    sceneId: z.string().max(64).nullish(),
    clips: z
      .array(
        z
          .object({
            clipId: MediaId,
            sequence: z.number().int().min(1).max(10),
            trimStart: z.number().min(0).default(0),
            trimEnd: z.number().min(0).default(0),
            speedMultiplier: z.number().min(0.25).max(4).default(1),
          })
          .strict(),
      )
      .min(1)
      .max(10),
    transitions: z
      .array(
        z
          .object({
            fromClip: z.number().int().min(1),
            toClip: z.number().int().min(1),
            type: z.enum(TRANSITION_TYPES),
            duration: z.number().min(0).max(3).default(0.5),
          })
          .strict(),
      )
      .max(9)
      .default([]),
    postProcessing: PostProcessingSchema.nullish(),
    webhookUrl: WebhookUrl,
  })
  .strict();

export const VerifyBodySchema = z
  .object({
    videoId: z.string().min(1).max(64),
    checkTypes: z.array(z.enum(QUALITY_CHECK_TYPES)).min(1).nullish(),
    expectedDuration: z.number().positive().max(3600).nullish(),
    characterReference: MediaId.nullish(),
    locationReference: MediaId.nullish(),
  })
  .strict();

/** A job's error message and result may quote files of the run; clients see them redacted. */
export function jobForClient(job: JobView): JobView {
  return redactValue(job);
}

/** The route's project must be the key's; any other project answers 404 like a missing one. */
export function projectOf(request: Request): string {
  const projectId = String(request.params.projectId);
  if (projectId !== principalOf(request).projectId) throw notFound("project", projectId);
  return projectId;
}

export function projectRoutes(context: ServerContext): Router {
  const router = Router();
  const { runtime, jobs, estimates } = context;

  const ownedJob = async (request: Request): Promise<JobView> => {
    const projectId = projectOf(request);
    const status = await requestJob(jobs, projectId, String(request.params.jobId));
    if (status === null) throw notFound("job", String(request.params.jobId));
    return viewOf(status);
  };

  router.post("/projects/:projectId/videos/generate", async (request, response) => {
    const projectId = projectOf(request);
    const body = parseWith(GenerateBodySchema, request.body);
    if (body.webhookUrl) await context.webhooks.assertTarget(body.webhookUrl);
    // Images are checked now, so another project's media id fails the request instead of the job.
    const { prompt, asked } = await askedOf(runtime, projectId, body);
    // A shape and a model chosen for this request are checked now (the model at that shape) and priced below.
    const model = body.parameters?.model ?? null;
    const aspectRatio = body.parameters?.aspectRatio ?? null;
    const chosen = withRequestChoices(runtime, {
      aspectRatio,
      aspectField: "parameters.aspectRatio",
      model,
      modelField: "parameters.model",
    });
    // The department entry's checks run now too, so a request it would refuse (no words, an estimate
    // above the budget) is this request's error instead of a failed job; the job checks again when it runs.
    await admitRequest(chosen, { projectId, text: prompt, asked }, generateBudget(chosen)).catch((error: unknown) => {
      if (isCutroomError(error) && error.field === "message")
        throw new ApiError(400, "INVALID_INPUT", error.message, {
          fields: { [body.prompt === undefined ? "input.prompt" : "prompt"]: error.message },
        });
      // A length longer than the clip's model renders is this request's parameters.duration.
      if (isCutroomError(error) && error.field === "duration")
        throw new ApiError(400, "INVALID_INPUT", `parameters.${error.message}`, {
          fields: { "parameters.duration": error.message.replace(/^duration: /, "") },
        });
      throw error;
    });
    const limit = context.limiter.take(principalOf(request).keyId);
    for (const [name, value] of Object.entries(limit.headers)) response.setHeader(name, value);
    const job = await submitRequest(jobs, estimates, {
      kind: "generate",
      projectId,
      request: { prompt, asked, model, aspectRatio, captions: body.parameters?.captions ?? null },
      webhookUrl: body.webhookUrl ?? null,
    });
    response.status(202).location(`/api/v1/projects/${projectId}/videos/jobs/${job.jobId}`);
    response.json({ jobId: job.jobId, status: "queued", estimatedTime: job.estimatedTime });
  });

  router.post("/projects/:projectId/videos/assemble", async (request, response) => {
    const projectId = projectOf(request);
    const body = parseWith(AssembleBodySchema, request.body);
    if (body.webhookUrl) await context.webhooks.assertTarget(body.webhookUrl);
    // Clips are checked now, so another project's media id fails the request instead of the job.
    for (const clip of body.clips) await resolveVideo(runtime, projectId, clip.clipId);
    // So is the LUT: a missing or malformed one is this request's 400, not a failed job later.
    const lut = body.postProcessing?.lut ?? null;
    if (lut !== null) {
      await resolveLut(
        lut,
        {
          lutDir: runtime.config.lutDir,
          projectId,
          media: runtime.media,
          store: runtime.store,
          cacheDir: runtime.scratchDir,
        },
        "postProcessing.lut",
      );
    }
    const job = await submitRequest(jobs, estimates, {
      kind: "assemble",
      projectId,
      request: {
        sceneId: body.sceneId ?? null,
        clips: body.clips,
        transitions: body.transitions,
        postProcessing: body.postProcessing ?? null,
      },
      webhookUrl: body.webhookUrl ?? null,
    });
    response.status(202).location(`/api/v1/projects/${projectId}/videos/jobs/${job.jobId}`);
    response.json({ jobId: job.jobId, status: "queued", estimatedTime: job.estimatedTime });
  });

  router.post("/projects/:projectId/videos/verify", async (request, response) => {
    const projectId = projectOf(request);
    const body = parseWith(VerifyBodySchema, request.body);
    response.json(
      await verifyStoredVideo(runtime, projectId, {
        videoId: body.videoId,
        checkTypes: body.checkTypes ?? null,
        expectedDuration: body.expectedDuration ?? null,
        characterReference: body.characterReference ?? null,
        locationReference: body.locationReference ?? null,
      }),
    );
  });

  router.get("/projects/:projectId/videos/jobs/:jobId", async (request, response) => {
    response.json(jobForClient(await ownedJob(request)));
  });

  // Stops a queued or running job; its renders and paid provider requests are cancelled with it.
  router.post("/projects/:projectId/videos/jobs/:jobId/cancel", async (request, response) => {
    const { jobId } = await ownedJob(request);
    await jobs.cancel(jobId);
    const cancelled = await jobs.status(jobId);
    response.json(cancelled === null ? null : jobForClient(viewOf(cancelled)));
  });

  router.get("/projects/:projectId/videos/jobs/:jobId/events", async (request, response) => {
    const { jobId, projectId } = await ownedJob(request);
    const stream = openEventStream(request, response);
    // Watching starts before the job is read, so nothing between the read and the first event is missed.
    // Events are handled in order, one at a time: each may read the job's record.
    let order = Promise.resolve();
    let replayed = new Set<string>();
    const finish = (job: JobView): void => {
      stream.send(job.status, job);
      stop();
    };
    const stop = (): void => {
      unsubscribe();
      stream.close();
    };
    const handle = async (event: JobEvent): Promise<void> => {
      if (stream.closed) return;
      if (event.type === "progress") {
        // A step already replayed from the record is not sent twice.
        if (event.event === null || replayed.has(JSON.stringify(event.event))) return;
        return stream.send("progress", redactValue({ progress: event.progress, event: event.event }));
      }
      if (event.type === "failed" && !event.final) return;
      const status = await requestJob(jobs, projectId, jobId);
      if (status === null) return stop();
      const job = jobForClient(viewOf(status));
      stream.send("status", { ...job, events: undefined });
      if (job.status === "completed" || job.status === "failed") finish(job);
    };
    const unsubscribe = jobs.subscribe((event) => {
      if (event.jobId === jobId) order = order.then(() => handle(event)).catch(() => stop());
    });
    request.on("close", unsubscribe);
    order = order
      .then(async () => {
        const status = await requestJob(jobs, projectId, jobId);
        if (status === null) return stop();
        const job = jobForClient(viewOf(status));
        // Events from before the client connected are replayed, so a late subscriber still sees every step.
        stream.send("status", { ...job, events: undefined });
        for (const event of job.events) stream.send("progress", { progress: null, event });
        replayed = new Set(status.events.map((event) => JSON.stringify(event)));
        if (job.status === "completed" || job.status === "failed") finish(job);
      })
      .catch(() => stop());
  });

  router.get("/projects/:projectId/videos/:videoId", async (request, response) => {
    const projectId = projectOf(request);
    const video = await resolveVideo(runtime, projectId, String(request.params.videoId));
    const captions = await captionsOfVideo(runtime, video);
    const sheet = await contactSheetOfVideo(runtime, video);
    response.json({
      ...videoDetails(video),
      captions: captionsForClient(projectId, video.id, captions),
      contactSheet: sheet === null ? null : contactSheetUrl(projectId, video.id),
    });
  });

  // The dialogue's captions, for a player's text track (WebVTT) or an editor (SRT).
  for (const format of Object.keys(CAPTION_CONTENT_TYPES) as CaptionFileFormat[]) {
    router.get(`/projects/:projectId/videos/:videoId/captions.${format}`, async (request, response) => {
      const projectId = projectOf(request);
      const videoId = String(request.params.videoId);
      const captions = await captionsOfVideo(runtime, await resolveVideo(runtime, projectId, videoId));
      if (captions === null) throw notFound("captions", videoId);
      const path = await runtime.store.localPath(captions[format].key, runtime.scratchDir);
      response.setHeader("Content-Type", CAPTION_CONTENT_TYPES[format]);
      response.setHeader("Cache-Control", "private, max-age=3600");
      response.send(await readFile(path));
    });
  }

  router.get("/projects/:projectId/videos/:videoId/file", async (request, response, next) => {
    const projectId = projectOf(request);
    const download = wantsDownload(request.query.download);
    const video = await resolveVideo(runtime, projectId, String(request.params.videoId));
    const path = await runtime.store.localPath(video.record.key, runtime.scratchDir);
    // sendFile answers Range requests, which the browser's <video> element relies on for seeking.
    response.sendFile(
      path,
      {
        headers: {
          "Content-Type": "video/mp4",
          "Cache-Control": "private, max-age=3600",
          "Content-Disposition": contentDisposition(video, download),
        },
        dotfiles: "allow",
      },
      (error: (Error & { status?: number }) | undefined) => {
        if (!error || response.headersSent) return;
        if (error.status !== 416) return next(error);
        // The client learns the real size, so it can ask again for a range that exists.
        stat(path).then(
          (info) =>
            next(
              new ApiError(
                416,
                "RANGE_NOT_SATISFIABLE",
                `the Range header lies outside the file (${info.size} bytes)`,
                {
                  headers: { "Content-Range": `bytes */${info.size}` },
                },
              ),
            ),
          next,
        );
      },
    );
  });

  router.get("/projects/:projectId/characters/:name", async (request, response) => {
    const projectId = projectOf(request);
    const name = String(request.params.name);
    if (name.length > 64) throw notFound("character", name.slice(0, 64));
    response.json(await characterFacts(runtime, projectId, name));
  });

  return router;
}
