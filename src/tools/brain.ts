/**
 * Brain look-ups as tools: "how was this clip made" for any agent that holds a take id of its project;
 * another project's take is not found, exactly like a missing one.
 */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { CutroomError, assertId } from "../errors.js";
import { toolResult, type ToolContext } from "./context.js";

export function createBrainWhyTool(context: Pick<ToolContext, "runtime" | "projectId">) {
  const brain = context.runtime.brain.forProject(context.projectId);
  return tool(
    async ({ takeId }) => {
      assertId(takeId, "takeId");
      const provenance = await brain.why(takeId);
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
