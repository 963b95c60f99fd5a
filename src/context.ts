import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { CutroomError } from "./errors.js";
import type { Runtime } from "./runtime.js";

/** The runtime handed to graph nodes as LangGraph runtime context. */
export function runtimeOf(config: LangGraphRunnableConfig): Runtime {
  const runtime = config.context as Runtime | undefined;
  if (!runtime || typeof runtime !== "object" || !("brain" in runtime)) {
    throw new CutroomError(
      "CONFIG",
      "graph invoked without a runtime: pass { context: runtime } built by createRuntime()",
    );
  }
  return runtime;
}

/** LangGraph types context as a plain record; the runtime is passed as is (it is never checkpointed). */
export function asContext(runtime: Runtime): Record<string, unknown> {
  return runtime as unknown as Record<string, unknown>;
}
