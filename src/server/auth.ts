/**
 * API keys mapped to projects. A request proves a key with `Authorization: Bearer <key>`; the web page
 * trades the key once for an HttpOnly session cookie, so the key never sits in page-readable storage.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { z } from "zod";
import type { Config } from "../config.js";
import { ID_PATTERN } from "../errors.js";
import { ApiError } from "./errors.js";

export interface Principal {
  /** A stable, non-secret name for the key (for rate limits and logs): the first hash bytes. */
  keyId: string;
  projectId: string;
}

export interface KeySource {
  keys: Array<{ key: string; projectId: string }>;
  /** Set when no keys were configured and one was generated (or reused) for this machine. */
  localKey: { key: string; file: string; created: boolean } | null;
}

const LOCAL_KEY_FILE = "api-key.json";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function parseApiKeys(value: string): Array<{ key: string; projectId: string }> {
  return value
    .split(",")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "")
    .map((pair) => {
      const separator = pair.lastIndexOf("=");
      return { key: pair.slice(0, separator), projectId: pair.slice(separator + 1) };
    });
}

/** Keys from CUTROOM_API_KEYS, or this machine's local key (generated once, kept in the data dir). */
export async function loadKeys(config: Config): Promise<KeySource> {
  if (config.env.CUTROOM_API_KEYS) return { keys: parseApiKeys(config.env.CUTROOM_API_KEYS), localKey: null };
  const file = join(config.dataDir, LOCAL_KEY_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(await readFile(file, "utf8")) as { key?: unknown; projectId?: unknown };
    if (typeof saved.key === "string" && saved.key.length >= 16 && typeof saved.projectId === "string") {
      if (ID_PATTERN.test(saved.projectId) && saved.projectId === config.projectId) {
        return {
          keys: [{ key: saved.key, projectId: saved.projectId }],
          localKey: { key: saved.key, file, created: false },
        };
      }
    }
  }
  const key = `cr_${randomBytes(24).toString("base64url")}`;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ key, projectId: config.projectId }, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return { keys: [{ key, projectId: config.projectId }], localKey: { key, file, created: true } };
}

export const SessionBodySchema = z.object({ key: z.string().min(16).max(256) }).strict();

const SESSION_COOKIE = "cutroom_session";
const SESSION_HOURS = 12;

export class KeyRing {
  private readonly entries: Array<{ digest: Buffer; principal: Principal }>;
  private readonly sessions = new Map<string, { principal: Principal; expires: number }>();

  constructor(keys: Array<{ key: string; projectId: string }>) {
    this.entries = keys.map(({ key, projectId }) => {
      const hashed = digest(key);
      return { digest: hashed, principal: { keyId: `key_${hashed.subarray(0, 6).toString("hex")}`, projectId } };
    });
  }

  /** Compares digests in constant time, so response timing says nothing about how much of a key matched. */
  verify(key: string): Principal | null {
    const candidate = digest(key);
    let found: Principal | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate)) found = entry.principal;
    }
    return found;
  }

  openSession(principal: Principal): { token: string; maxAgeSeconds: number } {
    const token = randomBytes(32).toString("base64url");
    this.sessions.set(token, { principal, expires: Date.now() + SESSION_HOURS * 3_600_000 });
    return { token, maxAgeSeconds: SESSION_HOURS * 3600 };
  }

  closeSession(token: string): void {
    this.sessions.delete(token);
  }

  session(token: string): Principal | null {
    const found = this.sessions.get(token);
    if (!found) return null;
    if (found.expires < Date.now()) {
      this.sessions.delete(token);
      return null;
    }
    return found.principal;
  }
}

export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function sessionToken(request: Request): string | null {
  const header = request.headers.cookie ?? "";
  for (const part of header.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=") || null;
  }
  return null;
}

declare module "express-serve-static-core" {
  interface Request {
    principal?: Principal;
  }
}

export function principalOf(request: Request): Principal {
  if (!request.principal) throw new ApiError(401, "UNAUTHORIZED", "authentication required");
  return request.principal;
}

const UNAUTHORIZED_HEADERS = { "WWW-Authenticate": 'Bearer realm="cutroom"' };

/**
 * Bearer key first; otherwise the page's session cookie. A cookie-authenticated request that changes
 * something must also carry `X-Cutroom-Page: 1`, a header no cross-site form can send.
 */
export function authenticate(ring: KeyRing): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match ? ring.verify(match[1]!) : null;
      if (!principal) {
        return next(new ApiError(401, "UNAUTHORIZED", "the API key is not valid", { headers: UNAUTHORIZED_HEADERS }));
      }
      request.principal = principal;
      return next();
    }
    const token = sessionToken(request);
    const principal = token ? ring.session(token) : null;
    if (!principal) {
      return next(
        new ApiError(401, "UNAUTHORIZED", "send Authorization: Bearer <API key> (see `cutroom serve` output)", {
          headers: UNAUTHORIZED_HEADERS,
        }),
      );
    }
    const safe = request.method === "GET" || request.method === "HEAD";
    if (!safe && request.headers["x-cutroom-page"] !== "1") {
      return next(new ApiError(401, "UNAUTHORIZED", "cookie sessions must send the X-Cutroom-Page: 1 header"));
    }
    request.principal = principal;
    return next();
  };
}
