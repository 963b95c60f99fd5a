/**
 * `cutroom plan` shows what a chat turn will make of a request: one clip or a scene, each shot's method,
 * model and the prompt it is sent. A single-clip request is one shot in both, and the prompt the provider
 * receives is the one the plan showed; nothing in it is an id, a file name, a hex colour or a score.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promptProblems } from "../../src/providers/video/prompts/index.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import { startFakeFal, type FakeFal } from "../fakes/fal.js";
import { runCliWith } from "../helpers/cli.js";
import { sarahInThePark } from "../helpers/fixtures.js";

interface PreviewJson {
  kind: string;
  totalDuration: number;
  shots: Array<{ method: string; model: string; prompt: string; negativePrompt: string | null }>;
}

const KEY = "fal-plan-key-31b9";

describe("plan and chat agree", () => {
  let directory: string;
  let fal: FakeFal;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-plan-agrees-"));
    const clip = await new LocalAnimaticProvider({ timeoutMs: 60_000 }).textToVideo(
      sarahInThePark({ durationSeconds: 5, seed: 3 }),
      { outputDir: directory, onProgress: null, signal: null },
    );
    fal = await startFakeFal({ apiKey: KEY, video: clip.path });
  });
  afterAll(async () => {
    await fal.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("on the embedded defaults: one shot, and the take records the prompt the plan showed", async () => {
    const env = { CUTROOM_DATA_DIR: join(directory, "local"), CUTROOM_MAX_ATTEMPTS: "1" };
    const request = "generate Ivan, an old man in a grey cardigan, playing chess in the town square";
    const planned = await runCliWith(["plan", "--json", request], env);
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as unknown as PreviewJson;
    expect(preview.kind).toBe("clip");
    expect(preview.shots).toHaveLength(1);
    expect(preview.shots[0]!.prompt).toMatch(/Ivan/);
    expect(preview.shots[0]!.prompt).toMatch(/playing chess/);
    expect(preview.shots[0]!.prompt).toMatch(/town square/);
    expect(promptProblems(preview.shots[0]!.prompt)).toEqual([]);
    const text = await runCliWith(["plan", request], env);
    expect(text.stdout).toMatch(/^one clip: /);
    expect(text.stdout).toContain(`prompt: ${preview.shots[0]!.prompt}`);

    const chat = await runCliWith(["chat", "--json", request], env);
    expect(chat.code, chat.stderr).toBe(0);
    const videoId = (chat.json as { videoId: string }).videoId;
    const why = await runCliWith(["brain", "why", videoId, "--json"], env);
    expect(why.json).toMatchObject({ method: preview.shots[0]!.method, prompt: preview.shots[0]!.prompt });
  });

  it("with FAL: the clip FAL receives has the plan's model and prompt", async () => {
    const env = {
      CUTROOM_DATA_DIR: join(directory, "fal"),
      FAL_KEY: KEY,
      FAL_BASE_URL: fal.url,
      CUTROOM_FAL_POLL_MS: "20",
      CUTROOM_CONFIRM_ABOVE_USD: "1000",
      CUTROOM_MAX_ATTEMPTS: "1",
    };
    const request = "generate Sarah, a tall woman in a red coat, walking her dog along the river";
    const planned = await runCliWith(["plan", "--json", request], env);
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as unknown as PreviewJson & { referencesToMake: string[]; estimatedCostUsd: number };
    expect(preview.kind).toBe("clip");
    expect(preview.shots).toHaveLength(1);
    expect(preview.referencesToMake.length).toBeGreaterThan(0);
    const shot = preview.shots[0]!;
    expect(shot.prompt).toMatch(/a tall woman in a red coat/);
    fal.submissions.length = 0;
    const chat = await runCliWith(["chat", "--json", request], env);
    expect(chat.code, chat.stderr).toBe(0);
    const clips = fal.submissions.filter((submission) => submission.model === shot.model);
    expect(clips).toHaveLength(1);
    expect(clips[0]!.body.prompt).toBe(shot.prompt);
    if (shot.negativePrompt !== null) expect(clips[0]!.body.negative_prompt).toBe(shot.negativePrompt);
    for (const submission of fal.submissions) {
      expect(promptProblems(String(submission.body.prompt ?? ""))).toEqual([]);
    }
  });
});
