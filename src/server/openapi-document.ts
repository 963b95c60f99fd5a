/** The OpenAPI 3.1 description of every route, with request bodies generated from the same zod schemas. */
import { z } from "zod";
import { GenerateBodySchema } from "./generate-request.js";
import { ERROR_STATUSES, ROUTES, type RouteDoc } from "./openapi.js";
import { generateBodyRules, toolCallSchema } from "./openapi-rules.js";

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        fields: { type: "object", additionalProperties: { type: "string" } },
      },
    },
  },
};

const RETRY_AFTER = { description: "seconds to wait before trying again", schema: { type: "string" } };
const CONTENT_RANGE = { description: "bytes */<file size>", schema: { type: "string" } };

/** A catalogue tool as GET /api/v1/tools describes it. */
export interface ToolDoc {
  name: string;
  description: string;
  schema: unknown;
}

export interface OpenApiOptions {
  /** The aspect ratios this server renders (generate's parameters.aspectRatio); any when left out. */
  aspectRatios?: string[];
  /** Each tool gets its own path with its own arguments schema; only the generic path when left out. */
  tools?: ToolDoc[];
}

function responsesOf(route: Pick<RouteDoc, "responses" | "errors" | "stream">): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(route.responses)) {
    const content = route.stream && status === "200" ? { "application/json": {}, "text/event-stream": {} } : undefined;
    responses[status] = { description, ...(content ? { content } : {}) };
  }
  for (const status of new Set(route.errors)) {
    responses[String(status)] ??= {
      description: ERROR_STATUSES[status],
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      ...(status === 503 || status === 429 ? { headers: { "Retry-After": RETRY_AFTER } } : {}),
      ...(status === 416 ? { headers: { "Content-Range": CONTENT_RANGE } } : {}),
    };
  }
  return responses;
}

function bodyOf(route: RouteDoc, options: OpenApiOptions): Record<string, unknown> | null {
  if (!route.body) return null;
  const generated = z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const rules = route.body === GenerateBodySchema ? generateBodyRules(options.aspectRatios ?? null) : route.bodyRules;
  return { ...generated, ...rules };
}

/** A file sent as the body: any of its content types, the bytes described as binary. */
function rawBodyOf(raw: NonNullable<RouteDoc["rawBody"]>): Record<string, unknown> {
  const schema = { type: "string", contentMediaType: "application/octet-stream", description: raw.description };
  return {
    required: true,
    content: Object.fromEntries(raw.contentTypes.map((type) => [type, { schema }])),
  };
}

export function buildOpenApi(options: OpenApiOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = (route.query ?? []).map((item) => ({ ...item, in: "query", required: false }));
    const body = bodyOf(route, options);
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      ...(parameters.length + query.length > 0 ? { parameters: [...parameters, ...query] } : {}),
      ...(route.auth ? {} : { security: [] }),
      ...(body ? { requestBody: { required: true, content: { "application/json": { schema: body } } } } : {}),
      ...(route.rawBody ? { requestBody: rawBodyOf(route.rawBody) } : {}),
      responses: responsesOf(route),
    };
  }
  const generic = ROUTES.find((route) => route.path === "/api/v1/tools/{name}")!;
  const tools = options.tools ?? [];
  if (tools.length > 0) {
    // Each tool's own path carries its arguments schema; the generic path is left with the other names.
    const operation = paths[generic.path]![generic.method] as { parameters: Array<Record<string, unknown>> };
    operation.parameters = [
      {
        name: "name",
        in: "path",
        required: true,
        description: "a tool listed by GET /api/v1/tools; each has its own path below, any other name answers 404",
        schema: { type: "string", not: { enum: tools.map((tool) => tool.name) } },
      },
    ];
  }
  for (const tool of tools) {
    paths[`/api/v1/tools/${tool.name}`] = {
      post: {
        summary: tool.description,
        requestBody: { required: true, content: { "application/json": { schema: toolCallSchema(tool.schema) } } },
        responses: responsesOf(generic),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "cutroom",
      version: "1",
      description: "The Video Department over HTTP: chat, jobs, videos, Brain facts and tools.",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "an API key from CUTROOM_API_KEYS or the local key file",
        },
        session: { type: "apiKey", in: "cookie", name: "cutroom_session" },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
