/**
 * A video model chosen per request: `cutroom plan --model` and `cutroom chat --model` make and price every
 * method the model serves with it (its own field names and length rule, as FAL receives them), and a model
 * the registry does not list, one that does not make video, or a FAL model without FAL, is a clear exit 2.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelCostUsd, registryEntry } from "../../src/providers/video/fal/registry.js";
import { runCliWith } from "../helpers/cli.js";
import { startPaidFal, type PaidFal } from "../helpers/paid-fal.js";

const KEY = "fal-model-choice-key-7c21";
const VEO = "fal-ai/veo3.1";

describe("a model chosen per request", () => {
  let paid: PaidFal;
  let env: Record<string, string>;
  beforeAll(async () => {
    // Text only: the chosen model makes the clip itself, with no reference images first.
    paid = await startPaidFal(KEY, "cutroom-model-choice-", { CUTROOM_MAX_ATTEMPTS: "1", CUTROOM_IMAGES: "local" });
    env = { ...paid.env, CUTROOM_DATA_DIR: join(paid.directory, "fal") };
  });
  afterAll(async () => paid.close());

  it("plans, prices and sends the chosen model with its own fields and lengths", async () => {
    const request = "generate Sarah walking in the park for 5 seconds";
    const planned = await runCliWith(["plan", "--json", "--model", VEO, request], env);
    expect(planned.code, planned.stderr).toBe(0);
    const preview = planned.json as { shots: Array<{ model: string; method: string }>; estimatedCostUsd: number };
    expect(preview.shots[0]).toMatchObject({ model: VEO, method: "text-to-video" });
    // Veo renders 4, 6 or 8 s: a 5 s clip is billed as 6 s at $0.20.
    expect(preview.estimatedCostUsd).toBeCloseTo(modelCostUsd(registryEntry(VEO)!, { seconds: 5 })!, 6);
    expect(preview.estimatedCostUsd).toBeCloseTo(1.2, 6);

    paid.fal.submissions.length = 0;
    const chat = await runCliWith(["chat", "--json", "--model", VEO, request], env);
    expect(chat.code, chat.stderr).toBe(0);
    const sent = paid.fal.submissions.filter((submission) => submission.model === VEO);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({
      duration: "6s",
      aspect_ratio: "16:9",
      resolution: "720p",
      generate_audio: false,
    });
    const why = await runCliWith(["brain", "why", String((chat.json as { videoId: string }).videoId), "--json"], env);
    expect(JSON.stringify(why.json)).toContain(VEO);
  });

  it("refuses an unknown model, one that makes no video, and a FAL model without FAL, naming --model", async () => {
    const unknown = await runCliWith(["plan", "--model", "acme/never-heard", "generate Sarah walking"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--model: unknown video model "acme\/never-heard"; known: .*fal-ai\/veo3\.1/);
    const lipSync = await runCliWith(["plan", "--model", "fal-ai/sync-lipsync/v2", "generate Sarah walking"], env);
    expect(lipSync.code).toBe(2);
    expect(lipSync.stderr).toMatch(/does not generate video \(it does lip-sync\)/);
    const local = await runCliWith(["chat", "--model", VEO, "generate Sarah walking"], {
      CUTROOM_DATA_DIR: join(paid.directory, "local"),
    });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(
      /--model: fal-ai\/veo3\.1 is a FAL model, and video is rendered by the local renderer here/,
    );
  });
});
