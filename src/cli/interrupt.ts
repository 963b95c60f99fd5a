/**
 * Ctrl-C during a turn stops the work instead of the process: the turn's signal aborts, running jobs are
 * cancelled and paid providers get their cancel requests, then the command ends as CANCELLED. A second
 * Ctrl-C exits at once, for when stopping cleanly takes too long.
 */
import type { EventEmitter } from "node:events";
import { CutroomError } from "../errors.js";

/**
 * Runs the work with a signal that Ctrl-C aborts. A terminal readline takes Ctrl-C itself and reports it
 * as its own "SIGINT" event, so the interactive chat passes its interface as another source.
 */
export async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  sources: EventEmitter[] = [process],
): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write("stopping: cancelling running generations (Ctrl-C again to quit at once)\n");
    controller.abort(new CutroomError("CANCELLED", "stopped by Ctrl-C; running generations were cancelled"));
  };
  for (const source of sources) source.on("SIGINT", onInterrupt);
  try {
    return await work(controller.signal);
  } catch (error) {
    // Whatever the stopped work threw (the graph's own abort error, a killed ffmpeg), the user asked for it.
    if (controller.signal.aborted) throw controller.signal.reason as CutroomError;
    throw error;
  } finally {
    for (const source of sources) source.off("SIGINT", onInterrupt);
  }
}
