/** Brain look-ups as tools: "how was this clip made" for any agent that holds a take id. */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { CutroomError, assertId } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { toolResult } from "./context.js";

export function createBrainWhyTool(runtime: Runtime) {
  return tool(
    async ({ takeId }) => {
      assertId(takeId, "takeId");
      const provenance = await runtime.brain.why(takeId);
      if (provenance === null)
        throw new CutroomError("NOT_FOUND", `no take ${takeId} in the Brain`, { field: "takeId" });
      return toolResult(provenance);
    },
    {
      name: "brain_why",
      description:
        "How a take was made: method, model, prompt, seed, references, cost, grade and the human choice on it, from the Brain.",
      schema: z.object({ takeId: z.string().min(1).max(64).describe("the take's video id, e.g. vid_...") }),
    },
  );
}
