/**
 * Real photographs of faces for the face tests, from the sample photos @vladmandic/face-api ships in its
 * demo/ folder (group photos, 1920 px wide, one person per face). Two different women from two of them give
 * a same-person and a different-person case; a corner of a third with no one in it gives a clip with no face.
 * Nothing is downloaded.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { runFfmpeg } from "../../src/media/runner.js";

const require = createRequire(import.meta.url);
const demoDirectory = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "demo");

interface Region {
  photo: string;
  /** Centre of the region in the photo's pixels. */
  centreX: number;
  centreY: number;
  /** Width of the wide view the clips zoom into (height 3/4 of it). */
  viewWidth: number;
}

/** The woman on the right of sample1.jpg (face box about 203x240 at 1476,199). */
export const personA: Region = { photo: "sample1.jpg", centreX: 1577, centreY: 360, viewWidth: 960 };
/** The woman on the right of sample6.jpg (face box about 211x295 at 1487,262). */
export const personB: Region = { photo: "sample6.jpg", centreX: 1592, centreY: 430, viewWidth: 960 };
/** The staircase on the left of sample5.jpg: wood and railings, no one. */
export const noOne: Region = { photo: "sample5.jpg", centreX: 280, centreY: 300, viewWidth: 400 };

function cropFilter(region: Region, width: number, height: number): string {
  return `crop=${width}:${height}:${region.centreX - width / 2}:${region.centreY - height / 2}`;
}

/** A 640x480 head-and-shoulders still of the region, as a reference photo would be. */
export async function photoStill(region: Region, output: string): Promise<string> {
  await runFfmpeg(
    {
      inputs: [{ source: join(demoDirectory, region.photo), options: [] }],
      filterComplex: null,
      outputOptions: ["-vf", cropFilter(region, 640, 480), "-frames:v", "1"],
      output,
    },
    { timeoutMs: 30_000 },
  );
  return output;
}

/**
 * A 2 s 320x240 clip slowly zooming (1 → 1.3) into a wider view of the region, optionally colour
 * graded with an ffmpeg filter such as "eq=brightness=-0.08:saturation=0.9".
 */
export async function photoClip(region: Region, output: string, grade: string | null = null): Promise<string> {
  const filters = [
    cropFilter(region, region.viewWidth, (region.viewWidth * 3) / 4),
    // d=1: one output frame per looped input frame; x/y keep the zoom centred.
    "zoompan=z='1+0.3*on/48':d=1:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':s=320x240:fps=24",
    ...(grade === null ? [] : [grade]),
    "format=yuv420p",
  ];
  await runFfmpeg(
    {
      inputs: [{ source: join(demoDirectory, region.photo), options: ["-loop", "1", "-framerate", "24", "-t", "2"] }],
      filterComplex: null,
      outputOptions: ["-vf", filters.join(","), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-an"],
      output,
    },
    { timeoutMs: 60_000 },
  );
  return output;
}
