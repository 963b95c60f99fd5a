/**
 * The design's recovery per FAL failure kind, kept apart from the queue calls so the limits and the order
 * of remedies (back off, draft quality, revised input, fallback model, stop) read as one table.
 */
import { isCutroomError } from "../../../errors.js";
import type { Logger } from "../../../logging.js";
import type { Clock } from "../../fal-client.js";
import { classify, toCutroomError, type Failure } from "./errors.js";
import type { FalInput, FieldProblem } from "./models.js";
import { pause, runQueue, type QueueContext, type ResultUrl } from "./queue.js";

/** The design's limits per failure kind. */
export const RECOVERY = {
  rateLimitTries: 5,
  timeoutRetries: 2,
  inputRevisions: 3,
  backoffBaseMs: 1000,
  backoffMaxMs: 30_000,
};

/** What one generation has spent of each limit so far. */
export interface RecoveryUsed {
  rateLimited: number;
  timeouts: number;
  revisions: number;
  fallback: boolean;
}

/** What to do after a failure, or throws when the design says stop. Waits out rate limits here. */
export async function recover(
  failure: Failure,
  model: string,
  fallback: string | null,
  used: RecoveryUsed,
  signal: AbortSignal | null,
  clock: Clock,
  log: Logger,
): Promise<"again" | "draft" | "revise" | "fallback"> {
  switch (failure.kind) {
    case "rate-limit":
    case "transient": {
      used.rateLimited++;
      if (used.rateLimited >= RECOVERY.rateLimitTries)
        throw toCutroomError({ ...failure, kind: "rate-limit" }, model, used.rateLimited);
      const backoff = Math.min(RECOVERY.backoffBaseMs * 2 ** (used.rateLimited - 1), RECOVERY.backoffMaxMs);
      const wait = Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000);
      log.warn(
        `fal: ${model} answered HTTP ${failure.status}; try ${used.rateLimited + 1}/${RECOVERY.rateLimitTries} in ${wait} ms`,
      );
      await pause(clock, wait, signal);
      return "again";
    }
    case "timeout":
      if (used.timeouts >= RECOVERY.timeoutRetries) throw toCutroomError(failure, model, used.timeouts);
      used.timeouts++;
      log.warn(
        `fal: ${model} timed out (${failure.message}); retrying at draft quality (${used.timeouts}/${RECOVERY.timeoutRetries})`,
      );
      return "draft";
    case "invalid-input":
      if (used.revisions >= RECOVERY.inputRevisions) throw toCutroomError(failure, model, used.revisions);
      used.revisions++;
      log.warn(
        `fal: ${model} rejected the input (${failure.message}); revision ${used.revisions}/${RECOVERY.inputRevisions}`,
      );
      return "revise";
    case "unavailable": {
      if (used.fallback || fallback === null || fallback === model) throw toCutroomError(failure, model, 1);
      used.fallback = true;
      log.warn(`fal: ${model} is unavailable (HTTP ${failure.status}); using the fallback model ${fallback}`);
      return "fallback";
    }
    default:
      throw toCutroomError(failure, model, 1);
  }
}

/** How a generation's input changes under each remedy; each adapter knows its own models' fields. */
export interface Remedies {
  /** The input at draft quality, for the model in use. */
  draft(): FalInput;
  /** The rejected input revised for the model in use, or null when nothing could be changed. */
  revise(input: FalInput, problems: FieldProblem[]): FalInput | null;
  /** The input for the fallback model (media may need preparing again for it). */
  fallback(model: string): Promise<FalInput>;
}

/**
 * Queue round trips until one succeeds or the table says stop: the loop both FAL adapters run. Returns the
 * result's file URL and the model that made it (the fallback, when one was used).
 */
export async function runRecovering(
  queue: QueueContext,
  first: { model: string; input: FalInput; fallback: string | null },
  remedies: Remedies,
  options: { signal: AbortSignal | null },
  report: (fraction: number, message: string) => void,
  resultUrl: ResultUrl,
): Promise<{ url: string; model: string }> {
  let { model, input } = first;
  const used: RecoveryUsed = { rateLimited: 0, timeouts: 0, revisions: 0, fallback: false };
  for (;;) {
    try {
      return { url: await runQueue(queue, model, input, options, report, resultUrl), model };
    } catch (error) {
      if (isCutroomError(error)) throw error;
      const failure = classify(error);
      const next = await recover(failure, model, first.fallback, used, options.signal, queue.clock, queue.options.log);
      if (next === "draft") {
        input = remedies.draft();
      } else if (next === "revise") {
        const revised = remedies.revise(input, failure.problems);
        if (revised === null) throw toCutroomError(failure, model, used.revisions);
        input = revised;
      } else if (next === "fallback") {
        model = first.fallback!;
        input = await remedies.fallback(model);
      }
    }
  }
}
