/**
 * The master orchestrator: route a chat turn, dispatch to the department, check the Brain, present the
 * take with its choices (interrupt), and apply the answer.
 */
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { confirmCostNode } from "./nodes/cost.js";
import { presentNode } from "./nodes/human-choice.js";
import { applyChoiceNode, noDepartmentNode, routeNode, validateNode, videoDepartmentNode } from "./nodes/turn.js";
import { OrchestratorState, type OrchestratorStateValue } from "./state.js";

function afterRoute(state: OrchestratorStateValue): "confirm_cost" | "no_department" {
  return state.route?.kind === "video" ? "confirm_cost" : "no_department";
}

function afterCost(state: OrchestratorStateValue): "video_department" | typeof END {
  return state.costDecision === "cancel" ? END : "video_department";
}

function afterChoice(state: OrchestratorStateValue): "video_department" | typeof END {
  return state.lastChoice?.choice === "regenerate" ? "video_department" : END;
}

export function buildOrchestratorGraph(checkpointer?: BaseCheckpointSaver) {
  const graph = new StateGraph(OrchestratorState)
    .addNode("route_turn", routeNode)
    .addNode("no_department", noDepartmentNode)
    .addNode("confirm_cost", confirmCostNode)
    .addNode("video_department", videoDepartmentNode)
    .addNode("validate", validateNode)
    .addNode("present", presentNode)
    .addNode("apply_choice", applyChoiceNode)
    // Every turn is routed first.
    .addEdge(START, "route_turn")
    // Video requests have their cost estimated first; anything else gets a polite answer.
    .addConditionalEdges("route_turn", afterRoute, ["confirm_cost", "no_department"])
    // Nothing is spent on a request above the confirmation threshold until the user says proceed.
    .addConditionalEdges("confirm_cost", afterCost, ["video_department", END])
    .addEdge("no_department", END)
    // Nothing is shown that the Brain and storage do not both hold.
    .addEdge("video_department", "validate")
    .addEdge("validate", "present")
    // The user's answer is applied once it arrives (the thread waits in the checkpointer).
    .addEdge("present", "apply_choice")
    // Regenerate goes back to the department with the previous take as feedback; accept/discard end.
    .addConditionalEdges("apply_choice", afterChoice, ["video_department", END]);
  return checkpointer ? graph.compile({ checkpointer }) : graph.compile();
}

/** Graph listed in langgraph.json (the server supplies its own checkpointer). */
export const orchestratorGraph = buildOrchestratorGraph();
