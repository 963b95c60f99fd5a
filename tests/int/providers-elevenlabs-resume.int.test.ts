/**
 * A voiced line (or effect) is paid for once: a run stopped after its line was spoken, then resumed,
 * asks nothing again of the ElevenLabs fake, and every stored object has its media record.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ProgressBus } from "../../src/jobs/progress.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { createRuntime } from "../../src/runtime.js";
import { startFakeElevenLabs, type FakeElevenLabs } from "../fakes/elevenlabs.js";
import { createTestRuntime, TEST_ENV } from "../helpers/runtime.js";

const KEY = "xi-resume-key-77b1";
/** The local store keeps each object's metadata beside it in a file with this ending. */
const SIDECAR = ".meta.json";

describe("voiced lines across a stopped and resumed run", () => {
  let directory: string;
  let eleven: FakeElevenLabs;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-11labs-resume-"));
    eleven = await startFakeElevenLabs({ apiKey: KEY });
  });
  afterAll(async () => {
    await eleven.close();
    await rm(directory, { recursive: true, force: true });
  });

  const spoken = () => eleven.calls.filter((call) => call.path.endsWith("/with-timestamps"));
  const effects = () => eleven.calls.filter((call) => call.path === "/v1/sound-generation");

  it("a resumed run, in a new process, reuses the line it already voiced and leaves no orphan object", async () => {
    const env = { ELEVENLABS_API_KEY: KEY, ELEVENLABS_BASE_URL: eleven.url };
    const first = await createTestRuntime({ env });
    const message = 'generate Sarah walking in the park; she says "What a lovely day"';
    // Stopped once the line is voiced and the mix begins, as a Ctrl-C or a crash would stop it.
    const controller = new AbortController();
    const progress = new ProgressBus();
    progress.subscribe((event) => {
      if (event.step === "audio" && event.message === "mixing") controller.abort();
    });
    await new ChatService(first.runtime)
      .turn({ threadId: "voiced", message, progress, signal: controller.signal })
      .catch(() => null);
    expect(controller.signal.aborted).toBe(true);
    expect(spoken()).toHaveLength(1);
    expect(effects()).toHaveLength(1);
    // The stopped process is gone with its in-memory job queue; the data dir is what a resume has.
    await first.runtime.close();

    const quiet = { info: () => {}, warn: () => {} };
    const config = loadConfig({ ...TEST_ENV, ...env, CUTROOM_DATA_DIR: first.dataDir });
    const runtime = await createRuntime(config, { llm: null, log: quiet });
    try {
      const resumed = await new ChatService(runtime).turn({ threadId: "voiced", resume: true });
      expect(resumed.status, resumed.reply).toBe("awaiting-choice");
      expect(spoken()).toHaveLength(1);
      // The park's ambience, a paid effect too, is not made again either.
      expect(effects()).toHaveLength(1);

      const records = await runtime.media.listByProject("default");
      expect(records.filter((record) => record.kind === "audio")).toHaveLength(2);
      const root = join(first.dataDir, "store", "objects");
      const stored = (await readdir(root, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile() && !entry.name.endsWith(SIDECAR))
        .map((entry) => relative(root, join(entry.parentPath, entry.name)));
      const recorded = new Set(records.map((record) => record.key));
      expect(stored.filter((key) => !recorded.has(key))).toEqual([]);
    } finally {
      await runtime.close();
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });
});
