/** What the checks of one file share: the threshold, and measurements already taken of the same file. */
import type { Analysis } from "./analysis.js";
import { probe, type ProbeResult } from "./runner.js";

export interface CheckOptions {
  threshold?: number;
  /** Facts already probed from the same file, to skip probing again. */
  probed?: ProbeResult;
  /** Key-frame histograms already decoded from the same file (consistency checks share them). */
  keyFrames?: Float64Array[];
  /** The one-pass measurements of the same file, shared by the motion, clarity, fps and audio checks. */
  analysis?: Analysis;
}

/** The file's probed facts, probed now unless the options carry them. */
export async function factsOf(path: string, options: CheckOptions): Promise<ProbeResult> {
  return options.probed ?? probe(path, { requireVideo: true });
}
