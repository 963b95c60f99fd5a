/**
 * Filter graphs for scene assembly. Every clip is normalized to the scene's target (size with padding,
 * square pixels, frame rate, pixel format, timebase — xfade needs identical timebases), trimmed, re-timed
 * and cut to its exact frame count; its sound is trimmed, tempo-matched and cut to the same length, or
 * synthesized as silence when the clip has none. Clips are then joined pairwise by concat (cut) or
 * xfade/acrossfade (overlapping transitions), following the timing rule in assemble.ts.
 */
import {
  clipFrames,
  orderScene,
  sceneFrames,
  transitionFrames,
  validateScene,
  XFADE,
  type SceneClip,
  type SceneTarget,
  type SceneTransition,
} from "./assemble.js";
import { buildTrackMixGraph, SAMPLE_RATE, TRACK_FORMAT, type LoudnessStep, type MixTrack } from "./audio.js";
import { num } from "./filtergraph.js";
import { postFilters, type PostProcessOptions } from "./post.js";
import type { FfmpegSpec } from "./runner.js";

/** atempo takes factors from 0.5 to 2 per instance (a wider range distorts), so larger changes are chained. */
export function atempoChain(speed: number): string[] {
  const factors: number[] = [];
  let rest = speed;
  while (rest > 2) {
    factors.push(2);
    rest /= 2;
  }
  while (rest < 0.5) {
    factors.push(0.5);
    rest /= 0.5;
  }
  if (Math.abs(rest - 1) > 1e-9) factors.push(rest);
  return factors.map((factor) => `atempo=${num(factor, 6)}`);
}

function samplesFor(frames: number, fps: number): number {
  return Math.round((frames / fps) * SAMPLE_RATE);
}

export function videoChain(input: number, clip: SceneClip, target: SceneTarget, label: string): string {
  const end = clip.durationSeconds - clip.trimEnd;
  const frames = clipFrames(clip, target.fps);
  return (
    `[${input}:v]setpts=PTS-STARTPTS,trim=start=${num(clip.trimStart, 6)}:end=${num(end, 6)},` +
    `setpts=(PTS-STARTPTS)/${num(clip.speedMultiplier, 6)},` +
    `scale=${target.width}:${target.height}:force_original_aspect_ratio=decrease,` +
    `pad=${target.width}:${target.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${target.fps},format=yuv420p,` +
    // The fps filter may land one frame short or long of the rule: clone the last frame, then cut exactly.
    `tpad=stop_mode=clone:stop_duration=1,trim=end_frame=${frames},setpts=PTS-STARTPTS,settb=AVTB[${label}]`
  );
}

export function audioChain(input: number | null, clip: SceneClip, fps: number, label: string): string {
  const samples = samplesFor(clipFrames(clip, fps), fps);
  if (input === null) {
    return `anullsrc=r=${SAMPLE_RATE}:cl=stereo,${TRACK_FORMAT},atrim=end_sample=${samples}[${label}]`;
  }
  const end = clip.durationSeconds - clip.trimEnd;
  const filters = [
    "asetpts=PTS-STARTPTS",
    `atrim=start=${num(clip.trimStart, 6)}:end=${num(end, 6)}`,
    "asetpts=PTS-STARTPTS",
    ...atempoChain(clip.speedMultiplier),
    TRACK_FORMAT,
    // A clip's sound may end before its picture: pad with silence, then cut to the picture's length.
    "apad",
    `atrim=end_sample=${samples}`,
  ];
  return `[${input}:a]${filters.join(",")}[${label}]`;
}

/** Joins labelled per-clip streams; returns the graph lines and the final label. */
function join(
  kind: "v" | "a",
  labels: string[],
  clips: SceneClip[],
  joins: Array<SceneTransition | null>,
  fps: number,
): { lines: string[]; label: string } {
  const lines: string[] = [];
  let current = labels[0]!;
  let elapsed = clipFrames(clips[0]!, fps);
  for (let index = 1; index < labels.length; index++) {
    const transition = joins[index - 1] ?? null;
    const overlap = transitionFrames(transition, fps);
    const label = `${kind}j${index}`;
    if (transition === null || transition.type === "cut" || overlap === 0) {
      lines.push(
        kind === "v"
          ? `[${current}][${labels[index]}]concat=n=2:v=1:a=0,settb=AVTB[${label}]`
          : `[${current}][${labels[index]}]concat=n=2:v=0:a=1[${label}]`,
      );
    } else if (kind === "v") {
      const offset = (elapsed - overlap) / fps;
      lines.push(
        `[${current}][${labels[index]}]xfade=transition=${XFADE[transition.type]}:duration=${num(overlap / fps, 6)}:offset=${num(offset, 6)}[${label}]`,
      );
    } else {
      lines.push(`[${current}][${labels[index]}]acrossfade=ns=${samplesFor(overlap, fps)}:c1=tri:c2=tri[${label}]`);
    }
    elapsed += clipFrames(clips[index]!, fps) - overlap;
    current = label;
  }
  return { lines, label: current };
}

/** Picture of the scene: clips (already ordered) read from inputs inputOf(i), post chain applied, into `[vout]`. */
export function sceneVideoGraph(
  clips: SceneClip[],
  joins: Array<SceneTransition | null>,
  target: SceneTarget,
  post: PostProcessOptions | null,
  inputOf: (index: number) => number = (index) => index,
): string[] {
  const labels = clips.map((_, index) => `v${index}`);
  const lines = clips.map((clip, index) => videoChain(inputOf(index), clip, target, labels[index]!));
  const joined = join("v", labels, clips, joins, target.fps);
  lines.push(...joined.lines);
  const finishing = [...(post === null ? [] : postFilters(post)), "format=yuv420p"];
  lines.push(`[${joined.label}]${finishing.join(",")}[vout]`);
  return lines;
}

/**
 * Sound of the scene into `[aout]`: the clips' own sound joined like the picture (silence for clips
 * without any), then the extra tracks mixed over it. Null when there is no sound at all.
 */
export function sceneAudioGraph(
  clips: SceneClip[],
  joins: Array<SceneTransition | null>,
  fps: number,
  inputOf: (index: number) => number,
  tracks: MixTrack[],
  firstTrackInput: number,
  loudness: LoudnessStep = { kind: "dynamic" },
): string[] | null {
  const anyClipAudio = clips.some((clip) => clip.hasAudio === true);
  if (!anyClipAudio && tracks.length === 0) return null;
  const total = sceneFrames(
    clips,
    joins.filter((item): item is SceneTransition => item !== null),
    fps,
  );
  const lines: string[] = [];
  let bed: string | null = null;
  if (anyClipAudio) {
    const labels = clips.map((_, index) => `a${index}`);
    clips.forEach((clip, index) =>
      lines.push(audioChain(clip.hasAudio === true ? inputOf(index) : null, clip, fps, labels[index]!)),
    );
    const joined = join("a", labels, clips, joins, fps);
    lines.push(...joined.lines);
    bed = joined.label;
  }
  if (tracks.length > 0) {
    lines.push(...buildTrackMixGraph(tracks, firstTrackInput, total / fps, bed, "aout", loudness));
  } else {
    lines.push(`[${bed}]atrim=end_sample=${samplesFor(total, fps)}[aout]`);
  }
  return lines;
}

/**
 * H.264 settings for everything assembly writes: a keyframe every second and none elsewhere, so later
 * assemblies of this output can cut it on whole GOPs without re-encoding.
 */
export function encoderOptions(
  fps: number,
  match: { profile: string | null; timescale: number | null } | null,
): string[] {
  const options = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"];
  options.push("-g", String(Math.max(1, Math.round(fps))), "-keyint_min", "1", "-sc_threshold", "0");
  if (match?.profile) options.push("-profile:v", match.profile.toLowerCase().replace(/\s+/g, ""));
  if (match?.timescale) options.push("-video_track_timescale", String(match.timescale));
  return options;
}

export interface AssembleSpecParams {
  clips: SceneClip[];
  transitions: SceneTransition[];
  target: SceneTarget;
  post: PostProcessOptions | null;
  tracks: MixTrack[];
  /** How the sound is brought to the loudness target when tracks are mixed in (see LoudnessStep). */
  loudness?: LoudnessStep;
}

/** The full render: one ffmpeg run re-encoding the whole scene with its sound. */
export function buildAssembleSpec(params: AssembleSpecParams, outputPath: string): FfmpegSpec {
  validateScene(params.clips, params.transitions);
  const scene = orderScene(params.clips, params.transitions);
  const fps = params.target.fps;
  const graph = sceneVideoGraph(scene.clips, scene.joins, params.target, params.post);
  const audio = sceneAudioGraph(
    scene.clips,
    scene.joins,
    fps,
    (index) => index,
    params.tracks,
    scene.clips.length,
    params.loudness,
  );
  // No -frames:v: reaching it closes the whole output and cuts the sound short. The graph is already exact.
  const outputOptions = ["-map", "[vout]", ...encoderOptions(fps, null)];
  if (audio === null) outputOptions.push("-an");
  else {
    graph.push(...audio);
    outputOptions.push("-map", "[aout]", "-c:a", "aac", "-b:a", "192k", "-ar", String(SAMPLE_RATE));
  }
  outputOptions.push("-movflags", "+faststart");
  return {
    inputs: [
      ...scene.clips.map((clip) => ({ source: `file:${clip.path}`, options: [] })),
      ...params.tracks.map((track) => ({ source: `file:${track.path}`, options: [] })),
    ],
    filterComplex: graph.join(";"),
    outputOptions,
    output: outputPath,
  };
}

/** The first loudness pass over a scene's sound with its extra tracks: audio only, measured, written nowhere. */
export function buildSceneMixMeasureSpec(params: AssembleSpecParams): FfmpegSpec | null {
  validateScene(params.clips, params.transitions);
  const scene = orderScene(params.clips, params.transitions);
  const audio = sceneAudioGraph(
    scene.clips,
    scene.joins,
    params.target.fps,
    (index) => index,
    params.tracks,
    scene.clips.length,
    { kind: "measure" },
  );
  if (audio === null || params.tracks.length === 0) return null;
  return {
    inputs: [
      ...scene.clips.map((clip) => ({ source: `file:${clip.path}`, options: [] })),
      ...params.tracks.map((track) => ({ source: `file:${track.path}`, options: [] })),
    ],
    filterComplex: audio.join(";"),
    outputOptions: ["-map", "[aout]", "-f", "null"],
    output: "-",
  };
}
