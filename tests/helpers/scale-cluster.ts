/**
 * Several cutroom processes on one Redis, started from the built CLI as an operator starts them: an API
 * (`cutroom serve --no-worker`) and workers (`cutroom worker`), with a wire-level FAL fake that takes a set
 * time per clip. Shared by the scale-out services test and `npm run bench:scale`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GenerateJobData } from "../../src/departments/video/jobs.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { sarahInThePark } from "./fixtures.js";

export const FAL_KEY = "scale-key-0000000000000000";
/** The project's root: the nearest folder above this file holding bin/cutroom.js (also from a compiled copy). */
export function projectRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, "bin", "cutroom.js"))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error("bin/cutroom.js not found above this file");
    folder = parent;
  }
  return folder;
}

const BIN = join(projectRoot(), "bin", "cutroom.js");

export interface CutroomProcess {
  child: ChildProcess;
  /** The document the command printed once ready (--json). */
  ready: Record<string, unknown>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** What it wrote on stderr so far (its log). */
  log(): string;
}

/** Starts `cutroom <args> --json` and resolves once it printed its ready document. */
export function startCutroom(args: string[], env: Record<string, string>, cwd: string): Promise<CutroomProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, "--json"], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let ready = false;
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready) return;
      try {
        const document = JSON.parse(stdout) as Record<string, unknown>;
        ready = true;
        resolve({ child, ready: document, exited, log: () => stderr });
      } catch {
        // Not the whole document yet.
      }
    });
    child.once("error", reject);
    void exited.then((code) => {
      if (!ready) reject(new Error(`cutroom ${args[0]} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
}

/** A short text-to-video shot (a generation job's data); every shot of a take has its own index. */
export function shotJob(projectId: string, takeId: string, index: number): GenerateJobData {
  return {
    projectId,
    takeId,
    shot: {
      index,
      method: "text-to-video",
      prompt: `Sarah walking in the park, take ${index}`,
      durationSeconds: 2,
      characters: [],
      location: null,
      action: "walk",
      camera: "static",
      motionStrength: 0.6,
      seed: 100 + index,
      images: {},
    },
  };
}

export interface SlowFal {
  fal: FakeFal;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The FAL fake answering every clip with a 2 s walk at the test resolution, `processingMs` after submission. */
export async function startSlowFal(processingMs: number): Promise<SlowFal> {
  const directory = await mkdtemp(join(tmpdir(), "cutroom-scale-fal-"));
  const clip = await new LocalAnimaticProvider({ timeoutMs: 60_000 }).textToVideo(sarahInThePark({ seed: 5 }), {
    outputDir: directory,
    onProgress: null,
    signal: null,
  });
  const fal = await startFakeFal({ apiKey: FAL_KEY, video: clip.path, processingMs });
  return {
    fal,
    env: {
      FAL_KEY,
      FAL_BASE_URL: fal.url,
      CUTROOM_FAL_POLL_MS: "100",
      CUTROOM_IMAGES: "local",
      CUTROOM_CONFIRM_ABOVE_USD: "1000",
    },
    close: async () => {
      await fal.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Stops a process: the signal, then its exit code (SIGKILL after `graceMs` if it does not exit). */
export async function stopProcess(
  process: CutroomProcess,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 30_000,
): Promise<number | null> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return process.exited;
  process.child.kill(signal);
  const timer = setTimeout(() => process.child.kill("SIGKILL"), graceMs);
  try {
    return await process.exited;
  } finally {
    clearTimeout(timer);
  }
}
