/** Command-line parsing on node:util parseArgs, with errors that name the option and guess a typo. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CutroomError } from "../errors.js";
import { didYouMean } from "./suggest.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Checks every option before parseArgs sees it, so a mistake is told in the command's own words (an
 * unknown option with the one it was probably meant to be, a value missing or not wanted), never in
 * node:util's. `usage` names where the full list is ("cutroom chat --help").
 */
function checkOptions(argv: string[], options: Options, usage: string): void {
  const names = Object.keys(options);
  const shorts = new Map(
    Object.entries(options).flatMap(([name, option]) => (option.short ? [[option.short, name]] : [])),
  );
  const fail = (message: string, field: string) =>
    new CutroomError("INVALID_INPUT", `${message} (${usage} lists every option)`, { field });
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (token === "--") return;
    if (!token.startsWith("-") || token === "-") continue;
    const long = token.startsWith("--");
    const [flag, inline] = long ? [token.slice(2).split("=", 1)[0]!, token.includes("=")] : [token.slice(1), false];
    const name = long ? flag : shorts.get(flag);
    if (name === undefined || !Object.hasOwn(options, name)) {
      const shown = long ? `--${flag}` : `-${flag}`;
      throw fail(`unknown option ${shown}${didYouMean(flag.replace(/^-+/, ""), names, "--")}`, flag);
    }
    const option = options[name]!;
    if (option.type === "boolean" && inline) throw fail(`--${name} takes no value`, name);
    if (option.type === "string" && !inline) {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) throw fail(`--${name} needs a value`, name);
      index++;
    }
  }
}

let command = "";

/** The command being run, so a mistake can point at its own usage. */
export function usingCommand(name: string): void {
  command = name;
}

export function parse<T extends Options>(argv: string[], options: T, usage = `cutroom ${command} --help`) {
  const all = { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;
  checkOptions(argv, all, usage);
  try {
    return parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    // What checkOptions lets through parseArgs accepts; this is a last resort that still names the input.
    throw new CutroomError(
      "INVALID_INPUT",
      `the options could not be read (${usage} lists them): ${error instanceof Error ? error.message : String(error)}`,
      { field: "arguments" },
    );
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
