/**
 * A graph run's typed context: only what can cross a wire (LangGraph's server, Studio, the SDK) and be
 * stored with the run. The adapters a run needs are built from configuration here, once per process,
 * when the caller (LangGraph's server) did not pass a Runtime of its own.
 */
import { z } from "zod";
import { loadConfig } from "./config.js";
import { ID_PATTERN } from "./errors.js";
import { createRuntime, type Runtime } from "./runtime.js";

export const RunContextSchema = z.object({
  projectId: z
    .string()
    .regex(ID_PATTERN, "projectId must be letters, digits, '-' or '_'")
    .optional()
    .describe("The project the run's threads, media and Brain nodes belong to (default: CUTROOM_PROJECT)"),
  budgetUsd: z
    .number()
    .min(0)
    .max(100_000)
    .optional()
    .describe("What one request may spend in USD, all its takes together (default: CUTROOM_BUDGET_USD)"),
});

export type RunContext = z.infer<typeof RunContextSchema>;

/** One Runtime per process: the embedded stores are files that two runtimes must not open twice. */
let shared: Promise<Runtime> | null = null;
let built: Runtime | null = null;
const projects = new Map<string, Runtime>();

function viewFor(runtime: Runtime, context: RunContext): Runtime {
  const projectId = context.projectId ?? runtime.config.projectId;
  let project = projects.get(projectId);
  if (project === undefined) {
    project =
      projectId === runtime.config.projectId ? runtime : { ...runtime, config: { ...runtime.config, projectId } };
    projects.set(projectId, project);
  }
  // A run's own limit is not cached: the next run of the project may ask for another.
  return context.budgetUsd === undefined
    ? project
    : { ...project, config: { ...project.config, budgetUsd: context.budgetUsd } };
}

/** The Runtime for a run given only its context, built from the environment on first use. */
export async function runtimeForContext(context: RunContext = {}): Promise<Runtime> {
  shared ??= createRuntime(loadConfig()).then(
    (runtime) => (built = runtime),
    (error: unknown) => {
      // A service that was down may be up on the next run.
      shared = null;
      throw error;
    },
  );
  return viewFor(await shared, context);
}

/** The same, for code that cannot wait (a graph's edge): null until a run's first node built it. */
export function builtRuntimeFor(context: RunContext = {}): Runtime | null {
  return built === null ? null : viewFor(built, context);
}

/** Closes the process's Runtime (a server stopping, a test ending); the next run builds a new one. */
export async function closeRuntimes(): Promise<void> {
  const pending = shared;
  shared = null;
  built = null;
  projects.clear();
  if (pending !== null) await (await pending.catch(() => null))?.close();
}
