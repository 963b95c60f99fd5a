/** Library entry: the graphs, the runtime, the chat service and the tool catalogue. */
export { loadConfig, type Config } from "./config.js";
export { createRuntime, type Runtime } from "./runtime.js";
export { ChatService, type TurnResult } from "./orchestrator/chat.js";
export { buildOrchestratorGraph, orchestratorGraph } from "./orchestrator/graph.js";
export { buildVideoDepartmentGraph, videoDepartmentGraph } from "./departments/video/graph.js";
export { createToolCatalogue, TOOL_NAMES } from "./tools/catalogue.js";
