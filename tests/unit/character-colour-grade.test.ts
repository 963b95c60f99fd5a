/**
 * A drawn character (no face: the local renderer's figure on #808080) is matched by its colours, and a
 * mild colour grade of the clip (eq brightness -0.08, saturation 0.9) must not break the match.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VisualProfile } from "../../src/domain.js";
import { checkCharacterConsistency } from "../../src/media/identity.js";
import { runFfmpeg } from "../../src/media/runner.js";
import { LocalAnimaticProvider, renderCharacterReference } from "../../src/providers/video/local.js";
import { alice, clipRequest } from "../helpers/fixtures.js";

const bob: VisualProfile = {
  skin: "#8d5524",
  hair: "#101010",
  top: "#e8e020",
  bottom: "#6a3d9a",
  accent: "#00c0c0",
  height: 0.55,
  build: 0.3,
  description: "yellow top, purple trousers",
};

let directory = "";
const files = { alice: "", bob: "", clip: "", graded: "" };

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "cutroom-grade-"));
  const size = { width: 320, height: 180 };
  files.alice = await renderCharacterReference(alice, join(directory, "alice.png"), size);
  files.bob = await renderCharacterReference(bob, join(directory, "bob.png"), size);
  const clip = await new LocalAnimaticProvider().textToVideo(
    clipRequest({ characters: [{ id: "alice", name: "Alice", profile: alice }] }),
    { outputDir: directory, onProgress: null, signal: null },
  );
  files.clip = clip.path;
  files.graded = join(directory, "graded.mp4");
  await runFfmpeg(
    {
      inputs: [{ source: files.clip, options: [] }],
      filterComplex: null,
      outputOptions: ["-vf", "eq=brightness=-0.08:saturation=0.9", "-c:v", "libx264", "-crf", "20", "-an"],
      output: files.graded,
    },
    { timeoutMs: 60_000 },
  );
}, 60_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("character colour signature", () => {
  it("still matches a drawn character after a mild colour grade, and not another character", async () => {
    const plain = await checkCharacterConsistency(files.clip, [files.alice]);
    const graded = await checkCharacterConsistency(files.graded, [files.alice]);
    const other = await checkCharacterConsistency(files.graded, [files.bob]);
    expect(plain.passed && graded.passed).toBe(true);
    expect(graded.details).toContain("of its colours present");
    expect(graded.score).toBeGreaterThan(0.85);
    expect(other.passed).toBe(false);
    expect(graded.score - other.score).toBeGreaterThan(0.3);
    console.info(`plain ${plain.score}, graded ${graded.score}, other character ${other.score}`);
  });
});
