/**
 * The graphs of langgraph.json on LangGraph's own API server (what `langgraph dev` and Studio run), with
 * the embedded defaults: no Runtime is passed in, so the nodes build one from the environment. A chat
 * turn streams its progress as custom events, stops at the take's choices, and is resumed with accept.
 */
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client as SdkClient } from "@langchain/langgraph-sdk";
import { closeRuntimes, runtimeForContext } from "../../src/run-context.js";
import { freePort } from "../helpers/ports.js";
import { TEST_ENV } from "../helpers/runtime.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Variables that would pick a paid or remote adapter: unset, so the run uses the embedded defaults. */
const REMOTE = /^(OPENAI_|FAL_|ELEVENLABS_|S3_|R2_|MONGODB_|NEO4J_|REDIS_|LANGSMITH_|LANGCHAIN_)/;

interface ProgressChunk {
  kind: "progress";
  step: string;
  fraction: number | null;
  message: string;
}

interface ChoicePrompt {
  kind: string;
  videoId: string;
  choices: string[];
}

describe("the graphs on LangGraph's API server", () => {
  const saved = { ...process.env };
  let cwd: string;
  let dataDir: string;
  let stop: () => Promise<void>;
  let client: SdkClient;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "cutroom-langgraph-"));
    dataDir = join(cwd, "data");
    for (const name of Object.keys(process.env)) if (REMOTE.test(name)) delete process.env[name];
    Object.assign(process.env, TEST_ENV, { CUTROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn" });
    // langgraph.json as the CLI reads it; its paths resolved here, so the server's own files go to cwd.
    const spec = JSON.parse(await readFile(join(ROOT, "langgraph.json"), "utf8")) as { graphs: Record<string, string> };
    const graphs = Object.fromEntries(
      Object.entries(spec.graphs).map(([id, path]) => {
        const [file, name] = path.split(":");
        return [id, `${resolve(ROOT, file!)}:${name}`];
      }),
    );
    // Imported after the environment is set: the server reads LOG_LEVEL when it loads.
    const { startServer } = await import("@langchain/langgraph-api/server");
    const { Client } = await import("@langchain/langgraph-sdk");
    const port = await freePort();
    const server = await startServer({ port, nWorkers: 1, host: "127.0.0.1", cwd, graphs });
    stop = server.cleanup;
    client = new Client({ apiUrl: `http://${server.host}` });
  });

  afterAll(async () => {
    await stop?.();
    // The Runtime the nodes built from the environment belongs to the process, not to the server.
    await closeRuntimes();
    process.env = saved;
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it("lists both graphs", async () => {
    const assistants = await client.assistants.search({ limit: 10 });
    expect(assistants.map((assistant) => assistant.graph_id).sort()).toEqual(["orchestrator", "video_department"]);
  });

  it("streams a chat turn's progress, waits for a choice, and accepts the take when resumed", async () => {
    const thread = await client.threads.create();
    const progress: ProgressChunk[] = [];
    const events: string[] = [];
    for await (const chunk of client.runs.stream(thread.thread_id, "orchestrator", {
      input: { message: "generate Sarah walking in the park" },
      streamMode: ["custom", "updates"],
    })) {
      events.push(chunk.event);
      if (chunk.event === "error") throw new Error(`run failed: ${JSON.stringify(chunk.data)}`);
      if (chunk.event === "custom") progress.push(chunk.data as ProgressChunk);
    }
    const steps = new Set(progress.map((event) => event.step));
    expect(steps).toContain("route");
    expect(steps).toContain("assess");
    expect(steps).toContain("generate");
    expect(progress.every((event) => event.kind === "progress" && typeof event.message === "string")).toBe(true);

    const waiting = await client.threads.getState(thread.thread_id);
    expect(waiting.next).toEqual(["present"]);
    const prompt = waiting.tasks.flatMap((task) => task.interrupts).map((item) => item.value as ChoicePrompt)[0];
    expect(prompt).toMatchObject({ kind: "take", choices: ["accept", "regenerate", "discard"] });
    const values = waiting.values as { threadId: string; projectId: string; pendingTake: { videoId: string } };
    // A turn given only its message belongs to the server's thread and the default project.
    expect(values).toMatchObject({ threadId: thread.thread_id, projectId: "default" });
    expect(values.pendingTake.videoId).toBe(prompt!.videoId);

    const resumed = await client.runs.wait(thread.thread_id, "orchestrator", { command: { resume: "accept" } });
    expect(resumed).toMatchObject({ lastChoice: { choice: "accept", videoId: prompt!.videoId }, pendingTake: null });

    const done = await client.threads.getState(thread.thread_id);
    expect(done.next).toEqual([]);
    expect((done.values as { reply: string }).reply).toMatch(/ACCEPTED in the Brain/);
    // The nodes' Runtime is the process's one for the default project, built from CUTROOM_DATA_DIR.
    const runtime = await runtimeForContext({});
    expect(runtime.config.dataDir).toBe(dataDir);
    const take = await runtime.brain.forProject("default").getTake(prompt!.videoId);
    expect(take?.video.status).toBe("accepted");
  });

  it("runs the department on its own with only the request's text and a project in the context", async () => {
    const progress: string[] = [];
    let result: { projectId?: string; requestId?: string; report?: { department: string } } = {};
    for await (const chunk of client.runs.stream(null, "video_department", {
      input: { requestText: "generate Sarah walking in the park" },
      context: { projectId: "studio" },
      streamMode: ["custom", "values"],
    })) {
      if (chunk.event === "error") throw new Error(`run failed: ${JSON.stringify(chunk.data)}`);
      if (chunk.event === "custom") progress.push((chunk.data as ProgressChunk).step);
      if (chunk.event === "values") result = chunk.data as typeof result;
    }
    expect(progress).toContain("assess");
    expect(result).toMatchObject({ projectId: "studio", report: { department: "video-generation" } });
    expect(result.requestId).toMatch(/^req_/);
  });
});
