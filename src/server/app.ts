/**
 * The HTTP face of the department: one express app over one runtime, serving the API, the job queue's
 * progress, webhooks and the web chat page.
 */
import { join } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { mcpRoutes } from "../mcp/http.js";
import { ChatService } from "../orchestrator/chat.js";
import type { JobQueue } from "../jobs/types.js";
import { metricsAccessFrom } from "../metrics.js";
import { createRequestQueue, type Runtime } from "../runtime.js";
import { authenticate, KeyRing, loadKeys, type KeySource } from "./auth.js";
import { ThreadActivity, type ServerContext } from "./context.js";
import { ApiError, errorHandler } from "./errors.js";
import { RequestEstimates, requestKindOf, viewOf } from "./jobs.js";
import { methodGuard } from "./methods.js";
import { OwnershipStore } from "./ownership.js";
import { GenerationLimiter } from "./rate-limit.js";
import { chatRoutes } from "./routes/chat.js";
import { metricsRoutes } from "./routes/metrics.js";
import { projectRoutes } from "./routes/projects.js";
import { libraryRoutes } from "./routes/library.js";
import { planRoutes } from "./routes/plan.js";
import { previewRoutes } from "./routes/preview.js";
import { referenceImageRoutes } from "./routes/reference-images.js";
import { referenceRoutes } from "./routes/references.js";
import { systemRoutes } from "./routes/system.js";
import { toolRoutes } from "./routes/tools.js";
import { redactValue, registerRoot } from "./redact.js";
import { registerRequestJobs, requestSeconds } from "./videos.js";
import { loadWebhookSecret, webhookAllowedHosts, WebhookSender, type WebhookOptions } from "./webhooks.js";

export const BODY_LIMIT = "64kb";
const DEFAULT_GENERATIONS_PER_HOUR = 50;

export interface ServerOptions {
  /**
   * Replaces the request queue the configuration chooses (createRequestQueue); whoever passes one registers
   * the handlers of its "generate-request" and "assemble-request" jobs (registerRequestJobs, or fakes).
   */
  jobs?: JobQueue;
  webhook?: Partial<Pick<WebhookOptions, "maxAttempts" | "baseDelayMs" | "timeoutMs">>;
  /** One line per request on the runtime's log (method, path, status, milliseconds). */
  accessLog?: boolean;
  /** True when listening on loopback only: webhooks may then target local receivers. */
  allowPrivateWebhooks?: boolean;
}

export interface CutroomServer {
  app: Express;
  context: ServerContext;
  keys: KeySource;
  webhookSecret: { secret: string; file: string | null };
  close(): Promise<void>;
}

/** The page's files sit in src/server/web; the compiled server (dist/server) finds them from there too. */
function webDir(): string {
  const candidates = [new URL("./web/", import.meta.url), new URL("../../src/server/web/", import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(`${path}index.html`)) return path;
  }
  return fileURLToPath(candidates[0]!);
}

function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader(
    "Content-Security-Policy",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  response.setHeader("X-Content-Type-Options", "nosniff");
  response.setHeader("Referrer-Policy", "no-referrer");
  response.setHeader("X-Frame-Options", "DENY");
  next();
}

export async function createServer(runtime: Runtime, options: ServerOptions = {}): Promise<CutroomServer> {
  // Registered first: from here on, no response or webhook names a file under these directories.
  registerRoot(runtime.scratchDir, "<scratch>");
  registerRoot(runtime.config.dataDir, "<data>");
  registerRoot(runtime.config.lutDir, "<luts>");
  const keys = await loadKeys(runtime.config);
  const webhookSecret = await loadWebhookSecret(runtime.config);
  const webhooks = new WebhookSender({
    secret: webhookSecret.secret,
    log: runtime.log,
    allowPrivate: options.allowPrivateWebhooks ?? false,
    allowedHosts: webhookAllowedHosts(runtime.config.env),
    ...options.webhook,
  });
  const owners = await OwnershipStore.open(runtime.config.dataDir);
  // Opened last of what can fail, so a failure before it leaves no Redis connection open.
  const jobs = options.jobs ?? (await createRequestQueue(runtime.config, runtime.log));
  if (options.jobs === undefined) registerRequestJobs(jobs, runtime);
  const estimates = new RequestEstimates((kind, request) => requestSeconds(runtime, kind, request));
  // Settles are heard once per job, by the process that ran it: several servers on one queue send one webhook.
  jobs.onSettled((status) => {
    if (requestKindOf(status) === null) return;
    estimates.observe(status);
    const job = viewOf(status);
    if (!job.webhookUrl) return;
    void webhooks.send(job.webhookUrl, {
      event: job.status === "completed" ? "video-job.completed" : "video-job.failed",
      jobId: job.jobId,
      projectId: job.projectId,
      status: job.status === "completed" ? "completed" : "failed",
      result: redactValue(job.result),
      error: redactValue(job.error),
    });
  });
  const context: ServerContext = {
    runtime,
    chat: new ChatService(runtime),
    ring: new KeyRing(keys.keys),
    owners,
    jobs,
    estimates,
    limiter: new GenerationLimiter(
      runtime.config.env.CUTROOM_RATE_LIMIT_PER_HOUR ?? DEFAULT_GENERATIONS_PER_HOUR,
      Date.now,
      join(runtime.config.dataDir, "rate-limit.json"),
    ),
    webhooks,
    threads: new ThreadActivity(),
    allowPrivateWebhooks: options.allowPrivateWebhooks ?? false,
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(securityHeaders);
  if (options.accessLog) {
    app.use((request, response, next) => {
      const started = Date.now();
      response.on("finish", () =>
        // The query string is left out: it is nobody's business in a log.
        runtime.log.info(
          `${request.method} ${request.originalUrl.split("?")[0]} ${response.statusCode} ${Date.now() - started} ms`,
        ),
      );
      next();
    });
  }
  app.use(methodGuard);
  const json = express.json({ limit: BODY_LIMIT, strict: true });
  // Only POST routes take a body: a GET's or DELETE's is never read, so it cannot fail them with 400/413/415.
  app.use((request, response, next) => (request.method === "POST" ? json(request, response, next) : next()));
  app.use(systemRoutes(context));
  app.use(metricsRoutes(metricsAccessFrom(runtime.config.env)));
  app.use(
    "/api/v1",
    authenticate(context.ring),
    chatRoutes(context),
    libraryRoutes(context),
    planRoutes(context),
    previewRoutes(context),
    projectRoutes(context),
    referenceRoutes(context),
    referenceImageRoutes(context),
    toolRoutes(context),
  );
  // MCP over streamable HTTP, with the same bearer keys and per-key project as /api/v1.
  const mcp = mcpRoutes(context);
  app.use("/mcp", mcp.router);
  const web = webDir();
  app.get("/", (_request, response) => response.sendFile("index.html", { root: web }));
  app.use("/static", express.static(web, { index: false, fallthrough: true, maxAge: "5m" }));
  app.use((request, _response, next) => {
    next(new ApiError(404, "ROUTE_NOT_FOUND", `no route ${request.method} ${request.path}; see /api/openapi.json`));
  });
  app.use(errorHandler(runtime.log));

  return {
    app,
    context,
    keys,
    webhookSecret,
    async close() {
      await mcp.close();
      await jobs.close();
      await webhooks.drain();
      await context.owners.flush();
    },
  };
}
