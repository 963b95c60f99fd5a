/**
 * One structured decision from the chat model: asked with a zod schema (function calling), validated,
 * and replaced by the deterministic policy's answer when the model fails or answers out of shape.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { z } from "zod";
import type { Logger } from "../../logging.js";

export interface Decision<T> {
  value: T;
  decidedBy: "llm" | "policy";
  /** Whether the model's answer was given with the images in front of it. */
  sawImages: boolean;
}

/** A picture sent with the question (PNG or JPEG bytes). */
export interface DecisionImage {
  mediaType: "image/png" | "image/jpeg";
  data: Buffer;
}

/** A 4xx answer about the request itself (e.g. "image input is not supported"), not a timeout or outage. */
function refusedInput(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && [400, 413, 415, 422].includes(status);
}

/** The user turn: plain text, or text followed by images at low detail (a few hundred tokens each). */
function userContent(text: string, images: DecisionImage[]) {
  if (images.length === 0) return text;
  return [
    {
      type: "text" as const,
      text: `${text}\n${images.length} image${images.length === 1 ? "" : "s"} follow, in order.`,
    },
    ...images.map((image) => ({
      type: "image_url" as const,
      image_url: { url: `data:${image.mediaType};base64,${image.data.toString("base64")}`, detail: "low" as const },
    })),
  ];
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
  /**
   * Pictures for a model that can see. A model (or server) that refuses them is asked again with the
   * text alone, so a text-only model still decides.
   */
  images?: DecisionImage[];
  /** The system prompt used when the images are sent (`system` is used when they are not). */
  systemWithImages?: string;
}): Promise<Decision<T>> {
  const images = options.images ?? [];
  const policy = (): Decision<T> => ({ value: options.fallback(), decidedBy: "policy", sawImages: false });
  if (options.llm === null) return policy();
  const structured = options.llm.withStructuredOutput(options.schema, {
    method: "functionCalling",
    name: options.name,
  });
  const ask = (withImages: DecisionImage[]) =>
    structured.invoke([
      {
        role: "system",
        content: withImages.length > 0 ? (options.systemWithImages ?? options.system) : options.system,
      },
      { role: "user", content: userContent(options.user, withImages) },
    ]);
  let sawImages = images.length > 0;
  try {
    let raw: unknown;
    try {
      raw = await ask(images);
    } catch (error) {
      if (images.length === 0 || !refusedInput(error)) throw error;
      options.log.warn(
        `${options.what}: the chat model did not take the images (${error instanceof Error ? error.message : String(error)}); asking with the text alone`,
      );
      sawImages = false;
      raw = await ask([]);
    }
    const parsed = options.schema.safeParse(raw);
    if (!parsed.success) {
      options.log.warn(
        `${options.what}: the chat model's answer is invalid (${parsed.error.issues[0]?.message}); using the policy`,
      );
      return policy();
    }
    const problem = options.check?.(parsed.data) ?? null;
    if (problem !== null) {
      options.log.warn(`${options.what}: the chat model's answer is unusable (${problem}); using the policy`);
      return policy();
    }
    return { value: parsed.data, decidedBy: "llm", sawImages };
  } catch (error) {
    options.log.warn(
      `${options.what}: the chat model failed (${error instanceof Error ? error.message : String(error)}); using the policy`,
    );
    return policy();
  }
}
