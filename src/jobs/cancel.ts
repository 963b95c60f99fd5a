/**
 * A turn's (or an HTTP job's) view of the job queue: every job it waits for is cancelled when its signal
 * aborts, so Ctrl-C, a cancelled HTTP job or a dropped client stops the renders it started, and the
 * providers behind them stop billing. Callers use it like the queue itself.
 */
import { CutroomError } from "../errors.js";
import type { JobName, JobQueue } from "./types.js";

/** How long a cancelled waiter lets the job wind down (cancel the provider request, remove partial files). */
export const CANCEL_GRACE_MS = 30_000;

export function cancelledBy(queue: JobQueue, signal: AbortSignal | null | undefined): JobQueue {
  if (signal === null || signal === undefined) return queue;
  const waitFor = async (jobId: string, timeoutMs?: number): Promise<unknown> => {
    if (signal.aborted) {
      await queue.cancel(jobId);
      throw stopped(jobId, signal);
    }
    let onAbort = (): void => undefined;
    let grace: NodeJS.Timeout | null = null;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        void queue.cancel(jobId).catch(() => undefined);
        // The job normally fails as CANCELLED well before this; work that ignores its signal is not waited for.
        grace = setTimeout(() => reject(stopped(jobId, signal)), CANCEL_GRACE_MS);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return await Promise.race([queue.waitFor(jobId, timeoutMs), aborted]);
    } catch (error) {
      // The job failed because of the stop, so the waiter hears the stop's reason (a budget, a Ctrl-C).
      throw signal.aborted ? stopped(jobId, signal) : error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (grace !== null) clearTimeout(grace);
    }
  };
  return {
    name: queue.name,
    register: (name, handler) => queue.register(name, handler),
    enqueue: (name, data, jobId) => queue.enqueue(name, data, jobId),
    status: (jobId) => queue.status(jobId),
    waitFor,
    async run(name: JobName, data: Record<string, unknown>, jobId: string, timeoutMs?: number) {
      if (signal.aborted) throw stopped(jobId, signal);
      await queue.enqueue(name, data, jobId);
      return waitFor(jobId, timeoutMs);
    },
    cancel: (jobId) => queue.cancel(jobId),
    pending: () => queue.pending(),
    subscribe: (listener) => queue.subscribe(listener),
    onSettled: (listener) => queue.onSettled(listener),
    // The queue belongs to the runtime; a view of it closes nothing.
    close: async () => undefined,
  };
}

/** The abort's own reason when it is one of ours (a budget stop), else CANCELLED. */
function stopped(jobId: string, signal: AbortSignal): CutroomError {
  if (signal.reason instanceof CutroomError) return signal.reason;
  return new CutroomError("CANCELLED", `job ${jobId} was cancelled`);
}
