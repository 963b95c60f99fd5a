/**
 * Talking shots against the wire-level FAL fake: Sarah says a line in the park. With a model that does not
 * take audio, the clip FAL made goes through one lip-sync pass with the line's voice placed where the mix
 * puts it (its model and cost recorded on the clip, counted in the take and shown by the Brain); with a
 * model that animates to audio, the voice goes with the generation and no pass follows. Either way the
 * line is voiced once: the mix finds it made.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAL_DEFAULT_MODELS } from "../../src/config.js";
import { facesInStill, loadFaceModel } from "../../src/media/faces.js";
import { checkLipSync, lipsFollowVoice } from "../../src/media/lip-sync-check.js";
import { correlation, mouthAreaPerFrame, mouthColour } from "../../src/media/mouth-measure.js";
import { runFfmpeg } from "../../src/media/runner.js";
import { loudnessPerFrame, renderSpeechTrack } from "../../src/media/speech.js";
import { probe } from "../../src/media/runner.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { LIP_SYNC_MODEL, lipSyncCostUsd } from "../../src/providers/video/fal/lip-sync.js";
import { modelCostUsd, registryEntry } from "../../src/providers/video/fal/registry.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { LocalVoiceProvider } from "../../src/providers/voice/local.js";
import type { Runtime } from "../../src/runtime.js";
import type { FakeFal } from "../fakes/fal.js";
import { startPaidFal, type PaidFal } from "../helpers/paid-fal.js";
import { personA, photoClip, photoStill } from "../helpers/face-photos.js";
import { sarahInThePark } from "../helpers/fixtures.js";
import { createTestRuntime } from "../helpers/runtime.js";

const KEY = "fal-talking-key-3b9d";
const REQUEST = 'Sarah says "hi there" in the park';
const AUDIO_MODEL = "fal-ai/ltx-2.3-22b/distilled/audio-to-video";

/** The bytes the fake stored under one of its file URLs, written out so ffmpeg can read them. */
async function uploaded(fal: FakeFal, url: string, directory: string, name: string) {
  const upload = fal.uploads.find((candidate) => url.endsWith(`/files/${candidate.id}`));
  expect(upload, `${url} is an upload`).toBeDefined();
  const path = join(directory, name);
  await writeFile(path, upload!.bytes);
  return { path, contentType: upload!.contentType };
}

async function voicedLines(runtime: Runtime) {
  return (await runtime.media.listByProject("default")).filter(
    (record) => record.kind === "audio" && typeof record.generation.voiceKey === "string" && record.generation.text,
  );
}

describe("a talking shot on a paid model", () => {
  let paid: PaidFal;
  let fal: FakeFal;
  beforeAll(async () => {
    paid = await startPaidFal(KEY, "cutroom-talking-", { CUTROOM_IMAGES: "local", CUTROOM_MAX_ATTEMPTS: "1" });
    fal = paid.fal;
  });
  afterAll(async () => paid.close());
  beforeEach(() => {
    fal.submissions.length = 0;
    fal.uploads.length = 0;
    fal.lipSyncs.length = 0;
  });

  it("syncs the mouth of a model's clip to the line in one lip-sync pass, recorded with its cost", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env: paid.env });
    try {
      const turn = await new ChatService(runtime).turn({ threadId: "talking-sync", message: REQUEST });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const model = FAL_DEFAULT_MODELS["text-to-video"];
      const generations = fal.submissions.filter((submission) => submission.model === model);
      expect(generations).toHaveLength(1);
      // The model is told who speaks and what, and gets no audio: it does not take any.
      expect(String(generations[0]!.body.prompt)).toContain('Sarah says: "hi there"');
      expect(generations[0]!.body).not.toHaveProperty("audio_url");

      expect(fal.lipSyncs).toHaveLength(1);
      const pass = fal.lipSyncs[0]!;
      expect(pass).toMatchObject({ model: LIP_SYNC_MODEL, syncMode: "cut_off" });
      // The clip sent is the one FAL made (a video upload), never a drawing; the audio is the voice track.
      const clip = await uploaded(fal, pass.videoUrl, paid.directory, "sent-clip.mp4");
      expect(clip.contentType).toBe("video/mp4");
      expect(fal.uploads.every((upload) => !upload.contentType.startsWith("image/"))).toBe(true);
      const voice = await uploaded(fal, pass.audioUrl, paid.directory, "sent-voice.wav");
      expect(voice.contentType).toBe("audio/wav");
      const clipSeconds = (await probe(clip.path)).durationSeconds;
      const track = await probe(voice.path);
      expect(Math.abs(track.durationSeconds - clipSeconds)).toBeLessThan(0.1);
      // Silence until the line starts half a second in, where the mix places it; the voice after that.
      const loudness = (await loudnessPerFrame(voice.path, Math.round(clipSeconds * 10), 10, 30_000))!;
      expect(Math.max(...loudness.slice(0, 4))).toBeLessThan(0.02);
      expect(Math.max(...loudness.slice(5, 15))).toBeGreaterThan(0.5);

      // The pass's cost is the clip's, recorded with its model, and counted in the take.
      const generated = turn.report!.outputs.find((output) => output.specialist === "video-generator")!.output as {
        costUsd: number;
        durationSeconds: number;
        passes: Array<{ step: string; model: string; costUsd: number }>;
      };
      const syncCost = lipSyncCostUsd(generated.durationSeconds);
      expect(syncCost).toBeGreaterThan(0);
      expect(generated.passes).toEqual([{ step: "lip-sync", model: LIP_SYNC_MODEL, costUsd: syncCost }]);
      const generationCost = modelCostUsd(registryEntry(model)!, { seconds: generated.durationSeconds })!;
      expect(generated.costUsd).toBeCloseTo(generationCost + syncCost, 4);
      expect(turn.report!.summary?.costUsd).toBeCloseTo(generationCost + syncCost, 4);
      const why = await runtime.brain.forProject("default").why(String(turn.videoId));
      expect(why?.passes).toEqual([{ shotIndex: 1, step: "lip-sync", model: LIP_SYNC_MODEL, costUsd: syncCost }]);

      // The verifier checks the line's timing; in a model's picture it looks for lips by face landmarks,
      // and the drawing this fake serves shows none: the mouth is not measured, which fails nothing.
      const lipSync = turn.quality!.checks.find((check) => check.type === "lip-sync")!;
      expect(lipSync.passed, lipSync.details).toBe(true);
      expect(lipSync.details).toMatch(/mouth movement not measured: a face's lips were found in 0 of \d+ frames/);

      // Voiced once, before the shot: the mix found the line made.
      expect(await voicedLines(runtime)).toHaveLength(1);
      const mixed = turn.report!.outputs.find((output) => output.specialist === "audio-integrator")!.output as {
        tracks: Array<{ type: string; description: string; startTime: number }>;
      };
      expect(mixed.tracks.find((track) => track.type === "dialogue")).toMatchObject({
        description: "Sarah: hi there",
        startTime: 0.5,
      });
    } finally {
      await cleanup();
    }
  });

  it("sends the line's voice with the generation to a model that animates to audio, with no pass after", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env: { ...paid.env, FAL_AI_TEXT_TO_VIDEO: AUDIO_MODEL } });
    try {
      const turn = await new ChatService(runtime).turn({ threadId: "talking-driven", message: REQUEST });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const generations = fal.submissions.filter((submission) => submission.model === AUDIO_MODEL);
      expect(generations).toHaveLength(1);
      const body = generations[0]!.body;
      expect(body).toMatchObject({ match_audio_length: true });
      const voice = await uploaded(fal, String(body.audio_url), paid.directory, "driving-voice.wav");
      expect(voice.contentType).toBe("audio/wav");
      expect(fal.lipSyncs).toEqual([]);
      const generated = turn.report!.outputs.find((output) => output.specialist === "video-generator")!.output as {
        passes: unknown[];
      };
      expect(generated.passes).toEqual([]);
      expect((await runtime.brain.forProject("default").why(String(turn.videoId)))?.passes).toEqual([]);
      expect(await voicedLines(runtime)).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });
});

describe("a talking shot on the local renderer", () => {
  it("makes a take whose speaker's mouth the verifier measures moving with the line", async () => {
    const { runtime, cleanup } = await createTestRuntime({ env: { CUTROOM_RESOLUTION: "640x360" } });
    try {
      const turn = await new ChatService(runtime).turn({
        threadId: "talking-local",
        message: 'Sarah says "hi there, it is a lovely morning" in the park',
      });
      expect(turn.status, turn.reply).toBe("awaiting-choice");
      const lipSync = turn.quality!.checks.find((check) => check.type === "lip-sync")!;
      expect(lipSync.passed, lipSync.details).toBe(true);
      const measured = /correlation (\d\.\d+)/.exec(lipSync.details);
      expect(measured, lipSync.details).not.toBeNull();
      expect(Number(measured![1])).toBeGreaterThan(0.6);
      // The line's own recording is found in the take's sound where the mix placed it.
      const heard = /Sarah's "hi there, it is a lovely morning" ([+-]\d+) ms \(match (\d\.\d+)\)/.exec(lipSync.details);
      expect(heard, lipSync.details).not.toBeNull();
      expect(Math.abs(Number(heard![1]))).toBeLessThanOrEqual(30);
      expect(Number(heard![2])).toBeGreaterThanOrEqual(0.7);
      expect(await voicedLines(runtime)).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it("opens and closes the speaker's mouth with the line's loudness", async () => {
    const directory = await mkdtemp(join(tmpdir(), "cutroom-mouth-"));
    try {
      const voices = new LocalVoiceProvider();
      const text = "hi there, it is a lovely morning in the park";
      const line = await voices.synthesize(
        { text, voiceId: (await voices.listVoices())[0]!.voiceId, emotion: "neutral" },
        directory,
      );
      const track = await renderSpeechTrack([{ path: line.path, startSeconds: 0.5 }], 5, join(directory, "track.wav"), {
        timeoutMs: 60_000,
      });
      const size = { width: 640, height: 360 };
      const request = sarahInThePark({
        action: "talk",
        camera: "static",
        durationSeconds: 5,
        fps: 12,
        ...size,
        speech: {
          lines: [{ character: "Sarah", text, startSeconds: 0.5, durationSeconds: line.durationSeconds }],
          audioPath: track,
        },
      });
      const clip = await new LocalAnimaticProvider({ timeoutMs: 60_000 }).textToVideo(request, {
        outputDir: directory,
        onProgress: null,
        signal: null,
      });
      const area = (await mouthAreaPerFrame(clip.path, size, mouthColour(request.characters[0]!.profile), 60_000))!;
      expect(area).toHaveLength(60);
      const loudness = (await loudnessPerFrame(track, area.length, 12, 60_000))!;
      // The drawn mouth's opening follows the voice over time, frame by frame.
      expect(correlation(area, loudness)!).toBeGreaterThan(0.7);
      // Shut (only its closed line drawn) before the line starts, clearly open while it is loud.
      const closed = Math.max(...area.slice(0, 5));
      const loudFrames = area.filter((_, frame) => loudness[frame]! > 0.5);
      expect(loudFrames.length).toBeGreaterThan(3);
      expect(Math.min(...loudFrames)).toBeGreaterThan(closed * 1.5);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("lips in a picture a model made", () => {
  it("are found by the offline face landmarks, and a comparison that cannot be made is not measured", async () => {
    const directory = await mkdtemp(join(tmpdir(), "cutroom-lips-"));
    try {
      const model = await loadFaceModel();
      const [face] = await facesInStill(await photoStill(personA, join(directory, "a.png")), model);
      expect(face!.mouthOpening).toBeGreaterThanOrEqual(0);
      expect(face!.mouthOpening).toBeLessThan(0.25);
      // A real face on a silent track: lips are found in most sampled frames (the clip zooms in on her), but nothing varies with a
      // voice, so the mouth is reported as not measured, and the check still rests on the timing alone.
      const clip = await photoClip(personA, join(directory, "a.mp4"));
      const withSound = join(directory, "a-silent.mp4");
      await runFfmpeg(
        {
          inputs: [
            { source: clip, options: [] },
            { source: "anullsrc=r=24000:cl=mono", options: ["-f", "lavfi"] },
          ],
          filterComplex: null,
          outputOptions: ["-shortest", "-c:v", "copy", "-c:a", "aac"],
          output: withSound,
        },
        { timeoutMs: 60_000 },
      );
      const line = { character: "Ana", text: "hello", startSeconds: 0.2, endSeconds: 1.8 };
      const source = { path: withSound, width: 320, height: 240, fps: 24, mouthColours: null, timeoutMs: 60_000 };
      const lips = await lipsFollowVoice([line], source);
      expect(lips).toEqual({
        notMeasured: expect.stringMatching(
          /^neither lips nor voice varied over the lines \(lips found in [5-9] of 9 frames\)$/,
        ),
      });
      const shots = [{ index: 1, startSeconds: 0, endSeconds: 2, characters: ["Ana"] }];
      const check = await checkLipSync([line], shots, source, 0.7);
      expect(check.passed).toBe(true);
      expect(check.details).toContain("mouth movement not measured: neither lips nor voice varied");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
