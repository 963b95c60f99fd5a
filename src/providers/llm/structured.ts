/**
 * One structured decision from the chat model: asked with a zod schema (function calling), validated,
 * and replaced by the deterministic policy's answer when the model fails or answers out of shape.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { z } from "zod";
import type { Logger } from "../../runtime.js";

export interface Decision<T> {
  value: T;
  decidedBy: "llm" | "policy";
}

export async function decide<T>(options: {
  llm: BaseChatModel | null;
  log: Logger;
  /** What is being decided, for the log ("shot prompt", "grade"). */
  what: string;
  /** Function name the model answers through. */
  name: string;
  schema: z.ZodType<T>;
  system: string;
  user: string;
  fallback: () => T;
  /** Extra checks the schema cannot express; returns a problem or null. */
  check?: (value: T) => string | null;
}): Promise<Decision<T>> {
  if (options.llm === null) return { value: options.fallback(), decidedBy: "policy" };
  try {
    const raw: unknown = await options.llm
      .withStructuredOutput(options.schema, { method: "functionCalling", name: options.name })
      .invoke([
        { role: "system", content: options.system },
        { role: "user", content: options.user },
      ]);
    const parsed = options.schema.safeParse(raw);
    if (!parsed.success) {
      options.log.warn(
        `${options.what}: the chat model's answer is invalid (${parsed.error.issues[0]?.message}); using the policy`,
      );
      return { value: options.fallback(), decidedBy: "policy" };
    }
    const problem = options.check?.(parsed.data) ?? null;
    if (problem !== null) {
      options.log.warn(`${options.what}: the chat model's answer is unusable (${problem}); using the policy`);
      return { value: options.fallback(), decidedBy: "policy" };
    }
    return { value: parsed.data, decidedBy: "llm" };
  } catch (error) {
    options.log.warn(
      `${options.what}: the chat model failed (${error instanceof Error ? error.message : String(error)}); using the policy`,
    );
    return { value: options.fallback(), decidedBy: "policy" };
  }
}
