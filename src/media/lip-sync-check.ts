/**
 * The lip-sync check: every spoken line must fall inside a shot that shows its speaker (its interval in
 * the delivered take inside the shot's), and, where the mouth can be measured (a picture the local
 * renderer drew, whose mouths are painted in a known colour), the speaker's mouth must move with the
 * voice: mouth area and loudness, frame by frame over the line, must correlate. In a picture a model made
 * the lips are found by face landmarks (face-api's 68 points, offline) on frames sampled over each line and
 * their correlation is reported without grading (it has no labelled corpus to be calibrated on); where no
 * face is found the mouth is reported as not measured, never as a failure. Lines whose own recordings are
 * known are found in the take's sound (av-sync.ts): sound more than 90 ms early or 185 ms late fails.
 */
import type { QualityCheck } from "../domain.js";
import { syncVerdict, type LineSync } from "./av-sync.js";
import { correlation, mouthAreaPerFrame } from "./mouth-measure.js";
import { makeCheck, notMeasured } from "./quality-signal.js";
import { facesInClip, loadFaceModel, type FaceModel } from "./faces.js";
import { probe } from "./runner.js";
import { loudnessPerFrame } from "./speech.js";

export interface TimedLine {
  character: string;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

export interface TimedShot {
  index: number;
  startSeconds: number;
  endSeconds: number;
  characters: string[];
}

/** Slack at either edge of a shot, for frame rounding in assembly. */
const EDGE_SECONDS = 0.05;
/** Correlation of mouth area with loudness below which the mouth is judged not to follow the voice. */
export const MOUTH_CORRELATION_FLOOR = 0.3;

/** The shot a line is spoken in (inside it, its speaker on screen), or null. */
export function speakingShotOf(line: TimedLine, shots: TimedShot[]): TimedShot | null {
  const speaker = line.character.toLowerCase();
  return (
    shots.find(
      (shot) =>
        shot.characters.some((name) => name.toLowerCase() === speaker) &&
        line.startSeconds >= shot.startSeconds - EDGE_SECONDS &&
        line.endSeconds <= shot.endSeconds + EDGE_SECONDS,
    ) ?? null
  );
}

/** Lines not inside a shot that shows their speaker, in words. */
export function timingProblems(lines: TimedLine[], shots: TimedShot[]): string[] {
  return lines
    .filter((line) => speakingShotOf(line, shots) === null)
    .map(
      (line) =>
        `${line.character}'s "${line.text.slice(0, 30)}" (${line.startSeconds.toFixed(2)}–${line.endSeconds.toFixed(2)} s) ` +
        `is not inside a shot showing ${line.character}`,
    );
}

export interface MouthSource {
  /** The delivered take: its picture and its sound. */
  path: string;
  width: number;
  height: number;
  fps: number;
  /** Each speaker's painted mouth colour; null when the picture was not drawn by the local renderer. */
  mouthColours: Record<string, string> | null;
  timeoutMs: number;
}

/**
 * How well each measurable speaker's mouth follows the take's sound over its lines: the lowest correlation,
 * or why it could not be measured.
 */
export async function mouthFollowsVoice(
  lines: TimedLine[],
  source: MouthSource,
): Promise<{ correlation: number } | { notMeasured: string }> {
  if (source.mouthColours === null) return lipsFollowVoice(lines, source);
  const frames = (line: TimedLine) => ({
    from: Math.max(0, Math.floor(line.startSeconds * source.fps)),
    to: Math.ceil(line.endSeconds * source.fps),
  });
  const totalFrames = Math.max(...lines.map((line) => frames(line).to));
  const loudness = await loudnessPerFrame(source.path, totalFrames, source.fps, source.timeoutMs);
  if (loudness === null) return { notMeasured: "the take's sound could not be decoded" };
  const correlations: number[] = [];
  const areas = new Map<string, number[] | null>();
  for (const line of lines) {
    const colour = source.mouthColours[line.character];
    if (colour === undefined) continue;
    if (!areas.has(colour)) areas.set(colour, await mouthAreaPerFrame(source.path, source, colour, source.timeoutMs));
    const area = areas.get(colour);
    if (area === null || area === undefined) return { notMeasured: "the take's picture could not be decoded" };
    const { from, to } = frames(line);
    const value = correlation(area.slice(from, to), loudness.slice(from, to));
    if (value !== null) correlations.push(value);
  }
  if (correlations.length === 0) return { notMeasured: "no speaker's mouth or voice varied over its lines" };
  return { correlation: Math.min(...correlations) };
}

/**
 * The check: the timing rule always; the mouth comparison where it can be measured. Its score is the share
 * of lines in a speaking shot, lowered to the mouth's correlation when that is measured and weaker.
 */
export async function checkLipSync(
  lines: TimedLine[],
  shots: TimedShot[],
  source: MouthSource | null,
  threshold: number,
  sync: LineSync[] | null = null,
): Promise<QualityCheck> {
  if (lines.length === 0) return notMeasured("lip-sync", threshold, "not measured: nobody speaks in the take");
  const problems = timingProblems(lines, shots);
  const timing = 1 - problems.length / lines.length;
  const placed = lines.filter((line) => speakingShotOf(line, shots) !== null);
  const mouth =
    source === null || placed.length === 0
      ? { notMeasured: "no picture to measure" }
      : await mouthFollowsVoice(placed, source).catch((error: unknown) => ({
          notMeasured: `the measurement failed (${error instanceof Error ? error.message : String(error)})`,
        }));
  const timingWords =
    problems.length === 0
      ? `all ${lines.length} line(s) fall inside a shot showing their speaker`
      : problems.join("; ");
  // Lips found by face landmarks in a model's picture are reported, not graded: no labelled footage of
  // people talking ships in a package to calibrate that measure on, and a grade decides what is paid for
  // again. The painted mouths of the local renderer's own drawings are graded.
  const graded = "correlation" in mouth && source !== null && source.mouthColours !== null;
  const mouthWords =
    "correlation" in mouth
      ? `mouth movement follows the voice with correlation ${mouth.correlation.toFixed(2)}` +
        (graded ? ` (floor ${MOUTH_CORRELATION_FLOOR})` : " (face landmarks: reported, not graded)")
      : `mouth movement not measured: ${mouth.notMeasured}`;
  const mouthFails = graded && mouth.correlation < MOUTH_CORRELATION_FLOOR;
  // The lines' sound against their places, where their recordings were found in the take's sound.
  const heard = sync === null ? null : syncVerdict(sync, threshold);
  const soundFails = heard !== null && heard.problems.length > 0;
  const score = Math.min(
    graded ? Math.min(timing, Math.max(0, mouth.correlation) + 0.5) : timing,
    heard?.measured ? heard.score : 1,
  );
  const details = `${timingWords}; ${mouthWords}` + (heard === null ? "" : `; ${heard.words}`);
  return makeCheck("lip-sync", score, threshold, details, problems.length > 0 || mouthFails || soundFails);
}

/** Frames sampled per second of a line for face landmarks (each costs a detection). */
const LIP_SAMPLES_PER_SECOND = 6;
/** At most this many frames are sampled over all lines. */
const MAX_LIP_SAMPLES = 36;

/**
 * The lips of the largest face, sampled over each line, against the sound's loudness at the same times:
 * the lowest correlation over the lines, or why it could not be measured (no face model, too few faces).
 */
export async function lipsFollowVoice(
  lines: TimedLine[],
  source: MouthSource,
  options: { model?: () => Promise<FaceModel> } = {},
): Promise<{ correlation: number } | { notMeasured: string }> {
  let model: FaceModel;
  try {
    model = await (options.model ?? loadFaceModel)();
  } catch (error) {
    return { notMeasured: (error as Error).message };
  }
  const { durationSeconds } = await probe(source.path, { requireVideo: true });
  const spoken = lines.reduce((sum, line) => sum + (line.endSeconds - line.startSeconds), 0);
  const rate = Math.min(LIP_SAMPLES_PER_SECOND, MAX_LIP_SAMPLES / Math.max(spoken, 1e-3));
  const loudness = await loudnessPerFrame(source.path, Math.ceil(durationSeconds * rate), rate, source.timeoutMs);
  if (loudness === null) return { notMeasured: "the take's sound could not be decoded" };
  const correlations: number[] = [];
  let sampled = 0;
  let withFace = 0;
  for (const line of lines) {
    const indices: number[] = [];
    for (let index = Math.ceil(line.startSeconds * rate); index / rate < line.endSeconds; index++) indices.push(index);
    if (indices.length < 3) continue;
    const faces = await facesInClip(
      source.path,
      model,
      indices.map((index) => Math.min(1, index / rate / durationSeconds)),
    );
    sampled += indices.length;
    const lips: number[] = [];
    const voice: number[] = [];
    faces.forEach((found, position) => {
      const opening = found[0]?.mouthOpening;
      if (opening === undefined) return;
      withFace++;
      lips.push(opening);
      voice.push(loudness[indices[position]!] ?? 0);
    });
    const value = lips.length >= 3 ? correlation(lips, voice) : null;
    if (value !== null) correlations.push(value);
  }
  if (withFace < sampled / 2)
    return { notMeasured: `a face's lips were found in ${withFace} of ${sampled} frames sampled over the lines` };
  if (correlations.length === 0)
    return {
      notMeasured: `neither lips nor voice varied over the lines (lips found in ${withFace} of ${sampled} frames)`,
    };
  return { correlation: Math.min(...correlations) };
}
