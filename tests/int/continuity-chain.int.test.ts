/**
 * The cut-continuity check of a scene: a continuing shot that shows a see-through double of its picture fails
 * it (the local renderer's chains used to show one for whole shots), and a clean chain passes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkContinuity } from "../../src/media/continuity.js";
import { cleanClip, ghostClip } from "../helpers/quality-clips.js";

describe("cut continuity", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-continuity-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it("passes a clean continuing shot and fails one with a see-through double image", async () => {
    const first = await cleanClip(directory, "first.mp4");
    const second = await cleanClip(directory, "second.mp4");
    const clean = await checkContinuity([{ label: "1→2", previousPath: first, nextPath: second }]);
    expect(clean?.details).not.toMatch(/see-through/);
    const ghost = await ghostClip(directory);
    const doubled = await checkContinuity([{ label: "1→2", previousPath: first, nextPath: ghost }]);
    expect(doubled?.passed).toBe(false);
    expect(doubled!.score).toBeLessThan(doubled!.threshold);
    expect(doubled?.details).toMatch(/see-through double image in the continuing shot 1→2/);
    // No face in these pictures: said, not scored.
    expect(doubled?.details).toMatch(/faces not measured/);
  });
});
