/**
 * The `cutroom` command. Every command takes --json and then prints exactly one JSON document on
 * stdout; logs and progress always go to stderr.
 */
import { createInterface } from "node:readline/promises";
import { loadConfig } from "../config.js";
import { CutroomError, isCutroomError } from "../errors.js";
import { ChatService } from "../orchestrator/chat.js";
import { createRuntime, type Runtime } from "../runtime.js";
import { parse } from "./args.js";
import { assembleCommand } from "./assemble.js";
import { brainCommand, doctorCommand, verifyCommand } from "./commands.js";
import { formatProgress, formatTurn } from "./output.js";
import { planCommand } from "./plan.js";
import { serveCommand } from "./serve.js";

const HELP = `cutroom — a multi-agent video department

Usage:
  cutroom chat [message] [--thread ID] [--choice accept|regenerate|discard] [--note TEXT] [--resume] [--json]
      One turn on a thread; with no message and no --choice, opens an interactive chat.
  cutroom plan "<request>" [--json]   plan a scene (shots ≤ 7 s, transitions, lines, music, cost)
  cutroom assemble <spec.json> [--output FILE.mp4] [--json]   assemble, mix and verify a scene spec
  cutroom verify <file> [--expect-duration S] [--expect-resolution WxH] [--expect-fps N]
                 [--reference IMAGE ...] [--location-reference IMAGE ...] [--checks a,b,...] [--json]
  cutroom brain take <videoId> | brain why <videoId> | brain character <name> | brain location <name>
               | brain request <requestId> | brain counts [--json]
  cutroom doctor [--json]       which adapter serves each port, and why
  cutroom serve [--host 127.0.0.1] [--port 3000] [--json]   HTTP API and web chat page
  cutroom help                  this text

Environment: see .env.example (CUTROOM_DATA_DIR, OPENAI_API_KEY, FAL_KEY, ...).
Exit codes: 0 done, 1 failed, 2 bad input.`;

const CHAT_HELP = `cutroom chat [message] [--thread ID] [--choice accept|regenerate|discard] [--note TEXT] [--json]
  message     what you want, e.g. "generate Sarah walking in the park"
  --thread    keep talking on a thread (created on first use); turns may come from different processes
  --choice    answer the pending take: accept, regenerate or discard
  --note      a note kept with the choice (e.g. why you discarded, or "shot 3" to regenerate one shot of a scene)
  --resume    continue a run that was cut off (crash, kill): stored shots are reused, nothing is paid twice
With no message and no --choice, an interactive chat opens on the thread.`;

const BAD_INPUT = new Set([
  "INVALID_INPUT",
  "INVALID_ID",
  "NO_PENDING_CHOICE",
  "RUN_UNFINISHED",
  "CHOICE_PENDING",
  "UNKNOWN_THREAD",
  "CONFIG",
  "NOT_FOUND",
]);

function write(json: boolean, document: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${text}\n`);
}

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(loadConfig());
  const unsubscribe = runtime.progress.subscribe((event) => process.stderr.write(`${formatProgress(event)}\n`));
  try {
    return await work(runtime);
  } finally {
    unsubscribe();
    await runtime.close();
  }
}

async function repl(runtime: Runtime, threadId: string | undefined): Promise<number> {
  const chat = new ChatService(runtime);
  let thread = threadId;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  process.stderr.write(`cutroom chat — describe a video, answer accept / regenerate / discard, "exit" to leave.\n`);
  try {
    for (;;) {
      let line: string;
      try {
        line = (await rl.question("you> ")).trim();
      } catch {
        break;
      }
      if (line === "exit" || line === "quit") break;
      if (line === "") continue;
      try {
        const result = await chat.turn({ threadId: thread ?? null, message: line });
        thread = result.threadId;
        process.stdout.write(`${formatTurn(result)}\n`);
      } catch (error) {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  } finally {
    rl.close();
  }
  return 0;
}

async function chatCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    thread: { type: "string" },
    choice: { type: "string" },
    note: { type: "string" },
    resume: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${CHAT_HELP}\n`);
    return 0;
  }
  const json = values.json === true;
  const message = positionals.join(" ").trim();
  return withRuntime(async (runtime) => {
    if (positionals.length === 0 && !values.choice && !values.resume) {
      if (json)
        throw new CutroomError(
          "INVALID_INPUT",
          "--json needs a message or --choice (the interactive chat is for people)",
          { field: "message" },
        );
      return repl(runtime, values.thread);
    }
    const result = await new ChatService(runtime).turn({
      threadId: values.thread ?? null,
      message: message || null,
      choice: values.choice ?? null,
      note: values.note ?? null,
      resume: values.resume === true,
    });
    write(json, result, formatTurn(result));
    return result.route?.kind === "choice" && result.status === "answered" ? 2 : 0;
  });
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes("--json");
  try {
    switch (command) {
      case "chat":
        return await chatCommand(rest);
      case "serve":
        return await serveCommand(rest, write);
      case "doctor":
        return await doctorCommand(rest, write);
      case "plan":
        return await planCommand(rest, write);
      case "assemble":
        return await withRuntime((runtime) => assembleCommand(runtime, rest, write));
      case "verify":
        return await verifyCommand(rest, write);
      case "brain":
        return await withRuntime((runtime) => brainCommand(runtime, rest, write));
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${HELP}\n`);
        return 0;
      default:
        process.stderr.write(`unknown command ${JSON.stringify(command)}\n\n${HELP}\n`);
        return 2;
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
