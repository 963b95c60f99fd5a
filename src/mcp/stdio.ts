/**
 * `cutroom mcp`: the department's MCP server over stdio, for a client that starts it as a subprocess.
 * stdout carries protocol messages only; logs and anything printed by a library go to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { parse } from "../cli/args.js";
import { loadConfig } from "../config.js";
import { CutroomError } from "../errors.js";
import { ChatService } from "../orchestrator/chat.js";
import { createRuntime } from "../runtime.js";
import { OwnershipStore } from "../server/ownership.js";
import { createMcpServer } from "./server.js";

export const MCP_HELP = `cutroom mcp [--base-url URL]
  Serves the department's tools over MCP on stdin/stdout, for an MCP client that starts this command
  (Claude Desktop, an IDE, another agent). Tools: video_department, take_decision, brain_why and every
  specialist tool; resources: cutroom://projects/{projectId}/videos/{videoId} (metadata, /file MP4,
  /contact-sheet and /thumbnail images). Works in CUTROOM_PROJECT (default "default") on CUTROOM_DATA_DIR.
  --base-url  where \`cutroom serve\` for the same data dir answers (http://host:port): a video's
              metadata then carries an mp4Url there (the server's API key is needed to fetch it).
  stdout carries only protocol messages; logs go to stderr. Over HTTP, \`cutroom serve\` serves /mcp.`;

export async function mcpCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { "base-url": { type: "string" } });
  if (values.help) {
    process.stdout.write(`${MCP_HELP}\n`);
    return 0;
  }
  const baseUrl = values["base-url"] ?? null;
  if (baseUrl !== null && !/^https?:\/\/[^\s/]+$/.test(baseUrl.replace(/\/+$/, "")))
    throw new CutroomError(
      "INVALID_INPUT",
      `--base-url must be http(s)://host[:port]; got ${JSON.stringify(baseUrl)}`,
      {
        field: "base-url",
      },
    );
  // A library that prints would corrupt the protocol stream: console output goes to stderr from here on.
  for (const method of ["log", "info", "debug"] as const)
    console[method] = (...items: unknown[]) => console.error(...items);

  const runtime = await createRuntime(loadConfig());
  // Read only: the HTTP server owns the file; its threads of other projects must stay unreachable here.
  const owners = await OwnershipStore.open(runtime.config.dataDir);
  const chat = new ChatService(runtime);
  const projectId = runtime.config.projectId;
  const mcp = await createMcpServer(runtime, chat, {
    projectId,
    baseUrl: baseUrl?.replace(/\/+$/, "") ?? null,
    threadOwner: async (threadId) =>
      owners.owner("threads", threadId) ?? ((await chat.threadExists(threadId)) ? projectId : null),
    claimThread: async () => {},
    beforeGenerating: () => {},
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await mcp.server.connect(transport);
  process.stderr.write(`cutroom mcp: serving project ${projectId} over stdio\n`);
  await closed;
  await mcp.close();
  await runtime.close();
  return 0;
}
