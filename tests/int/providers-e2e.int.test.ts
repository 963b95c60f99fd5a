/**
 * "generate Sarah walking in the park" through ChatService with every real adapter pointed at the
 * wire-level fakes: FAL (returning a real MP4 rendered for the shot), ElevenLabs (real speech bytes),
 * the OpenAI-compatible server (scripted routing), S3 (s3rver). The outcome must match the embedded run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JUDGE_FRAME_WIDTH } from "../../src/departments/video/llm.js";
import { probe } from "../../src/media/runner.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { startFakeElevenLabs, type FakeElevenLabs } from "../fakes/elevenlabs.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { startFakeOpenAi, type FakeOpenAi } from "../fakes/openai.js";
import { startFakeS3, type FakeS3 } from "../fakes/s3.js";
import { createTestRuntime } from "../helpers/runtime.js";
import { sarahInThePark } from "../helpers/fixtures.js";

const KEYS = { fal: "fal-e2e-key-41b7", eleven: "xi-e2e-key-0c3d", openai: "sk-e2e-key-9f12" };

describe("the department on real adapters pointed at fakes", () => {
  let directory: string;
  let fal: FakeFal;
  let eleven: FakeElevenLabs;
  let openai: FakeOpenAi;
  let s3: FakeS3;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-e2e-real-"));
    const animatic = new LocalAnimaticProvider({ timeoutMs: 60_000 });
    // FAL renders 5 s at its own size; the shot is what the prompt asks, drawn by the local renderer.
    const shot = sarahInThePark({ durationSeconds: 3, seed: 5 });
    let rendered: Promise<string> | null = null;
    fal = await startFakeFal({
      apiKey: KEYS.fal,
      video: () =>
        (rendered ??= animatic
          .textToVideo(shot, { outputDir: directory, onProgress: null, signal: null })
          .then((clip) => clip.path)),
    });
    eleven = await startFakeElevenLabs({ apiKey: KEYS.eleven });
    openai = await startFakeOpenAi({ apiKey: KEYS.openai });
    openai.respond = (body) => {
      const names = body.tools?.map((entry) => entry.function.name) ?? [];
      if (names.includes("route")) {
        return {
          kind: "tools",
          calls: [
            {
              name: "route",
              args: { kind: "video", department: "video-generation", relevance: 0.95, reason: "footage of Sarah" },
            },
          ],
        };
      }
      if (names.includes("relevance")) {
        return {
          kind: "tools",
          calls: [{ name: "relevance", args: { relevance: 0.9, reason: "a figure walks on a park path" } }],
        };
      }
      return { kind: "text", content: "Done." };
    };
    s3 = await startFakeS3();
  });
  afterAll(async () => {
    await Promise.all([fal.close(), eleven.close(), openai.close(), s3.close()]);
    await rm(directory, { recursive: true, force: true });
  });

  it("stores a measured, Brain-recorded take made by FAL, voiced by ElevenLabs, in S3", async () => {
    const env = {
      FAL_KEY: KEYS.fal,
      FAL_BASE_URL: fal.url,
      CUTROOM_FAL_POLL_MS: "20",
      ELEVENLABS_API_KEY: KEYS.eleven,
      ELEVENLABS_BASE_URL: eleven.url,
      OPENAI_API_KEY: KEYS.openai,
      OPENAI_BASE_URL: openai.url,
      ...s3.env,
    };
    const llm = new ChatOpenAI({
      model: "local",
      apiKey: KEYS.openai,
      maxRetries: 0,
      configuration: { baseURL: openai.url },
    });
    const { runtime, cleanup } = await createTestRuntime({ env, llm });
    try {
      expect(Object.fromEntries(runtime.adapters.map((choice) => [choice.port, choice.adapter]))).toMatchObject({
        llm: "openai-compatible",
        video: "fal",
        voice: "elevenlabs",
        objectStore: "s3",
      });
      const turn = await new ChatService(runtime).turn({
        threadId: "real1",
        message: 'generate Sarah walking in the park; she says "What a lovely day" with birds',
      });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      expect(turn.route).toMatchObject({ department: "video-generation", decidedBy: "llm" });
      expect(fal.submissions.length).toBeGreaterThan(0);
      expect(eleven.calls.some((call) => call.path.endsWith("/with-timestamps"))).toBe(true);
      expect(eleven.calls.some((call) => call.path === "/v1/sound-generation")).toBe(true);

      const take = await runtime.brain.forProject(runtime.config.projectId).getTake(turn.videoId!);
      expect(take).toMatchObject({ characters: [{ name: "Sarah" }], location: { name: "park" } });
      expect(take!.video.model).toMatch(/^fal-ai\//);
      expect(take!.video.costUsd).toBeGreaterThan(0);
      expect(take!.report?.overallQuality).toBe(turn.quality!.overallQuality);
      const local = await runtime.store.localPath(take!.video.objectKey, directory);
      const probed = await probe(local);
      expect(probed).toMatchObject({ width: 320, height: 180, videoCodec: "h264" });
      expect(turn.quality!.checks.map((check) => check.type)).toEqual(
        expect.arrayContaining(["duration", "character-consistency"]),
      );
      expect(turn.url).toMatch(new RegExp(`^${s3.endpoint}/`));
      // The grader was shown frames of the stored take (fetched back from S3), small and in order.
      const judged = openai.requests.find((body) => body.tools?.some((entry) => entry.function.name === "relevance"));
      const content = judged!.messages.find((message) => message.role === "user")!.content as Array<{
        type: string;
        image_url?: { url: string; detail: string };
      }>;
      const images = content.filter((part) => part.type === "image_url");
      expect(images).toHaveLength(3);
      expect(images[0]!.image_url).toMatchObject({
        detail: "low",
        url: expect.stringMatching(/^data:image\/png;base64,/),
      });
      const png = Buffer.from(images[0]!.image_url!.url.split(",")[1]!, "base64");
      expect(png.readUInt32BE(16)).toBe(JUDGE_FRAME_WIDTH);
      expect(take!.video.grade).toMatchObject({
        relevanceBasis: "frames",
        relevanceReason: "a figure walks on a park path",
      });
      const sarah = await runtime.brain.forProject(runtime.config.projectId).findCharacterByName("Sarah");
      expect(sarah?.voiceId).toMatch(/^v[a-z0-9]+$/);
    } finally {
      await cleanup();
    }
  });
});
