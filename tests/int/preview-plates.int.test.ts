/**
 * The plan preview names the plates a turn would make as the turn decides it: a place whose only plate is
 * landscape gets a new one for a vertical request, and none for another landscape one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRequestShape } from "../../src/departments/video/shape.js";
import { previewRequest } from "../../src/departments/video/preview.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

describe("the preview's plates to make", () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ runtime, cleanup } = await createTestRuntime());
    const made = await new ChatService(runtime).turn({
      threadId: "plates",
      message: "generate Sarah walking in the park",
    });
    expect(made.status, made.reply).toBe("awaiting-choice");
  });
  afterAll(async () => cleanup());

  const preview = (text: string) => previewRequest(withRequestShape(runtime, text), text);

  it("makes no plate for a shape the place has one at", async () => {
    const landscape = await preview("generate Sarah walking in the park");
    expect(landscape.referencesToMake).toEqual([]);
  });

  it("makes the place's plate again for a shape it has none at", async () => {
    const vertical = await preview("a vertical video of Sarah walking in the park");
    expect(vertical.frame.aspectRatio).toBe("9:16");
    expect(vertical.referencesToMake).toEqual(["the park plate"]);
  });
});
