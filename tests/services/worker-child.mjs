/* global process, setInterval */
// A cutroom worker in its own process: builds the runtime from the environment (which starts the BullMQ
// worker with the department's job handlers) and serves jobs until it is killed. Needs `npm run build`.
import { loadConfig } from "../../dist/config.js";
// Loading the department's jobs module adds its handlers to every runtime created after it.
import "../../dist/departments/video/jobs.js";
import { createRuntime } from "../../dist/runtime.js";

const quiet = { info: () => {}, warn: () => {} };
const runtime = await createRuntime(loadConfig(process.env), { llm: null, log: quiet });
process.stdout.write("READY\n");
process.on("SIGTERM", () => {
  void runtime.close().finally(() => process.exit(0));
});
setInterval(() => undefined, 60_000);
