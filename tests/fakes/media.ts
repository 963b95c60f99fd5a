/** Small real media files for the fakes to serve: an H.264 test pattern, a PNG still, spoken audio. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Renders one of ffmpeg's generated sources (lavfi) into a file, with the given output options. */
export async function renderLavfi(source: string, outputOptions: string[], path: string): Promise<string> {
  await run("ffmpeg", ["-y", "-v", "error", "-f", "lavfi", "-i", source, ...outputOptions, path]);
  return path;
}

/** A 320x180, 12 fps H.264 clip of ffmpeg's test pattern. */
export async function renderTestClip(directory: string, seconds = 2, name = "fal-result.mp4"): Promise<string> {
  return renderLavfi(
    `testsrc=size=320x180:rate=12:duration=${seconds}`,
    ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    join(directory, name),
  );
}

/** A 640x360 PNG still (a different size on purpose, so uploads and conforming are exercised). */
export async function renderTestImage(directory: string, name = "still.png", colour = "teal"): Promise<string> {
  return renderLavfi(`color=c=${colour}:size=640x360`, ["-frames:v", "1"], join(directory, name));
}

/** Spoken words as MP3 bytes (espeak-ng, falling back to ffmpeg's flite), like a TTS service returns. */
export async function speechMp3(directory: string, text: string, name = "speech.mp3"): Promise<string> {
  const wav = join(directory, `${name}.wav`);
  const path = join(directory, name);
  try {
    await run("espeak-ng", ["-w", wav, "--", text]);
  } catch {
    await renderLavfi("flite=text=hello:voice=slt", [], wav);
  }
  await run("ffmpeg", ["-y", "-v", "error", "-i", wav, "-c:a", "libmp3lame", "-b:a", "64k", "-ar", "44100", path]);
  return path;
}
