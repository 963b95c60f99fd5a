/**
 * Builds the corpus into a directory named by a hash of the generator (its compiled modules and the ffmpeg
 * version), so a changed recipe rebuilds and an unchanged one is reused. Clips are built, never committed.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  CLIP_ID_PATTERN,
  CORPUS,
  CUTS,
  cutRecipe,
  type AudioSpec,
  type ClipParams,
  type CorpusClip,
  type CorpusCut,
  type CutSide,
  type Photo,
} from "./manifest.js";
import { clipArgs, levelledBedArgs, loudnessArgs, parseIntegratedLufs, rawBedArgs, recipeSeconds } from "./recipes.js";

const run = promisify(execFile);
const FFMPEG_TIMEOUT_MS = 120_000;

/** One manifest entry as the bench reads it: the clip's file and verifyVideo's parameters with real paths. */
export interface BuiltClip extends Omit<CorpusClip, "recipe" | "params"> {
  path: string;
  params: Omit<ClipParams, "characterReferences" | "locationReferences"> & {
    characterReferences: string[];
    locationReferences: string[];
    /**
     * A clip with a spoken line: the line as recorded (its speech bed before any planted defect), placed at
     * the clip's start, for the lip-sync check's sound sync.
     */
    spokenLines?: Array<{ label: string; audioPath: string; startSeconds: number }>;
  };
}

/** The recording of a clip's spoken line, beside its clip. */
const lineFile = (directory: string, id: string): string => join(directory, `${id}.line.bed.wav`);

/** A continuing cut as the bench reads it: the shot before the cut and the one continuing it. */
export interface BuiltCut extends Omit<CorpusCut, "before" | "after"> {
  previousPath: string;
  nextPath: string;
}

export interface BuiltCorpus {
  directory: string;
  clips: BuiltClip[];
  cuts: BuiltCut[];
  reused: boolean;
}

async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await run("ffmpeg", args, { maxBuffer: 16 << 20, timeout: FFMPEG_TIMEOUT_MS });
  return stderr;
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function generatorHash(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const hash = createHash("sha256");
  for (const name of (await readdir(here)).filter((file) => /\.(js|ts)$/.test(file)).sort()) {
    hash.update(name).update(await readFile(join(here, name)));
  }
  const { stdout } = await run("ffmpeg", ["-version"]);
  hash.update(stdout.split("\n")[0] ?? "");
  return hash.digest("hex").slice(0, 16);
}

/** A bed at the asked loudness: made raw, measured, then levelled by the difference (two passes, exact). */
async function makeBed(audio: AudioSpec, seconds: number, directory: string, id: string): Promise<string> {
  const raw = join(directory, `${id}.raw.wav`);
  const bed = join(directory, `${id}.bed.wav`);
  await ffmpeg(rawBedArgs(audio, seconds, raw));
  let gain = 0;
  if (audio.lufs !== null) {
    const measured = parseIntegratedLufs(await ffmpeg(loudnessArgs(raw)));
    if (measured === null) throw new Error(`could not measure the loudness of the ${id} bed`);
    gain = audio.lufs - measured;
  }
  await ffmpeg(levelledBedArgs(audio, seconds, gain, raw, bed));
  await rm(raw);
  return bed;
}

async function buildClip(clip: CorpusClip, sources: string, directory: string): Promise<BuiltClip> {
  if (!CLIP_ID_PATTERN.test(clip.id))
    throw new Error(`corpus clip id ${JSON.stringify(clip.id)} is not a safe file name`);
  const { recipe } = clip;
  const path = join(directory, `${clip.id}.mp4`);
  const bed = recipe.audio === null ? null : await makeBed(recipe.audio, recipeSeconds(recipe), directory, clip.id);
  const photos = recipe.shots.map((shot) => join(sources, shot.photo));
  await ffmpeg(clipArgs(recipe, photos, bed, path));
  if (bed !== null) await rm(bed);
  let spoken = false;
  if (recipe.audio?.kind === "speech") {
    // The line as it was recorded: the same speech, levelled the same way, without the planted defect.
    const { clippedBursts: _bursts, delaySeconds: _delay, ...recorded } = recipe.audio;
    await makeBed(recorded, recipeSeconds(recipe), directory, `${clip.id}.line`);
    spoken = true;
  }
  const { recipe: _recipe, params, ...labels } = clip;
  const where = (photo: Photo): string => join(sources, photo);
  return {
    ...labels,
    path,
    params: {
      ...params,
      characterReferences: params.characterReferences.map(where),
      locationReferences: params.locationReferences.map(where),
      ...(spoken
        ? { spokenLines: [{ label: "the line", audioPath: lineFile(directory, clip.id), startSeconds: 0 }] }
        : {}),
    },
  };
}

/** Half of a take, re-encoded so it starts on its own keyframe: frames [0, half) or [half, end). */
function halfArgs(take: string, half: "first" | "second", seconds: number, output: string): string[] {
  const split = (seconds / 2).toFixed(3);
  const range = half === "first" ? ["-t", split] : ["-ss", split];
  return [
    ...["-v", "error", "-y", "-i", take, ...range],
    ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-threads", "1", "-an"],
    ...["-movflags", "+faststart", output],
  ];
}

async function buildCuts(sources: string, directory: string, concurrency: number): Promise<BuiltCut[]> {
  // Each distinct take is rendered once; a good cut's two sides are halves of the same one.
  const takes = new Map<string, CutSide>();
  for (const cut of CUTS) for (const side of [cut.before, cut.after]) takes.set(JSON.stringify(side), side);
  const keys = [...takes.keys()];
  const paths = new Map<string, string>();
  await mapLimit(keys, concurrency, async (key) => {
    const path = join(directory, `take-${keys.indexOf(key)}.mp4`);
    const recipe = cutRecipe(takes.get(key)!);
    await ffmpeg(
      clipArgs(
        recipe,
        recipe.shots.map((shot) => join(sources, shot.photo)),
        null,
        path,
      ),
    );
    paths.set(key, path);
  });
  const built = await mapLimit(CUTS, concurrency, async (cut) => {
    if (!CLIP_ID_PATTERN.test(cut.id))
      throw new Error(`corpus cut id ${JSON.stringify(cut.id)} is not a safe file name`);
    const halves = { previous: join(directory, `${cut.id}.previous.mp4`), next: join(directory, `${cut.id}.next.mp4`) };
    const before = paths.get(JSON.stringify(cut.before))!;
    const after = paths.get(JSON.stringify(cut.after))!;
    await ffmpeg(halfArgs(before, "first", recipeSeconds(cutRecipe(cut.before)), halves.previous));
    await ffmpeg(halfArgs(after, "second", recipeSeconds(cutRecipe(cut.after)), halves.next));
    const { before: _before, after: _after, ...labels } = cut;
    return { ...labels, previousPath: halves.previous, nextPath: halves.next };
  });
  for (const path of paths.values()) await rm(path);
  return built;
}

export async function buildCorpus(options: {
  sources: string;
  cacheRoot: string;
  concurrency: number;
  onClip?: (id: string) => void;
}): Promise<BuiltCorpus> {
  const hash = await generatorHash();
  const directory = join(options.cacheRoot, `clips-${hash}`);
  const manifestPath = join(directory, "manifest.json");
  if (existsSync(manifestPath)) {
    const { clips, cuts } = JSON.parse(await readFile(manifestPath, "utf8")) as Omit<
      BuiltCorpus,
      "directory" | "reused"
    >;
    return { directory, clips, cuts, reused: true };
  }
  await mkdir(options.cacheRoot, { recursive: true });
  // Older generators' clips are stale; a half-built directory from an interrupted run is too.
  for (const name of await readdir(options.cacheRoot)) {
    if (name.startsWith("clips-")) await rm(join(options.cacheRoot, name), { recursive: true, force: true });
  }
  const partial = `${directory}.partial`;
  await mkdir(partial, { recursive: true });
  const built = await mapLimit(CORPUS, options.concurrency, async (clip) => {
    const result = await buildClip(clip, options.sources, partial);
    options.onClip?.(clip.id);
    return result;
  });
  const clips = built.map((clip) => ({
    ...clip,
    path: join(directory, `${clip.id}.mp4`),
    params: {
      ...clip.params,
      ...(clip.params.spokenLines === undefined
        ? {}
        : {
            spokenLines: clip.params.spokenLines.map((line) => ({ ...line, audioPath: lineFile(directory, clip.id) })),
          }),
    },
  }));
  const cuts = (await buildCuts(options.sources, partial, options.concurrency)).map((cut) => ({
    ...cut,
    previousPath: join(directory, `${cut.id}.previous.mp4`),
    nextPath: join(directory, `${cut.id}.next.mp4`),
  }));
  await writeFile(join(partial, "manifest.json"), JSON.stringify({ clips, cuts }, null, 2));
  await rename(partial, directory);
  return { directory, clips, cuts, reused: false };
}
