/**
 * Settings from a `.env` file, as the README's configuration section describes: `CUTROOM_ENV_FILE` names
 * one explicitly (it must exist), otherwise `.env` in the working directory is read when present. Node's own
 * parser is used, and a variable already set in the environment keeps its value.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CutroomError } from "../errors.js";

export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const named = env.CUTROOM_ENV_FILE?.trim();
  const file = named ? resolve(cwd, named) : resolve(cwd, ".env");
  if (!named && !existsSync(file)) return null;
  try {
    process.loadEnvFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : String(error);
    const remedy = named ? "fix the path or unset CUTROOM_ENV_FILE" : "make it a readable KEY=value file or remove it";
    throw new CutroomError("CONFIG", `settings file ${file} ${reason}: ${remedy}`, {
      field: named ? "CUTROOM_ENV_FILE" : ".env",
      cause: error,
    });
  }
  return file;
}
