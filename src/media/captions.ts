/**
 * Captions for a scene's dialogue: cues from its lines and their timings in the mix, written as SRT and
 * WebVTT (by the `subtitle` library), and as an ASS script that burns them into the picture.
 *
 * A cue holds at most two lines of at most MAX_LINE_CHARACTERS characters (the common broadcast limit);
 * a longer line is split into several cues at word boundaries, each shown for its share of the line's
 * time by characters. Times are snapped to the picture's frames, so every cue starts and ends on a
 * frame of the mix. User text is escaped for WebVTT (& and < are markup there, "-->" ends a timing line)
 * and for ASS (braces and backslashes), and never reaches an ffmpeg filter: a burn-in reads an ASS file
 * laid out for the frame, by a path escaped by filtergraph.ts.
 */
import { stringifySync, type NodeList } from "subtitle";
import { escapeFilterValue } from "./filtergraph.js";
import type { FfmpegSpec } from "./runner.js";

export const MAX_LINE_CHARACTERS = 42;

/**
 * What a take's dialogue gets: caption files beside the video (the default), the files and the captions
 * burned into the picture, or nothing.
 */
export const CAPTION_MODES = ["files", "burn", "none"] as const;
export type CaptionMode = (typeof CAPTION_MODES)[number];
const MAX_LINES_PER_CUE = 2;
/** Shortest time a cue stays up, seconds (a reader needs about that for a few words). */
const MIN_CUE_SECONDS = 0.7;

export interface CaptionLine {
  text: string;
  /** Who speaks, shown as "Name: " when the scene has more than one speaker. */
  speaker: string | null;
  startSeconds: number;
  endSeconds: number;
}

export interface CaptionCue {
  startSeconds: number;
  endSeconds: number;
  /** One or two lines, joined by "\n". */
  text: string;
}

/** Words wrapped into lines of at most `width` characters (a longer word stands alone on its line). */
export function wrapWords(text: string, width = MAX_LINE_CHARACTERS): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    if (current === "") current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== "") lines.push(current);
  return lines;
}

function snap(seconds: number, fps: number): number {
  return Math.round(seconds * fps) / fps;
}

/**
 * Cues for the lines of a scene: each line wrapped, split into cues of at most two lines, its time shared
 * by characters, every boundary on a frame of `fps`; cues never overlap and never run past `totalSeconds`.
 */
export function captionCues(lines: CaptionLine[], fps: number, totalSeconds: number): CaptionCue[] {
  const speakers = new Set(lines.map((line) => line.speaker).filter((speaker) => speaker !== null));
  const cues: CaptionCue[] = [];
  const sorted = [...lines].sort((first, second) => first.startSeconds - second.startSeconds);
  for (const line of sorted) {
    const label = speakers.size > 1 && line.speaker !== null ? `${line.speaker}: ` : "";
    const wrapped = wrapWords(`${label}${line.text.replace(/\s+/g, " ").trim()}`);
    if (wrapped.length === 0) continue;
    const groups: string[][] = [];
    for (let index = 0; index < wrapped.length; index += MAX_LINES_PER_CUE)
      groups.push(wrapped.slice(index, index + MAX_LINES_PER_CUE));
    const start = Math.max(0, line.startSeconds);
    const end = Math.min(totalSeconds, Math.max(line.endSeconds, start + MIN_CUE_SECONDS));
    const characters = groups.reduce((sum, group) => sum + group.join(" ").length, 0);
    let at = start;
    for (const group of groups) {
      const share = (end - start) * (group.join(" ").length / characters);
      const cueStart = snap(Math.max(at, cues.at(-1)?.endSeconds ?? 0), fps);
      const cueEnd = snap(Math.min(end, at + share), fps);
      at += share;
      if (cueEnd <= cueStart) continue;
      cues.push({ startSeconds: cueStart, endSeconds: cueEnd, text: group.join("\n") });
    }
  }
  return cues;
}

/** Text safe inside a WebVTT cue: & and < escaped, and no "-->" (which would read as a timing line). */
export function webVttText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/-->/g, "--&gt;");
}

function nodes(cues: CaptionCue[], escape: (text: string) => string): NodeList {
  return cues.map((cue) => ({
    type: "cue" as const,
    data: {
      start: Math.round(cue.startSeconds * 1000),
      end: Math.round(cue.endSeconds * 1000),
      text: escape(cue.text),
    },
  }));
}

/** The cues as an SRT file. SRT has no markup to escape, but "-->" inside a cue would read as timing. */
export function toSrt(cues: CaptionCue[]): string {
  return stringifySync(
    nodes(cues, (text) => text.replace(/-->/g, "->")),
    { format: "SRT" },
  );
}

/** The cues as a WebVTT file. */
export function toWebVtt(cues: CaptionCue[]): string {
  return stringifySync(nodes(cues, webVttText), { format: "WebVTT" });
}

/** Geometry of burned-in captions for a frame, in the frame's own pixels. */
export function burnInLayout(
  width: number,
  height: number,
): {
  fontSize: number;
  sideMargin: number;
  bottomMargin: number;
  outline: number;
} {
  const short = Math.min(width, height);
  const sideMargin = Math.round(width * 0.06);
  // A line of MAX_LINE_CHARACTERS averages about 0.6 em a character: the font is as large as a share of
  // the shorter side allows while such a line still fits between the side margins.
  const fitsWidth = (width - 2 * sideMargin) / (MAX_LINE_CHARACTERS * 0.6);
  const fontSize = Math.max(10, Math.floor(Math.min(short * 0.055, fitsWidth)));
  // A vertical frame keeps its captions above the platforms' own buttons and titles.
  const bottomMargin = Math.round(height * (height > width ? 0.12 : 0.07));
  return { fontSize, sideMargin, bottomMargin, outline: Math.max(1, Math.round(fontSize / 14)) };
}

function assTime(seconds: number): string {
  const centiseconds = Math.round(seconds * 100);
  const hours = Math.floor(centiseconds / 360000);
  const minutes = Math.floor((centiseconds % 360000) / 6000);
  const secs = Math.floor((centiseconds % 6000) / 100);
  const rest = centiseconds % 100;
  return `${hours}:${String(minutes).padStart(2, "0")}:${String(secs).padStart(2, "0")}.${String(rest).padStart(2, "0")}`;
}

/** Cue text for ASS: braces open override blocks and backslashes escapes, so neither reaches libass. */
function assText(text: string): string {
  return text
    .replace(/[{}]/g, (brace) => (brace === "{" ? "(" : ")"))
    .replace(/\\/g, "/")
    .split("\n")
    .join("\\N");
}

/**
 * The cues as an ASS script laid out for one frame size (PlayRes is the frame, so every size is a pixel):
 * white text with a dark outline and shadow, centred at the bottom, wrapped inside the side margins, so
 * it reads on any background and stays inside the frame at any shape.
 */
export function toAss(cues: CaptionCue[], width: number, height: number): string {
  const layout = burnInLayout(width, height);
  const header = [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    `Style: Default,DejaVu Sans,${layout.fontSize},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,${layout.outline},1,2,${layout.sideMargin},${layout.sideMargin},${layout.bottomMargin},1`,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
  ];
  const events = cues.map(
    (cue) => `Dialogue: 0,${assTime(cue.startSeconds)},${assTime(cue.endSeconds)},Default,,0,0,0,,${assText(cue.text)}`,
  );
  return [...header, ...events, ""].join("\n");
}

/**
 * The ffmpeg command burning an ASS script (toAss, at this frame's size) into a video: the picture is
 * re-encoded with the captions drawn by libass, the sound copied. The script's path goes through
 * escapeFilterValue; nothing else in the filter comes from the user.
 */
export function burnCaptionsSpec(input: string, assPath: string, output: string): FfmpegSpec {
  return {
    inputs: [{ source: input, options: [] }],
    filterComplex: `[0:v]ass=filename=${escapeFilterValue(assPath)}[v]`,
    outputOptions: [
      "-map",
      "[v]",
      "-map",
      "0:a?",
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-crf",
      "20",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "copy",
      "-movflags",
      "+faststart",
    ],
    output,
  };
}
