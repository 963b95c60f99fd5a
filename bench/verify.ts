/**
 * Verifier benchmark (`npm run bench:verify [-- --strict]`): builds the labelled corpus of real photographs
 * (bench/corpus; reused while the generator is unchanged), runs verifyVideo with every check on each clip
 * and the continuity check on each continuing cut, and prints per check what it caught, missed and failed
 * wrongly, as a markdown table; the same numbers go to node_modules/.cache/cutroom-bench/verify.json. Exits 0
 * unless --strict is given and a target is missed.
 *
 * Two clips build or verify at a time: the machine has two cores and other work on it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { QUALITY_CHECK_TYPES } from "../src/domain.js";
import { checkContinuity } from "../src/media/continuity.js";
import { verifyVideo } from "../src/media/quality.js";
import { buildCorpus, mapLimit, type BuiltClip, type BuiltCut } from "./corpus/build.js";
import { PHOTOS } from "./corpus/manifest.js";
import { markdownTable, outcomesOf, summarise, TARGETS, type ClipOutcome } from "./corpus/score.js";

const run = promisify(execFile);
const root = process.cwd();
const SOURCES = resolve(process.env.CUTROOM_CORPUS_SOURCES ?? join(root, "node_modules/.cache/cutroom-corpus/sources"));
const CLIPS = join(root, "node_modules/.cache/cutroom-corpus");
const REPORT = join(root, "node_modules/.cache/cutroom-bench/verify.json");
const PARALLEL = 2;

async function ensureSources(): Promise<void> {
  if (PHOTOS.every((photo) => existsSync(join(SOURCES, photo)))) return;
  await run(join(root, "scripts/corpus-sources.sh"), [], { env: { ...process.env, CUTROOM_CORPUS_SOURCES: SOURCES } });
}

async function verifyClip(clip: BuiltClip): Promise<ClipOutcome> {
  const labels = { id: clip.id, label: clip.label, expectedCheck: clip.expectedCheck, tolerated: clip.tolerated };
  try {
    const result = await verifyVideo({ path: clip.path, ...clip.params, checks: [...QUALITY_CHECK_TYPES] });
    return { ...labels, outcomes: outcomesOf(result.checks), error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...labels, outcomes: outcomesOf([], message), error: message };
  }
}

/** A continuing cut: only the continuity check is run on it (the other checks have their own clips). */
async function verifyCut(cut: BuiltCut): Promise<ClipOutcome> {
  const labels = { id: cut.id, label: cut.label, expectedCheck: cut.expectedCheck, tolerated: [] };
  try {
    const check = await checkContinuity([{ label: cut.id, previousPath: cut.previousPath, nextPath: cut.nextPath }]);
    return { ...labels, outcomes: outcomesOf(check === null ? [] : [check]), error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...labels, outcomes: outcomesOf([], message), error: message };
  }
}

async function main(): Promise<void> {
  const strict = process.argv.includes("--strict");
  const started = performance.now();
  await ensureSources();
  const corpus = await buildCorpus({ sources: SOURCES, cacheRoot: CLIPS, concurrency: PARALLEL });
  const built = performance.now();
  const clips = [
    ...(await mapLimit(corpus.clips, PARALLEL, verifyClip)),
    ...(await mapLimit(corpus.cuts, PARALLEL, verifyCut)),
  ];
  const verified = performance.now();
  const summary = summarise(clips);

  const seconds = (from: number, to: number): number => Math.round((to - from) / 100) / 10;
  const timing = {
    corpusSeconds: seconds(started, built),
    corpusReused: corpus.reused,
    verifySeconds: seconds(built, verified),
  };
  console.log(markdownTable(summary));
  console.log("");
  for (const row of summary.rows) {
    for (const id of row.missedIds) {
      const clip = clips.find((candidate) => candidate.id === id)!;
      console.log(`- ${row.check} missed ${id} (${clip.label}): ${clip.outcomes[row.check]?.details || "not run"}`);
    }
    for (const id of row.falseAlarmIds) {
      const clip = clips.find((candidate) => candidate.id === id)!;
      console.log(`- ${row.check} false alarm on ${id} (${clip.label}): ${clip.outcomes[row.check]?.details}`);
    }
  }
  for (const clip of clips.filter((candidate) => candidate.error !== null)) {
    console.log(`- ${clip.id}: verifyVideo failed: ${clip.error}`);
  }
  console.log(
    `\n${corpus.clips.length} clips and ${corpus.cuts.length} continuing cuts (${summary.goodClips} good, ` +
      `${summary.defects} defects) in ${corpus.directory}; ` +
      `corpus ${timing.corpusSeconds} s${corpus.reused ? " (reused)" : ""}, verification ${timing.verifySeconds} s`,
  );

  await mkdir(join(REPORT, ".."), { recursive: true });
  await writeFile(REPORT, JSON.stringify({ targets: TARGETS, timing, summary, clips }, null, 2));
  if (strict && !summary.targetsMet) {
    console.error(`bench:verify --strict: targets missed (see ${REPORT})`);
    process.exitCode = 1;
  }
}

await main();
