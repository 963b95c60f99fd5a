/** `cutroom serve`: the HTTP API and the web chat page, until SIGINT or SIGTERM. */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { adapterFor, loadConfig } from "../config.js";
import { CutroomError } from "../errors.js";
import { createRuntime } from "../runtime.js";
import { createServer } from "../server/app.js";
import { numberOption, parse } from "./args.js";

export const SERVE_HELP = `cutroom serve [--host 127.0.0.1] [--port 3000] [--no-worker] [--json]
  Serves the HTTP API (/api/v1, described at /api/openapi.json), MCP over streamable HTTP (/mcp, same
  bearer keys) and the web chat page (/).
  Keys: CUTROOM_API_KEYS="key=projectId,..."; with none set, a local key is generated, kept in the
  data dir and printed here. Webhooks are signed with CUTROOM_WEBHOOK_SECRET (or a generated one).
  --no-worker: an API tier that only enqueues the department's jobs (needs REDIS_URL); \`cutroom worker\`
  processes run them. GET /metrics: Prometheus text (CUTROOM_METRICS_TOKEN, or CUTROOM_METRICS_PUBLIC=true).
  --json prints one JSON document once listening (url, project, local key file).`;

const HOST_PATTERN = /^(localhost|[0-9.]{7,15}|\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9.-]{1,253})$/;

type Write = (json: boolean, document: unknown, text: string) => void;

export async function serveCommand(argv: string[], write: Write): Promise<number> {
  const { values } = parse(argv, {
    host: { type: "string" },
    port: { type: "string" },
    "no-worker": { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  const host = values.host ?? "127.0.0.1";
  if (!HOST_PATTERN.test(host))
    throw new CutroomError("INVALID_INPUT", `--host ${JSON.stringify(host)} is not a host name or address`, {
      field: "host",
    });
  const port = numberOption(values.port ?? "3000", "port", 0, 65535)!;
  if (!Number.isInteger(port))
    throw new CutroomError("INVALID_INPUT", "--port must be a whole number", { field: "port" });

  const config = loadConfig();
  const worker = values["no-worker"] !== true;
  if (!worker && adapterFor(config, "jobQueue") !== "bullmq")
    throw new CutroomError(
      "CONFIG",
      "--no-worker needs REDIS_URL: the jobs this server enqueues are run by `cutroom worker` processes on the same Redis",
      { field: "REDIS_URL" },
    );
  const runtime = await createRuntime(config, { worker });
  const loopback = host === "localhost" || /^127\.|^\[?::1\]?$/.test(host);
  const server = await createServer(runtime, { accessLog: true, allowPrivateWebhooks: loopback });
  const listener = server.app.listen(port, host);
  try {
    await once(listener, "listening");
  } catch (error) {
    await server.close();
    await runtime.close();
    throw new CutroomError("CONFIG", `cannot listen on ${host}:${port}: ${(error as Error).message}`, {
      field: "port",
    });
  }
  const address = listener.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  const local = server.keys.localKey;
  const lines = [
    `cutroom serving on ${url} (API ${url}/api/v1, description ${url}/api/openapi.json)`,
    ...(local
      ? [
          `API key for project ${runtime.config.projectId}: ${local.key}`,
          `  (${local.created ? "generated and saved" : "kept"} in ${local.file}; set CUTROOM_API_KEYS to use your own)`,
          `web chat: ${url}/#key=${local.key}`,
        ]
      : [`API keys from CUTROOM_API_KEYS: ${server.keys.keys.length}; web chat: ${url}/`]),
    server.webhookSecret.file
      ? `webhook signing secret kept in ${server.webhookSecret.file}`
      : "webhook signing secret from CUTROOM_WEBHOOK_SECRET",
  ];
  write(
    values.json === true,
    {
      url,
      projectId: runtime.config.projectId,
      localKey: local ? { key: local.key, file: local.file } : null,
      configuredKeys: local ? 0 : server.keys.keys.length,
      webhookSecretFile: server.webhookSecret.file,
    },
    lines.join("\n"),
  );

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  process.stderr.write("cutroom serve: stopping (finishing the running job and webhook deliveries)\n");
  listener.closeIdleConnections();
  await new Promise<void>((resolve) => {
    listener.close(() => resolve());
    // Open event streams would hold close() forever; they are cut after a grace period.
    setTimeout(() => listener.closeAllConnections(), 2000).unref();
  });
  await server.close();
  await runtime.close();
  return 0;
}
