/**
 * How a specialist works: through tool calls. With a chat model it runs a tool-calling loop; with none,
 * or when the model stops before the job is done, it follows a deterministic plan over the same tools.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessage } from "@langchain/core/messages";
import { HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { SpecialistName } from "../domain.js";
import { CutroomError } from "../errors.js";
import type { Logger } from "../logging.js";

export interface ToolCallRecord {
  name: string;
  args: Record<string, unknown>;
  ok: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
  /** The thrown error itself, so a failed plan step rethrows it with its code intact. */
  cause?: unknown;
}

export interface PlannedStep {
  tool: string;
  /** Arguments, computed from the calls made so far (so a step can use an id an earlier step returned). */
  args: (calls: ToolCallRecord[]) => Record<string, unknown>;
}

export interface SpecialistRunInput {
  name: SpecialistName;
  systemPrompt: string;
  task: string;
  tools: StructuredToolInterface[];
  plan: PlannedStep[];
  /** True when the calls made contain everything the specialist must produce. */
  isComplete: (calls: ToolCallRecord[]) => boolean;
  llm: BaseChatModel | null;
  log: Logger;
  maxSteps?: number;
}

export interface SpecialistRun {
  mode: "llm" | "deterministic" | "llm-then-deterministic";
  calls: ToolCallRecord[];
}

async function callTool(
  tools: StructuredToolInterface[],
  name: string,
  args: Record<string, unknown>,
): Promise<ToolCallRecord> {
  const found = tools.find((candidate) => candidate.name === name);
  if (!found)
    return {
      name,
      args,
      ok: false,
      result: null,
      error: `unknown tool ${name}; available: ${tools.map((t) => t.name).join(", ")}`,
    };
  try {
    const output: unknown = await found.invoke(args);
    const text = typeof output === "string" ? output : JSON.stringify(output);
    return { name, args, ok: true, result: JSON.parse(text) as Record<string, unknown>, error: null };
  } catch (error) {
    return {
      name,
      args,
      ok: false,
      result: null,
      error: error instanceof Error ? error.message : String(error),
      cause: error,
    };
  }
}

export async function runPlan(
  tools: StructuredToolInterface[],
  plan: PlannedStep[],
  calls: ToolCallRecord[] = [],
): Promise<ToolCallRecord[]> {
  for (const step of plan) {
    const record = await callTool(tools, step.tool, step.args(calls));
    calls.push(record);
    if (!record.ok) {
      if (record.cause instanceof CutroomError) throw record.cause;
      throw new CutroomError("MEDIA", `${step.tool} failed: ${record.error}`, { cause: record.cause });
    }
  }
  return calls;
}

export async function runSpecialist(input: SpecialistRunInput): Promise<SpecialistRun> {
  if (input.llm === null) {
    return { mode: "deterministic", calls: await runPlan(input.tools, input.plan) };
  }
  if (typeof input.llm.bindTools !== "function") {
    input.log.warn(`${input.name}: the chat model cannot call tools; following the deterministic plan`);
    return { mode: "deterministic", calls: await runPlan(input.tools, input.plan) };
  }
  const model = input.llm.bindTools(input.tools);
  const messages: BaseMessage[] = [new SystemMessage(input.systemPrompt), new HumanMessage(input.task)];
  const calls: ToolCallRecord[] = [];
  const maxSteps = input.maxSteps ?? 8;
  try {
    for (let step = 0; step < maxSteps; step++) {
      const reply = (await model.invoke(messages)) as AIMessage;
      messages.push(reply);
      const toolCalls = reply.tool_calls ?? [];
      if (toolCalls.length === 0) break;
      // Calls in one message are independent by construction, so they run concurrently.
      const records = await Promise.all(toolCalls.map((call) => callTool(input.tools, call.name, call.args)));
      records.forEach((record, index) => {
        calls.push(record);
        messages.push(
          new ToolMessage({
            tool_call_id: toolCalls[index]!.id ?? `${record.name}-${calls.length}`,
            content: record.ok ? JSON.stringify(record.result) : `error: ${record.error}`,
          }),
        );
      });
      if (input.isComplete(calls)) break;
    }
  } catch (error) {
    input.log.warn(
      `${input.name}: chat model failed (${error instanceof Error ? error.message : String(error)}); following the deterministic plan`,
    );
    return { mode: "llm-then-deterministic", calls: [...calls, ...(await runPlan(input.tools, input.plan))] };
  }
  if (input.isComplete(calls)) return { mode: "llm", calls };
  input.log.warn(`${input.name}: the chat model stopped before the job was done; following the deterministic plan`);
  const planned = await runPlan(input.tools, input.plan);
  return { mode: "llm-then-deterministic", calls: [...calls, ...planned] };
}

/** The result of the last successful call of a tool, or null. */
export function lastResult(calls: ToolCallRecord[], ...names: string[]): Record<string, unknown> | null {
  for (let index = calls.length - 1; index >= 0; index--) {
    const call = calls[index]!;
    if (call.ok && names.includes(call.name)) return call.result;
  }
  return null;
}

export function requireResult(calls: ToolCallRecord[], ...names: string[]): Record<string, unknown> {
  const result = lastResult(calls, ...names);
  if (!result) throw new CutroomError("MISSING_TOOL", `no successful ${names.join(" / ")} call`);
  return result;
}
