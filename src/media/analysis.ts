/**
 * One decode pass measures everything verification needs from the pixels and the sound. The picture is
 * split: a 320-wide nearest-neighbour copy feeds freezedetect, blackdetect and signalstats (frame
 * brightness for flicker, the mean difference from the previous frame for flicker and duplicated frames,
 * and a count of the frames actually decoded); two frames a second, at native
 * size but cropped to their central 640x360 at most, feed blurdetect: edge widths are only meaningful at
 * native size, the subject is usually central, and the crop keeps the edge search cheap. blurdetect's
 * own summary turns to NaN as soon as one frame has no edges (a black frame), so each frame's value is
 * printed and the finite ones averaged. The sound runs
 * through astats (peak, RMS), silencedetect and ebur128 (integrated loudness, true peak) in series.
 */
import { parseBlackIntervals, parseBlurMean, parseFreezeIntervals, type Interval } from "./detections.js";
import { runFfmpeg, type FfmpegSpec, type ProbeResult } from "./runner.js";

export interface AudioMeasures {
  peakDb: number | null;
  rmsDb: number | null;
  integratedLufs: number | null;
  truePeakDbtp: number | null;
  silence: Interval[];
}

export interface Analysis {
  decodedFrames: number;
  frozen: Interval[];
  black: Interval[];
  /** Mean edge width over the sampled frames that had edges; null when none had. */
  blurMean: number | null;
  /** Sampled frames blurdetect measured, and how many it could not (no edges: black or flat). */
  blurFrames?: { measured: number; unmeasured: number };
  /** Mean luma (0–255) of every decoded frame, in order. */
  luma: number[];
  /** Mean absolute luma difference (0–255) of every decoded frame from the previous one (0 for the first). */
  difference?: number[];
  audio: AudioMeasures | null;
}

const BLUR_WINDOW = { width: 640, height: 360 };
/** Silence is sound below -50 dBFS for at least half a second. */
const SILENCE = "silencedetect=n=-50dB:d=0.5";

export function buildAnalysisSpec(path: string, facts: Pick<ProbeResult, "width" | "height" | "hasAudio">): FfmpegSpec {
  const cropWidth = Math.min(facts.width, BLUR_WINDOW.width);
  const cropHeight = Math.min(facts.height, BLUR_WINDOW.height);
  const crop = cropWidth < facts.width || cropHeight < facts.height ? `crop=${cropWidth}:${cropHeight},` : "";
  const graph = [
    "[0:v]split=2[small][full]",
    "[small]scale=320:-2:flags=neighbor,freezedetect=n=0.001:d=0.5,blackdetect=d=0.2:pix_th=0.1," +
      "signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG,metadata=mode=print:key=lavfi.signalstats.YDIF[vstats]",
    `[full]fps=2,${crop}blurdetect,metadata=mode=print:key=lavfi.blur,nullsink`,
  ];
  const outputOptions = ["-map", "[vstats]"];
  if (facts.hasAudio) {
    graph.push(`[0:a:0]astats=metadata=0,${SILENCE},ebur128=peak=true:framelog=verbose[astats]`);
    outputOptions.push("-map", "[astats]");
  }
  return {
    inputs: [{ source: `file:${path}`, options: [] }],
    filterComplex: graph.join(";"),
    outputOptions,
    output: "-",
  };
}

function numberAfter(text: string, pattern: RegExp): number | null {
  const match = pattern.exec(text);
  if (match === null) return null;
  if (match[1] === "-inf") return -Infinity;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}

export function parseSilence(stderr: string, durationSeconds: number): Interval[] {
  const intervals: Interval[] = [];
  let open: number | null = null;
  for (const line of stderr.split(/\r?\n/)) {
    const start = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (start) open = Math.max(0, Number(start[1]));
    const end = /silence_end:\s*(-?[\d.]+)/.exec(line);
    if (end && open !== null) {
      intervals.push({ start: open, end: Number(end[1]) });
      open = null;
    }
  }
  if (open !== null && durationSeconds > open) intervals.push({ start: open, end: durationSeconds });
  return intervals;
}

/** astats' overall section, ebur128's summary and silencedetect's intervals. */
export function parseAudioMeasures(stderr: string, durationSeconds: number): AudioMeasures {
  const overallAt = stderr.lastIndexOf("Overall");
  const overall = overallAt < 0 ? "" : stderr.slice(overallAt);
  const summaryAt = stderr.lastIndexOf("Summary:");
  const summary = summaryAt < 0 ? "" : stderr.slice(summaryAt);
  const truePeakAt = summary.indexOf("True peak:");
  return {
    peakDb: numberAfter(overall, /Peak level dB:\s*(-inf|-?[\d.]+)/),
    rmsDb: numberAfter(overall, /RMS level dB:\s*(-inf|-?[\d.]+)/),
    integratedLufs: numberAfter(summary, /I:\s*(-inf|-?[\d.]+)\s*LUFS/),
    truePeakDbtp: truePeakAt < 0 ? null : numberAfter(summary.slice(truePeakAt), /Peak:\s*(-inf|-?[\d.]+)/),
    silence: parseSilence(stderr, durationSeconds),
  };
}

export function parseLuma(stderr: string): number[] {
  return [...stderr.matchAll(/lavfi\.signalstats\.YAVG=([\d.]+)/g)].map((match) => Number(match[1]));
}

export function parseDifferences(stderr: string): number[] {
  return [...stderr.matchAll(/lavfi\.signalstats\.YDIF=([\d.e+-]+)/g)].map((match) => Number(match[1]) || 0);
}

/** Per-frame edge widths (`lavfi.blur=4.41`, or `-nan` for a frame without edges). */
export function parseBlurFrames(stderr: string): { mean: number | null; measured: number; unmeasured: number } {
  const values = [...stderr.matchAll(/lavfi\.blur=(\S+)/g)].map((match) => Number(match[1]));
  const finite = values.filter((value) => Number.isFinite(value));
  if (values.length === 0) {
    // An older log with only the summary line.
    const mean = parseBlurMean(stderr);
    return { mean, measured: mean === null ? 0 : 1, unmeasured: 0 };
  }
  return {
    mean: finite.length === 0 ? null : finite.reduce((sum, value) => sum + value, 0) / finite.length,
    measured: finite.length,
    unmeasured: values.length - finite.length,
  };
}

export function parseAnalysis(stderr: string, durationSeconds: number, hasAudio: boolean): Analysis {
  const luma = parseLuma(stderr);
  const blur = parseBlurFrames(stderr);
  return {
    decodedFrames: luma.length,
    frozen: parseFreezeIntervals(stderr, durationSeconds),
    black: parseBlackIntervals(stderr),
    blurMean: blur.mean,
    blurFrames: { measured: blur.measured, unmeasured: blur.unmeasured },
    luma,
    difference: parseDifferences(stderr),
    audio: hasAudio ? parseAudioMeasures(stderr, durationSeconds) : null,
  };
}

/**
 * Flicker: frames where brightness jumps by more than `step` (0–255) and the previous frame jumped the
 * other way by more than `step` too. Cuts and fades move one way and do not count; a strobing light does.
 */
export function flickerFrames(luma: number[], step = 3): number {
  let count = 0;
  for (let index = 2; index < luma.length; index++) {
    const previous = luma[index - 1]! - luma[index - 2]!;
    const current = luma[index]! - luma[index - 1]!;
    if (Math.abs(previous) > step && Math.abs(current) > step && Math.sign(previous) !== Math.sign(current)) count++;
  }
  return count;
}

export async function analyseMedia(
  path: string,
  facts: Pick<ProbeResult, "width" | "height" | "hasAudio" | "durationSeconds">,
  timeoutMs = 120_000,
): Promise<Analysis> {
  const { stderr } = await runFfmpeg(buildAnalysisSpec(path, facts), { timeoutMs });
  return parseAnalysis(stderr, facts.durationSeconds, facts.hasAudio);
}
