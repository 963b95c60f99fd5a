/** The whole Video Department as one tool, for other departments' agents. */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { runDepartment } from "../departments/video/entry.js";
import { ASPECT_RATIOS, withShape } from "../departments/video/shape.js";
import type { Runtime } from "../runtime.js";
import { toolResult } from "./context.js";

export function createDepartmentTool(runtime: Runtime) {
  return tool(
    async ({ request, projectId, aspectRatio }, config) => {
      // A tool call cannot be asked to confirm a cost, so it runs within the runtime's budget
      // (CUTROOM_BUDGET_USD, or the run's own): a request estimated above it is refused, not spent.
      // A shape given here beats shape words in the request, as the CLI's --aspect does.
      const run = await runDepartment(
        withShape(runtime, aspectRatio, "aspectRatio"),
        { projectId: projectId ?? runtime.config.projectId, text: request },
        { cost: { kind: "budget", budgetUsd: runtime.config.budgetUsd }, signal: config?.signal ?? null },
      );
      const take = run.take;
      return toolResult({
        report: run.report,
        take: take
          ? {
              videoId: take.videoId,
              mediaId: take.mediaId,
              url: take.url,
              path: take.path,
              grade: take.grade,
              quality: take.quality,
              status: take.status,
            }
          : null,
      });
    },
    {
      name: "video_department",
      description:
        "Run the whole Video Department on a request (e.g. 'generate Sarah walking in the park'): returns the graded take recorded in the Brain and the department report. A request estimated above the budget is refused before anything is spent.",
      schema: z.object({
        request: z.string().min(1).max(2000),
        projectId: z.string().nullable().default(null),
        aspectRatio: z
          .enum(ASPECT_RATIOS)
          .nullable()
          .default(null)
          .describe("the frame shape: 9:16 vertical, 1:1 square, 16:9 wide; null: as the request's words say"),
      }),
    },
  );
}
