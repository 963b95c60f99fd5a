/**
 * The guard every prompt passes before a paid model reads it: no internal id, file name or path, hex colour
 * or number from a quality check. Builders scrub their inputs with it, and the same check validates a
 * prompt a chat model wrote.
 */

interface Rule {
  what: string;
  pattern: RegExp;
}

// Each pattern is global so scrubbing can remove every match; `test` is never called on them (lastIndex).
const RULES: Rule[] = [
  { what: "an internal id", pattern: /\b(?:med|vid|ref|chr|loc|req|frame|upl)_[A-Za-z0-9]+/g },
  { what: "a file name", pattern: /[\w-]*\.(?:png|jpe?g|webp|mp4|wav|json)\b/gi },
  // A slash joined to a word is a path ("/tmp/", "projects/x"); "and/or" is the one slash prose uses.
  { what: "a path", pattern: /[\w.~-]*(?:\/[\w.~-]*)+/g },
  { what: "a hex colour", pattern: /#[0-9a-f]{3,8}\b/gi },
  { what: "a measured number", pattern: /(?<![\w.])\d*\.\d+\b|\b\d+(?:\.\d+)?\s?%/g },
  {
    what: "a quality-check term",
    pattern: /\b(?:scores?|scored|LUFS|dBFS|histograms?|SSIM|PSNR|thresholds?)\b/gi,
  },
];

function matchesOf(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[0]).filter((found) => found.trim() !== "");
}

/** What is wrong with a text a model would read; empty when it is fit to send. */
export function promptProblems(text: string): string[] {
  const problems: string[] = [];
  for (const rule of RULES) {
    for (const found of matchesOf(text.replace(/\band\/or\b/gi, "and or"), rule.pattern)) {
      problems.push(`${rule.what}: ${JSON.stringify(found.trim())}`);
    }
  }
  return problems;
}

export function isClean(text: string): boolean {
  return promptProblems(text).length === 0;
}

/**
 * The text with every forbidden piece cut out, for the parts a prompt cannot do without (a name, the
 * action); optional parts that fail the guard are dropped whole instead.
 */
export function scrub(text: string): string {
  let cleaned = text.replace(/\band\/or\b/gi, "and or");
  for (const rule of RULES) cleaned = cleaned.replace(rule.pattern, " ");
  return cleaned
    .replace(/\s+([,.;:!?])/g, "$1")
    .replace(/\s+/g, " ")
    .replace(/^[\s,.;:]+|[\s,;:]+$/g, "")
    .trim();
}
