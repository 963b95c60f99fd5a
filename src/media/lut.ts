/**
 * Custom colour grades come as .cube 3D LUT files. They are read and checked before ffmpeg sees them, so a
 * missing, unreadable or malformed file is a clear error naming the field rather than a failed render.
 */
import { readFile, stat } from "node:fs/promises";
import { CutroomError } from "../errors.js";

const MAX_LUT_BYTES = 32 * 1024 * 1024;
const MAX_LUT_SIZE = 128;

function bad(field: string, path: string, reason: string): CutroomError {
  return new CutroomError("INVALID_INPUT", `${field}: ${path} is not a usable .cube 3D LUT (${reason})`, { field });
}

/** Checks the text of a .cube file: a LUT_3D_SIZE n header and exactly n³ rows of three numbers. */
export function checkCubeText(text: string, path: string, field: string): { size: number } {
  let size: number | null = null;
  let rows = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === "LUT_3D_SIZE") {
      size = Number(rest[0]);
      if (!Number.isInteger(size) || size < 2 || size > MAX_LUT_SIZE) {
        throw bad(field, path, `LUT_3D_SIZE must be a whole number from 2 to ${MAX_LUT_SIZE}`);
      }
      continue;
    }
    if (keyword === "LUT_1D_SIZE") throw bad(field, path, "1D LUTs are not supported");
    if (keyword === "TITLE" || keyword === "DOMAIN_MIN" || keyword === "DOMAIN_MAX" || keyword === "LUT_3D_INPUT_RANGE")
      continue;
    const values = line.split(/\s+/).map(Number);
    if (values.length !== 3 || values.some((value) => !Number.isFinite(value))) {
      throw bad(field, path, `unexpected line ${JSON.stringify(line.slice(0, 40))}`);
    }
    rows++;
  }
  if (size === null) throw bad(field, path, "no LUT_3D_SIZE line");
  if (rows !== size ** 3) throw bad(field, path, `expected ${size ** 3} rows for size ${size}, found ${rows}`);
  return { size };
}

export async function validateCubeLut(path: string, field = "postProcessing.lut"): Promise<void> {
  if (!path.toLowerCase().endsWith(".cube")) throw bad(field, path, "the file name must end in .cube");
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) throw bad(field, path, "no such file");
  if (info.size > MAX_LUT_BYTES) throw bad(field, path, "larger than 32 MB");
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    throw bad(field, path, error instanceof Error ? error.message : "unreadable");
  });
  checkCubeText(text, path, field);
}
