/**
 * Ctrl-C during a turn stops the work instead of the process: the turn's signal aborts, running jobs are
 * cancelled and paid providers get their cancel requests, then the command ends as CANCELLED. A second
 * Ctrl-C exits at once, for when stopping cleanly takes too long.
 */
import { CutroomError } from "../errors.js";

export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write("stopping: cancelling running generations (Ctrl-C again to quit at once)\n");
    controller.abort(new CutroomError("CANCELLED", "stopped by Ctrl-C; running generations were cancelled"));
  };
  process.on("SIGINT", onInterrupt);
  try {
    return await work(controller.signal);
  } catch (error) {
    // Whatever the stopped work threw (the graph's own abort error, a killed ffmpeg), the user asked for it.
    if (controller.signal.aborted) throw controller.signal.reason as CutroomError;
    throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}
