/** Liveness, readiness (every adapter answers), the page's sign-in, and the API description. */
import { execFile } from "node:child_process";
import { Router } from "express";
import { adapterFor, type PortName } from "../../config.js";
import {
  authenticate,
  clearedSessionCookie,
  principalOf,
  SessionBodySchema,
  sessionCookie,
  sessionToken,
} from "../auth.js";
import type { ServerContext } from "../context.js";
import { ApiError, parseWith } from "../errors.js";
import { ASPECT_RATIOS } from "../../departments/video/shape.js";
import { buildOpenApi } from "../openapi-document.js";
import { redactText } from "../redact.js";
import { describeTools } from "./tools.js";

const READY_TIMEOUT_MS = 5000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function ffmpegVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("ffmpeg", ["-hide_banner", "-version"], { timeout: READY_TIMEOUT_MS }, (error, stdout) => {
      if (error) reject(new Error(`ffmpeg: ${error.message}`));
      else resolve(stdout.split("\n")[0] ?? "ffmpeg");
    });
  });
}

export function systemRoutes(context: ServerContext): Router {
  const router = Router();
  const { runtime, ring } = context;

  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get("/readyz", async (_request, response) => {
    const probes: Array<{ port: PortName | "ffmpeg"; check: () => Promise<unknown> }> = [
      { port: "brain", check: () => runtime.brain.counts() },
      { port: "mediaRepository", check: () => runtime.media.listByProject("readyz-probe") },
      { port: "objectStore", check: () => runtime.store.head("readyz/probe") },
      { port: "checkpointer", check: () => runtime.checkpointer.getTuple({ configurable: { thread_id: "readyz" } }) },
      { port: "ffmpeg", check: () => ffmpegVersion() },
    ];
    const checks = await Promise.all(
      probes.map(async ({ port, check }) => {
        const started = Date.now();
        try {
          await withTimeout(check(), port);
          const adapter = port === "ffmpeg" ? "ffmpeg" : adapterFor(runtime.config, port);
          return { port, adapter, ok: true, ms: Date.now() - started, error: null };
        } catch (error) {
          const adapter = port === "ffmpeg" ? "ffmpeg" : adapterFor(runtime.config, port);
          // Unauthenticated: an adapter's failure may name its database file, which stays on the server.
          const message = redactText(error instanceof Error ? error.message : String(error));
          return { port, adapter, ok: false, ms: Date.now() - started, error: message };
        }
      }),
    );
    const ready = checks.every((check) => check.ok);
    response.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not-ready", checks });
  });

  // Built once per server: the aspect ratios it renders and its tool catalogue do not change while it runs.
  let document: Promise<Record<string, unknown>> | null = null;
  router.get("/api/openapi.json", async (_request, response) => {
    document ??= describeTools(runtime)
      .then((tools) => buildOpenApi({ aspectRatios: [...ASPECT_RATIOS], tools }))
      .catch((error: unknown) => {
        document = null;
        throw error;
      });
    response.json(await document);
  });

  /** Trades an API key for an HttpOnly cookie, so page scripts never hold the key after sign-in. */
  router.post("/api/v1/session", (request, response) => {
    const { key } = parseWith(SessionBodySchema, request.body);
    const principal = ring.verify(key);
    if (!principal) throw new ApiError(401, "UNAUTHORIZED", "the API key is not valid");
    const session = ring.openSession(principal);
    response.setHeader("Set-Cookie", sessionCookie(session.token, session.maxAgeSeconds));
    response.status(201).json({ projectId: principal.projectId });
  });

  router.delete("/api/v1/session", (request, response) => {
    const token = sessionToken(request);
    if (token) ring.closeSession(token);
    response.setHeader("Set-Cookie", clearedSessionCookie());
    response.status(204).end();
  });

  router.get("/api/v1/me", authenticate(ring), (request, response) => {
    const principal = principalOf(request);
    response.json({
      projectId: principal.projectId,
      keyId: principal.keyId,
      generationsLeftThisHour: context.limiter.remaining(principal.keyId),
    });
  });

  return router;
}
