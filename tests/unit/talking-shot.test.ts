import { describe, expect, it } from "vitest";
import { clipLines, clipTimeline, mixedLines, sceneShotLines } from "../../src/departments/video/talking.js";
import { checkLipSync, timingProblems, type TimedShot } from "../../src/media/lip-sync-check.js";
import { runsExpression } from "../../src/media/mouth.js";
import { speechTrackSpec } from "../../src/media/speech.js";
import {
  LIP_SYNC_MODEL,
  lipSyncCostUsd,
  lipSyncInput,
  spokenInWords,
  talkingShotExtraUsd,
} from "../../src/providers/video/fal/lip-sync.js";
import { verifyPlan } from "../../src/specialists/quality-verifier/index.js";

const SHOTS: TimedShot[] = [
  { index: 1, startSeconds: 0, endSeconds: 3, characters: ["Sarah"] },
  { index: 2, startSeconds: 3, endSeconds: 6, characters: ["Tom"] },
];

describe("the lip-sync check's timing rule", () => {
  it("passes when every line lies inside a shot showing its speaker", async () => {
    const lines = [
      { character: "Sarah", text: "hi there", startSeconds: 0.5, endSeconds: 1.6 },
      { character: "Tom", text: "hello", startSeconds: 3.4, endSeconds: 4.2 },
    ];
    expect(timingProblems(lines, SHOTS)).toEqual([]);
    const check = await checkLipSync(lines, SHOTS, null, 0.7);
    expect(check).toMatchObject({ type: "lip-sync", passed: true, score: 1 });
    expect(check.details).toContain("mouth movement not measured");
  });

  it("fails when a line is moved outside its speaker's shot", async () => {
    const lines = [
      // Sarah's line now runs over the cut into Tom's shot.
      { character: "Sarah", text: "hi there", startSeconds: 2.5, endSeconds: 3.6 },
      { character: "Tom", text: "hello", startSeconds: 3.4, endSeconds: 4.2 },
    ];
    expect(timingProblems(lines, SHOTS)).toEqual([
      `Sarah's "hi there" (2.50–3.60 s) is not inside a shot showing Sarah`,
    ]);
    const check = await checkLipSync(lines, SHOTS, null, 0.7);
    expect(check.passed).toBe(false);
    expect(check.score).toBeLessThan(0.7);
    // A line inside a shot that does not show its speaker fails too.
    const offScreen = [{ character: "Tom", text: "hello", startSeconds: 0.5, endSeconds: 1.2 }];
    expect((await checkLipSync(offScreen, SHOTS, null, 0.7)).passed).toBe(false);
  });

  it("is not measured when nobody speaks", async () => {
    expect(await checkLipSync([], SHOTS, null, 0.7)).toMatchObject({ measured: false });
  });

  it("is run by the verifier only for a take with lines", () => {
    const task = {
      mediaId: "med_a",
      consistencyMediaId: "med_a",
      expectedDurationSeconds: 6,
      resolution: "320x180",
      fps: 12,
      referenceIds: [],
    };
    expect(verifyPlan(task).map((step) => step.tool)).not.toContain("check_lip_sync");
    const lines = [{ character: "Sarah", text: "hi", startSeconds: 0.5, endSeconds: 1 }];
    const withSpeech = { ...task, speech: { lines, shots: SHOTS, mouthColours: null } };
    const step = verifyPlan(withSpeech).find((candidate) => candidate.tool === "check_lip_sync")!;
    expect(step.args([])).toEqual({ mediaId: "med_a", lines, shots: SHOTS, mouthColours: null });
  });
});

describe("which lines a shot speaks", () => {
  const plan = {
    shots: [
      { index: 1, start: 0, duration: 3, characters: ["Sarah"] },
      { index: 2, start: 3, duration: 3, characters: ["Sarah", "Tom"] },
    ],
    dialogue: [
      { character: "Sarah", text: "first", startTime: 0.5, estimatedDuration: 1 },
      { character: "Tom", text: "across the cut", startTime: 2.5, estimatedDuration: 1 },
      { character: "Tom", text: "second", startTime: 4, estimatedDuration: 1 },
    ],
  } as unknown as Parameters<typeof sceneShotLines>[0];

  it("takes a plan's lines inside the shot whose speaker is on screen, at their offset in it", () => {
    expect(sceneShotLines(plan, 1)).toEqual([{ character: "Sarah", text: "first", startSeconds: 0.5 }]);
    expect(sceneShotLines(plan, 2)).toEqual([{ character: "Tom", text: "second", startSeconds: 1 }]);
  });

  it("gives a single clip's unnamed line to its first character and drops lines of people not in it", () => {
    const lines = clipLines(
      [
        { character: null, text: "hi there" },
        { character: "Tom", text: "not here" },
      ],
      ["Sarah"],
    );
    expect(lines).toEqual([{ character: "Sarah", text: "hi there", startSeconds: null }]);
  });

  it("finds where the mix put each line and where the assembly put each clip", () => {
    const tracks = [
      { type: "sfx", description: "park ambience", startTime: 0, duration: 5 },
      { type: "dialogue", description: "Sarah: hi there", startTime: 0.5, duration: 1.1 },
    ];
    expect(mixedLines([{ character: "Sarah", text: "hi there" }], tracks)).toEqual([
      { character: "Sarah", text: "hi there", startSeconds: 0.5, endSeconds: 1.6 },
    ]);
    const timeline = clipTimeline(
      [
        { sequence: 1, durationSeconds: 3.5, trimEnd: 0 },
        { sequence: 2, durationSeconds: 3, trimEnd: 0 },
      ],
      [{ fromClip: 1, duration: 0.5 }],
    );
    expect(timeline).toEqual([
      { index: 1, startSeconds: 0, endSeconds: 3.5 },
      { index: 2, startSeconds: 3, endSeconds: 6 },
    ]);
  });
});

describe("talking clips on FAL", () => {
  it("asks the lip-sync model to keep the clip's length, and prices the pass at $3 a minute", () => {
    expect(lipSyncInput("https://v/clip.mp4", "https://a/voice.wav")).toEqual({
      video_url: "https://v/clip.mp4",
      audio_url: "https://a/voice.wav",
      sync_mode: "cut_off",
    });
    expect(lipSyncCostUsd(5)).toBeCloseTo(0.25, 6);
    expect(lipSyncCostUsd(5, { [LIP_SYNC_MODEL]: 0.1 })).toBeCloseTo(0.5, 6);
  });

  it("adds a pass only for a speaking clip of a model that does not take the voice", () => {
    expect(talkingShotExtraUsd("fal-ai/kling-video/v3/standard/text-to-video", 5, true)).toBeCloseTo(0.25, 6);
    expect(talkingShotExtraUsd("fal-ai/ltx-2.3-22b/distilled/audio-to-video", 5, true)).toBe(0);
    expect(talkingShotExtraUsd("fal-ai/kling-video/v3/standard/text-to-video", 5, false)).toBe(0);
    expect(talkingShotExtraUsd(null, 5, true)).toBe(0);
  });

  it("writes the line into the prompt in double quotes, without subtitles", () => {
    const speech = {
      audioPath: "/tmp/voice.wav",
      lines: [{ character: "Sarah", text: 'she said "go"', startSeconds: 0.5, durationSeconds: 1 }],
    };
    expect(spokenInWords(speech)).toBe(`Sarah says: "she said 'go'" (no subtitles).`);
    expect(spokenInWords(null)).toBe("");
  });
});

describe("a talking clip's voice track and mouth", () => {
  it("places each line at its start on one mono track as long as the clip", () => {
    const spec = speechTrackSpec(
      [
        { path: "/a.wav", startSeconds: 0.5 },
        { path: "/b.wav", startSeconds: 2 },
      ],
      5,
      "/out.wav",
    );
    expect(spec.inputs.map((input) => input.source)).toEqual(["/a.wav", "/b.wav"]);
    expect(spec.filterComplex).toContain("adelay=delays=500:all=1[line0]");
    expect(spec.filterComplex).toContain("adelay=delays=2000:all=1[line1]");
    expect(spec.filterComplex).toContain("amix=inputs=2:normalize=0");
    expect(spec.outputOptions).toEqual(expect.arrayContaining(["-t", "5.000", "-ac", "1"]));
  });

  it("turns frames where the mouth is at a level into timed runs", () => {
    expect(runsExpression([false, true, true, false, true], 10)).toBe("between(t,0.05,0.25)+between(t,0.35,0.45)");
    expect(runsExpression([false, false], 10)).toBeNull();
  });
});
