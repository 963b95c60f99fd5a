/** Captions: cues from a scene's lines, SRT and WebVTT that parse, and a burn-in that stays inside a vertical frame. */
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSync } from "subtitle";
import { WebVTTParser } from "webvtt-parser";
import {
  burnCaptionsSpec,
  captionCues,
  MAX_LINE_CHARACTERS,
  toAss,
  toSrt,
  toWebVtt,
  wrapWords,
  type CaptionLine,
} from "../../src/media/captions.js";
import { decodeRawFrames, runFfmpeg } from "../../src/media/runner.js";

const FPS = 24;
const lines: CaptionLine[] = [
  { text: "Hi there!", speaker: "Sarah", startSeconds: 0.51, endSeconds: 1.4 },
  {
    text: "I have been waiting for you by the fountain for nearly an hour, and the ducks <are> getting bold & loud --> look",
    speaker: "Tom",
    startSeconds: 2.02,
    endSeconds: 7.9,
  },
];

describe("caption cues", () => {
  it("wraps at the line limit, at most two lines a cue, on frames of the mix, without overlap", () => {
    expect(wrapWords("a ".repeat(50)).every((line) => line.length <= MAX_LINE_CHARACTERS)).toBe(true);
    const cues = captionCues(lines, FPS, 8);
    expect(cues[0]).toMatchObject({ text: "Sarah: Hi there!" });
    expect(cues.length).toBeGreaterThan(2);
    for (const [index, cue] of cues.entries()) {
      expect(cue.text.split("\n").length).toBeLessThanOrEqual(2);
      for (const time of [cue.startSeconds, cue.endSeconds])
        expect(Math.abs(time * FPS - Math.round(time * FPS))).toBeLessThan(1e-6);
      expect(cue.endSeconds).toBeGreaterThan(cue.startSeconds);
      if (index > 0) expect(cue.startSeconds).toBeGreaterThanOrEqual(cues[index - 1]!.endSeconds);
      expect(cue.endSeconds).toBeLessThanOrEqual(8);
    }
    // Within one frame of the line's own timing.
    expect(Math.abs(cues[0]!.startSeconds - 0.51)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(cues[1]!.startSeconds - 2.02)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(cues.at(-1)!.endSeconds - 7.9)).toBeLessThanOrEqual(1 / FPS);
  });

  it("writes SRT and WebVTT that parse back to the same cues, with markup escaped", () => {
    const cues = captionCues(lines, FPS, 8);
    const srt = parseSync(toSrt(cues)).filter((node) => node.type === "cue");
    expect(srt).toHaveLength(cues.length);
    srt.forEach((node, index) => {
      const data = node.data as { start: number; end: number; text: string };
      expect(data.start).toBe(Math.round(cues[index]!.startSeconds * 1000));
      expect(data.end).toBe(Math.round(cues[index]!.endSeconds * 1000));
    });
    const vtt = toWebVtt(cues);
    const tree = new WebVTTParser().parse(vtt, "subtitles");
    expect(tree.errors).toEqual([]);
    expect(tree.cues).toHaveLength(cues.length);
    const all = tree.cues.map((cue: { text: string }) => cue.text).join(" ");
    expect(all).toContain("&lt;are&gt;");
    expect(all).toContain("&amp;");
    expect(vtt.split("\n").filter((line) => line.includes("-->")).length).toBe(cues.length);
  });
});

describe("burned-in captions", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-captions-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("draws the captions inside a vertical 720x1280 frame, with a path that needs escaping", async () => {
    const size = { width: 360, height: 640 };
    const clip = join(directory, "plain.mp4");
    await runFfmpeg({
      inputs: [{ source: `color=c=0x203040:s=${size.width}x${size.height}:r=${FPS}:d=3`, options: ["-f", "lavfi"] }],
      filterComplex: null,
      outputOptions: ["-c:v", "libx264", "-pix_fmt", "yuv420p"],
      output: clip,
    });
    const assPath = join(directory, "it's: [odd], name.ass");
    // A long word, a brace and a backslash sequence from the user: drawn as text, inside the frame.
    const longLine = "W".repeat(20) + " " + "M".repeat(20) + " {\\b1} and more words to wrap";
    const cues = captionCues([{ text: longLine, speaker: null, startSeconds: 0, endSeconds: 3 }], FPS, 3);
    await writeFile(assPath, toAss(cues, size.width, size.height));
    const burned = join(directory, "burned.mp4");
    await runFfmpeg(burnCaptionsSpec(clip, assPath, burned), { timeoutMs: 60_000 });
    const [frame] = await decodeRawFrames(burned, { times: [1.5], ...size, scaleFlags: "neighbor" });
    // Bright caption pixels: some drawn, none in the outer columns (nothing cut off at the sides).
    let drawn = 0;
    let atEdge = 0;
    for (let y = 0; y < size.height; y++)
      for (let x = 0; x < size.width; x++) {
        const offset = (y * size.width + x) * 3;
        if (frame![offset]! > 200 && frame![offset + 1]! > 200 && frame![offset + 2]! > 200) {
          drawn++;
          if (x < 4 || x >= size.width - 4 || y >= size.height - 4) atEdge++;
        }
      }
    expect(drawn).toBeGreaterThan(200);
    expect(atEdge).toBe(0);
  });
});
