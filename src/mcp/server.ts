/**
 * The department's tools over the Model Context Protocol: every specialist tool of the catalogue with its
 * own zod schema and description, `video_department` as a chat thread whose take `take_decision` answers,
 * and the produced videos as resources. One server per connection, scoped to one project.
 */
import type { StructuredToolInterface } from "@langchain/core/tools";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { newId } from "../ids.js";
import type { ChatService } from "../orchestrator/chat.js";
import type { Runtime } from "../runtime.js";
import { registerRoot } from "../server/redact.js";
import { checkMediaIds, GENERATING } from "../server/routes/tools.js";
import { forClient } from "../server/videos.js";
import { createToolCatalogue } from "../tools/catalogue.js";
import { removeTakeScratch } from "../tools/context.js";
import { DepartmentThreads, TAKE_DECISION_DESCRIPTION, TakeDecisionSchema } from "./decision.js";
import { registerVideoResources } from "./resources.js";
import { errorResult, jsonResult, withProgress, type CallExtra, type McpScope } from "./scope.js";

export type { McpScope } from "./scope.js";

export interface CutroomMcpServer {
  server: McpServer;
  /** Closes the protocol side and removes the scratch of the connection's own take. */
  close(): Promise<void>;
}

/** The package version, for the server's `initialize` answer. */
const VERSION = "0.1.0";

export async function createMcpServer(runtime: Runtime, chat: ChatService, scope: McpScope): Promise<CutroomMcpServer> {
  // Tool results and errors may quote files of these directories; a client sees neutral tokens instead.
  registerRoot(runtime.scratchDir, "<scratch>");
  registerRoot(runtime.config.dataDir, "<data>");
  registerRoot(runtime.config.lutDir, "<luts>");
  const server = new McpServer(
    { name: "cutroom", title: "cutroom video department", version: VERSION },
    {
      capabilities: { logging: {} },
      instructions:
        "video_department makes a graded take from a request and leaves it waiting for take_decision " +
        "(accept, regenerate or discard). The specialist tools work inside this connection's own take: a clip " +
        "one call makes can be saved or checked by the next. Videos are resources cutroom://projects/{projectId}/videos/{videoId}.",
    },
  );
  // The specialist tools of one connection share a take, so their scratch ids carry from call to call.
  const takeId = newId("vid");
  const listing = await createToolCatalogue(runtime, { projectId: scope.projectId, takeId });
  const threads = new DepartmentThreads(runtime, chat, scope);

  const guarded =
    <Args>(work: (args: Args, extra: CallExtra) => Promise<CallToolResult>) =>
    async (args: Args, extra: CallExtra): Promise<CallToolResult> => {
      try {
        return await work(args, extra);
      } catch (error) {
        return errorResult(error, runtime.log);
      }
    };

  for (const listed of listing) {
    const schema = listed.schema as z.ZodObject;
    if (listed.name === "video_department") {
      server.registerTool(
        listed.name,
        {
          description: `${listed.description} The take then waits for take_decision (accept, regenerate or discard).`,
          inputSchema: schema,
        },
        guarded((args: Record<string, unknown>, extra) =>
          threads.request(args as { request: string; projectId?: string | null }, extra),
        ),
      );
      continue;
    }
    server.registerTool(
      listed.name,
      { description: listed.description, inputSchema: schema },
      guarded(async (args: Record<string, unknown>, extra) => {
        // Another project's stored media answers as not found, before any work starts.
        await checkMediaIds(runtime, scope.projectId, args);
        if (GENERATING.has(listed.name)) scope.beforeGenerating();
        const output = await withProgress(extra, async (progress) => {
          const catalogue = await createToolCatalogue({ ...runtime, progress }, { projectId: scope.projectId, takeId });
          const selected = catalogue.find((item) => item.name === listed.name) as StructuredToolInterface;
          return selected.invoke(args, { signal: extra.signal });
        });
        const text = typeof output === "string" ? output : JSON.stringify(output);
        let result: unknown = text;
        try {
          result = JSON.parse(text);
        } catch {
          // Some tools answer in prose; it is returned as a string.
        }
        return jsonResult(await forClient(runtime, scope.projectId, { tool: listed.name, takeId, result }));
      }),
    );
  }

  server.registerTool(
    "take_decision",
    { description: TAKE_DECISION_DESCRIPTION, inputSchema: TakeDecisionSchema },
    guarded((args: z.infer<typeof TakeDecisionSchema>, extra) => threads.decide(args, extra)),
  );
  registerVideoResources(server, runtime, scope);

  return {
    server,
    async close() {
      await server.close().catch(() => undefined);
      await removeTakeScratch(runtime, takeId);
    },
  };
}
