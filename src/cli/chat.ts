/** `cutroom chat`: one turn on a thread, or an interactive chat when no message is given. */
import { createInterface } from "node:readline/promises";
import { CutroomError } from "../errors.js";
import { ChatService } from "../orchestrator/chat.js";
import type { Runtime } from "../runtime.js";
import { parse } from "./args.js";
import { interruptible } from "./interrupt.js";
import { formatTurn } from "./output.js";
import { takeSummary } from "./summary.js";
import { aspectRatioOf, withRequestChoices } from "../departments/video/shape.js";
import { withCaptions } from "../departments/video/captions.js";
import { withRuntime, type Write } from "./session.js";

export const CHAT_HELP = `cutroom chat [message] [--thread ID] [--choice accept|regenerate|discard] [--note TEXT] [--resume]
             [--model ID] [--aspect 16:9|9:16|1:1] [--captions files|burn|none] [--json]
  message     what you want, e.g. "generate Sarah walking in the park"
  --thread    keep talking on a thread (created on first use); turns may come from different processes
  --choice    answer the pending take: accept, regenerate or discard
  --note      a note kept with the choice (e.g. why you discarded, or "shot 3" to regenerate one shot of a scene)
  --resume    continue a run that was cut off (crash, kill): stored shots are reused, nothing is paid twice
  --model     the FAL video model for this turn's takes, e.g. fal-ai/veo3.1 (see the README's model table);
              it makes every method it serves, and the estimate prices it
  --aspect    the frame shape for this turn's takes: 9:16 (vertical, 720x1280 at the default size), 1:1 or
              16:9; it beats shape words in the message ("vertical", "for TikTok", "square video")
  --captions  the dialogue's captions: files (default: SRT and WebVTT beside the video), burn (the files,
              and the captions drawn into the picture) or none
With no message and no --choice, an interactive chat opens on the thread.`;

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
        const ask = { threadId: thread ?? null, message: line };
        const started = performance.now();
        const result = await interruptible((signal) => chat.turn({ ...ask, signal }), [process, rl]);
        thread = result.threadId;
        const summary = takeSummary(result, (performance.now() - started) / 1000);
        process.stdout.write(`${formatTurn(result)}\n${summary === null ? "" : `${summary}\n`}`);
      } catch (error) {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  } finally {
    rl.close();
  }
  return 0;
}

export async function chatCommand(argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {
    thread: { type: "string" },
    choice: { type: "string" },
    note: { type: "string" },
    resume: { type: "boolean" },
    model: { type: "string" },
    aspect: { type: "string" },
    captions: { type: "string" },
  });
  if (values.help) {
    process.stdout.write(`${CHAT_HELP}\n`);
    return 0;
  }
  const json = values.json === true;
  const message = positionals.join(" ").trim();
  // A note is kept with a choice: without one it would be dropped, or open the interactive chat unasked.
  if (values.note !== undefined && !values.choice) {
    throw new CutroomError(
      "INVALID_INPUT",
      `--note is kept with a choice: add --choice accept|regenerate|discard (e.g. cutroom chat${values.thread ? ` --thread ${values.thread}` : ""} --choice regenerate --note ${JSON.stringify(values.note)})`,
      { field: "choice" },
    );
  }
  return withRuntime(async (configured) => {
    const runtime = withCaptions(
      withRequestChoices(configured, {
        aspectRatio: aspectRatioOf(values.aspect, "--aspect"),
        aspectField: "--aspect",
        model: values.model,
        modelField: "--model",
      }),
      values.captions,
      "--captions",
    );
    if (positionals.length === 0 && !values.choice && !values.resume) {
      if (json)
        throw new CutroomError(
          "INVALID_INPUT",
          "--json needs a message or --choice (the interactive chat is for people)",
          { field: "message" },
        );
      return repl(runtime, values.thread);
    }
    const started = performance.now();
    const result = await interruptible((signal) =>
      new ChatService(runtime).turn({
        threadId: values.thread ?? null,
        message: message || null,
        choice: values.choice ?? null,
        note: values.note ?? null,
        resume: values.resume === true,
        signal,
      }),
    );
    const summary = takeSummary(result, (performance.now() - started) / 1000);
    write(json, result, summary === null ? formatTurn(result) : `${formatTurn(result)}\n${summary}`);
    return result.route?.kind === "choice" && result.status === "answered" ? 2 : 0;
  });
}
