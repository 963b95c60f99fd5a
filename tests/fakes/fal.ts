/**
 * A wire-level fake of FAL's queue and storage APIs on 127.0.0.1, answering as FAL documents:
 * submit `POST /{owner}/{alias}[/{path}]`, status `GET /{owner}/{alias}/requests/{id}/status`, result
 * `GET .../requests/{id}`, cancel `PUT .../requests/{id}/cancel`, storage `POST /storage/upload/initiate`
 * then `PUT` to the returned upload URL. Each submission follows the next scripted scenario; a prompt
 * matching `refusePrompts` is refused under the content policy every time, as FAL's checker would.
 * A finished video model answers `{ video: { url } }` (a lip-sync model with the video it was sent, which
 * must be in the fake's storage); a finished image model (text-to-image or edit)
 * answers `{ images: [{ url, content_type, width, height }], seed }`, serving a real PNG.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderLavfi } from "./media.js";

export type FalScenario =
  | { kind: "ok"; polls?: number }
  | { kind: "submit-error"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "result-error"; status: number; body: unknown }
  | { kind: "never-finishes" }
  | { kind: "hang-submit"; holdMs: number }
  | { kind: "malformed-result" }
  | { kind: "malformed-status" }
  | { kind: "content-policy" };

/** FAL's answer to a result its content checker flagged: HTTP 422, a detail row typed content_policy_violation. */
export const CONTENT_POLICY_BODY = {
  detail: [
    {
      loc: ["body", "prompt"],
      msg: "The content could not be processed because it contained material flagged by a content checker.",
      type: "content_policy_violation",
      url: "https://docs.fal.ai/errors#content_policy_violation",
    },
  ],
};

export interface FalSubmission {
  requestId: string;
  model: string;
  body: Record<string, unknown>;
  query: Record<string, string>;
  scenario: FalScenario;
}

/** A lip-sync request as the fake received it: the clip, the voice, and how lengths are reconciled. */
export interface FalLipSync {
  requestId: string;
  model: string;
  videoUrl: string;
  audioUrl: string;
  syncMode: string | null;
}

export interface FakeFal {
  url: string;
  submissions: FalSubmission[];
  /** Submissions to a lip-sync model; each answers with the video it was sent (from the fake's storage). */
  lipSyncs: FalLipSync[];
  statusCalls: string[];
  cancelled: string[];
  uploads: Array<{ id: string; contentType: string; bytes: Buffer }>;
  /** Every Authorization header seen, to check the key is sent and only where it belongs. */
  authorizations: string[];
  script(...scenarios: FalScenario[]): void;
  /** Submissions whose prompt matches are refused under the content policy (null: none). */
  refusePrompts(pattern: RegExp | null): void;
  /** How many status polls arrive in the next `milliseconds`: 0 once a cancelled request is left alone. */
  pollsDuring(milliseconds: number): Promise<number>;
  close(): Promise<void>;
}

export interface FakeFalOptions {
  apiKey: string;
  /** The MP4 a finished video request returns: a file, or made per submission (e.g. rendered for its prompt). */
  video?: string | ((submission: FalSubmission) => Promise<string>);
  /** The PNG a finished image request returns; default: a 512x512 test pattern rendered once. */
  image?: string | ((submission: FalSubmission) => Promise<string>);
  /**
   * Which model ids answer with images; default: ids naming image, flux, banana, seedream or edit, unless
   * they name video (image-to-video models answer with a clip).
   */
  isImageModel?: (model: string) => boolean;
  /**
   * A request runs this long from its submission before its status says COMPLETED (a model that takes that
   * long per clip), whatever the poll interval; unset: a scripted number of polls decides.
   */
  processingMs?: number;
}

const IMAGE_MODEL_WORDS = /image|flux|banana|seedream|edit/i;
/** Lip-sync models answer with the clip they were sent, its mouth moved to the voice. */
const LIP_SYNC_MODEL_WORDS = /lipsync|lip-sync/i;

/** Width and height from a PNG's IHDR chunk (null for anything else), as FAL reports them. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = bytes.subarray(0, 8).toString("hex") === "89504e470d0a1a0a";
  return signature && bytes.length >= 24 ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : null;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

export async function startFakeFal(options: FakeFalOptions): Promise<FakeFal> {
  const scenarios: FalScenario[] = [];
  const files = new Map<string, { contentType: string; bytes: Buffer }>();
  const byId = new Map<string, FalSubmission & { polls: number; submittedAt: number }>();
  const state: Omit<FakeFal, "url" | "script" | "refusePrompts" | "pollsDuring" | "close"> = {
    submissions: [],
    lipSyncs: [],
    statusCalls: [],
    cancelled: [],
    uploads: [],
    authorizations: [],
  };
  let base = "";
  let refused: RegExp | null = null;
  const isImageModel =
    options.isImageModel ?? ((model: string) => IMAGE_MODEL_WORDS.test(model) && !/video/i.test(model));
  let defaultImage: Promise<string> | null = null;
  let scratch: string | null = null;
  const imageFor = async (submission: FalSubmission): Promise<string> => {
    if (typeof options.image === "string") return options.image;
    if (options.image) return options.image(submission);
    defaultImage ??= mkdtemp(join(tmpdir(), "fake-fal-")).then((directory) => {
      scratch = directory;
      return renderLavfi("testsrc2=size=512x512", ["-frames:v", "1", "-update", "1"], join(directory, "image.png"));
    });
    return defaultImage;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", base);
    const path = url.pathname;
    const method = request.method ?? "GET";
    if (method === "GET" && path.startsWith("/files/")) {
      const file = files.get(path.slice("/files/".length));
      if (!file) return json(response, 404, { detail: "file not found" });
      response.writeHead(200, { "content-type": file.contentType, "content-length": String(file.bytes.length) });
      return response.end(file.bytes);
    }
    if (method === "PUT" && path.startsWith("/uploads/")) {
      const id = path.slice("/uploads/".length);
      const bytes = await bodyOf(request);
      const contentType = request.headers["content-type"] ?? "application/octet-stream";
      files.set(id, { contentType, bytes });
      state.uploads.push({ id, contentType, bytes });
      return json(response, 200, {});
    }
    const authorization = request.headers.authorization ?? "";
    state.authorizations.push(authorization);
    if (authorization !== `Key ${options.apiKey}`) {
      return json(response, 401, { detail: "No user found for Key ID and Secret" });
    }
    if (method === "POST" && path === "/storage/upload/initiate") {
      const { file_name: fileName } = JSON.parse((await bodyOf(request)).toString() || "{}") as { file_name?: string };
      const id = `${randomUUID()}-${(fileName ?? "upload").replace(/[^A-Za-z0-9._-]/g, "_")}`;
      return json(response, 200, { upload_url: `${base}/uploads/${id}`, file_url: `${base}/files/${id}` });
    }
    const requestMatch = /^\/(.+?)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(path);
    if (requestMatch) {
      const [, , requestId, action] = requestMatch;
      const submission = byId.get(requestId!);
      if (!submission) return json(response, 404, { detail: `Request ${requestId} not found` });
      if (action === "/cancel" && method === "PUT") {
        state.cancelled.push(requestId!);
        return json(response, 202, { status: "CANCELLATION_REQUESTED" });
      }
      if (action === "/status") {
        state.statusCalls.push(requestId!);
        const { scenario } = submission;
        if (scenario.kind === "malformed-status") return json(response, 200, { state: "RUNNING?" });
        submission.polls++;
        const wanted = scenario.kind === "ok" ? (scenario.polls ?? 2) : 1;
        const working =
          options.processingMs === undefined
            ? submission.polls <= wanted
            : Date.now() - submission.submittedAt < options.processingMs;
        if (scenario.kind === "never-finishes" || working) {
          return submission.polls === 1
            ? json(response, 202, { status: "IN_QUEUE", queue_position: 0, response_url: `${base}${path}` })
            : json(response, 202, { status: "IN_PROGRESS", logs: [] });
        }
        return json(response, 200, { status: "COMPLETED", logs: [] });
      }
      const { scenario } = submission;
      if (scenario.kind === "result-error") return json(response, scenario.status, scenario.body);
      if (scenario.kind === "content-policy") {
        return json(response, 422, CONTENT_POLICY_BODY, { "x-fal-retryable": "false" });
      }
      const image = isImageModel(submission.model);
      if (scenario.kind === "malformed-result") {
        return json(response, 200, image ? { images: [{ url: 42 }] } : { video: { url: 42 } });
      }
      if (image) {
        const bytes = await readFile(await imageFor(submission));
        const id = `${requestId}.png`;
        files.set(id, { contentType: "image/png", bytes });
        return json(response, 200, {
          images: [{ url: `${base}/files/${id}`, content_type: "image/png", ...pngSize(bytes) }],
          seed: 7,
        });
      }
      const synced = LIP_SYNC_MODEL_WORDS.test(submission.model)
        ? files.get(String(submission.body.video_url ?? "").replace(`${base}/files/`, ""))
        : undefined;
      if (LIP_SYNC_MODEL_WORDS.test(submission.model) && synced === undefined)
        return json(response, 422, { detail: [{ loc: ["body", "video_url"], msg: "video not found" }] });
      if (synced === undefined && options.video === undefined)
        return json(response, 500, { detail: "the fake has no video to serve" });
      const bytes =
        synced?.bytes ??
        (await readFile(typeof options.video === "string" ? options.video : await options.video!(submission)));
      const id = `${requestId}.mp4`;
      files.set(id, { contentType: "video/mp4", bytes });
      return json(response, 200, {
        video: { url: `${base}/files/${id}`, content_type: "video/mp4", file_name: id, file_size: bytes.length },
        seed: 7,
      });
    }
    if (method === "POST") {
      const body = JSON.parse((await bodyOf(request)).toString() || "{}") as Record<string, unknown>;
      const scenario: FalScenario =
        refused !== null && refused.test(String(body.prompt ?? ""))
          ? { kind: "content-policy" }
          : (scenarios.shift() ?? { kind: "ok" });
      const submission = {
        requestId: randomUUID(),
        model: path.slice(1),
        body,
        query: Object.fromEntries(url.searchParams),
        scenario,
        polls: 0,
        submittedAt: Date.now(),
      };
      state.submissions.push(submission);
      if (LIP_SYNC_MODEL_WORDS.test(submission.model))
        state.lipSyncs.push({
          requestId: submission.requestId,
          model: submission.model,
          videoUrl: String(body.video_url ?? ""),
          audioUrl: String(body.audio_url ?? ""),
          syncMode: typeof body.sync_mode === "string" ? body.sync_mode : null,
        });
      if (scenario.kind === "submit-error") return json(response, scenario.status, scenario.body, scenario.headers);
      if (scenario.kind === "hang-submit") await new Promise((resolve) => setTimeout(resolve, scenario.holdMs));
      byId.set(submission.requestId, submission);
      const requestBase = `${base}/${submission.model.split("/").slice(0, 2).join("/")}/requests/${submission.requestId}`;
      return json(response, 200, {
        request_id: submission.requestId,
        response_url: requestBase,
        status_url: `${requestBase}/status`,
        cancel_url: `${requestBase}/cancel`,
      });
    }
    return json(response, 404, { detail: `no route ${method} ${path}` });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { detail: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    ...state,
    script: (...next) => scenarios.push(...next),
    refusePrompts: (pattern) => {
      refused = pattern;
    },
    pollsDuring: async (milliseconds) => {
      const before = state.statusCalls.length;
      await new Promise((resolve) => setTimeout(resolve, milliseconds));
      return state.statusCalls.length - before;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (scratch !== null) await rm(scratch, { recursive: true, force: true });
    },
  };
}
