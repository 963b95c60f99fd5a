import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { CutroomError } from "./errors.js";
import { cancelledBy } from "./jobs/cancel.js";
import { ProgressBus, type ProgressEvent } from "./jobs/progress.js";
import type { Runtime } from "./runtime.js";
import { builtRuntimeFor, RunContextSchema, runtimeForContext, type RunContext } from "./run-context.js";

export { RunContextSchema, type RunContext } from "./run-context.js";

/** A progress event as a LangGraph custom stream chunk (SDK `streamMode: "custom"`). */
export interface ProgressChunk extends ProgressEvent {
  kind: "progress";
}

/** Marks a run's view of the runtime: a subgraph invoked with it must not stream its progress twice. */
const RUN_VIEW = Symbol("cutroom.runView");

function isRuntime(value: unknown): value is Runtime {
  return typeof value === "object" && value !== null && "brain" in value;
}

function runContextOf(value: unknown): RunContext {
  return RunContextSchema.parse(value ?? {});
}

/**
 * The runtime handed to graph nodes: the one the caller passed as context (CLI, HTTP, tests), else the
 * one built from configuration for the run's serialisable context (LangGraph's server) by withRuntime.
 */
export function runtimeOf(config: LangGraphRunnableConfig): Runtime {
  const context: unknown = config.context;
  if (isRuntime(context)) return context;
  const built = builtRuntimeFor(runContextOf(context));
  if (built === null) {
    throw new CutroomError(
      "CONFIG",
      "graph invoked without a runtime: pass { context: runtime } built by createRuntime(), or add its nodes with withRuntime()",
    );
  }
  return built;
}

/** The context type the graphs declare: every field of the schema present, possibly undefined. */
export type GraphContext = { [Key in keyof Required<RunContext>]: RunContext[Key] } & Record<string, unknown>;

/**
 * LangGraph types context by the graphs' schema; a caller's runtime is passed as is in its place (it is
 * never checkpointed, and it has none of the schema's fields, so it passes the schema's check).
 */
export function asContext(runtime: Runtime): GraphContext {
  return runtime as unknown as GraphContext;
}

/** The node's progress also goes to the run's stream, so any client of the run (SDK, Studio) sees it. */
function streamedProgress(shared: ProgressBus, write: (chunk: unknown) => void): ProgressBus {
  const run = new ProgressBus();
  run.subscribe((event) => {
    shared.emit(event.step, event.fraction, event.message);
    write({ kind: "progress", ...event } satisfies ProgressChunk);
  });
  return run;
}

function runView(runtime: Runtime, config: LangGraphRunnableConfig): Runtime {
  if (RUN_VIEW in runtime) return runtime;
  const view: Runtime = {
    ...runtime,
    progress: config.writer ? streamedProgress(runtime.progress, config.writer) : runtime.progress,
    // Jobs a node waits for are cancelled with the run (a server's cancel, a dropped client).
    jobs: cancelledBy(runtime.jobs, config.signal),
  };
  return Object.assign(view, { [RUN_VIEW]: true });
}

type Node<State, Update> = (state: State, config: LangGraphRunnableConfig) => Update | Promise<Update>;

/**
 * A node that finds its runtime in the context whoever started the run: a caller's Runtime is used as
 * is; a serialisable context (LangGraph's server, Studio) gets the process's Runtime for its project.
 * Either way the node's progress is written to the run's custom stream and its jobs stop with the run.
 */
export function withRuntime<State, Update>(node: Node<State, Update>): Node<State, Update> {
  return async (state, config) => {
    const given: unknown = config.context;
    const runtime = isRuntime(given) ? given : await runtimeForContext(runContextOf(given));
    return node(state, { ...config, context: asContext(runView(runtime, config)) });
  };
}
