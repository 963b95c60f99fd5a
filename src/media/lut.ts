/**
 * Custom colour grades come as .cube 3D LUT files. They are read and checked before ffmpeg sees them, so a
 * missing, unreadable or malformed file is a clear error naming the field rather than a failed render.
 * Errors name the LUT as the caller named it and never quote the file: a LUT reference must not become a
 * way to read other files on the server.
 */
import { realpath, readFile, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { CutroomError } from "../errors.js";
import type { MediaRepository, ObjectStore } from "../storage/types.js";

const MAX_LUT_BYTES = 32 * 1024 * 1024;
const MAX_LUT_SIZE = 128;

/** A file name in the LUT directory: no separators, no dots but the one before `cube`. */
export const LUT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.cube$/;
const STORED_LUT_PATTERN = /^med_[A-Za-z0-9_-]{1,60}$/;
/** What a tool or HTTP caller may pass as a LUT. */
export const LUT_REFERENCE_PATTERN = /^(?:med_[A-Za-z0-9_-]{1,60}|[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.cube)$/;
export const LUT_REFERENCE_HINT =
  "a stored LUT's media id (med_…) or the name of a .cube file in the server's LUT directory (letters, digits, '-' and '_', ending in .cube)";

function bad(field: string, shownAs: string, reason: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field}: ${shownAs} is not a usable .cube 3D LUT (${reason})`, { field });
}

/** Checks the text of a .cube file: a LUT_3D_SIZE n header and exactly n³ rows of three numbers. */
export function checkCubeText(text: string, shownAs: string, field: string): { size: number } {
  let size: number | null = null;
  let rows = 0;
  let lineNumber = 0;
  for (const raw of text.split(/\r?\n/)) {
    lineNumber++;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === "LUT_3D_SIZE") {
      size = Number(rest[0]);
      if (!Number.isInteger(size) || size < 2 || size > MAX_LUT_SIZE) {
        throw bad(field, shownAs, `LUT_3D_SIZE must be a whole number from 2 to ${MAX_LUT_SIZE}`);
      }
      continue;
    }
    if (keyword === "LUT_1D_SIZE") throw bad(field, shownAs, "1D LUTs are not supported");
    if (keyword === "TITLE" || keyword === "DOMAIN_MIN" || keyword === "DOMAIN_MAX" || keyword === "LUT_3D_INPUT_RANGE")
      continue;
    const values = line.split(/\s+/).map(Number);
    if (values.length !== 3 || values.some((value) => !Number.isFinite(value))) {
      // The line number, not the line: the content of a file that is not a LUT is nobody's business.
      throw bad(field, shownAs, `unexpected line ${lineNumber}: expected a keyword or three numbers`);
    }
    rows++;
  }
  if (size === null) throw bad(field, shownAs, "no LUT_3D_SIZE line");
  if (rows !== size ** 3) throw bad(field, shownAs, `expected ${size ** 3} rows for size ${size}, found ${rows}`);
  return { size };
}

/** `shownAs` is how errors name the file: the path on the CLI, the caller's own reference over HTTP. */
export async function validateCubeLut(path: string, field = "postProcessing.lut", shownAs = path): Promise<void> {
  if (!path.toLowerCase().endsWith(".cube")) throw bad(field, shownAs, "the file name must end in .cube");
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) throw bad(field, shownAs, "no such file");
  if (info.size > MAX_LUT_BYTES) throw bad(field, shownAs, "larger than 32 MB");
  const text = await readFile(path, "utf8").catch(() => {
    throw bad(field, shownAs, "unreadable");
  });
  checkCubeText(text, shownAs, field);
}

export interface LutSources {
  /** CUTROOM_LUT_DIR, or null when the server offers no LUT directory. */
  lutDir: string | null;
  projectId: string;
  media: MediaRepository;
  store: ObjectStore;
  /** Where a stored LUT is downloaded when the object store is remote. */
  cacheDir: string;
}

/** The path inside `directory` that `name` names, or null when it would resolve anywhere else. */
export async function pathInside(directory: string, name: string): Promise<string | null> {
  if (!LUT_NAME_PATTERN.test(name)) return null;
  const root = await realpath(directory).catch(() => null);
  if (root === null) return null;
  const candidate = resolve(root, name);
  const real = await realpath(candidate).catch(() => null);
  if (real === null) return null;
  // A symlink in the directory must not lead out of it either.
  const inside = relative(root, real);
  if (inside === "" || inside.startsWith("..") || inside.includes(sep) || isAbsolute(inside)) return null;
  return real;
}

/**
 * A LUT reference from a tool or HTTP caller, resolved to a checked local .cube file: a stored LUT of the
 * caller's project by media id, or a file name in the configured LUT directory. Never a path.
 */
export async function resolveLut(reference: string, sources: LutSources, field: string): Promise<string> {
  if (!LUT_REFERENCE_PATTERN.test(reference)) {
    throw new CutroomError("INVALID_INPUT", `${field}: expected ${LUT_REFERENCE_HINT}`, { field });
  }
  if (STORED_LUT_PATTERN.test(reference)) {
    const record = await sources.media.get(reference);
    if (!record || record.projectId !== sources.projectId || record.status !== "live") {
      throw new CutroomError("NOT_FOUND", `${field}: ${reference} is not a stored LUT of this project`, { field });
    }
    if (!record.key.toLowerCase().endsWith(".cube"))
      throw bad(field, reference, "the stored object is not a .cube file");
    const path = await sources.store.localPath(record.key, sources.cacheDir);
    await validateCubeLut(path, field, reference);
    return path;
  }
  if (sources.lutDir === null) {
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: ${reference} names a LUT file, but this server has no LUT directory (CUTROOM_LUT_DIR); use a stored LUT's media id`,
      { field },
    );
  }
  const path = await pathInside(sources.lutDir, reference);
  if (path === null) throw bad(field, reference, "no such file in the LUT directory");
  await validateCubeLut(path, field, reference);
  return path;
}
