/** The orchestrator's validation step stops loudly when the Brain and storage disagree. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asContext } from "../../src/context.js";
import { videoDepartmentGraph } from "../../src/departments/video/graph.js";
import type { TakeResult } from "../../src/departments/video/state.js";
import { validateNode } from "../../src/orchestrator/nodes/turn.js";
import type { OrchestratorStateValue } from "../../src/orchestrator/state.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

/** The department's last take of a request on a fresh embedded runtime. */
async function takeOf(
  requestText: string,
): Promise<{ runtime: Runtime; cleanup: () => Promise<void>; take: TakeResult }> {
  const { runtime, cleanup } = await createTestRuntime();
  const result = await videoDepartmentGraph.invoke(
    { projectId: "default", threadId: "thr-v", requestId: "req-v", requestText },
    { context: asContext(runtime), recursionLimit: 60 },
  );
  return { runtime, cleanup, take: result.takes[result.takes.length - 1]! };
}

const stateWith = (pending: TakeResult) =>
  ({ projectId: "default", pendingTake: pending }) as unknown as OrchestratorStateValue;

describe("Brain validation before presenting a take", () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let take: TakeResult;

  beforeAll(async () => {
    ({ runtime, cleanup, take } = await takeOf("generate Tom jumping on the street"));
  });
  afterAll(async () => cleanup());
  const config = () => ({ context: asContext(runtime) });

  it("passes a consistent take", async () => {
    const update = await validateNode(stateWith(take), config());
    expect(update.reply).toContain(take.videoId);
  });

  it("fails on a take the Brain does not know", async () => {
    await expect(validateNode(stateWith({ ...take, videoId: "vid_unknown" }), config())).rejects.toMatchObject({
      code: "BRAIN_VALIDATION",
      message: expect.stringMatching(/take-exists/),
    });
  });

  it("fails when the take's stored object is gone", async () => {
    await runtime.store.delete(take.key);
    await expect(validateNode(stateWith(take), config())).rejects.toMatchObject({
      code: "BRAIN_VALIDATION",
      message: expect.stringMatching(/object-exists: take .* has no stored object/),
    });
  });
});

describe("Brain validation of the files a take links", () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let take: TakeResult;

  beforeAll(async () => {
    ({ runtime, cleanup, take } = await takeOf('generate Sarah walking in the park; she says "What a lovely day"'));
  });
  afterAll(async () => cleanup());

  it("fails when a caption file the Brain links is gone, naming it", async () => {
    const captions = await runtime.brain.forProject("default").captionsOf(take.videoId);
    expect(captions, "a take with a spoken line has captions").not.toBeNull();
    await expect(validateNode(stateWith(take), { context: asContext(runtime) })).resolves.toBeDefined();
    await runtime.store.delete(captions!.vtt.objectKey);
    await expect(validateNode(stateWith(take), { context: asContext(runtime) })).rejects.toMatchObject({
      code: "BRAIN_VALIDATION",
      message: expect.stringMatching(/object-exists: take .* has no stored object for its WebVTT captions/),
    });
  });
});
