/** Command-line parsing on node:util parseArgs, with errors that name the option. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CutroomError } from "../errors.js";

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CutroomError("INVALID_INPUT", error instanceof Error ? error.message : String(error), {
      field: "arguments",
    });
  }
}

export function numberOption(value: string | undefined, field: string, min: number, max: number): number | null {
  if (value === undefined) return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new CutroomError(
      "INVALID_INPUT",
      `--${field} must be a number between ${min} and ${max}; got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return parsed;
}
