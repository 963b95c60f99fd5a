/**
 * ffmpeg specs for the drawings only the image port makes: a character's turnaround sheet and a shot's
 * composite. Pure functions returning FfmpegSpec, like the animatic's. Every value put into a filter is a
 * number or a colour already spelt 0xrrggbb, so no text from a request reaches the filter graph.
 */
import type { Action, CameraMove, VisualProfile } from "../../domain.js";
import { framingFor, REFERENCE_BACKGROUND } from "../../media/animatic.js";
import { figureBoxes, figureSize, type FigureSize } from "../../media/figure.js";
import { drawbox, ffColor, num } from "../../media/filtergraph.js";
import type { FfmpegInput, FfmpegSpec } from "../../media/runner.js";
import { sceneryFilters, skyColor, type Framing } from "../../media/scenery.js";
import type { ImageSubject } from "./types.js";

/** Feet rest this far down the frame, as in the animatic. */
const FEET_LINE = 0.95;

interface Size {
  width: number;
  height: number;
}

/** One still frame of a solid colour, the canvas a drawing starts from. */
function colourInput(colour: string, size: Size): FfmpegInput {
  return { source: `color=c=${colour}:s=${size.width}x${size.height}:r=1:d=1`, options: ["-f", "lavfi"] };
}

function stillOptions(): string[] {
  // -update 1 writes one image file rather than an image sequence pattern.
  return ["-map", "[vout]", "-frames:v", "1", "-update", "1", "-pix_fmt", "rgb24"];
}

/** The drawbox chain cutting a figure into a transparent canvas of its own size. */
function figureFilters(profile: VisualProfile, size: FigureSize, action: Action): string {
  const canvas = { width: size.width, height: size.height };
  return [
    drawbox({ x: 0, y: 0, width: size.width, height: size.height, color: "black@0.0" }, canvas, true),
    ...figureBoxes(profile, size, action, 0, 0).map((box) => drawbox(box, canvas, true)),
  ]
    .filter((filter): filter is string => filter !== null)
    .join(",");
}

/** How each view of a turnaround differs from the front: narrower in profile, mirrored, darker from behind. */
export const TURNAROUND_VIEWS = [
  { view: "front", widthFactor: 1, mirrored: false, shade: 1 },
  { view: "three-quarter", widthFactor: 0.75, mirrored: false, shade: 0.92 },
  { view: "side", widthFactor: 0.45, mirrored: true, shade: 0.85 },
  { view: "back", widthFactor: 1, mirrored: true, shade: 0.6 },
] as const;

/** The figure's size scaled down until it fits one of four panels of the sheet. */
export function turnaroundFigureSize(profile: VisualProfile, sheet: Size): FigureSize {
  const panelWidth = Math.floor(sheet.width / TURNAROUND_VIEWS.length);
  const full = figureSize(profile, sheet.height);
  const fit = Math.min(1, (panelWidth * 0.9) / full.width, (sheet.height * 0.95) / full.height);
  return fit < 1 ? figureSize(profile, Math.max(16, Math.floor(sheet.height * fit))) : full;
}

/** Four views of the standing figure side by side on the reference grey: front, three-quarter, side, back. */
export function turnaroundSpec(profile: VisualProfile, outputPath: string, sheet: Size): FfmpegSpec {
  const panelWidth = Math.floor(sheet.width / TURNAROUND_VIEWS.length);
  const figure = turnaroundFigureSize(profile, sheet);
  const labels = TURNAROUND_VIEWS.map((_, index) => `[f${index}]`).join("");
  const graph = [`[1:v]format=yuva444p,${figureFilters(profile, figure, "stand")},format=rgba,split=4${labels}`];
  let current = "0:v";
  TURNAROUND_VIEWS.forEach((view, index) => {
    const width = Math.max(2, Math.min(panelWidth, 2 * Math.round((figure.width * view.widthFactor) / 2)));
    const steps = [`scale=${width}:${figure.height}`];
    if (view.mirrored) steps.push("hflip");
    if (view.shade !== 1) {
      const shade = num(view.shade, 3);
      steps.push(`colorchannelmixer=rr=${shade}:gg=${shade}:bb=${shade}`);
    }
    graph.push(`[f${index}]${steps.join(",")}[v${index}]`);
    const x = index * panelWidth + Math.round((panelWidth - width) / 2);
    const y = Math.max(0, Math.round(sheet.height * FEET_LINE - figure.height));
    graph.push(`[${current}][v${index}]overlay=x=${x}:y=${y}[s${index}]`);
    current = `s${index}`;
  });
  graph.push(`[${current}]format=rgb24[vout]`);
  return {
    inputs: [colourInput(ffColor(REFERENCE_BACKGROUND), sheet), colourInput("black", figure)],
    filterComplex: graph.join(";"),
    outputOptions: stillOptions(),
    output: outputPath,
  };
}

/** The part of the shot's canvas its first frame shows: where each camera move starts, as the animatic runs it. */
export function openingWindow(camera: CameraMove, framing: Framing): { x: number; y: number } & Size {
  const { canvasWidth, canvasHeight, frameX, frameY, frameWidth: width, frameHeight: height } = framing;
  const lowered = (windowHeight: number) => Math.round((canvasHeight - windowHeight) * 0.8);
  switch (camera) {
    case "pan-right":
      return { x: 0, y: Math.round(frameY), width, height };
    case "pan-left":
      return { x: canvasWidth - width, y: Math.round(frameY), width, height };
    case "dolly-in":
      return { x: Math.round((canvasWidth - width) / 2), y: lowered(height), width, height };
    case "dolly-out": {
      // Starts close: a quarter nearer than the whole frame, centred and weighted low like the zoom.
      const near = { width: 2 * Math.round(width / 2.5), height: 2 * Math.round(height / 2.5) };
      return { x: Math.round((canvasWidth - near.width) / 2), y: lowered(near.height), ...near };
    }
    case "static":
    case "tracking":
      return { x: Math.round(frameX), y: Math.round(frameY), width, height };
  }
}

/**
 * The plate of the shot's location with each character's figure standing in it, placed as the animatic
 * places the group at rest, and cropped to the frame the camera opens on.
 */
export function compositeSpec(
  subject: Extract<ImageSubject, { kind: "shot-composite" }>,
  outputPath: string,
  size: Size,
  seed: number,
): FfmpegSpec {
  const { width, height } = size;
  const framing = framingFor(width, height, subject.camera, true);
  const canvas = { width: framing.canvasWidth, height: framing.canvasHeight };
  const look = subject.location?.look ?? null;
  const scenery = sceneryFilters(look, subject.location?.layoutSeed ?? seed, framing);
  const inputs: FfmpegInput[] = [colourInput(ffColor(skyColor(look)), canvas)];
  const graph = [`[0:v]${["format=rgb24", ...scenery].join(",")}[bg]`];
  const sizes = subject.characters.map((character) => figureSize(character.profile, height));
  const spacing = Math.max(0, ...sizes.map((figure) => figure.width)) * 0.85;
  const groupCenter = framing.frameX + width / 2;
  let current = "bg";
  subject.characters.forEach((character, index) => {
    const figure = sizes[index]!;
    const inputIndex = inputs.length;
    inputs.push(colourInput("black", figure));
    graph.push(
      `[${inputIndex}:v]format=yuva444p,${figureFilters(character.profile, figure, subject.action)}[fig${index}]`,
    );
    const x = Math.round(groupCenter + (index - (subject.characters.length - 1) / 2) * spacing - figure.width / 2);
    const y = Math.round(framing.frameY + height * FEET_LINE - figure.height);
    graph.push(`[${current}][fig${index}]overlay=x=${x}:y=${y}[scene${index}]`);
    current = `scene${index}`;
  });
  const window = openingWindow(subject.camera, framing);
  graph.push(
    `[${current}]crop=${window.width}:${window.height}:${window.x}:${window.y},scale=${width}:${height},setsar=1,format=rgb24[vout]`,
  );
  return { inputs, filterComplex: graph.join(";"), outputOptions: stillOptions(), output: outputPath };
}
