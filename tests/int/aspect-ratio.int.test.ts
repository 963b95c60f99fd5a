/**
 * A request's frame shape, end to end through the CLI: shape words ("vertical for TikTok", "9:16") or
 * --aspect make the take at that shape on the local renderer (planned, rendered, assembled and verified at
 * 720x1280 from the default 1280x720), and a paid FAL run sends the model aspect_ratio 9:16 and stores the
 * model's vertical clip.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../src/media/runner.js";
import { runCliWith } from "../helpers/cli.js";
import { startPaidFal, type PaidFal } from "../helpers/paid-fal.js";
import { createTestRuntime } from "../helpers/runtime.js";
import { createDepartmentTool } from "../../src/tools/department.js";

interface Turn {
  path: string;
  videoId: string;
  quality: { passed: boolean; checks: Array<{ type: string; passed: boolean; details: string }> };
}

/** The default frame size, with the tests' short clips. */
const DEFAULT_SIZE = { CUTROOM_RESOLUTION: "1280x720" };

describe("a request's frame shape on the local renderer", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-aspect-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it("makes 'vertical for TikTok' a 720x1280 take whose every check passed, from a plate of its own shape", async () => {
    const env = { ...DEFAULT_SIZE, CUTROOM_DATA_DIR: join(directory, "words") };
    // A landscape take first: its plate of the beach must not start the vertical one.
    const landscape = await runCliWith(["chat", "--json", "generate Sarah waving on the beach"], env);
    expect(landscape.code, landscape.stderr).toBe(0);
    const wide = await probe((landscape.json as unknown as Turn).path);
    expect({ width: wide.width, height: wide.height }).toEqual({ width: 1280, height: 720 });
    const planned = await runCliWith(
      ["plan", "--json", "generate Sarah waving on the beach, vertical for TikTok"],
      env,
    );
    expect(planned.code, planned.stderr).toBe(0);
    const chat = await runCliWith(["chat", "--json", "generate Sarah waving on the beach, vertical for TikTok"], env);
    expect(chat.code, chat.stderr).toBe(0);
    const turn = chat.json as unknown as Turn;
    const probed = await probe(turn.path);
    expect({ width: probed.width, height: probed.height }).toEqual({ width: 720, height: 1280 });
    const failed = turn.quality.checks.filter((check) => !check.passed);
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(turn.quality.passed).toBe(true);
    expect(turn.quality.checks.find((check) => check.type === "resolution")?.details).toMatch(/720x1280/);
    // "TikTok" asked for the shape: it is not taken for a character or a place.
    const take = await runCliWith(["brain", "take", turn.videoId, "--json"], env);
    expect(take.json).toMatchObject({
      video: { width: 720, height: 1280 },
      characters: [{ name: "Sarah" }],
      location: { name: "beach" },
    });
    const beach = await runCliWith(["brain", "location", "beach", "--json"], env);
    const plates = (
      beach.json as { references: Array<{ kind: string; objectKey: string; createdAt: string }> }
    ).references
      .filter((reference) => reference.kind === "location-master")
      .sort((left, right) => left.createdAt.localeCompare(right.createdAt));
    expect(plates).toHaveLength(2);
    const sizes = await Promise.all(
      plates.map(async (plate) => {
        const probed = await probe(join(env.CUTROOM_DATA_DIR, "store", "objects", plate.objectKey));
        return `${probed.width}x${probed.height}`;
      }),
    );
    expect(sizes).toEqual(["1280x720", "720x1280"]);
  });

  it("assembles a 9:16 scene at 720x1280, and --aspect 1:1 beats the words", async () => {
    const env = { ...DEFAULT_SIZE, CUTROOM_DATA_DIR: join(directory, "scene") };
    const scene = await runCliWith(
      ["chat", "--json", "a 9:16 scene: Tom walks along the street, then Tom waves at the camera"],
      env,
    );
    expect(scene.code, scene.stderr).toBe(0);
    const turn = scene.json as unknown as Turn & { report: { summary: { clipsTotal: number } } };
    expect(turn.report.summary.clipsTotal).toBeGreaterThanOrEqual(2);
    const assembled = await probe(turn.path);
    expect({ width: assembled.width, height: assembled.height }).toEqual({ width: 720, height: 1280 });
    expect(turn.quality.checks.find((check) => check.type === "resolution")?.passed).toBe(true);
    // Each shot was rendered at the shape, not letterboxed into it by the assembly.
    const takeDir = join(env.CUTROOM_DATA_DIR, "store", "objects", "projects", "default", "takes", turn.videoId);
    const clips = (await readdir(takeDir)).filter((name) => name.startsWith("clip-") && name.endsWith(".mp4"));
    expect(clips.length).toBeGreaterThanOrEqual(2);
    for (const clip of clips) {
      const probed = await probe(join(takeDir, clip));
      expect({ clip, width: probed.width, height: probed.height }).toEqual({ clip, width: 720, height: 1280 });
    }

    const square = await runCliWith(["chat", "--json", "--aspect", "1:1", "Sarah waving in the park, vertical"], env);
    expect(square.code, square.stderr).toBe(0);
    const squareProbe = await probe((square.json as unknown as Turn).path);
    expect({ width: squareProbe.width, height: squareProbe.height }).toEqual({ width: 720, height: 720 });

    const refused = await runCliWith(["plan", "--aspect", "4:3", "Sarah waving in the park"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--aspect: expected one of 16:9, 9:16, 1:1; got "4:3"/);
  });
});

describe("a request's frame shape through the video_department tool", () => {
  it("makes its aspectRatio argument's shape, ahead of the request's words", async () => {
    const made = await createTestRuntime();
    try {
      const answer = JSON.parse(
        String(
          await createDepartmentTool(made.runtime).invoke({
            request: "generate Sarah waving on the beach, vertical for TikTok",
            aspectRatio: "1:1",
          }),
        ),
      ) as { take: { path: string; quality: { passed: boolean } } };
      const probed = await probe(answer.take.path);
      // The tests' 320x180 frame keeps its short side.
      expect({ width: probed.width, height: probed.height }).toEqual({ width: 180, height: 180 });
    } finally {
      await made.cleanup();
    }
  });
});

describe("a request's frame shape on FAL", () => {
  const KEY = "fal-aspect-key-41d2";
  let paid: PaidFal;
  beforeAll(async () => {
    // The fake answers every clip with a 720x1280 render: the model's vertical size.
    paid = await startPaidFal(
      KEY,
      "cutroom-aspect-fal-",
      { CUTROOM_MAX_ATTEMPTS: "1", CUTROOM_IMAGES: "local", ...DEFAULT_SIZE },
      { width: 720, height: 1280 },
    );
  });
  afterAll(async () => paid.close());

  it("sends aspect_ratio 9:16 and stores the model's vertical clip", async () => {
    const env = { ...paid.env, CUTROOM_DATA_DIR: join(paid.directory, "data") };
    const chat = await runCliWith(["chat", "--json", "generate Sarah waving on the beach, vertical for TikTok"], env);
    expect(chat.code, chat.stderr).toBe(0);
    const sent = paid.fal.submissions.filter((submission) => submission.model.includes("video"));
    expect(sent.length).toBeGreaterThan(0);
    for (const submission of sent) expect(submission.body).toMatchObject({ aspect_ratio: "9:16" });
    const turn = chat.json as unknown as Turn;
    const probed = await probe(turn.path);
    expect({ width: probed.width, height: probed.height }).toEqual({ width: 720, height: 1280 });
    expect(turn.quality.checks.find((check) => check.type === "resolution")?.passed).toBe(true);
  });

  it("refuses a vertical request the configured model cannot render, naming what asked for it", async () => {
    const env = {
      ...paid.env,
      CUTROOM_DATA_DIR: join(paid.directory, "hailuo"),
      FAL_AI_TEXT_TO_VIDEO: "fal-ai/minimax/hailuo-2.3/standard/text-to-video",
    };
    const refused = await runCliWith(["plan", "--aspect", "9:16", "generate Sarah waving on the beach"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--aspect: 9:16 cannot be rendered here: .*hailuo.* renders 16:9, not 9:16/);
  });
});
