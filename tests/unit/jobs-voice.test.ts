/**
 * Voiced lines are jobs with the clips' journal-and-reuse contract: a resumed run (a new take of the same
 * request) reuses the line already voiced instead of paying for it again, and an object an interrupted
 * attempt stored without its record is removed.
 */
import { readdir, writeFile } from "node:fs/promises";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerDepartmentJobs } from "../../src/departments/video/jobs.js";
import { InProcessJobQueue } from "../../src/jobs/in-process.js";
import type { JobContext, JobHandler, JobName, JobQueue } from "../../src/jobs/types.js";
import type { VoiceJobData, VoiceJobResult } from "../../src/jobs/voice.js";
import type { SpeechRequest, VoiceProvider } from "../../src/providers/voice/types.js";
import type { Runtime } from "../../src/runtime.js";
import { createAudioTools } from "../../src/tools/audio.js";
import { createToolContext } from "../../src/tools/context.js";
import { character } from "../helpers/brain-fixtures.js";
import { createTestRuntime } from "../helpers/runtime.js";

let test: Awaited<ReturnType<typeof createTestRuntime>>;
beforeEach(async () => {
  test = await createTestRuntime();
});
afterEach(async () => test.cleanup());

/** The runtime's voice provider, counting the lines it is paid to speak. */
function counting(voice: VoiceProvider): VoiceProvider & { spoken: SpeechRequest[]; effects: number } {
  const spoken: SpeechRequest[] = [];
  const counted = {
    name: voice.name,
    spoken,
    effects: 0,
    listVoices: () => voice.listVoices(),
    synthesize: (request: SpeechRequest, outputDir: string) => {
      spoken.push(request);
      return voice.synthesize(request, outputDir);
    },
    soundEffect: (description: string, seconds: number, outputDir: string) => {
      counted.effects += 1;
      return voice.soundEffect(description, seconds, outputDir);
    },
  };
  return counted;
}

function voiceHandler(runtime: Runtime): JobHandler {
  const handlers = new Map<JobName, JobHandler>();
  registerDepartmentJobs({
    ...runtime,
    jobs: { register: (name: JobName, handler: JobHandler) => handlers.set(name, handler) } as unknown as JobQueue,
  });
  return handlers.get("voice")!;
}

function context(journal: string[], attempt: number): JobContext {
  return {
    jobId: "voice-vid_a-line",
    attempt,
    progress: async () => undefined,
    journal: { entries: async () => [...journal], append: async (line) => void journal.push(line) },
    signal: new AbortController().signal,
  };
}

/** Keys of the objects in the local store (its bytes files; sidecars hold their metadata). */
async function storedKeys(dataDir: string): Promise<string[]> {
  const root = join(dataDir, "store", "objects");
  const files = await readdir(root, { recursive: true, withFileTypes: true });
  return files
    .filter((entry) => entry.isFile() && !entry.name.endsWith(SIDECAR))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The local store keeps each object's metadata beside it in a file with this ending. */
const SIDECAR = ".meta.json";

const line = { character: "Sarah", text: "What a lovely day", emotion: "happy", voiceId: "en-us-female" };

describe("voice jobs", () => {
  it("remove an interrupted attempt's orphan, voice the line once, and reuse it for a later take", async () => {
    const voice = counting(test.runtime.voice);
    const runtime = { ...test.runtime, voice };
    const handler = voiceHandler(runtime);
    const orphanKey = "projects/default/takes/vid_a/line-med_orphan.wav";
    const half = join(test.dataDir, "half.wav");
    await writeFile(half, "half-written");
    await runtime.store.put(orphanKey, half, { contentType: "audio/wav", metadata: {} });
    const journal = [`put ${orphanKey}`];
    const data: VoiceJobData = { projectId: "default", takeId: "vid_a", line };

    const first = (await handler({ ...data }, context(journal, 2))) as VoiceJobResult;
    expect(await runtime.store.head(orphanKey)).toBeNull();
    expect(first).toMatchObject({ reused: false, voiceId: "en-us-female" });
    expect(first.durationSeconds).toBeGreaterThan(0);
    expect(journal).toContain(`put ${first.key}`);
    expect(voice.spoken).toHaveLength(1);

    // A resumed run makes a new take of the same request: its job finds the line already voiced.
    const again = (await handler({ ...data, takeId: "vid_b" }, context([], 1))) as VoiceJobResult;
    expect(again).toMatchObject({ reused: true, mediaId: first.mediaId, key: first.key });
    expect(voice.spoken).toHaveLength(1);
    // Different words are a different line.
    await handler({ ...data, line: { ...line, text: "Time to go home" } }, context([], 1));
    expect(voice.spoken).toHaveLength(2);
    // An effect of the same description and length is made once too.
    const effect = { description: "birds in the park", durationSeconds: 1.5 };
    const made = (await handler({ projectId: "default", takeId: "vid_a", effect }, context([], 1))) as VoiceJobResult;
    const again2 = (await handler({ projectId: "default", takeId: "vid_b", effect }, context([], 1))) as VoiceJobResult;
    expect(again2).toMatchObject({ reused: true, key: made.key });
    expect(made.durationSeconds).toBeCloseTo(1.5, 1);
    expect(voice.effects).toBe(1);
  });

  it("the dialogue tool voices through the queue: a second run of the line pays nothing and leaves no orphan", async () => {
    const voice = counting(test.runtime.voice);
    const jobs = new InProcessJobQueue({ backoffMs: 10 });
    const runtime = { ...test.runtime, voice, jobs };
    registerDepartmentJobs(runtime);
    await runtime.brain.forProject(runtime.config.projectId).saveCharacter(character("chr_sarah", "Sarah"));
    const speak = async (takeId: string) => {
      const tools = createAudioTools(await createToolContext(runtime, "default", takeId));
      const dialogue = tools.find((item) => item.name === "generate_character_dialogue") as StructuredToolInterface;
      return JSON.parse(String(await dialogue.invoke({ character: "Sarah", text: line.text, emotion: "happy" }))) as {
        audioId: string;
        reused: boolean;
        durationSeconds: number;
      };
    };
    try {
      const first = await speak("vid_first");
      const resumed = await speak("vid_resumed");
      expect(voice.spoken).toHaveLength(1);
      expect(first.reused).toBe(false);
      expect(resumed.reused).toBe(true);
      expect(resumed.durationSeconds).toBeCloseTo(first.durationSeconds, 2);
      // Each take has the line in its own scratch dir, ready for the mixer.
      const scratch = await readdir(join(runtime.scratchDir, "vid_resumed"));
      expect(scratch).toContain(`${resumed.audioId}.wav`);
      // Every stored object has its record: nothing was orphaned.
      const records = await runtime.media.listByProject("default");
      const lines = records.filter((record) => record.kind === "audio");
      expect(lines).toHaveLength(1);
      expect(await storedKeys(test.dataDir)).toEqual(lines.map((record) => record.key));
    } finally {
      await jobs.close();
    }
  });
});
