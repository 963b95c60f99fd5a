/**
 * The `cutroom` command. Every command takes --json and then prints exactly one JSON document on
 * stdout; logs and progress always go to stderr. A `.env` file in the working directory is read first;
 * variables already set in the environment win over it.
 */
import { CutroomError, isCutroomError } from "../errors.js";
import { usingCommand } from "./args.js";
import { loadEnvFile } from "./env-file.js";
import { didYouMean } from "./suggest.js";

const COMMANDS = ["chat", "list", "plan", "assemble", "verify", "brain", "doctor", "serve", "worker", "mcp", "help"];

// Each command's module is imported when that command runs: the graphs, providers and service clients take
// seconds to load, and `cutroom --help` or `cutroom doctor` must not wait for them.

const HELP = `cutroom — a multi-agent video department

Usage:
  cutroom chat [message] [--thread ID] [--choice accept|regenerate|discard] [--note TEXT] [--resume]
               [--model ID] [--aspect 16:9|9:16|1:1] [--captions files|burn|none] [--json]
      One turn on a thread; with no message and no --choice, opens an interactive chat.
  cutroom list [--status pending|accepted|discarded|superseded] [--character NAME] [--thread ID] [--search WORDS]
               [--limit N] [--cursor C] [--threads] [--json]   your videos (or threads), newest first
  cutroom plan "<request>" [--model ID] [--aspect R] [--json]   plan a request (shots, lengths by model, frame, captions, cost)
  cutroom assemble <spec.json> [--output FILE.mp4] [--json]   assemble, mix and verify a scene spec
  cutroom verify <file> [--expect-duration S] [--expect-resolution WxH] [--expect-fps N]
                 [--reference IMAGE ...] [--location-reference IMAGE ...] [--checks a,b,...]
                 [--loudness-target LUFS|web|broadcast] [--json]   (cutroom verify --help names the checks)
  cutroom brain take <videoId> | brain why <videoId> | brain character <name> | brain location <name>
               | brain request <requestId> | brain counts [--json]
  cutroom brain character|location <name> [--reference IMAGE ...] [--replace IMAGE] [--remove ID ...]
      add your own PNG/JPEG/WebP as its reference, replace or detach one (cutroom brain --help)
  cutroom doctor [--json]       which adapter serves each port, and why
  cutroom serve [--host 127.0.0.1] [--port 3000] [--no-worker] [--json]   HTTP API, MCP at /mcp and web chat page
  cutroom worker [--projects a,b | --all] [--concurrency N] [--metrics-port P]   work queued jobs (cutroom worker --help)
  cutroom mcp [--base-url URL]  the department's tools over MCP on stdio (cutroom mcp --help)
  cutroom help                  this text

Environment: see .env.example (CUTROOM_DATA_DIR, OPENAI_API_KEY, FAL_KEY, ...).
Exit codes: 0 done, 1 failed, 2 bad input.`;

const BAD_INPUT = new Set([
  "INVALID_INPUT",
  "INVALID_ID",
  "NO_PENDING_CHOICE",
  "RUN_UNFINISHED",
  "THREAD_BUSY",
  "CHOICE_PENDING",
  "UNKNOWN_THREAD",
  "CONFIG",
  "NOT_FOUND",
]);

function write(json: boolean, document: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${text}\n`);
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes("--json");
  try {
    loadEnvFile();
    usingCommand(command ?? "");
    switch (command) {
      case "chat":
        return await (await import("./chat.js")).chatCommand(rest, write);
      case "serve":
        return await (await import("./serve.js")).serveCommand(rest, write);
      case "worker":
        return await (await import("./worker.js")).workerCommand(rest, write);
      case "mcp":
        return await (await import("../mcp/stdio.js")).mcpCommand(rest);
      case "list": {
        const [{ withRuntime }, { listCommand }] = await Promise.all([import("./session.js"), import("./list.js")]);
        return await withRuntime((runtime) => listCommand(runtime, rest, write));
      }
      case "doctor":
        return await (await import("./doctor.js")).doctorCommand(rest, write);
      case "plan":
        return await (await import("./plan.js")).planCommand(rest, write);
      case "assemble": {
        const [{ withRuntime }, { assembleCommand }] = await Promise.all([
          import("./session.js"),
          import("./assemble.js"),
        ]);
        return await withRuntime((runtime) => assembleCommand(runtime, rest, write));
      }
      case "verify":
        return await (await import("./commands.js")).verifyCommand(rest, write);
      case "brain": {
        const [{ withRuntime }, { brainCommand }] = await Promise.all([
          import("./session.js"),
          import("./commands.js"),
        ]);
        return await withRuntime((runtime) => brainCommand(runtime, rest, write));
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${HELP}\n`);
        return 0;
      default:
        throw new CutroomError(
          "INVALID_INPUT",
          `unknown command ${JSON.stringify(command)}${didYouMean(command, COMMANDS)} (cutroom help lists every command)`,
          { field: "command" },
        );
    }
  } catch (error) {
    const code = isCutroomError(error) ? error.code : ((error as { code?: string }).code ?? "FAILED");
    const message = error instanceof Error ? error.message : String(error);
    const field = isCutroomError(error) ? error.field : null;
    process.stderr.write(`error: ${message}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, field } }, null, 2)}\n`);
    return BAD_INPUT.has(code) ? 2 : 1;
  }
}
