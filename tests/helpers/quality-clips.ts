/** Short real clips (320x180, ≤ 3 s) for the quality checks, each showing one defect a viewer sees. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SIZE = "320x180";
const RATE = 24;
const X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
/** Fractal zoom: edges everywhere and no periodic pattern, closer to footage than a test card. */
const MOVING = (seconds: number, rate = RATE) => `mandelbrot=size=${SIZE}:rate=${rate},trim=duration=${seconds}`;

async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-y", "-v", "error", ...args]);
}

export async function cleanClip(directory: string, name = "clean.mp4", seconds = 2): Promise<string> {
  const path = join(directory, name);
  await ffmpeg(["-f", "lavfi", "-i", MOVING(seconds), ...X264, path]);
  return path;
}

/** Moving picture, `blackSeconds` of black in the middle, moving picture again. */
export async function blackInsideClip(directory: string, blackSeconds: number, totalSeconds: number): Promise<string> {
  const path = join(directory, `black-${blackSeconds}.mp4`);
  const side = (totalSeconds - blackSeconds) / 2;
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    MOVING(side),
    "-f",
    "lavfi",
    "-i",
    `color=black:size=${SIZE}:rate=${RATE}:duration=${blackSeconds}`,
    "-f",
    "lavfi",
    "-i",
    `${MOVING(side * 2)},trim=start=${side},setpts=PTS-STARTPTS`,
    "-filter_complex",
    "[0][1][2]concat=n=3[v]",
    "-map",
    "[v]",
    ...X264,
    path,
  ]);
  return path;
}

/** 8 fps content with each frame repeated to fill 24 fps. */
export async function stutterClip(directory: string): Promise<string> {
  const path = join(directory, "stutter.mp4");
  await ffmpeg(["-f", "lavfi", "-i", MOVING(2, 8), "-vf", `fps=${RATE}`, ...X264, path]);
  return path;
}

/** A double exposure: the picture and a copy shifted 12,6 px, half opacity each, all clip long. */
export async function ghostClip(directory: string): Promise<string> {
  const path = join(directory, "ghost.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    MOVING(2),
    "-vf",
    "split[a][b];[b]crop=iw-12:ih-6:0:0,pad=iw+12:ih+6:12:6[c];[a][c]blend=all_mode=average",
    ...X264,
    path,
  ]);
  return path;
}

/** Starved encode: 25 kb/s leaves the picture in blocks. */
export async function blockyClip(directory: string): Promise<string> {
  const path = join(directory, "blocky.mp4");
  await ffmpeg(["-f", "lavfi", "-i", MOVING(2), ...X264, "-b:v", "25k", path]);
  return path;
}

/** A flat drawing (a box moving over grey) at an ordinary quality: few bits, and nothing starved. */
export async function flatDrawingClip(directory: string): Promise<string> {
  const path = join(directory, "flat.mp4");
  const drawing = `color=c=0x808080:size=${SIZE}:rate=${RATE},trim=duration=2,drawbox=x='20+100*t':y=60:w=30:h=60:color=0xd04020:t=fill`;
  await ffmpeg(["-f", "lavfi", "-i", drawing, ...X264, "-crf", "23", path]);
  return path;
}

/** A mild grade (darker, a little less saturated): a look, not a defect. */
export async function gradedClip(directory: string): Promise<string> {
  const path = join(directory, "graded.mp4");
  await ffmpeg(["-f", "lavfi", "-i", MOVING(2), "-vf", "eq=brightness=-0.08:saturation=0.9", ...X264, path]);
  return path;
}

/** Moving picture over quiet room tone (pink noise, about -27 LUFS), sound exactly as long. */
export async function roomToneClip(directory: string): Promise<string> {
  const path = join(directory, "room-tone.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    MOVING(2),
    "-f",
    "lavfi",
    "-i",
    "anoisesrc=color=pink:amplitude=0.24:sample_rate=48000:duration=2",
    ...X264,
    "-c:a",
    "aac",
    "-b:a",
    "96k",
    "-shortest",
    path,
  ]);
  return path;
}

/** All black: nothing for blurdetect to measure. */
export async function blackClip(directory: string): Promise<string> {
  const path = join(directory, "all-black.mp4");
  await ffmpeg(["-f", "lavfi", "-i", `color=black:size=${SIZE}:rate=${RATE}:duration=1`, ...X264, path]);
  return path;
}
