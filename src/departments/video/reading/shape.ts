/**
 * The shape of the frame a request asks for, from its words: "vertical", "9:16", "for TikTok", "square
 * video", "16:9", "widescreen". Only the words that name a frame count: "a square in Paris" or "Times
 * Square" is a place, not a 1:1 frame, and "standing upright" is not a portrait frame.
 */

export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export interface ShapeReading {
  aspectRatio: AspectRatio;
  /** The words that asked for it, as the request wrote them. */
  said: string;
}

/** Nouns that make "square", "vertical" or "portrait" speak of the frame rather than of a place or a pose. */
const FRAME_NOUN = String.raw`(?:video|videos|clip|clips|format|frame|shape|aspect(?:\s+ratio)?|crop|orientation|version|cut|mode|ratio)`;
const VERTICAL_PLATFORMS = String.raw`(?:tik\s?tok|(?:instagram\s+)?reels?|(?:youtube\s+)?shorts|(?:instagram\s+|snapchat\s+)?stor(?:y|ies)|snapchat)`;
/** What may follow a bare shape word for it to end the phrase: "vertical, please", "make it square for...". */
const PHRASE_END = String.raw`(?=\s*(?:$|[,.;!?)]|(?:for|please|format|orientation|mode)\b))`;
/** Words that may stand between a shape word and its noun: "a vertical 15 second video", "a square, short clip". */
const BETWEEN = String.raw`(?:(?:\d+(?:\.\d+)?|[a-z]+)[\s-]*(?:seconds?|secs?|minutes?|mins?)[\s-]+|(?:short|quick|little|long)[\s-]+|,\s*)*`;
const ratio = (first: number, second: number) =>
  new RegExp(String.raw`(?<![\d.:])${first}\s*(?::|x|×|by)\s*${second}(?![\d.:])`, "i");

const RULES: Array<{ aspectRatio: AspectRatio; pattern: RegExp }> = [
  // Numeric ratios name the frame whatever surrounds them ("9:16", "9x16", "9 by 16").
  { aspectRatio: "9:16", pattern: ratio(9, 16) },
  { aspectRatio: "16:9", pattern: ratio(16, 9) },
  { aspectRatio: "1:1", pattern: ratio(1, 1) },
  // "vertical" ending a phrase is the usual way to ask for a phone's frame; "a vertical cliff" is not.
  { aspectRatio: "9:16", pattern: new RegExp(String.raw`\bvertical(?:ly)?${PHRASE_END}`, "i") },
  { aspectRatio: "9:16", pattern: new RegExp(String.raw`\b(?:vertical|portrait)[\s-]+${BETWEEN}${FRAME_NOUN}\b`, "i") },
  { aspectRatio: "9:16", pattern: /\b(?:in|as|make\s+it|made|shot)\s+(?:vertical(?:ly)?|portrait)\b/i },
  { aspectRatio: "9:16", pattern: new RegExp(String.raw`\b(?:for|on|as)\s+(?:an?\s+)?${VERTICAL_PLATFORMS}\b`, "i") },
  { aspectRatio: "9:16", pattern: new RegExp(String.raw`\b(?:tik\s?tok|reels?|shorts)\s+${FRAME_NOUN}\b`, "i") },
  // "a TikTok of Sarah dancing", "a reel of Tom cooking"; "a short clip" is a length, not a platform.
  { aspectRatio: "9:16", pattern: /\b(?:an?|the|my|our)\s+(?:tik\s?tok|(?:instagram\s+)?reel|youtube\s+short)\b/i },
  // "square" names the frame only beside a frame's noun: "a square in Paris", "Times Square" are places.
  { aspectRatio: "1:1", pattern: new RegExp(String.raw`\bsquare[\s-]+${BETWEEN}${FRAME_NOUN}\b`, "i") },
  { aspectRatio: "1:1", pattern: new RegExp(String.raw`\b(?:make\s+it|made|as\s+a|in)\s+square${PHRASE_END}`, "i") },
  { aspectRatio: "1:1", pattern: /\bfor\s+(?:an?\s+)?instagram\s+(?:feed|post|grid)\b/i },
  // "a landscape shot" is a shot of scenery, so landscape needs a frame's noun or "in landscape".
  {
    aspectRatio: "16:9",
    pattern: new RegExp(
      String.raw`\b(?:wide[\s-]?screen|(?:landscape|horizontal)[\s-]+(?:format|orientation|mode|aspect|frame|version)|(?:in|as)\s+(?:landscape|horizontal)${PHRASE_END})`,
      "i",
    ),
  },
  { aspectRatio: "16:9", pattern: /\bfor\s+(?:a\s+)?youtube\b(?!\s+shorts)/i },
];

/** The frame shape a request's words ask for; the earliest such words win. Null when none are said. */
export function shapeInRequest(text: string): ShapeReading | null {
  // Quoted lines are what someone says, not what the request asks for.
  const unquoted = text.replace(/"[^"]*"|“[^”]*”/g, (quote) => " ".repeat(quote.length));
  let best: { index: number; reading: ShapeReading } | null = null;
  for (const rule of RULES) {
    const match = rule.pattern.exec(unquoted);
    if (match === null) continue;
    if (best === null || match.index < best.index)
      best = { index: match.index, reading: { aspectRatio: rule.aspectRatio, said: match[0].trim() } };
  }
  return best?.reading ?? null;
}

/** Whether a value is one of the shapes a request may ask for. */
export function isAspectRatio(value: unknown): value is AspectRatio {
  return typeof value === "string" && (ASPECT_RATIOS as readonly string[]).includes(value);
}

/**
 * The frame size for a shape, from the configured one: the configured short side is kept (1280x720 gives
 * 720x1280 for 9:16 and 720x720 for 1:1) and both sides are even, as the encoders need.
 */
export function frameFor(
  aspectRatio: AspectRatio,
  base: { width: number; height: number },
): {
  width: number;
  height: number;
} {
  const short = Math.min(base.width, base.height);
  const long = Math.round((short * 16) / 9);
  const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);
  if (aspectRatio === "1:1") return { width: even(short), height: even(short) };
  if (aspectRatio === "9:16") return { width: even(short), height: even(long) };
  return { width: even(long), height: even(short) };
}
