/**
 * Small pieces for writing ffmpeg filtergraph strings safely: value escaping, expressions, colours, boxes.
 */

/**
 * Escapes a value (a path, usually) for use as a filter option inside `-filter_complex`.
 * ffmpeg unescapes twice: the graph parser first (where `[ ] , ;` end a filter and `'` quotes), then the
 * option parser (where `:` separates options and `=` separates key from value). So the value is escaped
 * for the option level and the result escaped again for the graph level. Newlines, tabs and carriage
 * returns are escaped too, so they survive the whitespace trimming both parsers do.
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':=\n\r\t]/g, (character) => `\\${character}`);
  return optionLevel.replace(/[\\'[\],;]/g, (character) => `\\${character}`);
}

/** Quotes an expression at the graph level so its commas do not split the filter chain. */
export function expression(text: string): string {
  if (text.includes("'") || text.includes(":")) {
    throw new Error(`expression may not contain quotes or colons: ${text}`);
  }
  return `'${text}'`;
}

/** Number printed for an expression: fixed precision, no exponent, "-0" avoided. */
export function num(value: number, digits = 4): string {
  const rounded = Number(value.toFixed(digits));
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

export function even(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}

export interface Rgb {
  red: number;
  green: number;
  blue: number;
}

export function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (match === null) throw new Error(`not a #rrggbb colour: ${hex}`);
  return { red: parseInt(match[1]!, 16), green: parseInt(match[2]!, 16), blue: parseInt(match[3]!, 16) };
}

/** "#A1b2C3" → "0xa1b2c3", the spelling ffmpeg colour options take without any escaping. */
export function ffColor(hex: string): string {
  const { red, green, blue } = parseHex(hex);
  return `0x${[red, green, blue].map((channel) => channel.toString(16).padStart(2, "0")).join("")}`;
}

/** Mixes a colour towards another by `amount` (0 keeps it, 1 gives the other). */
export function mixHex(hex: string, towards: string, amount: number): string {
  const from = parseHex(hex);
  const to = parseHex(towards);
  const channel = (a: number, b: number) =>
    Math.round(a + (b - a) * amount)
      .toString(16)
      .padStart(2, "0");
  return `#${channel(from.red, to.red)}${channel(from.green, to.green)}${channel(from.blue, to.blue)}`;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  color: string;
  /** Timeline expression; the box is drawn only while it is true. */
  enable?: string;
}

/**
 * A filled drawbox, clipped to the canvas (drawbox mishandles boxes that start off-canvas).
 * `replace` writes the colour's alpha instead of blending, which is how shapes are cut into a
 * transparent canvas. Returns null when nothing of the box is on the canvas.
 */
export function drawbox(box: Box, canvas: { width: number; height: number }, replace = false): string | null {
  const left = Math.max(0, Math.round(box.x));
  const top = Math.max(0, Math.round(box.y));
  const right = Math.min(canvas.width, Math.round(box.x + box.width));
  const bottom = Math.min(canvas.height, Math.round(box.y + box.height));
  if (right - left < 1 || bottom - top < 1) return null;
  const parts = [
    `drawbox=x=${left}:y=${top}:w=${right - left}:h=${bottom - top}`,
    `color=${box.color.startsWith("#") ? ffColor(box.color) : box.color}:t=fill`,
  ];
  if (replace) parts.push("replace=1");
  if (box.enable !== undefined) parts.push(`enable=${expression(box.enable)}`);
  return parts.join(":");
}

/** Small deterministic PRNG (mulberry32): same seed, same scenery. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
