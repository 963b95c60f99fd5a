/**
 * Server paths never leave over HTTP. Messages from ffmpeg, the stores or the file system name files in the
 * data dir, the scratch dir or the temp dir; those prefixes are replaced with a neutral token, and fields
 * that hold a local path are emptied. The CLI is not affected: it runs on the user's own machine.
 */
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

/** A neutral token per root, so a message stays readable ("<data>/store/… is unreadable"). */
export type RootToken = "<data>" | "<scratch>" | "<tmp>" | "<luts>" | "<app>";

/**
 * Process-wide on purpose: errors are described far from any runtime (express' error handler, stream
 * error events), and a root registered by one server is a path no server may show.
 */
const roots = new Map<string, RootToken>();
let pattern: RegExp | null = null;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function registerRoot(path: string | null | undefined, token: RootToken): void {
  if (!path) return;
  const variants = [path.replace(/[/\\]+$/, "")];
  try {
    variants.push(realpathSync(path).replace(/[/\\]+$/, ""));
  } catch {
    // A root that does not exist yet still gets its spelled form redacted.
  }
  for (const variant of variants) {
    // "/" or "" would match every absolute path and say nothing useful.
    if (variant.length <= 1 || roots.has(variant)) continue;
    roots.set(variant, token);
    pattern = null;
  }
}

/** The temp dir and the installed program are server paths whatever the configuration. */
registerRoot(tmpdir(), "<tmp>");
registerRoot(fileURLToPath(new URL("../../", import.meta.url)), "<app>");

function rootPattern(): RegExp {
  // Longest first: the scratch dir sits inside the data dir, which may sit inside the temp dir.
  const sorted = [...roots.keys()].sort((left, right) => right.length - left.length);
  pattern ??= new RegExp(`(?:file://)?(${sorted.map(escape).join("|")})(?=$|[/\\\\\\s"'\`:;,)\\]}])`, "g");
  return pattern;
}

export function redactText(text: string): string {
  if (!text.includes("/") && !text.includes("\\")) return text;
  return text.replace(rootPattern(), (_match, root: string) => roots.get(root) ?? "<server>");
}

/** A string that is a path on this machine, not a URL or a store key a client could use. */
export function isLocalPath(value: string): boolean {
  return value.startsWith("/") || value.startsWith("file:") || /^[A-Za-z]:[\\/]/.test(value);
}

function isPathKey(key: string): boolean {
  return key === "path" || /[a-z]Path$/.test(key) || key === "file" || key === "workDir";
}

/**
 * A deep copy for clients: path fields holding a local path become null, file:// URLs become `urlFor`'s
 * answer (null when there is none), and every other string has its server roots replaced.
 */
export function redactValue<T>(value: T, urlFor: (owner: Record<string, unknown>) => string | null = () => null): T {
  if (typeof value === "string") return redactText(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, urlFor)) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const source = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      if (typeof item === "string" && isPathKey(key) && isLocalPath(item)) copy[key] = null;
      else if (typeof item === "string" && /(^u|U)rl$/.test(key) && item.startsWith("file:"))
        copy[key] = urlFor(source);
      else copy[key] = redactValue(item, urlFor);
    }
    return copy as T;
  }
  return value;
}
