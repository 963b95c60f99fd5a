/**
 * A refusal another try cannot mend ends generation for the Video Generator: a chat model that calls the
 * tool again, and the plan that follows it, get the same error without a second paid call.
 */
import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClipRequest } from "../../src/domain.js";
import { CutroomError } from "../../src/errors.js";
import { LocalAnimaticProvider } from "../../src/providers/video/local.js";
import type { GenerateOptions } from "../../src/providers/video/types.js";
import { runVideoGenerator, type ShotTask } from "../../src/specialists/video-generator/index.js";
import { createToolContext } from "../../src/tools/context.js";
import { streetShot } from "../helpers/fixtures.js";
import { createTestRuntime } from "../helpers/runtime.js";

/** A provider whose policy refuses every prompt, counting what it is asked (and would bill). */
class RefusingProvider extends LocalAnimaticProvider {
  calls = 0;
  signals: Array<AbortSignal | null> = [];
  override async textToVideo(_request: ClipRequest, options: GenerateOptions): Promise<never> {
    this.calls += 1;
    this.signals.push(options.signal);
    throw new CutroomError("CONTENT_POLICY", "the model refused the prompt under its content policy", {
      field: "prompt",
    });
  }
}

const shot: ShotTask = streetShot({ seed: 4 });

const generateCall = (id: string) =>
  new AIMessage({
    content: "",
    tool_calls: [{ id, name: "generate_text_to_video", args: { prompt: shot.prompt, durationSeconds: 1 } }],
  });

let provider: RefusingProvider;
let test: Awaited<ReturnType<typeof createTestRuntime>>;
beforeEach(async () => {
  provider = new RefusingProvider({});
  test = await createTestRuntime({ video: provider });
});
afterEach(async () => test.cleanup());

describe("a final refusal", () => {
  it("is paid for once even when the chat model calls the tool again", async () => {
    const llm = fakeModel()
      .respond(generateCall("first"))
      .respond(generateCall("again"))
      .respond(new AIMessage({ content: "I could not make the clip." }));
    const controller = new AbortController();
    const context = { ...(await createToolContext({ ...test.runtime, llm }, "default", "vid_refused")) };
    const error = await runVideoGenerator({ ...context, signal: controller.signal }, shot).then(
      () => null,
      (caught: unknown) => caught as CutroomError,
    );
    expect(error?.code).toBe("CONTENT_POLICY");
    expect(error?.field).toBe("prompt");
    // The model's second call and the deterministic plan after it were answered without the provider.
    expect(provider.calls).toBe(1);
    // The work's signal reached the provider.
    expect(provider.signals).toEqual([controller.signal]);
  });
});
