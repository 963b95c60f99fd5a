/**
 * Scene benchmark (`npm run bench:scene`): prints one JSON document with times measured in this run.
 *
 * 1. Parallel generation: a 10-shot scene with a provider that takes L seconds per clip and a job
 *    concurrency of 5. The provider calls' wall time is compared with the floor ceil(10/5)·L; the local
 *    media work (per-shot checks, assembly, verification) is reported separately.
 * 2. Orchestration overhead: one request through the orchestrator with a zero-latency provider; the gap
 *    between one graph step's end and the next step's start (scheduling and checkpointing) per step, p50.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { profileForCharacter } from "../src/brain/profiles.js";
import { loadConfig } from "../src/config.js";
import { asContext } from "../src/context.js";
import { videoDepartmentGraph } from "../src/departments/video/graph.js";
import { planScene } from "../src/departments/video/planner/deterministic.js";
import { clipSeconds } from "../src/departments/video/planner/plan.js";
import type { ClipRequest, GeneratedClip } from "../src/domain.js";
import { buildOrchestratorGraph } from "../src/orchestrator/graph.js";
import { LocalAnimaticProvider } from "../src/providers/video/local.js";
import type { GenerateOptions, VideoProvider } from "../src/providers/video/types.js";
import { createRuntime } from "../src/runtime.js";

const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 1);
const CONCURRENCY = 5;
const SHOTS = 10;
const SCENE = "a 60 second scene: Sarah waves, sits, looks around, dances, jumps, talks, stands, waves, sits, looks up";
const quiet = { info: () => {}, warn: () => {} };

/** A provider that answers after a fixed latency with a real clip rendered once per length beforehand. */
class LatencyProvider implements VideoProvider {
  readonly name = "bench-latency";
  // It answers with clips rendered beforehand whatever it is sent, so drawings cost nothing here.
  readonly acceptsDrawings = true;
  readonly calls: Array<{ start: number; end: number }> = [];
  modelFor(): string {
    return "bench-latency";
  }
  private readonly templates = new Map<string, GeneratedClip>();
  constructor(
    private readonly latencySeconds: number,
    private readonly renderer: LocalAnimaticProvider,
    private readonly templateDir: string,
  ) {}

  async prepare(lengths: number[], size: { width: number; height: number; fps: number }): Promise<void> {
    for (const seconds of new Set(lengths.map((length) => Math.round(length * 1e6) / 1e6))) {
      const request: ClipRequest = {
        method: "text-to-video",
        prompt: "bench",
        negativePrompt: null,
        durationSeconds: seconds,
        ...size,
        seed: 1,
        action: "walk",
        camera: "tracking",
        motionStrength: 0.6,
        // A figure that moves, so the per-shot motion check passes as it would for a real clip.
        characters: [{ id: "chr_bench", name: "Bench", profile: profileForCharacter("Bench") }],
        location: null,
        sourceImage: null,
        firstFrame: null,
        lastFrame: null,
        compositeImage: null,
        caption: "bench",
      };
      const clip = await this.renderer.textToVideo(request, {
        outputDir: this.templateDir,
        onProgress: null,
        signal: null,
      });
      this.templates.set(String(Math.round(seconds * 1e6) / 1e6), clip);
    }
  }

  private async serve(request: ClipRequest, options: GenerateOptions): Promise<GeneratedClip> {
    let template = this.templates.get(String(Math.round(request.durationSeconds * 1e6) / 1e6));
    if (!template) {
      await this.prepare([request.durationSeconds], request);
      template = this.templates.get(String(Math.round(request.durationSeconds * 1e6) / 1e6))!;
    }
    const timedStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, this.latencySeconds * 1000));
    const path = join(options.outputDir, `bench-${request.seed}-${Math.round(timedStart)}.mp4`);
    await copyFile(template.path, path);
    this.calls.push({ start: timedStart, end: performance.now() });
    return { ...template, path, method: request.method, seed: request.seed, generationSeconds: this.latencySeconds };
  }

  textToVideo = (request: ClipRequest, options: GenerateOptions) => this.serve(request, options);
  imageToVideo = (request: ClipRequest, options: GenerateOptions) => this.serve(request, options);
  firstLastFrame = (request: ClipRequest, options: GenerateOptions) => this.serve(request, options);
  compositeToVideo = (request: ClipRequest, options: GenerateOptions) => this.serve(request, options);
}

/** One scene run; returns the generation phase (first shot started → last shot stored) and the whole run. */
async function sceneRun(
  latencySeconds: number,
): Promise<{ generation: number; total: number; calls: number; shots: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), "cutroom-bench-scene-"));
  const config = loadConfig({
    CUTROOM_DATA_DIR: dataDir,
    CUTROOM_RESOLUTION: "320x180",
    CUTROOM_FPS: "12",
    CUTROOM_JOB_CONCURRENCY: String(CONCURRENCY),
  });
  const provider = new LatencyProvider(latencySeconds, new LocalAnimaticProvider({}), dataDir);
  const runtime = await createRuntime(config, { llm: null, log: quiet, video: provider });
  try {
    // Templates for every clip length the plan will ask for are rendered before the clock starts.
    const plan = planScene(SCENE, { fps: config.video.fps, priceFor: () => 0 });
    await provider.prepare(
      plan.shots.map((shot) => clipSeconds(plan, shot)),
      config.video,
    );
    provider.calls.length = 0;
    let firstStarted = Infinity;
    let lastStored = 0;
    runtime.progress.subscribe((event) => {
      if (/attempt 1/.test(event.message)) firstStarted = Math.min(firstStarted, performance.now());
      if (/stored as/.test(event.message)) lastStored = performance.now();
    });
    const started = performance.now();
    const result = await videoDepartmentGraph.invoke(
      { projectId: "default", threadId: "bench", requestId: "req_bench", requestText: SCENE },
      { context: asContext(runtime), recursionLimit: 80 },
    );
    return {
      generation: (lastStored - firstStarted) / 1000,
      total: (performance.now() - started) / 1000,
      calls: provider.calls.length,
      shots: result.plan?.shots.length ?? 0,
    };
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function sceneGeneration(): Promise<Record<string, unknown>> {
  // The same scene with an instant provider measures the local work of generation (tools, storing,
  // per-shot checks); the difference is what waiting on the provider cost.
  const local = await sceneRun(0);
  const slow = await sceneRun(LATENCY_SECONDS);
  const floor = Math.ceil(SHOTS / CONCURRENCY) * LATENCY_SECONDS;
  const waiting = slow.generation - local.generation;
  return {
    shots: slow.shots,
    providerCalls: slow.calls,
    latencySeconds: LATENCY_SECONDS,
    concurrency: CONCURRENCY,
    generationSeconds: round(slow.generation),
    localGenerationWorkSeconds: round(local.generation),
    providerWaitSeconds: round(waiting),
    floorSeconds: floor,
    ratio: round(waiting / floor),
    target: "ratio ≤ 1.1",
    met: waiting / floor <= 1.1,
    localMediaWorkAfterGenerationSeconds: round(slow.total - slow.generation),
    totalSeconds: round(slow.total),
  };
}

async function orchestrationOverhead(): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(join(tmpdir(), "cutroom-bench-steps-"));
  const config = loadConfig({
    CUTROOM_DATA_DIR: dataDir,
    CUTROOM_RESOLUTION: "320x180",
    CUTROOM_FPS: "12",
    CUTROOM_CLIP_SECONDS: "2",
  });
  const provider = new LatencyProvider(0, new LocalAnimaticProvider({}), dataDir);
  const runtime = await createRuntime(config, { llm: null, log: quiet, video: provider });
  try {
    const graph = buildOrchestratorGraph(runtime.checkpointer);
    const gaps: number[] = [];
    for (let round = 0; round < 5; round++) {
      let lastEnd: number | null = null;
      const stream = await graph.stream(
        { threadId: `steps${round}`, projectId: "default", message: "generate Sarah walking in the park" },
        {
          configurable: { thread_id: `steps${round}` },
          context: asContext(runtime),
          streamMode: "debug",
          subgraphs: true,
          recursionLimit: 80,
        },
      );
      for await (const chunk of stream) {
        const event = (Array.isArray(chunk) ? chunk[chunk.length - 1] : chunk) as { type?: string; timestamp?: string };
        const at = event.timestamp ? Date.parse(event.timestamp) : performance.timeOrigin + performance.now();
        if (event.type === "task" && lastEnd !== null) gaps.push(Math.max(0, at - lastEnd));
        if (event.type === "task_result") lastEnd = at;
      }
    }
    gaps.sort((left, right) => left - right);
    const p50 = gaps[Math.floor(gaps.length / 2)] ?? 0;
    return {
      steps: gaps.length,
      p50Ms: round(p50),
      p90Ms: round(gaps[Math.floor(gaps.length * 0.9)] ?? 0),
      target: "p50 ≤ 50 ms",
      met: p50 <= 50,
    };
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

const generation = await sceneGeneration();
const overhead = await orchestrationOverhead();
process.stdout.write(`${JSON.stringify({ sceneGeneration: generation, orchestrationOverhead: overhead }, null, 2)}\n`);
