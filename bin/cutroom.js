#!/usr/bin/env node
// Entry point of the `cutroom` command: runs the compiled CLI (built by `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error("cutroom is not built yet: run ./scripts/setup.sh (or npm run build) in the project directory.");
  process.exit(2);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
