/**
 * The tool catalogue for other departments' agents: list the tools with their JSON schemas, and run one
 * with its own zod schema validating the arguments. Calls that share a `takeId` share scratch files,
 * so a generated clip can be saved by the next call.
 */
import { Router } from "express";
import { z } from "zod";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { ID_PATTERN } from "../../errors.js";
import { newId } from "../../ids.js";
import { ProgressBus } from "../../jobs/progress.js";
import type { Runtime } from "../../runtime.js";
import { createToolCatalogue } from "../../tools/catalogue.js";
import { principalOf } from "../auth.js";
import type { ServerContext } from "../context.js";
import { notFound, parseWith, validationError } from "../errors.js";
import { forClient } from "../videos.js";

export const ToolCallSchema = z
  .object({
    arguments: z.record(z.string(), z.unknown()).default({}),
    takeId: z
      .string()
      .regex(/^vid_[A-Za-z0-9_-]{1,60}$/, "a take id (vid_…) from an earlier call")
      .nullish(),
  })
  .strict();

/** Tools that start renders count against the generation limit. */
export const GENERATING = new Set([
  "generate_text_to_video",
  "generate_image_to_video",
  "generate_first_last_frame",
  "generate_composite_to_video",
  "video_department",
]);

let describedTools: Array<{ name: string; description: string; schema: unknown }> | null = null;

export async function describeTools(runtime: Runtime) {
  describedTools ??= (await createToolCatalogue(runtime, { takeId: "vid_catalogue" })).map((item) => ({
    name: item.name,
    description: item.description,
    schema: z.toJSONSchema(item.schema as z.ZodType, { io: "input", unrepresentable: "any" }),
  }));
  return describedTools;
}

/** Every `med_…` id among the arguments must be this project's, else the call is refused as not found. */
export async function checkMediaIds(runtime: Runtime, projectId: string, value: unknown): Promise<void> {
  if (typeof value === "string") {
    if (/^med_/.test(value)) {
      const record = ID_PATTERN.test(value) ? await runtime.media.get(value) : null;
      if (!record || record.projectId !== projectId) throw notFound("media", value);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) await checkMediaIds(runtime, projectId, item);
  } else if (value && typeof value === "object") {
    for (const item of Object.values(value)) await checkMediaIds(runtime, projectId, item);
  }
}

export function toolRoutes(context: ServerContext): Router {
  const router = Router();
  const { runtime } = context;

  router.get("/tools", async (_request, response) => {
    response.json({ tools: await describeTools(runtime) });
  });

  router.post("/tools/:name", async (request, response) => {
    const principal = principalOf(request);
    const name = String(request.params.name);
    const known = await describeTools(runtime);
    if (!known.some((item) => item.name === name)) throw notFound("tool", name);
    const call = parseWith(ToolCallSchema, request.body);
    let takeId = call.takeId ?? null;
    if (takeId !== null) {
      if (context.owners.owner("takes", takeId) !== principal.projectId) throw notFound("take", takeId);
    } else {
      takeId = newId("vid");
      await context.owners.claim("takes", takeId, principal.projectId);
    }
    const progress = new ProgressBus();
    const scoped = { ...runtime, progress };
    const catalogue = await createToolCatalogue(scoped, { projectId: principal.projectId, takeId });
    const selected = catalogue.find((item) => item.name === name) as StructuredToolInterface;
    const schema = selected.schema as z.ZodType;
    const parsed = schema.safeParse(call.arguments);
    if (!parsed.success) throw validationError(parsed.error, "arguments");
    const args = parsed.data as Record<string, unknown>;
    // The department tool takes a project argument; over HTTP the key decides the project.
    if (name === "video_department") args.projectId = principal.projectId;
    await checkMediaIds(runtime, principal.projectId, args);
    if (GENERATING.has(name)) {
      for (const [header, value] of Object.entries(context.limiter.take(principal.keyId).headers))
        response.setHeader(header, value);
    }
    const events: unknown[] = [];
    progress.subscribe((event) => events.push(event));
    const output = await selected.invoke(args);
    const text = typeof output === "string" ? output : JSON.stringify(output);
    let result: unknown = text;
    try {
      result = JSON.parse(text);
    } catch {
      // Some tools answer in prose; it is returned as a string.
    }
    // Saved media come back with store URLs and local paths; a client gets API routes instead.
    response.json(await forClient(runtime, principal.projectId, { tool: name, takeId, result, progress: events }));
  });

  return router;
}
