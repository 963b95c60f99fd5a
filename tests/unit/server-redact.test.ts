/** Redaction of server paths and the mapping of transport failures to 4xx and 503, without a server. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CutroomError } from "../../src/errors.js";
import { describeError } from "../../src/server/errors.js";
import { ThreadActivity, type ThreadEvent } from "../../src/server/context.js";
import { allowedMethods } from "../../src/server/methods.js";
import { redactText, redactValue, registerRoot } from "../../src/server/redact.js";

const DATA = "/srv/cutroom-unit/data";
registerRoot(DATA, "<data>");
registerRoot(`${DATA}/scratch`, "<scratch>");

describe("redactText", () => {
  it("replaces the most specific root with its token, with or without file://", () => {
    expect(redactText(`ffprobe failed on ${DATA}/scratch/vid_1/a.mp4: invalid data`)).toBe(
      "ffprobe failed on <scratch>/vid_1/a.mp4: invalid data",
    );
    expect(redactText(`file://${DATA}/store/x.mp4`)).toBe("<data>/store/x.mp4");
    expect(redactText(`'${join(tmpdir(), "cutroom-x", "y.wav")}'`)).toBe("'<tmp>/cutroom-x/y.wav'");
  });

  it("leaves paths that merely start like a root, API routes and plain text alone", () => {
    expect(redactText(`${DATA}-other/file`)).toBe(`${DATA}-other/file`);
    expect(redactText("/api/v1/projects/alpha/videos/vid_1/file")).toBe("/api/v1/projects/alpha/videos/vid_1/file");
    expect(redactText("width:height, e.g. 16:9")).toBe("width:height, e.g. 16:9");
  });
});

describe("redactValue", () => {
  it("empties local path fields, swaps file URLs for the caller's answer and redacts nested text", () => {
    const value = {
      mediaId: "med_1",
      key: "projects/alpha/takes/t/clip.mp4",
      url: `file://${DATA}/store/clip.mp4`,
      path: `${DATA}/store/clip.mp4`,
      outputs: [{ sheetPath: `${DATA}/scratch/sheet.png`, note: `wrote ${DATA}/scratch/sheet.png` }],
      remote: "https://cdn.example.com/clip.mp4",
    };
    const shown = redactValue(value, (owner) => `/api/${String(owner.mediaId)}`);
    expect(shown).toEqual({
      mediaId: "med_1",
      key: "projects/alpha/takes/t/clip.mp4",
      url: "/api/med_1",
      path: null,
      outputs: [{ sheetPath: null, note: "wrote <scratch>/sheet.png" }],
      remote: "https://cdn.example.com/clip.mp4",
    });
    expect(value.path).toBe(`${DATA}/store/clip.mp4`);
  });
});

describe("describeError", () => {
  it("redacts department messages and their fields", () => {
    const error = new CutroomError("MEDIA", `ffprobe failed on ${DATA}/store/a.mp4`, { field: "clipIds" });
    const described = describeError(error);
    expect(described.status).toBe(422);
    expect(described.body.error).toEqual({
      code: "MEDIA",
      message: "ffprobe failed on <data>/store/a.mp4",
      fields: { clipIds: "ffprobe failed on <data>/store/a.mp4" },
    });
  });

  it("maps the parsers' failures to 4xx", () => {
    const uri = new URIError("URI malformed");
    expect(describeError(uri).status).toBe(400);
    expect(describeError(uri).body.error.code).toBe("MALFORMED_REQUEST");
    const zlib = Object.assign(new Error("incorrect header check"), { code: "Z_DATA_ERROR", status: 400 });
    expect(describeError(zlib).body.error.code).toBe("MALFORMED_REQUEST");
    expect(describeError(Object.assign(new Error("x"), { type: "encoding.unsupported", status: 415 })).status).toBe(
      415,
    );
    expect(describeError(Object.assign(new Error("x"), { type: "entity.too.large", status: 413 })).status).toBe(413);
    const range = Object.assign(new Error("Range Not Satisfiable"), { status: 416 });
    expect(describeError(range).body.error.code).toBe("RANGE_NOT_SATISFIABLE");
    // A library's 404 names the missing file; the client learns only that it is missing.
    const missing = Object.assign(new Error(`ENOENT: no such file, stat '${DATA}/x'`), { status: 404 });
    expect(describeError(missing).body.error).toEqual({ code: "NOT_FOUND", message: "the file is not there" });
  });

  it("answers an unreachable provider or store with 503 and Retry-After, whatever layer saw it", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    const direct = describeError(refused);
    expect(direct.status).toBe(503);
    expect(direct.headers["Retry-After"]).toMatch(/^\d+$/);
    expect(direct.body.error.code).toBe("UPSTREAM_UNAVAILABLE");
    const mongo = Object.assign(new Error("Server selection timed out"), { name: "MongoServerSelectionError" });
    expect(describeError(mongo).status).toBe(503);
    expect(describeError(new CutroomError("STORAGE", "upload failed", { cause: refused })).status).toBe(503);
    const queued = new CutroomError("PROVIDER", "job j failed after 3 attempt(s): FAL model x failed: fetch failed");
    expect(describeError(queued).body.error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(describeError(new CutroomError("JOB_FAILED", "job j failed after 3 attempt(s): boom")).status).toBe(503);
  });

  it("keeps a client's mistake a 4xx even when a network error is its cause", () => {
    const refused = Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    expect(describeError(new CutroomError("UNSAFE_URL", "webhookUrl: host unknown", { cause: refused })).status).toBe(
      400,
    );
    expect(describeError(new CutroomError("PROVIDER", "FAL refused the prompt")).status).toBe(502);
    expect(describeError(new Error("a bug")).status).toBe(500);
    expect(describeError(new CutroomError("BUDGET_EXCEEDED", "over budget")).status).toBe(422);
    expect(describeError(new CutroomError("THREAD_BUSY", "a turn is running")).status).toBe(409);
  });
});

describe("allowedMethods", () => {
  it("lists the methods of the documented path express routes a request to", () => {
    expect(allowedMethods("/api/v1/me")).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(allowedMethods("/api/v1/projects/a/videos/assemble")).toEqual(["OPTIONS", "POST"]);
    expect(allowedMethods("/api/v1/projects/a/videos/vid_1")).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(allowedMethods("/api/v1/session")).toEqual(["DELETE", "OPTIONS", "POST"]);
    expect(allowedMethods("/nothing/here")).toBeNull();
  });
});

describe("ThreadActivity", () => {
  it("hands watchers progress with server paths redacted", () => {
    const activity = new ThreadActivity();
    const seen: ThreadEvent[] = [];
    activity.subscribe("thr_1", (event) => seen.push(event));
    activity.emit({
      type: "progress",
      threadId: "thr_1",
      event: { step: "assemble", fraction: 0.5, message: `joining ${DATA}/scratch/a.mp4`, at: "2026-01-01T00:00:00Z" },
    });
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0])).toContain("joining <scratch>/a.mp4");
  });
});
