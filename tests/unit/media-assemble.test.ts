import { describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { clipSpans, sceneDuration, sceneFrames, validateScene, type SceneClip } from "../../src/media/assemble.js";
import { checkCubeText } from "../../src/media/lut.js";
import { analysePackets } from "../../src/media/packets.js";
import { postFilters } from "../../src/media/post.js";
import { atempoChain, buildAssembleSpec } from "../../src/media/scene-graph.js";
import { buildPieceSpec, buildSplitSpec, concatList, planSmartRender } from "../../src/media/smart-render.js";

function clip(sequence: number, durationSeconds: number, extra: Partial<SceneClip> = {}): SceneClip {
  return {
    path: `/clips/${sequence}.mp4`,
    durationSeconds,
    sequence,
    trimStart: 0,
    trimEnd: 0,
    speedMultiplier: 1,
    hasAudio: true,
    ...extra,
  };
}

const target = { width: 320, height: 180, fps: 24 };

describe("timing rule", () => {
  it("counts frames: clips add, overlapping transitions subtract, cuts add nothing", () => {
    const clips = [clip(1, 3), clip(2, 3, { trimStart: 0.25 }), clip(3, 2, { speedMultiplier: 2 })];
    const transitions = [
      { fromSequence: 1, type: "dissolve" as const, durationSeconds: 0.5 },
      { fromSequence: 2, type: "cut" as const, durationSeconds: 0 },
    ];
    expect(sceneFrames(clips, transitions, 24)).toBe(72 + 66 + 24 - 12);
    expect(sceneDuration(clips, transitions, 24)).toBeCloseTo(150 / 24, 9);
    expect(clipSpans(clips, transitions, 24).map((span) => span.startFrame)).toEqual([0, 60, 126]);
  });
});

describe("validateScene", () => {
  const expectField = (run: () => void, field: RegExp) => {
    try {
      run();
    } catch (error) {
      expect(isCutroomError(error, "INVALID_INPUT")).toBe(true);
      expect((error as { field: string }).field).toMatch(field);
      return;
    }
    throw new Error("expected a refusal");
  };
  it("names the field of each problem", () => {
    expectField(() => validateScene([clip(1, 2, { speedMultiplier: 0 })], []), /clips\[0\]\.speedMultiplier/);
    expectField(() => validateScene([clip(1, 2, { speedMultiplier: -2 })], []), /speedMultiplier/);
    expectField(
      () =>
        validateScene(
          Array.from({ length: 11 }, (_, index) => clip(index + 1, 1)),
          [],
        ),
      /^clips$/,
    );
    expectField(() => validateScene([clip(1, 2), clip(1, 2)], []), /clips\[1\]\.sequence/);
    expectField(() => validateScene([clip(1, 2, { trimStart: 1.5, trimEnd: 0.45 })], []), /trimStart/);
    expectField(
      () => validateScene([clip(1, 3), clip(2, 1)], [{ fromSequence: 1, type: "fade", durationSeconds: 1 }]),
      /transitions\[0\]\.duration/,
    );
    expectField(
      () => validateScene([clip(1, 3), clip(2, 3)], [{ fromSequence: 2, type: "fade", durationSeconds: 1 }]),
      /transitions\[0\]\.fromClip/,
    );
    expectField(
      () =>
        validateScene([clip(1, 3), clip(2, 3)], [{ fromSequence: 1, toSequence: 3, type: "fade", durationSeconds: 1 }]),
      /transitions\[0\]\.toClip/,
    );
    expectField(
      () =>
        validateScene(
          [clip(1, 3), clip(2, 1.5), clip(3, 3)],
          [
            { fromSequence: 1, type: "fade", durationSeconds: 0.8 },
            { fromSequence: 2, type: "fade", durationSeconds: 0.8 },
          ],
        ),
      /^transitions$/,
    );
  });
});

describe("buildAssembleSpec", () => {
  it("normalizes every clip, keeps sound in step with speed and synthesizes silence for a silent clip", () => {
    const spec = buildAssembleSpec(
      {
        clips: [clip(1, 3, { speedMultiplier: 0.25 }), clip(2, 2, { hasAudio: false })],
        transitions: [{ fromSequence: 1, type: "wipe", durationSeconds: 0.5 }],
        target,
        post: null,
        tracks: [],
      },
      "/out/scene.mp4",
    );
    const graph = spec.filterComplex!;
    expect(graph).toContain("scale=320:180:force_original_aspect_ratio=decrease,pad=320:180");
    expect(graph).toContain("setsar=1,fps=24,format=yuv420p");
    expect(graph).toContain("trim=end_frame=288");
    expect(graph).toContain("atempo=0.5,atempo=0.5");
    expect(graph).toContain("anullsrc=r=48000:cl=stereo");
    expect(graph).toContain("xfade=transition=wipeleft:duration=0.5:offset=11.5");
    expect(graph).toContain("acrossfade=ns=24000");
    expect(graph).toContain("atrim=end_sample=648000[aout]");
    expect(spec.outputOptions).toEqual(expect.arrayContaining(["-g", "24", "-sc_threshold", "0"]));
  });

  it("chains atempo within its 0.5–2 range", () => {
    expect(atempoChain(4)).toEqual(["atempo=2", "atempo=2"]);
    expect(atempoChain(3)).toEqual(["atempo=2", "atempo=1.5"]);
    expect(atempoChain(0.3)).toEqual(["atempo=0.5", "atempo=0.6"]);
    expect(atempoChain(1)).toEqual([]);
  });
});

describe("post-processing", () => {
  it("escapes a LUT path and orders stabilize, denoise, grade, LUT, sharpen", () => {
    const filters = postFilters({
      colorGrade: "warm",
      sharpen: 1,
      denoise: true,
      stabilization: true,
      lutPath: "/luts/it's: a [test],x.cube",
    });
    expect(filters[0]).toMatch(/^deshake/);
    expect(filters[1]).toMatch(/^hqdn3d/);
    const lut = filters.find((filter) => filter.startsWith("lut3d"))!;
    expect(lut).toBe("lut3d=file=/luts/it\\\\\\'s\\\\: a \\[test\\]\\,x.cube:interp=tetrahedral");
    expect(filters.at(-1)).toBe("unsharp=5:5:1.5:5:5:0");
  });

  it("checks .cube files row by row", () => {
    const rows = Array.from({ length: 8 }, () => "0 0.5 1").join("\n");
    expect(checkCubeText(`TITLE "x"\nLUT_3D_SIZE 2\n${rows}\n`, "a.cube", "lut")).toEqual({ size: 2 });
    expect(() => checkCubeText("LUT_3D_SIZE 2\n0 0 0\n", "a.cube", "lut")).toThrow(/expected 8 rows/);
    expect(() => checkCubeText("LUT_1D_SIZE 4\n", "a.cube", "lut")).toThrow(/1D/);
    expect(() => checkCubeText(`LUT_3D_SIZE 2\n${rows}\n1 2 x\n`, "a.cube", "lut")).toThrow(/unexpected line/);
  });
});

describe("smart rendering", () => {
  it("reads keyframes, closed GOPs and a constant rate from packets in decode order", () => {
    // I P B B (display 0 3 1 2), then an IDR at 4: closed.
    const closed = analysePackets(["0,K__", "1536,___", "512,___", "1024,___", "2048,K__", "2560,___"].join("\n"));
    expect(closed).toEqual({ frameCount: 6, keyframes: [0, 4], closedGops: true, constantRate: true });
    // A leading B-frame after the second keyframe shows before it: an open GOP.
    const open = analysePackets(["0,K__", "1024,___", "2048,K__", "1536,___"].join("\n"));
    expect(open.closedGops).toBe(false);
  });

  it("copies whole GOPs and renders only what the transitions and trims touch", () => {
    const packets = (frames: number) => ({
      frameCount: frames,
      keyframes: Array.from({ length: Math.ceil(frames / 24) }, (_, index) => index * 24),
      closedGops: true,
      constantRate: true,
    });
    const clips = [clip(1, 3), clip(2, 3, { trimStart: 0.25 }), clip(3, 2)];
    const joins = [{ fromSequence: 1, type: "dissolve" as const, durationSeconds: 0.5 }, null];
    const pieces = planSmartRender(
      clips.map((item, index) => ({ clip: item, packets: packets([72, 72, 48][index]!) })),
      joins,
      24,
    );
    expect(pieces).toEqual([
      { kind: "copy", clipIndex: 0, startFrame: 0, endFrame: 48 },
      {
        kind: "render",
        fragments: [
          { clipIndex: 0, startFrame: 48, endFrame: 72, whole: false },
          { clipIndex: 1, startFrame: 6, endFrame: 24, whole: false },
        ],
        joins: [joins[0]],
      },
      { kind: "copy", clipIndex: 1, startFrame: 24, endFrame: 72 },
      { kind: "copy", clipIndex: 2, startFrame: 0, endFrame: 48 },
    ]);
    const piece = pieces[1]!;
    if (piece.kind !== "render") throw new Error("expected a render piece");
    const spec = buildPieceSpec(piece, clips, target, { profile: "High", timescale: 12288 }, "/work/piece.mp4");
    expect(spec.inputs[0]!.options).toEqual(["-ss", "1.979167"]);
    expect(spec.inputs[1]!.options).toEqual(["-ss", "0.229167"]);
    expect(spec.outputOptions).toEqual(
      expect.arrayContaining(["-profile:v", "high", "-video_track_timescale", "12288", "-frames:v", "30"]),
    );
  });

  it("renders a clip whole when it cannot be copied", () => {
    const pieces = planSmartRender([{ clip: clip(1, 2, { speedMultiplier: 2 }), packets: null }], [], 24);
    expect(pieces).toEqual([
      { kind: "render", fragments: [{ clipIndex: 0, startFrame: 0, endFrame: 24, whole: true }], joins: [] },
    ]);
  });

  it("splits at keyframes and lists pieces with quotes escaped", () => {
    expect(buildSplitSpec("/c/a.mp4", [24, 48], "/w/part-%d.mp4").outputOptions).toEqual(
      expect.arrayContaining(["-segment_frames", "24,48", "-c", "copy"]),
    );
    expect(concatList(["/w/it's.mp4"])).toBe("file '/w/it'\\''s.mp4'\n");
  });

  it("keeps a clip with no cut points in one part (the muxer would otherwise split every 2 s)", () => {
    const options = buildSplitSpec("/c/a.mp4", [], "/w/part-%d.mp4").outputOptions;
    expect(options).not.toContain("-segment_frames");
    expect(options).toEqual(expect.arrayContaining(["-segment_time", "86400"]));
  });
});
