/**
 * Captions of a scene with two speakers, on embedded defaults through the built CLI: SRT and WebVTT files
 * that parse, with each cue within one frame of where its line is heard in the mix (measured from the
 * sound, not read from the plan), stored with records and linked in the Brain; and `--captions burn` draws
 * them into a vertical picture, inside the frame, without changing its size.
 */
import { readFile } from "node:fs/promises";
import { parseSync } from "subtitle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebVTTParser } from "webvtt-parser";
import { parseSilence } from "../../src/media/analysis.js";
import { decodeRawFrames, probe, runFfmpeg } from "../../src/media/runner.js";
import type { Runtime } from "../../src/runtime.js";
import { startFakeElevenLabs, type FakeElevenLabs } from "../fakes/elevenlabs.js";
import { runCli, runCliWith } from "../helpers/cli.js";
import { createTestRuntime } from "../helpers/runtime.js";

const ELEVEN_KEY = "eleven-test-key";
const SCENE = 'a 10 second scene in the park: Sarah says "hi there", then Tom says "good morning"';

interface TurnJson {
  videoId: string;
  path: string;
  captions: {
    cueCount: number;
    burnedIn: boolean;
    srt: { mediaId: string; key: string; path: string };
    vtt: { mediaId: string; key: string; path: string };
  } | null;
}

/** Where sound starts and stops in the file's mix: the ends and starts of its silences (-50 dBFS, 0.1 s). */
async function heard(path: string): Promise<{ onsets: number[]; offsets: number[] }> {
  const { durationSeconds } = await probe(path);
  const { stderr } = await runFfmpeg({
    inputs: [{ source: `file:${path}`, options: [] }],
    filterComplex: null,
    outputOptions: ["-vn", "-af", "silencedetect=n=-50dB:d=0.1", "-f", "null"],
    output: "-",
  });
  const silence = parseSilence(stderr, durationSeconds);
  return {
    onsets: silence.map((interval) => interval.end).filter((end) => end < durationSeconds - 0.05),
    offsets: silence.map((interval) => interval.start).filter((start) => start > 0.05),
  };
}

/** Mean absolute difference of two RGB frames over rows [top, bottom), and the columns that differ there. */
function difference(first: Buffer, second: Buffer, width: number, top: number, bottom: number) {
  let sum = 0;
  const columns = new Set<number>();
  for (let row = top; row < bottom; row++) {
    for (let column = 0; column < width; column++) {
      const at = (row * width + column) * 3;
      const delta =
        (Math.abs(first[at]! - second[at]!) +
          Math.abs(first[at + 1]! - second[at + 1]!) +
          Math.abs(first[at + 2]! - second[at + 2]!)) /
        3;
      sum += delta;
      if (delta > 80) columns.add(column);
    }
  }
  return { mean: sum / ((bottom - top) * width), columns: [...columns].sort((left, right) => left - right) };
}

describe("captions of a scene's dialogue", () => {
  let runtime: Runtime;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ runtime, dataDir, cleanup } = await createTestRuntime());
  });
  afterAll(async () => cleanup());

  it("writes SRT and WebVTT whose cues start within one frame of where each line is heard", async () => {
    const run = await runCli(["chat", SCENE, "--json"], dataDir);
    expect(run.code, run.stderr).toBe(0);
    const turn = run.json as unknown as TurnJson;
    expect(turn.captions).toMatchObject({ cueCount: 2, burnedIn: false });
    const captions = turn.captions!;

    const srt = parseSync(await readFile(captions.srt.path, "utf8"))
      .filter((node) => node.type === "cue")
      .map((node) => node.data as { start: number; end: number; text: string });
    const vtt = new WebVTTParser().parse(await readFile(captions.vtt.path, "utf8"), "subtitles");
    expect(vtt.errors).toEqual([]);
    expect(srt.map((cue) => cue.text)).toEqual(["Sarah: hi there", "Tom: good morning"]);
    expect(vtt.cues.map((cue: { text: string }) => cue.text)).toEqual(srt.map((cue) => cue.text));

    // Each line's place in the mix, measured from the take's own sound.
    const video = await probe(turn.path);
    const frame = 1 / video.fps;
    const { onsets, offsets } = await heard(turn.path);
    expect(onsets).toHaveLength(2);
    srt.forEach((cue, index) => {
      expect(Math.abs(cue.start / 1000 - onsets[index]!)).toBeLessThanOrEqual(frame);
      expect(Math.abs(cue.end / 1000 - offsets[index]!)).toBeLessThanOrEqual(frame);
      const webVtt = vtt.cues[index] as { startTime: number; endTime: number };
      expect(Math.abs(webVtt.startTime - onsets[index]!)).toBeLessThanOrEqual(frame);
    });

    // Stored beside the video, each with its record, and linked to the take in the Brain.
    const stem = turn.path.replace(/\.mp4$/, "");
    expect(captions.srt.path).toBe(`${stem}.srt`);
    expect(captions.vtt.path).toBe(`${stem}.vtt`);
    for (const file of [captions.srt, captions.vtt]) {
      const record = await runtime.media.get(file.mediaId);
      expect(record).toMatchObject({ kind: "captions", status: "live", key: file.key });
      expect(record?.generation.takeId).toBe(turn.videoId);
      expect(await runtime.store.head(file.key)).not.toBeNull();
    }
    const linked = await runtime.brain.forProject("default").captionsOf(turn.videoId);
    expect(linked).toMatchObject({
      cueCount: 2,
      burnedIn: false,
      srt: { mediaId: captions.srt.mediaId, objectKey: captions.srt.key },
      vtt: { mediaId: captions.vtt.mediaId, objectKey: captions.vtt.key },
    });
    expect(run.json.brainWrites).toContain(`(${turn.videoId})-[:HAS_CAPTIONS]->(Captions 2 cues, SRT and WebVTT)`);
    const shown = await runCli(["brain", "take", turn.videoId, "--json"], dataDir);
    expect(shown.json.captions).toEqual(linked);
  });

  it("burns them into a vertical picture, inside the frame and at its size, and still stores the files", async () => {
    const run = await runCli(["chat", SCENE, "--aspect", "9:16", "--captions", "burn", "--json"], dataDir);
    expect(run.code, run.stderr).toBe(0);
    const turn = run.json as unknown as TurnJson;
    expect(turn.captions).toMatchObject({ cueCount: 2, burnedIn: true });
    const burnedRecord = (await runtime.media.listByProject("default")).find(
      (record) => record.generation.takeId === turn.videoId && record.generation.captionsBurned === true,
    )!;
    expect(burnedRecord).toBeDefined();
    const source = await runtime.media.get(String(burnedRecord.generation.captionsBurnedFrom));
    const sourcePath = await runtime.store.localPath(source!.key, dataDir);

    const burned = await probe(turn.path);
    const plain = await probe(sourcePath);
    expect(burned.height).toBeGreaterThan(burned.width);
    expect([burned.width, burned.height]).toEqual([plain.width, plain.height]);
    expect(burned.durationSeconds).toBeCloseTo(plain.durationSeconds, 1);

    // Halfway through the first cue, the captions are in the lower part of the picture, and nowhere else.
    const cue = parseSync(await readFile(turn.captions!.srt.path, "utf8")).find((node) => node.type === "cue")!
      .data as { start: number; end: number };
    const { width, height } = burned;
    const at = (cue.start + cue.end) / 2000;
    const [withText, without] = [
      (await decodeRawFrames(turn.path, { times: [at], width, height }))[0]!,
      (await decodeRawFrames(sourcePath, { times: [at], width, height }))[0]!,
    ];
    const lower = difference(withText, without, width, Math.round(height * 0.75), height);
    const upper = difference(withText, without, width, 0, Math.round(height * 0.5));
    expect(lower.mean).toBeGreaterThan(upper.mean + 1);
    expect(lower.columns.length).toBeGreaterThan(20);
    // The text stops short of both edges: nothing of it is cut off by the frame.
    expect(lower.columns[0]!).toBeGreaterThan(width * 0.03);
    expect(lower.columns.at(-1)!).toBeLessThan(width * 0.97);
    // Before anyone speaks there is nothing drawn.
    const [early, earlyPlain] = [
      (await decodeRawFrames(turn.path, { times: [1], width, height }))[0]!,
      (await decodeRawFrames(sourcePath, { times: [1], width, height }))[0]!,
    ];
    expect(difference(early, earlyPlain, width, Math.round(height * 0.75), height).columns).toEqual([]);
  });
});

describe("captions from a voice that gives its own timings", () => {
  let eleven: FakeElevenLabs;
  beforeAll(async () => {
    eleven = await startFakeElevenLabs({ apiKey: ELEVEN_KEY });
  });
  afterAll(async () => eleven.close());

  it("places each cue by the ElevenLabs alignment of its line", async () => {
    const { dataDir, cleanup } = await createTestRuntime();
    try {
      const run = await runCliWith(["chat", SCENE, "--json"], {
        CUTROOM_DATA_DIR: dataDir,
        ELEVENLABS_API_KEY: ELEVEN_KEY,
        ELEVENLABS_BASE_URL: eleven.url,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(eleven.calls.filter((call) => call.path.endsWith("/with-timestamps"))).toHaveLength(2);
      const audio = (
        run.json.report as { outputs: Array<{ specialist: string; output: Record<string, unknown> }> }
      ).outputs.find((output) => output.specialist === "audio-integrator")!.output;
      const tracks = (audio.tracks as Array<{ type: string; startTime: number; duration: number }>).filter(
        (track) => track.type === "dialogue",
      );
      const lines = audio.captionLines as Array<{ startSeconds: number; endSeconds: number }>;
      // The fake's alignment starts each line's first character at 0 and ends its last with the audio:
      // the cue is the line as placed, not the onset a measurement of the file would find a little later.
      expect(lines).toHaveLength(2);
      lines.forEach((line, index) => {
        expect(line.startSeconds).toBeCloseTo(tracks[index]!.startTime, 6);
        expect(line.endSeconds).toBeCloseTo(tracks[index]!.startTime + tracks[index]!.duration, 1);
      });
      const turn = run.json as unknown as TurnJson;
      const srt = parseSync(await readFile(turn.captions!.srt.path, "utf8"))
        .filter((node) => node.type === "cue")
        .map((node) => node.data as { start: number });
      const frame = 1 / (await probe(turn.path)).fps;
      srt.forEach((cue, index) =>
        expect(Math.abs(cue.start / 1000 - lines[index]!.startSeconds)).toBeLessThanOrEqual(frame / 2 + 1e-3),
      );
    } finally {
      await cleanup();
    }
  });
});
