/**
 * Start-up benchmark (`npm run bench:startup`): prints one JSON document with times measured in this run.
 *
 * `cutroom --help` and `cutroom doctor` (on the embedded defaults) are started as a user starts them, a new
 * Node process each time; the median wall time of each is compared with the 0.5 s target. For scale, the
 * same is measured for loading the whole composition root (runtime and orchestrator graph), which is what
 * every command paid before commands loaded their modules on demand.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TARGET_SECONDS = 0.5;
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = join(root, "bin/cutroom.js");

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed(args: string[], env: NodeJS.ProcessEnv): number[] {
  const seconds: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    execFileSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "ignore"], cwd: root });
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

const dataDir = await mkdtemp(join(tmpdir(), "cutroom-bench-startup-"));
try {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, CUTROOM_DATA_DIR: dataDir };
  const loadEverything = `await import(${JSON.stringify(join(root, "dist/runtime.js"))}); await import(${JSON.stringify(join(root, "dist/orchestrator/graph.js"))});`;
  const commands = {
    help: timed([bin, "--help"], env),
    doctor: timed([bin, "doctor", "--json"], env),
    fullLoad: timed(["--input-type=module", "-e", loadEverything], env),
  };
  const result = Object.fromEntries(
    Object.entries(commands).map(([name, seconds]) => [
      name,
      {
        medianSeconds: Number(median(seconds).toFixed(3)),
        maxSeconds: Number(Math.max(...seconds).toFixed(3)),
        ratioToTarget: Number((median(seconds) / TARGET_SECONDS).toFixed(2)),
      },
    ]),
  );
  process.stdout.write(
    `${JSON.stringify({ runs: RUNS, targetSeconds: TARGET_SECONDS, note: "ratioToTarget <= 1 meets the target for help and doctor", ...result }, null, 2)}\n`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
