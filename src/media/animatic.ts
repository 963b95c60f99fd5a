/**
 * Pure builders for the local "animatic" renderer: a request becomes one ffmpeg command drawing the
 * location (or the given images), the characters as box figures acting out the action, a camera move
 * and an optional caption. Everything comes from the request and its seed, so the same request always
 * gives the same arguments.
 *
 * The scene is painted on a canvas larger than the frame (the camera's margin); the camera then crops
 * (static, pan, tracking) or zooms (dolly) into it. Figures are small transparent streams overlaid with
 * per-frame position expressions, because drawbox positions cannot change over time.
 */
import { basename, dirname, join } from "node:path";
import type { CameraMove, ClipRequest, LocationLook, VisualProfile } from "../domain.js";
import { actionMotion, effectiveStrength, figureBoxes, figureSize, type FigureSize } from "./figure.js";
import { drawbox, escapeFilterValue, even, expression, ffColor, num } from "./filtergraph.js";
import { seedFrom } from "../ids.js";
import type { FfmpegInput, FfmpegSpec } from "./runner.js";
import { sceneryFilters, skyColor, type Framing } from "./scenery.js";

export { escapeFilterValue } from "./filtergraph.js";

export const CAPTION_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/** Background of character reference stills; the consistency check treats this grey as "not the character". */
export const REFERENCE_BACKGROUND = "#808080";
/** Feet rest this far down the frame. */
const FEET_LINE = 0.95;

/** Where the caption text for an output is written; the text never enters the filter string itself. */
export function captionFilePath(outputPath: string, workDir?: string): string {
  return join(workDir ?? dirname(outputPath), `${basename(outputPath)}.caption.txt`);
}

function lavfiColor(color: string, width: number, height: number, fps: number, durationSeconds: number): FfmpegInput {
  return {
    source: `color=c=${color}:s=${width}x${height}:r=${fps}:d=${num(durationSeconds)}`,
    options: ["-f", "lavfi"],
  };
}

/** Still images loop for the clip's length; `file:` stops a path from being read as another protocol. */
function imageInput(path: string, fps: number, durationSeconds: number): FfmpegInput {
  return { source: `file:${path}`, options: ["-loop", "1", "-framerate", String(fps), "-t", num(durationSeconds)] };
}

function backgroundImage(request: ClipRequest): string | null {
  switch (request.method) {
    case "image-to-video":
      return request.sourceImage;
    case "first-last-frame":
      // The first frame is the previous clip's, figures and all: it is only blended out at the start (see
      // startImage). Played under the whole clip it would show every figure twice, one of them see-through.
      // The clip plays on the last frame (the place) or, without one, on the drawn scenery.
      return request.lastFrame;
    case "composite-to-video":
      return request.compositeImage;
    case "text-to-video":
      return null;
  }
}

/** The frame a clip starts on exactly before it blends into its own animation, if it starts from one. */
function startImage(request: ClipRequest): string | null {
  if (request.method === "image-to-video") return request.sourceImage;
  if (request.method === "first-last-frame") return request.firstFrame;
  return null;
}

/**
 * Camera margin: drawn scenery gets 25% (tracking 80% sideways, to have somewhere to go); images keep
 * their framing when the camera stays put or dollies, and get a margin only for sideways moves.
 */
export function framingFor(width: number, height: number, camera: CameraMove, drawn: boolean): Framing {
  const sideways = camera === "pan-left" || camera === "pan-right" || camera === "tracking";
  const marginX = drawn ? (camera === "tracking" ? 1.8 : 1.25) : sideways ? 1.25 : 1;
  const marginY = drawn || sideways ? 1.25 : 1;
  const canvasWidth = even(width * marginX);
  const canvasHeight = even(height * marginY);
  return {
    canvasWidth,
    canvasHeight,
    frameX: (canvasWidth - width) / 2,
    frameY: (canvasHeight - height) / 2,
    frameWidth: width,
    frameHeight: height,
  };
}

function cameraFilter(
  camera: CameraMove,
  framing: Framing,
  request: ClipRequest,
  trackX: string,
  dollyFactor: number,
): string | null {
  const { canvasWidth, canvasHeight, frameX, frameY, frameWidth: width, frameHeight: height } = framing;
  const progress = `t/${num(request.durationSeconds)}`;
  const slack = canvasWidth - width;
  switch (camera) {
    case "static":
      return canvasWidth === width && canvasHeight === height
        ? null
        : `crop=${width}:${height}:${num(frameX)}:${num(frameY)}`;
    case "pan-left":
    case "pan-right": {
      const along = camera === "pan-right" ? progress : `(1-${progress})`;
      return `crop=${width}:${height}:x=${expression(`${slack}*${along}`)}:y=${num(frameY)}`;
    }
    case "tracking":
      return `crop=${width}:${height}:x=${expression(`clip(${trackX}-${num(width / 2)},0,${slack})`)}:y=${num(frameY)}`;
    case "dolly-in":
    case "dolly-out": {
      const frames = Math.max(2, Math.round(request.durationSeconds * request.fps));
      const near = (canvasWidth / width) * dollyFactor;
      const far = canvasWidth / width;
      const [from, to] = camera === "dolly-in" ? [far, near] : [near, far];
      const zoom = `${num(from)}+${num(to - from)}*on/${frames - 1}`;
      // Centred horizontally and weighted low, so feet stay in frame while the frame tightens.
      return [
        `zoompan=z=${expression(zoom)}`,
        `x=${expression("(iw-iw/zoom)/2")}`,
        `y=${expression("(ih-ih/zoom)*0.8")}`,
        `d=1:s=${width}x${height}:fps=${request.fps}`,
      ].join(":");
    }
  }
}

function captionFilter(captionPath: string, height: number): string {
  const fontSize = Math.max(10, Math.round(height / 16));
  return [
    `drawtext=fontfile=${escapeFilterValue(CAPTION_FONT)}`,
    `textfile=${escapeFilterValue(captionPath)}`,
    // Caption text is shown literally: no %{...} expansion of user text.
    "expansion=none",
    `fontsize=${fontSize}:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=${Math.round(fontSize / 3)}`,
    `x=(w-text_w)/2:y=h-text_h-${Math.round(height * 0.07)}`,
  ].join(":");
}

/** Output options for an H.264 MP4 of exactly the requested length, playable while downloading. */
function mp4Options(request: ClipRequest): string[] {
  return [
    "-map",
    "[vout]",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "20",
    "-pix_fmt",
    "yuv420p",
    "-r",
    String(request.fps),
    // A keyframe every second and nowhere else: scene assembly can then stream-copy whole seconds and
    // re-encode only what a transition or trim touches.
    "-g",
    String(Math.max(1, Math.round(request.fps))),
    "-sc_threshold",
    "0",
    "-t",
    num(request.durationSeconds),
    "-movflags",
    "+faststart",
    "-an",
  ];
}

/** How long a clip made from a frame takes to blend from that frame into its own animation. */
export const START_BLEND_SECONDS = 0.5;

/** `mouths`: per speaking character's name, how open its mouth is at each frame (see media/mouth.ts). */
export function buildAnimaticSpec(
  request: ClipRequest,
  outputPath: string,
  workDir?: string,
  mouths: Record<string, number[]> = {},
): FfmpegSpec {
  const { width, height, fps, durationSeconds } = request;
  const image = backgroundImage(request);
  const strength = effectiveStrength(request.motionStrength);
  // A shot with nothing to act still gets a gentle push-in, so a positive motion strength always shows.
  const implicitPush = request.camera === "static" && request.characters.length === 0 && strength > 0;
  const camera: CameraMove = implicitPush ? "dolly-in" : request.camera;
  const dollyFactor = implicitPush ? 1 + 0.3 * strength : 1.25;
  const framing = framingFor(width, height, camera, image === null);
  const { canvasWidth, canvasHeight } = framing;
  const inputs: FfmpegInput[] = [];
  const graph: string[] = [];

  if (image === null) {
    const look = request.location?.look ?? null;
    inputs.push(lavfiColor(ffColor(skyColor(look)), canvasWidth, canvasHeight, fps, durationSeconds));
    const layoutSeed = sceneryLayoutSeed(request);
    graph.push(`[0:v]${[...sceneryFilters(look, layoutSeed, framing), "format=yuv420p"].join(",")}[bg]`);
  } else {
    const fill = `scale=${canvasWidth}:${canvasHeight}:force_original_aspect_ratio=increase,crop=${canvasWidth}:${canvasHeight},setsar=1`;
    inputs.push(imageInput(image, fps, durationSeconds));
    graph.push(`[0:v]${fill},format=yuv420p[bg]`);
  }

  const direction: 1 | -1 = camera === "pan-left" ? -1 : camera === "pan-right" ? 1 : request.seed % 2 === 0 ? 1 : -1;
  const sizes = figureSizes(request, width, height, strength, durationSeconds);
  const spacing = Math.max(0, ...sizes.map((size) => size.width)) * 0.85;
  const groupCenter = framing.frameX + width / 2;
  let current = "bg";
  let trackX = num(groupCenter);
  request.characters.forEach((character, index) => {
    const size = sizes[index]!;
    const motion = actionMotion(request.action, strength, size, width, durationSeconds, direction);
    // The take's seed sets where in its cycle each figure's movement starts: two takes of one request
    // (a regenerate) never render the same frames, even when the place fixes the scenery.
    const offset = index * 0.37 + seedPhase(request.seed);
    const canvas = { width: size.width, height: size.height };
    const boxes = [
      drawbox({ x: 0, y: 0, width: size.width, height: size.height, color: "black@0.0" }, canvas, true),
      ...figureBoxes(
        character.profile,
        size,
        request.action,
        motion.poseRate,
        offset,
        mouths[character.name] === undefined ? null : { opening: mouths[character.name]!, fps },
      ).map((box) => drawbox(box, canvas, true)),
    ].filter((filter): filter is string => filter !== null);
    const inputIndex = inputs.length;
    inputs.push(lavfiColor("black", size.width, size.height, fps, durationSeconds));
    graph.push(`[${inputIndex}:v]format=yuva444p,${boxes.join(",")}[fig${index}]`);
    // A standing figure has no cycle to start elsewhere, so the seed also nudges where the group stands.
    const nudge = (seedPhase(request.seed + 1) - 0.5) * width * 0.06;
    const restX = groupCenter + nudge + (index - (request.characters.length - 1) / 2) * spacing - size.width / 2;
    const restY = framing.frameY + height * FEET_LINE - size.height;
    const x = expression(`${num(restX)}+${motion.x}`);
    const y = expression(`${num(restY)}+${motion.y}`);
    graph.push(`[${current}][fig${index}]overlay=x=${x}:y=${y}:eof_action=pass[scene${index}]`);
    current = `scene${index}`;
    if (index === 0) {
      trackX =
        motion.travel > 0
          ? `${num(groupCenter)}+${motion.x}`
          : `${num(groupCenter)}+${num(direction * width * 0.2)}*(t/${num(durationSeconds)}-0.5)`;
    }
  });

  const finishing = [
    cameraFilter(camera, framing, request, trackX, dollyFactor),
    request.caption === null ? null : captionFilter(captionFilePath(outputPath, workDir), height),
    "setsar=1",
    "format=yuv420p",
  ].filter((filter): filter is string => filter !== null);
  // A clip made from a frame starts on that frame exactly, as an image-to-video or first-last-frame model
  // does, and blends into the animation: the cut from the shot it continues does not jump. (A composite is
  // a layout of references, not a frame to start on.)
  const start = startImage(request);
  if (start === null) {
    graph.push(`[${current}]${finishing.join(",")}[vout]`);
  } else {
    const blend = Math.min(START_BLEND_SECONDS, durationSeconds / 4);
    const startInput = inputs.length;
    inputs.push(imageInput(start, fps, blend + 1 / fps));
    graph.push(`[${current}]${finishing.join(",")}[animated]`);
    graph.push(
      `[${startInput}:v]scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,` +
        `format=yuva420p,fade=t=out:st=0:d=${num(blend)}:alpha=1[start]`,
    );
    graph.push(`[animated][start]overlay=eof_action=pass:format=auto,format=yuv420p[vout]`);
  }

  return { inputs, filterComplex: graph.join(";"), outputOptions: mp4Options(request), output: outputPath };
}

/**
 * The figures' sizes: by the frame's height, and smaller when the group with its sideways movement would
 * not fit the frame's width (several people in a portrait or square frame), so no one is cut off.
 */
function figureSizes(
  request: ClipRequest,
  width: number,
  height: number,
  strength: number,
  durationSeconds: number,
): FigureSize[] {
  const byHeight = request.characters.map((character) => figureSize(character.profile, height));
  if (byHeight.length === 0) return byHeight;
  const widest = Math.max(...byHeight.map((size) => size.width));
  const group = widest * (1 + 0.85 * (byHeight.length - 1));
  // A walk's travel is a share of the frame's width whatever the figures' size; the rest must hold the group.
  const travel = Math.max(
    ...byHeight.map((size) => actionMotion(request.action, strength, size, width, durationSeconds, 1).travel),
  );
  const room = width * 0.96 - travel;
  if (group <= room) return byHeight;
  const scale = Math.max(0.3, room / group);
  return request.characters.map((character) => figureSize(character.profile, height * scale));
}

/** A phase in [0, 1) from the seed, spread so that neighbouring seeds start far apart in the cycle. */
export function seedPhase(seed: number): number {
  return (Math.abs(Math.imul(seed | 0, 2654435761)) % 1000) / 1000;
}

/**
 * Scenery layout belongs to the place, not to the take: seeding it from the location id keeps trees and
 * buildings where they were in every shot and in the location's reference still. The take seed is the
 * fallback for shots without a location.
 */
export function sceneryLayoutSeed(request: Pick<ClipRequest, "location" | "seed">): number {
  return request.location === null ? request.seed : seedFrom(request.location.id);
}

function stillOptions(): string[] {
  // -update 1 writes one image file rather than an image sequence pattern.
  return ["-map", "[vout]", "-frames:v", "1", "-update", "1", "-pix_fmt", "rgb24"];
}

/** The character's master reference: standing, centred, on plain grey. */
export function renderCharacterReferenceSpec(
  profile: VisualProfile,
  outputPath: string,
  options: { width: number; height: number },
): FfmpegSpec {
  const { width, height } = options;
  const size = figureSize(profile, height);
  const left = Math.round((width - size.width) / 2);
  const top = Math.round((height - size.height) / 2);
  const canvas = { width, height };
  const boxes = figureBoxes(profile, size, "stand", 0, 0)
    .map((box) => drawbox({ ...box, x: box.x + left, y: box.y + top }, canvas))
    .filter((filter): filter is string => filter !== null);
  return {
    inputs: [lavfiColor(ffColor(REFERENCE_BACKGROUND), width, height, 1, 1)],
    filterComplex: `[0:v]format=rgb24,${boxes.join(",")}[vout]`,
    outputOptions: stillOptions(),
    output: outputPath,
  };
}

/** The location's master reference: its background as framed by a camera at rest. */
export function renderLocationReferenceSpec(
  look: LocationLook,
  seed: number,
  outputPath: string,
  options: { width: number; height: number },
): FfmpegSpec {
  const { width, height } = options;
  const framing: Framing = {
    canvasWidth: width,
    canvasHeight: height,
    frameX: 0,
    frameY: 0,
    frameWidth: width,
    frameHeight: height,
  };
  const filters = sceneryFilters(look, seed, framing);
  return {
    inputs: [lavfiColor(ffColor(look.sky), width, height, 1, 1)],
    filterComplex: `[0:v]${["format=rgb24", ...filters].join(",")}[vout]`,
    outputOptions: stillOptions(),
    output: outputPath,
  };
}
