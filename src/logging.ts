/**
 * Where progress and warnings go. It sits below everything else and imports nothing from the app, so a
 * provider, a server route or a graph node can take a logger without importing the runtime that wires them.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Logs go to stderr: stdout carries the one JSON document a `--json` command prints. */
export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};
