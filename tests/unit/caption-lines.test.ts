import { describe, expect, it } from "vitest";
import type { ToolCallRecord } from "../../src/specialists/agent.js";
import { captionLines } from "../../src/specialists/audio-integrator/index.js";
import { spokenSpan } from "../../src/tools/audio.js";
import { captionKey, parseCaptionMode } from "../../src/departments/video/captions.js";
import { isCutroomError } from "../../src/errors.js";
import { audibleSpan } from "../../src/media/audible.js";
import { runFfmpeg } from "../../src/media/runner.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const call = (name: string, args: Record<string, unknown>, result: Record<string, unknown>): ToolCallRecord => ({
  name,
  args,
  ok: true,
  result,
  error: null,
});

const mixed = (tracks: Array<Record<string, unknown>>) =>
  call("mix_audio", { videoId: "med_v", tracks }, { clipId: "m" });

describe("spokenSpan", () => {
  it("spans the first to the last spoken character, skipping spaces around the words", () => {
    const alignment = {
      characters: [" ", "H", "i", " "],
      startSeconds: [0, 0.12, 0.2, 0.31],
      endSeconds: [0.12, 0.2, 0.3, 0.5],
    };
    expect(spokenSpan(alignment)).toEqual({ startSeconds: 0.12, endSeconds: 0.3 });
  });

  it("is null without usable timings", () => {
    expect(spokenSpan(null)).toBeNull();
    expect(spokenSpan({ characters: ["a"] })).toBeNull();
    expect(spokenSpan({ characters: [" "], startSeconds: [0], endSeconds: [1] })).toBeNull();
  });
});

describe("captionLines", () => {
  const sarah = call(
    "generate_character_dialogue",
    { character: "sarah", text: "hi there" },
    { audioId: "line_1", character: "Sarah", durationSeconds: 0.9, spoken: null },
  );
  const tom = call(
    "generate_character_dialogue",
    { character: "Tom", text: "good morning" },
    { audioId: "line_2", character: "Tom", durationSeconds: 1.4, spoken: { startSeconds: 0.1, endSeconds: 1.2 } },
  );

  it("places each line where the mix has it: the measured length, or the voice's own timings", () => {
    const lines = captionLines([
      sarah,
      tom,
      mixed([
        { type: "dialogue", audioId: "line_1", startTime: 0.5, duration: 0.9 },
        { type: "dialogue", audioId: "line_2", startTime: 2, duration: 1.4 },
        { type: "sfx", audioId: "sfx_1", startTime: 0, duration: 5 },
      ]),
    ]);
    expect(lines).toEqual([
      { text: "hi there", speaker: "Sarah", startSeconds: 0.5, endSeconds: 1.4 },
      { text: "good morning", speaker: "Tom", startSeconds: 2.1, endSeconds: 3.2 },
    ]);
  });

  it("ends a line cut by the picture's end where the mix cuts it, and leaves out lines not mixed", () => {
    const lines = captionLines([
      sarah,
      tom,
      mixed([{ type: "dialogue", audioId: "line_2", startTime: 4.5, duration: 0.5 }]),
    ]);
    expect(lines).toEqual([{ text: "good morning", speaker: "Tom", startSeconds: 4.6, endSeconds: 5 }]);
  });

  it("has no lines without a mix", () => {
    expect(captionLines([sarah])).toEqual([]);
  });
});

describe("caption choices and keys", () => {
  it("accepts files, burn and none, and refuses anything else naming the field", () => {
    expect(parseCaptionMode(" Burn ")).toBe("burn");
    const error = (() => {
      try {
        return parseCaptionMode("subtitles", "parameters.captions");
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCutroomError(error, "INVALID_INPUT") && error.field).toBe("parameters.captions");
    expect((error as Error).message).toMatch(/parameters\.captions: "subtitles" .*files, burn, none/);
  });

  it("puts the files beside the video", () => {
    expect(captionKey("projects/p/takes/vid_1/with-audio-med_1.mp4", "vtt")).toBe(
      "projects/p/takes/vid_1/with-audio-med_1.vtt",
    );
  });
});

describe("audibleSpan", () => {
  it("finds where the sound of a line starts and stops, and nothing in silence", async () => {
    const directory = await mkdtemp(join(tmpdir(), "cutroom-audible-"));
    try {
      const line = join(directory, "line.wav");
      // 0.3 s of silence, 0.5 s of tone, 0.2 s of silence.
      await runFfmpeg({
        inputs: [
          {
            source: "aevalsrc=if(between(t\\,0.3\\,0.8)\\,0.5*sin(2*PI*440*t)\\,0):s=44100:d=1",
            options: ["-f", "lavfi"],
          },
        ],
        filterComplex: null,
        outputOptions: [],
        output: line,
      });
      const span = await audibleSpan(line);
      expect(span!.startSeconds).toBeCloseTo(0.3, 2);
      expect(span!.endSeconds).toBeCloseTo(0.8, 2);
      const silent = join(directory, "silent.wav");
      await runFfmpeg({
        inputs: [{ source: "anullsrc=r=44100:cl=mono", options: ["-f", "lavfi", "-t", "0.5"] }],
        filterComplex: null,
        outputOptions: [],
        output: silent,
      });
      expect(await audibleSpan(silent)).toBeNull();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
