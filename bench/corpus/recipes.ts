/**
 * ffmpeg arguments for the corpus, as pure functions returning string[] (never a shell string): one call
 * makes a clip's sound bed, one measures its loudness, one makes the clip.
 *
 * Picture: each shot is a looped still moved over a larger canvas (pan, fast pan, tilt) or pushed in
 * (zoompan on a 3x canvas, so the sub-pixel steps do not jitter); shots are concatenated; then the grade,
 * the grain and the planted defect, in that order, so a frozen stretch freezes the grain as a real stalled
 * decoder would.
 */
import type { AudioSpec, Grade, Recipe, Shot, VideoDefect } from "./manifest.js";

const SAMPLE_RATE = 48_000;

const even = (value: number): number => 2 * Math.round(value / 2);

export function recipeSeconds(recipe: Recipe): number {
  return recipe.shots.reduce((total, shot) => total + shot.seconds, 0);
}

function shotFilter(shot: Shot, recipe: Recipe, input: number): string {
  const { width, height, fps } = recipe;
  const seconds = shot.seconds;
  const focus = shot.focusY;
  // Cover a canvas of the given size whatever the photo's aspect, then cut a moving window from it.
  const canvas = (canvasWidth: number, canvasHeight: number): string =>
    `scale=${even(canvasWidth)}:${even(canvasHeight)}:force_original_aspect_ratio=increase,` +
    `crop=${even(canvasWidth)}:${even(canvasHeight)}:y='(in_h-out_h)*${focus}'`;
  let move: string;
  switch (shot.move) {
    case "pan":
      move = `${canvas(width * 1.6, height * 1.6)},crop=${width}:${height}:x='(in_w-out_w)*t/${seconds}':y='(in_h-out_h)*${focus}'`;
      break;
    case "fast-pan":
      move = `${canvas(width * 3, height * 1.2)},crop=${width}:${height}:x='(in_w-out_w)*t/${seconds}':y='(in_h-out_h)*${focus}'`;
      break;
    case "tilt":
      move = `${canvas(width * 1.2, height * 2)},crop=${width}:${height}:x='(in_w-out_w)/2':y='(in_h-out_h)*t/${seconds}'`;
      break;
    case "zoom":
      // d=1: one output frame per looped input frame; `on` counts output frames, so the push-in is 25%.
      move =
        `${canvas(width * 3, height * 3)},zoompan=z='1+0.25*on/${Math.round(seconds * fps)}'` +
        `:x='iw/2-(iw/zoom/2)':y='(ih-ih/zoom)*${focus}':d=1:s=${width}x${height}:fps=${fps}`;
      break;
  }
  return `[${input}:v]${move},setsar=1,fps=${fps},trim=duration=${seconds}[s${input}]`;
}

const GRADES: Record<Grade, string> = {
  dim: "eq=brightness=-0.08:saturation=0.9",
  warm: "curves=r='0/0 0.5/0.56 1/1':b='0/0 0.5/0.44 1/1'",
  cool: "curves=r='0/0 0.5/0.44 1/1':b='0/0 0.5/0.56 1/1'",
};

/** The defect as a filtergraph fragment from [from] to [to]. */
function defectFilter(defect: VideoDefect, fps: number, from: string, to: string): string {
  switch (defect.kind) {
    case "black": {
      const end = defect.fromSeconds + defect.seconds;
      return `[${from}]drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='gte(t,${defect.fromSeconds})*lt(t,${end})'[${to}]`;
    }
    case "freeze": {
      // The second input supplies the replacement frame: frame `first` repeated up to `last`.
      const first = Math.round(defect.fromSeconds * fps);
      const last = first + Math.round(defect.seconds * fps) - 1;
      return `[${from}]split[fa][fb];[fa][fb]freezeframes=first=${first}:last=${last}:replace=${first}[${to}]`;
    }
    case "ghost": {
      // A copy shifted right (its left edge smeared rather than black), blended 50/50 over the whole clip.
      const shift = defect.shiftPixels;
      return (
        `[${from}]split[ga][gb];[gb]crop=iw-${shift}:ih:0:0,pad=iw+${shift}:ih:${shift}:0,` +
        `fillborders=left=${shift}:mode=smear[gc];[ga][gc]blend=all_mode=average[${to}]`
      );
    }
    case "gblur":
      return `[${from}]gblur=sigma=${defect.sigma}[${to}]`;
    case "boxblur":
      return `[${from}]boxblur=${defect.radius}:1[${to}]`;
    case "flicker":
      // Brightness jumps up and down every two frames: an exposure that will not settle.
      return `[${from}]eq=brightness='${defect.brightness}*(2*mod(floor(n/2),2)-1)':eval=frame[${to}]`;
    case "stutter":
      // Drop to the low rate, then repeat each frame back up to the clip's rate.
      return `[${from}]fps=${defect.sourceFps},fps=${fps}[${to}]`;
  }
}

/** The picture filtergraph, ending in [vout]. Inputs 0..shots-1 are the looped photos. */
export function videoFilterGraph(recipe: Recipe): string {
  const parts = recipe.shots.map((shot, index) => shotFilter(shot, recipe, index));
  const labels = recipe.shots.map((_, index) => `[s${index}]`).join("");
  parts.push(`${labels}concat=n=${recipe.shots.length}:v=1:a=0[joined]`);
  const look = [recipe.grade === null ? null : GRADES[recipe.grade], recipe.grain ? "noise=alls=14:allf=t+u" : null]
    .filter((filter): filter is string => filter !== null)
    .join(",");
  parts.push(`[joined]${look === "" ? "null" : look}[looked]`);
  if (recipe.defect === null) parts.push(`[looked]format=yuv420p[vout]`);
  else {
    parts.push(defectFilter(recipe.defect, recipe.fps, "looked", "defected"));
    parts.push(`[defected]format=yuv420p[vout]`);
  }
  return parts.join(";");
}

/** Arguments that make the clip at `output` from the photos (one per shot) and an optional sound bed. */
export function clipArgs(recipe: Recipe, photoPaths: string[], bedPath: string | null, output: string): string[] {
  const seconds = recipeSeconds(recipe);
  const inputs = recipe.shots.flatMap((shot, index) => [
    ...["-loop", "1", "-framerate", String(recipe.fps), "-t", String(shot.seconds)],
    ...["-i", photoPaths[index]!],
  ]);
  const video =
    recipe.videoBitrate === null
      ? ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20"]
      : // A constrained rate with a small buffer: the encoder cannot borrow bits, as a starved pipeline would.
        [
          "-c:v",
          "libx264",
          "-preset",
          "veryfast",
          "-b:v",
          recipe.videoBitrate,
          "-maxrate",
          recipe.videoBitrate,
          "-bufsize",
          recipe.videoBitrate,
        ];
  const audio = bedPath === null ? ["-an"] : ["-map", `${recipe.shots.length}:a`, "-c:a", "aac", "-b:a", "128k"];
  return [
    ...["-v", "error", "-y"],
    ...inputs,
    ...(bedPath === null ? [] : ["-i", bedPath]),
    ...["-filter_complex", videoFilterGraph(recipe), "-map", "[vout]"],
    // A keyframe a second, as the local renderer writes; one thread each since clips build in parallel.
    ...video,
    ...["-g", String(recipe.fps), "-pix_fmt", "yuv420p", "-threads", "1", "-filter_complex_threads", "1"],
    ...audio,
    ...["-t", String(seconds), "-movflags", "+faststart", output],
  ];
}

function sourceFor(audio: AudioSpec, seconds: number): string[] {
  const duration = `d=${seconds}`;
  switch (audio.kind) {
    case "speech":
      // A voiced tone with harmonics, amplitude-modulated at a syllable rate.
      return [
        "-f",
        "lavfi",
        "-i",
        `aevalsrc=exprs='(0.5*sin(2*PI*150*t)+0.3*sin(2*PI*300*t)+0.15*sin(2*PI*450*t))*(0.55+0.45*sin(2*PI*3.5*t))':s=${SAMPLE_RATE}:${duration}`,
      ];
    case "room":
      return ["-f", "lavfi", "-i", `anoisesrc=color=brown:amplitude=0.3:r=${SAMPLE_RATE}:${duration}:seed=7`];
    case "music":
      return [
        "-f",
        "lavfi",
        "-i",
        `aevalsrc=exprs='(0.3*sin(2*PI*220*t)+0.25*sin(2*PI*277.18*t)+0.2*sin(2*PI*329.63*t))*(0.8+0.2*sin(2*PI*0.5*t))':s=${SAMPLE_RATE}:${duration}`,
      ];
    case "silence":
      return ["-f", "lavfi", "-i", `anullsrc=r=${SAMPLE_RATE}:cl=mono`, "-t", String(seconds)];
  }
}

/** Arguments that write the unlevelled bed (mono 48 kHz float WAV) to `output`. */
export function rawBedArgs(audio: AudioSpec, seconds: number, output: string): string[] {
  return ["-v", "error", "-y", ...sourceFor(audio, seconds), "-c:a", "pcm_f32le", output];
}

/** Arguments that measure a file's integrated loudness; the summary goes to stderr (see parseIntegratedLufs). */
export function loudnessArgs(path: string): string[] {
  return ["-hide_banner", "-nostats", "-i", path, "-af", "ebur128", "-f", "null", "-"];
}

export function parseIntegratedLufs(stderr: string): number | null {
  const match = /Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS/.exec(stderr);
  if (match === null || match[1] === "-inf") return null;
  return Number(match[1]);
}

/** Arguments that level the raw bed by `gainDb` and plant the audio defects, writing 16-bit WAV. */
export function levelledBedArgs(
  audio: AudioSpec,
  seconds: number,
  gainDb: number,
  raw: string,
  output: string,
): string[] {
  const filters = [`volume=${gainDb.toFixed(2)}dB`];
  // 60 ms full-scale bursts each second, hard-clipped: a mix that clips at an otherwise normal loudness.
  if (audio.clippedBursts)
    filters.push("aeval=exprs='clip(val(0)+1.5*sin(2*PI*300*t)*gte(mod(t,1),0.5)*lt(mod(t,1),0.56),-1,1)'");
  if (audio.delaySeconds !== undefined) {
    filters.push(`adelay=${Math.round(audio.delaySeconds * 1000)}:all=1`, `atrim=0:${seconds}`);
  }
  return ["-v", "error", "-y", "-i", raw, "-af", filters.join(","), "-c:a", "pcm_s16le", output];
}
