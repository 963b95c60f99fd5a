/**
 * Object storage in a local directory: `<root>/objects/<key>` holds the bytes and `<key>.meta.json` beside it
 * the content type and metadata. Tombstoned objects move to `<root>/tombstones/<key>` so they can be recovered.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CutroomError } from "../errors.js";
import type { ObjectStore, StoredObject } from "./types.js";

const KEY_PATTERN = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const MAX_KEY_LENGTH = 512;
const SIDECAR_SUFFIX = ".meta.json";
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

interface Sidecar {
  contentType: string;
  metadata: Record<string, string>;
}

/** Rejects keys that could leave the store's directory or collide with its own bookkeeping files. */
export function assertObjectKey(key: string): string {
  const segments = key.split("/");
  const valid =
    key.length <= MAX_KEY_LENGTH &&
    KEY_PATTERN.test(key) &&
    segments.every((segment) => segment !== "." && segment !== "..") &&
    !key.endsWith(SIDECAR_SUFFIX);
  if (!valid) {
    throw new CutroomError(
      "INVALID_ID",
      `object key must be up to ${MAX_KEY_LENGTH} characters of segments of letters, digits, '.', '_' or '-' joined by '/', ` +
        `without '.' or '..' segments or a '${SIDECAR_SUFFIX}' ending; got ${JSON.stringify(key)}`,
      { field: "key" },
    );
  }
  return key;
}

export class LocalObjectStore implements ObjectStore {
  readonly name = "local-dir";
  private readonly root: string;

  constructor(options: { root: string }) {
    this.root = resolve(options.root);
  }

  async put(
    key: string,
    sourcePath: string,
    options: { contentType: string; metadata: Record<string, string> },
  ): Promise<StoredObject> {
    const path = this.objectPath(key);
    await mkdir(dirname(path), { recursive: true });
    const sidecar: Sidecar = { contentType: options.contentType, metadata: { ...options.metadata } };
    const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      // Bytes and sidecar are written under temporary names and renamed, bytes last, so the real name
      // never shows a half-copied file and a missing source leaves nothing behind.
      await copyFile(sourcePath, temporary);
      await writeFile(`${temporary}${SIDECAR_SUFFIX}`, JSON.stringify(sidecar));
      await rename(`${temporary}${SIDECAR_SUFFIX}`, `${path}${SIDECAR_SUFFIX}`);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      await rm(`${temporary}${SIDECAR_SUFFIX}`, { force: true });
      throw new CutroomError(
        "STORAGE",
        `could not store ${sourcePath} as ${key}: ${messageOf(error)}; check the source file exists and the store directory is writable`,
        { cause: error },
      );
    }
    const stored = await this.head(key);
    if (stored === null) throw new CutroomError("STORAGE", `object ${key} vanished right after it was stored; retry`);
    return stored;
  }

  async head(key: string): Promise<StoredObject | null> {
    const path = this.objectPath(key);
    const size = await fileSize(path);
    if (size === null) return null;
    const sidecar = await readSidecar(`${path}${SIDECAR_SUFFIX}`);
    return {
      key,
      url: pathToFileURL(path).href,
      path,
      size,
      contentType: sidecar?.contentType ?? DEFAULT_CONTENT_TYPE,
    };
  }

  /** Objects already live on this machine, so nothing is copied into the cache directory. */
  async localPath(key: string, _cacheDir: string): Promise<string> {
    const stored = await this.head(key);
    if (stored === null || stored.path === null) {
      throw new CutroomError("NOT_FOUND", `object ${key} is not in the store at ${this.root}`, { field: "key" });
    }
    return stored.path;
  }

  /** Reads an object's metadata, as given to put. */
  async metadata(key: string): Promise<Record<string, string> | null> {
    const path = this.objectPath(key);
    if ((await fileSize(path)) === null) return null;
    return (await readSidecar(`${path}${SIDECAR_SUFFIX}`))?.metadata ?? {};
  }

  async delete(key: string): Promise<void> {
    const path = this.objectPath(key);
    await rm(path, { force: true });
    await rm(`${path}${SIDECAR_SUFFIX}`, { force: true });
  }

  async tombstone(key: string): Promise<string> {
    const path = this.objectPath(key);
    if ((await fileSize(path)) === null) {
      throw new CutroomError("NOT_FOUND", `object ${key} is not in the store, so it cannot be tombstoned`, {
        field: "key",
      });
    }
    let tombstoneKey = `tombstones/${key}`;
    // A key stored and tombstoned again keeps its earlier tombstone: the newer one gets a time suffix.
    if ((await fileSize(join(this.root, tombstoneKey))) !== null)
      tombstoneKey = `${tombstoneKey}.${Date.now().toString(36)}`;
    const target = join(this.root, tombstoneKey);
    await mkdir(dirname(target), { recursive: true });
    await rename(path, target);
    await rename(`${path}${SIDECAR_SUFFIX}`, `${target}${SIDECAR_SUFFIX}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    return tombstoneKey;
  }

  private objectPath(key: string): string {
    return join(this.root, "objects", assertObjectKey(key));
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.size : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
}

async function readSidecar(path: string): Promise<Sidecar | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Sidecar;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CutroomError("STORAGE", `object metadata ${path} is unreadable: ${messageOf(error)}`, { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
