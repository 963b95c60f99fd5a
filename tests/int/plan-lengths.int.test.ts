/**
 * Shot lengths by model, seen from the CLI: `cutroom plan` shows the frame, the model and the caption cue of
 * a vertical talking request, and a length the chosen model does not render is planned as shots it does,
 * which FAL (a wire-level fake) receives with the model's own duration field.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelCostUsd, registryEntry } from "../../src/providers/video/fal/registry.js";
import { runCliWith } from "../helpers/cli.js";
import { startPaidFal, type PaidFal } from "../helpers/paid-fal.js";

const KEY = "fal-plan-lengths-key-4e19";
const VEO = "fal-ai/veo3.1";
const REQUEST = "a vertical 15 second video of Sarah saying 'hi there' in the park";

interface PreviewJson {
  kind: "clip" | "scene";
  totalDuration: number;
  frame: { width: number; height: number; aspectRatio: string; shapedBy: string | null };
  shots: Array<{ model: string; method: string; durationSeconds: number }>;
  captions: Array<{ startSeconds: number; endSeconds: number; text: string }>;
  estimatedCostUsd: number;
}

describe("shot lengths by model", () => {
  let paid: PaidFal;
  let env: Record<string, string>;
  beforeAll(async () => {
    paid = await startPaidFal(KEY, "cutroom-plan-lengths-", { CUTROOM_MAX_ATTEMPTS: "1", CUTROOM_IMAGES: "local" });
    env = { ...paid.env, CUTROOM_DATA_DIR: join(paid.directory, "fal") };
  });
  afterAll(async () => paid.close());

  it("plans the vertical talking request as one 15 s clip on a model that renders it, showing shape, model and cue", async () => {
    const planned = await runCliWith(["plan", "--json", REQUEST], env);
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as unknown as PreviewJson;
    expect(preview).toMatchObject({ kind: "clip", totalDuration: 15 });
    // The configured short side (the test CLI's 320x180) kept, turned upright.
    expect(preview.frame).toMatchObject({ width: 180, height: 320, aspectRatio: "9:16" });
    expect(preview.frame.shapedBy).toMatch(/vertical 15 second video/);
    expect(preview.shots).toHaveLength(1);
    expect(preview.shots[0]!.model).toMatch(/^fal-ai\/kling-video\//);
    expect(preview.captions).toHaveLength(1);
    expect(preview.captions[0]).toMatchObject({ text: "hi there" });
    expect(preview.captions[0]!.startSeconds).toBeGreaterThanOrEqual(0);
    expect(preview.captions[0]!.endSeconds).toBeLessThanOrEqual(15);

    const text = await runCliWith(["plan", REQUEST], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/frame: 180x320 \(9:16, asked for by/);
    expect(text.stdout).toMatch(/shot 1: 15 s, \S+ with fal-ai\/kling-video\//);
    expect(text.stdout).toMatch(/caption \d+\.\d\d–\d+\.\d\d s: "hi there"/);
  });

  it("plans the same request as shots of at most 7 s on the local renderer", async () => {
    const planned = await runCliWith(["plan", "--json", REQUEST], { CUTROOM_DATA_DIR: join(paid.directory, "local") });
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as unknown as PreviewJson;
    expect(preview).toMatchObject({ kind: "scene", totalDuration: 15 });
    expect(preview.frame).toMatchObject({ width: 180, height: 320 });
    expect(preview.shots.length).toBeGreaterThanOrEqual(3);
    for (const shot of preview.shots) expect(shot.durationSeconds).toBeLessThanOrEqual(7);
    expect(preview.captions.map((cue) => cue.text)).toEqual(["hi there"]);
  });

  it("replans a clip longer than the chosen model renders as shots of lengths it renders, sent and billed as such", async () => {
    const request = "generate Sarah walking in the park for 12 seconds";
    const planned = await runCliWith(["plan", "--json", "--model", VEO, request], env);
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as unknown as PreviewJson;
    expect(preview.kind).toBe("scene");
    expect(preview.shots.length).toBeGreaterThanOrEqual(2);
    const veoShots = preview.shots.filter((shot) => shot.model === VEO);
    expect(veoShots.length).toBeGreaterThanOrEqual(1);
    for (const shot of preview.shots) {
      // Veo renders 4, 6 or 8 s (and a shot made from a picture may be made from its prompt instead): the
      // shots are planned on those lengths, so none is paid for and trimmed.
      expect([4, 6, 8]).toContain(shot.durationSeconds);
    }
    const expected = preview.shots.reduce(
      (sum, shot) => sum + modelCostUsd(registryEntry(shot.model)!, { seconds: shot.durationSeconds })!,
      0,
    );
    expect(preview.estimatedCostUsd).toBeCloseTo(expected, 6);

    paid.fal.submissions.length = 0;
    const chat = await runCliWith(["chat", "--json", "--model", VEO, request], env);
    expect(chat.code, chat.stderr).toBe(0);
    const sent = paid.fal.submissions.filter((submission) => submission.model === VEO);
    expect(sent.map((submission) => submission.body.duration)).toEqual(
      veoShots.map((shot) => `${shot.durationSeconds}s`),
    );
    const report = (chat.json as { report: { summary?: { costUsd: number; clipsTotal: number } } }).report;
    expect(report.summary?.clipsTotal).toBe(preview.shots.length);
    // What the clips were recorded as costing is what the plan estimated.
    expect(report.summary?.costUsd).toBeCloseTo(expected, 4);
  });
});
