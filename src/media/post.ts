/**
 * Post-processing of a clip: stabilization, denoise, a colour grade preset or a custom .cube LUT, and
 * sharpening, re-encoded as H.264 with any audio copied. postFilters() is shared with scene assembly,
 * which applies the same chain inside its one render.
 */
import { CutroomError } from "../errors.js";
import { escapeFilterValue, num } from "./filtergraph.js";
import { runFfmpeg, type FfmpegSpec, type RunOptions } from "./runner.js";

export const COLOR_GRADES = ["natural", "cinematic", "warm", "cool", "high-contrast"] as const;
export type ColorGrade = (typeof COLOR_GRADES)[number];

export interface PostProcessOptions {
  colorGrade: ColorGrade | null;
  /** 0..1; null or 0 leaves sharpness alone. */
  sharpen: number | null;
  denoise: boolean;
  /** Single-pass stabilization with ffmpeg's deshake (vid.stab would need a second pass and a transforms file). */
  stabilization?: boolean;
  /** A validated .cube file (see lut.ts), applied after the preset. */
  lutPath?: string | null;
}

export function hasPostProcessing(options: PostProcessOptions | null): boolean {
  if (options === null) return false;
  return (
    options.colorGrade !== null ||
    (options.sharpen ?? 0) > 0 ||
    options.denoise ||
    options.stabilization === true ||
    (options.lutPath ?? null) !== null
  );
}

/** Grade presets built from cheap per-pixel filters (eq, colorbalance, curves), no LUT files needed. */
const GRADES: Record<ColorGrade, string[]> = {
  natural: ["eq=contrast=1.03:saturation=1.05"],
  // Teal shadows, warm highlights, slightly crushed blacks and less saturation: the usual film look.
  cinematic: [
    "colorbalance=rs=-0.08:bs=0.08:rh=0.06:bh=-0.06",
    "curves=master=0/0.03 0.5/0.47 1/0.97",
    "eq=saturation=0.9",
  ],
  warm: ["colorbalance=rs=0.06:rm=0.05:rh=0.04:bs=-0.05:bm=-0.05", "eq=saturation=1.08"],
  cool: ["colorbalance=bs=0.06:bm=0.05:bh=0.03:rs=-0.04:rm=-0.04"],
  "high-contrast": ["curves=preset=strong_contrast", "eq=saturation=1.1"],
};

/** The filter chain for the options, in the order that keeps artefacts down; empty when nothing is asked. */
export function postFilters(options: PostProcessOptions): string[] {
  const sharpen = options.sharpen ?? 0;
  if (!(sharpen >= 0 && sharpen <= 1)) {
    throw new CutroomError("INVALID_INPUT", `sharpen must be from 0 to 1 or null; got ${options.sharpen}`, {
      field: "sharpen",
    });
  }
  if (options.colorGrade !== null && !(COLOR_GRADES as readonly string[]).includes(options.colorGrade)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `colorGrade must be one of ${COLOR_GRADES.join(", ")} or null; got ${options.colorGrade}`,
      { field: "colorGrade" },
    );
  }
  const filters: string[] = [];
  // Stabilize on the untouched picture: grading and sharpening would give the motion search false edges.
  if (options.stabilization === true) filters.push("deshake=rx=32:ry=32:edge=mirror");
  // Denoise before sharpening so sharpening does not amplify the noise.
  if (options.denoise) filters.push("hqdn3d=3:2:4:3");
  if (options.colorGrade !== null) filters.push(...GRADES[options.colorGrade]);
  const lut = options.lutPath ?? null;
  if (lut !== null) filters.push(`lut3d=file=${escapeFilterValue(lut)}:interp=tetrahedral`);
  // unsharp luma amount up to 1.5 on a 5x5 matrix: visible but short of halos.
  if (sharpen > 0) filters.push(`unsharp=5:5:${num(1.5 * sharpen, 3)}:5:5:0`);
  return filters;
}

export function buildPostProcessSpec(inputPath: string, outputPath: string, options: PostProcessOptions): FfmpegSpec {
  const filters = [...postFilters(options), "format=yuv420p"];
  const graph = `[0:v]${filters.join(",")}[vout]`;
  return {
    inputs: [{ source: `file:${inputPath}`, options: [] }],
    filterComplex: graph,
    outputOptions: [
      "-map",
      "[vout]",
      "-map",
      "0:a?",
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-crf",
      "18",
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "copy",
      "-movflags",
      "+faststart",
    ],
    output: outputPath,
  };
}

export async function postProcess(
  inputPath: string,
  outputPath: string,
  options: PostProcessOptions,
  runOptions: RunOptions = {},
): Promise<string> {
  await runFfmpeg(buildPostProcessSpec(inputPath, outputPath, options), runOptions);
  return outputPath;
}
