/** Library entry: the graphs, the department entry every caller uses, the runtime, the chat service and the tool catalogue. */
export { loadConfig, type Config } from "./config.js";
export { createRuntime, type Runtime } from "./runtime.js";
export { ChatService, type TurnResult } from "./orchestrator/chat.js";
export { buildOrchestratorGraph, orchestratorGraph } from "./orchestrator/graph.js";
export { buildVideoDepartmentGraph, videoDepartmentGraph } from "./departments/video/graph.js";
export {
  DEPARTMENT_RECURSION_LIMIT,
  runDepartment,
  type CostConsent,
  type DepartmentOptions,
  type DepartmentRequest,
} from "./departments/video/entry.js";
export { createToolCatalogue, TOOL_NAMES } from "./tools/catalogue.js";
