/** A command's runtime: built from configuration when the command needs one, closed when it ends. */
import { loadConfig } from "../config.js";
import { createRuntime, type Runtime } from "../runtime.js";
import { formatProgress } from "./output.js";

export type Write = (json: boolean, document: unknown, text: string) => void;

export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(loadConfig());
  const unsubscribe = runtime.progress.subscribe((event) => process.stderr.write(`${formatProgress(event)}\n`));
  try {
    return await work(runtime);
  } finally {
    unsubscribe();
    await runtime.close();
  }
}
