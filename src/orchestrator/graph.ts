/**
 * The master orchestrator: route a chat turn, dispatch to the department, check the Brain, present the
 * take with its choices (interrupt), and apply the answer.
 */
import { END, START, StateGraph, type BaseCheckpointSaver, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { RunContextSchema, runtimeOf, withRuntime } from "../context.js";
import { confirmCostNode } from "./nodes/cost.js";
import { presentNode } from "./nodes/human-choice.js";
import { applyChoiceNode, noDepartmentNode, routeNode, validateNode, videoDepartmentNode } from "./nodes/turn.js";
import { OrchestratorState, type OrchestratorStateValue } from "./state.js";

/** Whether the video department takes the turn (its cost is checked first) or no department does. */
function videoDepartmentOrNone(state: OrchestratorStateValue): "confirm_cost" | "no_department" {
  return state.route?.kind === "video" ? "confirm_cost" : "no_department";
}

/** Whether the request is made: the user cancelled at the cost confirmation, or it goes ahead. */
function proceedUnlessCancelled(state: OrchestratorStateValue): "video_department" | typeof END {
  return state.costDecision === "cancel" ? END : "video_department";
}

/** Whether the user's choice asks for another take (regenerate) or ends the turn (accept, discard). */
function regenerateOrEnd(state: OrchestratorStateValue): "video_department" | typeof END {
  return state.lastChoice?.choice === "regenerate" ? "video_department" : END;
}

/**
 * A turn started with only a message (LangGraph's server, Studio) belongs to the run's thread and to the
 * context's project; the CLI and HTTP name both in the input.
 */
async function startTurn(state: OrchestratorStateValue, config: LangGraphRunnableConfig) {
  const threadId = state.threadId || String(config.configurable?.thread_id ?? "");
  const projectId = state.projectId || runtimeOf(config).config.projectId;
  const update = await routeNode({ ...state, threadId, projectId }, config);
  return state.threadId && state.projectId ? update : { threadId, projectId, ...update };
}

export function buildOrchestratorGraph(checkpointer?: BaseCheckpointSaver) {
  // Every node gets its adapters through withRuntime: a caller's Runtime, or one built for the context.
  const graph = new StateGraph(OrchestratorState, { context: RunContextSchema })
    .addNode("route_turn", withRuntime(startTurn))
    .addNode("no_department", withRuntime(noDepartmentNode))
    .addNode("confirm_cost", withRuntime(confirmCostNode))
    .addNode("video_department", withRuntime(videoDepartmentNode))
    .addNode("validate", withRuntime(validateNode))
    .addNode("present", withRuntime(presentNode))
    .addNode("apply_choice", withRuntime(applyChoiceNode))
    // Every turn is routed first.
    .addEdge(START, "route_turn")
    // Branches on the route: video requests have their cost estimated first; anything else gets a polite answer.
    .addConditionalEdges("route_turn", videoDepartmentOrNone, ["confirm_cost", "no_department"])
    // Branches on the cost answer: nothing is spent above the confirmation threshold until the user says proceed.
    .addConditionalEdges("confirm_cost", proceedUnlessCancelled, ["video_department", END])
    .addEdge("no_department", END)
    // Nothing is shown that the Brain and storage do not both hold.
    .addEdge("video_department", "validate")
    .addEdge("validate", "present")
    // The user's answer is applied once it arrives (the thread waits in the checkpointer).
    .addEdge("present", "apply_choice")
    // Branches on the choice: regenerate goes back to the department with the previous take as feedback; accept/discard end.
    .addConditionalEdges("apply_choice", regenerateOrEnd, ["video_department", END]);
  return checkpointer ? graph.compile({ checkpointer }) : graph.compile();
}

/** Graph listed in langgraph.json (the server supplies its own checkpointer). */
export const orchestratorGraph = buildOrchestratorGraph();
