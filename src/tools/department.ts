/** The whole Video Department as one tool, for other departments' agents. */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { asContext } from "../context.js";
import { videoDepartmentGraph } from "../departments/video/graph.js";
import { assertId } from "../errors.js";
import { newId } from "../ids.js";
import type { Runtime } from "../runtime.js";
import { toolResult } from "./context.js";

export function createDepartmentTool(runtime: Runtime) {
  return tool(
    async ({ request, projectId }) => {
      const project = assertId(projectId ?? runtime.config.projectId, "projectId");
      const result = await videoDepartmentGraph.invoke(
        { projectId: project, threadId: newId("thr"), requestId: newId("req"), requestText: request },
        { context: asContext(runtime), recursionLimit: 60 },
      );
      const take = result.takes[result.takes.length - 1];
      return toolResult({
        report: result.report,
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
        "Run the whole Video Department on a request (e.g. 'generate Sarah walking in the park'): returns the graded take recorded in the Brain and the department report.",
      schema: z.object({ request: z.string().min(1).max(2000), projectId: z.string().nullable().default(null) }),
    },
  );
}
