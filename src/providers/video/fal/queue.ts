/**
 * One round trip through FAL's queue: submit, poll until done, fetch the URL of the file the result names
 * (a video's for the video adapter, the first image's for the image adapter). Every answer
 * is checked against the shape we rely on, since a model that changes its output must fail loudly here
 * rather than as a missing file later; a request we give up on is cancelled so it is not billed.
 */
import type { FalClient } from "@fal-ai/client";
import { z } from "zod";
import { CutroomError, isCutroomError } from "../../../errors.js";
import { journaledRequest, journalRequest, requestFingerprint } from "../../../jobs/scope.js";
import { classify, FalTimeoutError } from "./errors.js";
import type { FalInput } from "./models.js";
import type { Clock } from "../../fal-client.js";
import type { FalVideoOptions } from "./options.js";

/** What a queue round trip needs from the provider. */
export interface QueueContext {
  client: FalClient;
  clock: Clock;
  options: Pick<FalVideoOptions, "timeoutMs" | "pollIntervalMs" | "webhookUrl" | "log">;
}

const SubmitSchema = z.object({ request_id: z.string().min(1) });
const StatusSchema = z.object({
  status: z.enum(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]),
  queue_position: z.number().optional(),
});
const VideoResultSchema = z.object({ video: z.object({ url: z.string().url() }), seed: z.number().optional() });

/** Reads the URL of the file a finished request made from its result, or null when the result lacks one. */
export type ResultUrl = (data: unknown) => string | null;

/** A video model's result: `{ video: { url } }`. */
export const videoResultUrl: ResultUrl = (data) => {
  const parsed = VideoResultSchema.safeParse(data);
  return parsed.success ? parsed.data.video.url : null;
};

function malformed(model: string, what: string, value: unknown): CutroomError {
  const shown = JSON.stringify(value)?.slice(0, 200) ?? String(value);
  return new CutroomError("PROVIDER", `FAL model ${model} sent a malformed ${what}: ${shown}`);
}

/** The clock's sleep, except that a cancelled generation ends it as CANCELLED. */
export async function pause(clock: Clock, milliseconds: number, signal: AbortSignal | null): Promise<void> {
  try {
    await clock.sleep(milliseconds, signal);
  } catch (error) {
    if (signal?.aborted) throw new CutroomError("CANCELLED", "the generation was cancelled");
    throw error;
  }
}

/** One queue round trip: submit, poll until done (or deadline / cancel), read the result's file URL. */
export async function runQueue(
  context: QueueContext,
  model: string,
  input: FalInput,
  options: { signal: AbortSignal | null },
  report: (fraction: number, message: string) => void,
  resultUrl: ResultUrl,
): Promise<string> {
  const { client } = context;
  const signal = options.signal;
  if (signal?.aborted) throw new CutroomError("CANCELLED", "the generation was cancelled before it was submitted");
  // A request an earlier attempt of this job submitted (its worker stopped while FAL worked) is polled again
  // rather than submitted, and paid for, a second time; one FAL no longer knows is submitted anew.
  const fingerprint = requestFingerprint(model, input);
  const resumed = await journaledRequest(fingerprint);
  if (resumed !== null) {
    try {
      return await pollQueue(context, model, resumed, signal, report, resultUrl);
    } catch (error) {
      if (signal?.aborted || isCutroomError(error, "CANCELLED")) throw error;
      context.options.log.warn(`fal: could not resume request ${resumed}: ${classify(error).message}; submitting anew`);
    }
  }
  report(0.02, `submitting to ${model}`);
  // The submission is not aborted midway: FAL may have accepted it already, and only its answer carries the
  // request id a cancel needs. A stop that comes meanwhile cancels the request as soon as the id is known.
  const submitted = await client.queue.submit(model, { input, webhookUrl: context.options.webhookUrl ?? undefined });
  const parsedSubmit = SubmitSchema.safeParse(submitted);
  if (!parsedSubmit.success) throw malformed(model, "submit answer", submitted);
  const requestId = parsedSubmit.data.request_id;
  await journalRequest(fingerprint, requestId);
  return pollQueue(context, model, requestId, signal, report, resultUrl);
}

/** Polls a submitted request until done (or deadline / cancel) and reads the result's file URL. */
async function pollQueue(
  context: QueueContext,
  model: string,
  requestId: string,
  signal: AbortSignal | null,
  report: (fraction: number, message: string) => void,
  resultUrl: ResultUrl,
): Promise<string> {
  const { client, clock } = context;
  const pollStarted = clock.now();
  try {
    for (;;) {
      if (signal?.aborted) throw new CutroomError("CANCELLED", `the generation ${requestId} was cancelled`);
      const status: unknown = await client.queue.status(model, {
        requestId,
        logs: false,
        ...(signal ? { abortSignal: signal } : {}),
      });
      const parsed = StatusSchema.safeParse(status);
      if (!parsed.success) throw malformed(model, "status", status);
      const elapsed = clock.now() - pollStarted;
      if (parsed.data.status === "COMPLETED") break;
      if (parsed.data.status === "IN_QUEUE") {
        report(
          0.05,
          `queued at ${model}${parsed.data.queue_position === undefined ? "" : ` (position ${parsed.data.queue_position})`}`,
        );
      } else {
        report(0.1 + 0.75 * Math.min(1, elapsed / context.options.timeoutMs), `generating with ${model}`);
      }
      if (elapsed >= context.options.timeoutMs) {
        throw new FalTimeoutError(
          `request ${requestId} still ${parsed.data.status} after ${context.options.timeoutMs} ms`,
        );
      }
      await pause(clock, context.options.pollIntervalMs, signal);
    }
    const result = await client.queue.result(model, { requestId, ...(signal ? { abortSignal: signal } : {}) });
    const url = resultUrl(result.data);
    if (url === null) throw malformed(model, "result", result.data);
    return url;
  } catch (error) {
    const cancelled = signal?.aborted === true;
    // A job handed back by a stopping worker keeps its request running: the worker that takes it resumes it.
    const handedBack = cancelled && isCutroomError(signal.reason, "INTERRUPTED");
    if ((cancelled && !handedBack) || error instanceof FalTimeoutError) await cancel(context, model, requestId);
    if (cancelled && !isCutroomError(error, "CANCELLED")) {
      throw new CutroomError("CANCELLED", `the generation ${requestId} was cancelled`, { cause: error });
    }
    throw error;
  }
}

/** Stops a queued request so it is not billed; failures only warn, the caller already gave up on it. */
async function cancel(context: QueueContext, model: string, requestId: string): Promise<void> {
  try {
    await context.client.queue.cancel(model, { requestId });
    context.options.log.info(`fal: cancelled request ${requestId}`);
  } catch (error) {
    context.options.log.warn(`fal: could not cancel request ${requestId}: ${classify(error).message}`);
  }
}
