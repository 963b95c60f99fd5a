/**
 * Media benchmark (`npm run bench:media`): prints one JSON document with times measured in this run.
 *
 * 1. Five 1920x1080 24 fps clips of 7/7/7/7/2 s with sound (H.264 with a keyframe every second, as the
 *    local renderer writes them), assembled with dissolve 1 s, cut, fade 0.5 s, cut, plus dialogue, music
 *    and sfx tracks: smart assembly (stream copy + re-encoded transitions) against the obvious baseline,
 *    one filtergraph re-encoding everything at x264's default preset. Both include the audio mix.
 * 2. Verification (every check that needs no reference) of one 7 s clip against a plain decode of it.
 * Times are the best of a few runs where a run takes under two seconds, so scheduler noise on a small
 * machine does not decide the ratio.
 */
import { execFile } from "node:child_process";
import { cpus } from "node:os";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import type { MixTrack } from "../src/media/audio.js";
import { verifyVideo } from "../src/media/quality.js";
import { probe, runFfmpeg } from "../src/media/runner.js";
import { buildAssembleSpec } from "../src/media/scene-graph.js";
import { assembleScene, type SceneClipInput } from "../src/media/scene.js";

const run = promisify(execFile);
const target = { width: 1920, height: 1080, fps: 24 };
const LENGTHS = [7, 7, 7, 7, 2];
const TONES = [220, 330, 440, 550, 660];

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

async function best<T>(times: number, work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  let fastest = await timed(work);
  for (let index = 1; index < times; index++) {
    const next = await timed(work);
    if (next.seconds < fastest.seconds) fastest = next;
  }
  return fastest;
}

async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-v", "error", "-y", ...args], { maxBuffer: 64 << 20 });
}

async function makeClips(directory: string): Promise<string[]> {
  const paths: string[] = [];
  for (const [index, seconds] of LENGTHS.entries()) {
    const path = join(directory, `clip-${index + 1}.mp4`);
    await ffmpeg([
      ...["-f", "lavfi", "-i", `testsrc2=s=1920x1080:r=24:d=${seconds}`],
      ...["-f", "lavfi", "-i", `sine=f=${TONES[index]}:d=${seconds}`],
      ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "24", "-sc_threshold", "0"],
      ...["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path],
    ]);
    paths.push(path);
  }
  return paths;
}

async function makeTracks(directory: string): Promise<MixTrack[]> {
  const dialogue = join(directory, "dialogue.wav");
  const music = join(directory, "music.wav");
  const sfx = join(directory, "sfx.wav");
  // Speech-like: a voiced tone gated on and off four times a second.
  await ffmpeg(["-f", "lavfi", "-i", "sine=f=180:d=6", "-af", "tremolo=f=4:d=0.9,volume=2", dialogue]);
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "sine=f=261.6:d=30",
    "-f",
    "lavfi",
    "-i",
    "sine=f=329.6:d=30",
    "-filter_complex",
    "amix=inputs=2",
    music,
  ]);
  await ffmpeg(["-f", "lavfi", "-i", "anoisesrc=d=1.5:c=pink:a=0.3", sfx]);
  return [
    { type: "dialogue", path: dialogue, startTime: 3, duration: null, volume: 1, fadeIn: 0, fadeOut: 0.2 },
    { type: "music", path: music, startTime: 0, duration: null, volume: 0.6, fadeIn: 1, fadeOut: 2 },
    { type: "sfx", path: sfx, startTime: 14, duration: null, volume: 0.8, fadeIn: 0, fadeOut: 0.3 },
  ];
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-bench-"));
  try {
    const generation = await timed(async () => ({
      clips: await makeClips(directory),
      tracks: await makeTracks(directory),
    }));
    const { clips, tracks } = generation.value;
    const inputs: SceneClipInput[] = clips.map((path, index) => ({
      path,
      sequence: index + 1,
      trimStart: 0,
      trimEnd: 0,
      speedMultiplier: 1,
      label: `clip ${index + 1}`,
    }));
    const transitions = [
      { fromSequence: 1, type: "dissolve" as const, durationSeconds: 1 },
      { fromSequence: 2, type: "cut" as const, durationSeconds: 0 },
      { fromSequence: 3, type: "fade" as const, durationSeconds: 0.5 },
      { fromSequence: 4, type: "cut" as const, durationSeconds: 0 },
    ];
    const smartPath = join(directory, "smart.mp4");
    const smart = await best(2, () =>
      assembleScene({
        clips: inputs,
        transitions,
        target,
        post: null,
        tracks,
        outputPath: smartPath,
        contactSheetPath: join(directory, "smart-sheet.png"),
      }),
    );

    // The obvious way: the same scene in one filtergraph, x264 at its defaults (preset medium, CRF 23).
    const baselinePath = join(directory, "baseline.mp4");
    const spec = buildAssembleSpec(
      {
        clips: clips.map((path, index) => ({
          ...inputs[index]!,
          path,
          durationSeconds: LENGTHS[index]!,
          hasAudio: true,
        })),
        transitions,
        target,
        post: null,
        tracks,
      },
      baselinePath,
    );
    const defaults = spec.outputOptions.filter((_, index, all) => {
      const flag = all[index] ?? "";
      const previous = all[index - 1] ?? "";
      const tuned = ["-preset", "-crf", "-g", "-keyint_min", "-sc_threshold"];
      return !tuned.includes(flag) && !tuned.includes(previous);
    });
    const baseline = await timed(() => runFfmpeg({ ...spec, outputOptions: defaults }, { timeoutMs: 600_000 }));
    const [smartFacts, baselineFacts] = [await probe(smartPath), await probe(baselinePath)];

    const verification = await timed(() =>
      verifyVideo({
        path: smartPath,
        expectedDurationSeconds: smart.value.durationSeconds,
        expectedWidth: 1920,
        expectedHeight: 1080,
        expectedFps: 24,
        characterReferences: [],
        locationReferences: [],
        checks: ["duration", "resolution", "fps", "bitrate", "motion-quality", "visual-clarity", "audio"],
      }),
    );

    const clip = clips[0]!;
    const plainDecode = await best(3, () => ffmpeg(["-i", clip, "-map", "0", "-f", "null", "-"]));
    const verifyClip = await best(3, () =>
      verifyVideo({
        path: clip,
        expectedDurationSeconds: 7,
        expectedWidth: 1920,
        expectedHeight: 1080,
        expectedFps: 24,
        characterReferences: [],
        locationReferences: [],
        checks: ["duration", "resolution", "fps", "bitrate", "motion-quality", "visual-clarity", "audio"],
      }),
    );

    const round = (value: number) => Math.round(value * 1000) / 1000;
    const speedup = baseline.seconds / smart.seconds;
    const verifyRatio = verifyClip.seconds / plainDecode.seconds;
    process.stdout.write(
      `${JSON.stringify(
        {
          machine: { cpus: cpus().length, node: process.version },
          clips: {
            count: clips.length,
            lengths: LENGTHS,
            size: "1920x1080",
            fps: 24,
            generationSeconds: round(generation.seconds),
          },
          assembly: {
            smartSeconds: round(smart.seconds),
            baselineSeconds: round(baseline.seconds),
            speedup: round(speedup),
            target: 3,
            met: speedup >= 3,
            strategy: smart.value.strategy,
            copiedFrames: smart.value.copiedFrames,
            renderedFrames: smart.value.renderedFrames,
            reportedSeconds: round(smart.value.durationSeconds),
            smartProbedSeconds: round(smartFacts.durationSeconds),
            baselineProbedSeconds: round(baselineFacts.durationSeconds),
            smartFrames: smartFacts.frameCount,
            baselineFrames: baselineFacts.frameCount,
          },
          sceneVerification: {
            seconds: round(verification.seconds),
            passed: verification.value.passed,
            overallQuality: verification.value.overallQuality,
            issues: verification.value.issues,
          },
          clipVerification: {
            verifySeconds: round(verifyClip.seconds),
            plainDecodeSeconds: round(plainDecode.seconds),
            ratio: round(verifyRatio),
            target: 1.5,
            met: verifyRatio <= 1.5,
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
