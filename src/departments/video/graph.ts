/**
 * The Video Department Head as a subgraph: assess → fan out shots (Send) → specialists → grade →
 * record in the Brain → retry below the bar or report.
 */
import { END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { RunContextSchema, runtimeOf, withRuntime } from "../../context.js";
import { newId } from "../../ids.js";
import { assessNode } from "./nodes/assess.js";
import { takeBar } from "./asked.js";
import { gradeNode, prepareRetryNode, recordNode, reportNode, shouldRetry } from "./nodes/finish.js";
import {
  audioIntegratorNode,
  collectClipsNode,
  dispatchShots,
  qualityVerifierNode,
  sceneAssemblerNode,
  videoGeneratorNode,
} from "./nodes/work.js";
import { collectSceneNode, dispatchSceneChains, sceneGeneratorNode } from "./nodes/scene.js";
import { burnCaptionsNode } from "./nodes/captions.js";
import { DepartmentState, type DepartmentStateValue } from "./state.js";
// Loaded for its effect as well: it adds the department's job handlers to every runtime createRuntime builds.
import "./jobs.js";

/** After the clips: the first of the remaining specialists the head chose. */
function nextSpecialistAfterClips(
  state: DepartmentStateValue,
): "scene_assembler" | "audio_integrator" | "quality_verifier" {
  if (state.specialists.includes("scene-assembler")) return "scene_assembler";
  if (state.specialists.includes("audio-integrator")) return "audio_integrator";
  return "quality_verifier";
}

/** After assembly: sound when the head chose the audio integrator, otherwise straight to measurement. */
function soundOrVerifyAfterAssembly(state: DepartmentStateValue): "audio_integrator" | "quality_verifier" {
  return state.specialists.includes("audio-integrator") ? "audio_integrator" : "quality_verifier";
}

/** A scene fans out one worker per continuity chain; a single clip one worker per shot. */
function fanOutShotsOrChains(state: DepartmentStateValue) {
  return state.plan ? dispatchSceneChains(state) : dispatchShots(state);
}

/** After a take is recorded: another take when it fell below the bar with attempts and budget left, else the report. */
function retryOrReport(
  state: DepartmentStateValue,
  config: LangGraphRunnableConfig,
): "prepare_retry" | "compile_report" {
  const settings = runtimeOf(config).config;
  const { maxAttempts } = takeBar(state.asked, settings);
  return shouldRetry(state, maxAttempts, settings.budgetUsd) ? "prepare_retry" : "compile_report";
}

/**
 * A request sent straight to the department (LangGraph's server, Studio) may give only its text: it
 * belongs to the run's thread and the context's project, as a new request. Callers that name them keep theirs.
 */
async function startRequest(state: DepartmentStateValue, config: LangGraphRunnableConfig) {
  const named = {
    projectId: state.projectId || runtimeOf(config).config.projectId,
    threadId: state.threadId || String(config.configurable?.thread_id ?? newId("thr")),
    requestId: state.requestId || newId("req"),
  };
  const update = await assessNode({ ...state, ...named }, config);
  return state.projectId && state.threadId && state.requestId ? update : { ...named, ...update };
}

export function buildVideoDepartmentGraph() {
  return (
    new StateGraph(DepartmentState, { context: RunContextSchema })
      .addNode("assess", withRuntime(startRequest))
      .addNode("video_generator", withRuntime(videoGeneratorNode))
      .addNode("collect_clips", withRuntime(collectClipsNode))
      .addNode("scene_generator", withRuntime(sceneGeneratorNode))
      .addNode("collect_scene", withRuntime(collectSceneNode))
      .addNode("scene_assembler", withRuntime(sceneAssemblerNode))
      .addNode("audio_integrator", withRuntime(audioIntegratorNode))
      .addNode("burn_captions", withRuntime(burnCaptionsNode))
      .addNode("quality_verifier", withRuntime(qualityVerifierNode))
      .addNode("grade_take", withRuntime(gradeNode))
      .addNode("record", withRuntime(recordNode))
      .addNode("prepare_retry", withRuntime(prepareRetryNode))
      .addNode("compile_report", withRuntime(reportNode))
      // Every request is read and its Brain entities resolved before any work starts.
      .addEdge(START, "assess")
      // Branches on scene vs single clip: one worker per continuity chain, or per shot, all in parallel.
      .addConditionalEdges("assess", fanOutShotsOrChains, ["video_generator", "scene_generator"])
      // Workers join before anything uses their clips; a scene checks it has enough of its shots.
      .addEdge("video_generator", "collect_clips")
      .addEdge("scene_generator", "collect_scene")
      // Branches on the specialists the head chose: only they run, in order picture, sound, measurement.
      .addConditionalEdges("collect_scene", nextSpecialistAfterClips, [
        "scene_assembler",
        "audio_integrator",
        "quality_verifier",
      ])
      // Branches the same way for a single clip's joined workers.
      .addConditionalEdges("collect_clips", nextSpecialistAfterClips, [
        "scene_assembler",
        "audio_integrator",
        "quality_verifier",
      ])
      // Branches on whether the head chose sound: the assembled picture is voiced, or measured at once.
      .addConditionalEdges("scene_assembler", soundOrVerifyAfterAssembly, ["audio_integrator", "quality_verifier"])
      // The lines are placed once the sound is mixed: captions asked to be burned in go on the picture then.
      .addEdge("audio_integrator", "burn_captions")
      // Sound and captions are on the final picture: the verifier measures what the user will see and hear.
      .addEdge("burn_captions", "quality_verifier")
      // A measured take is graded, then recorded with its grade whether or not it passed.
      .addEdge("quality_verifier", "grade_take")
      .addEdge("grade_take", "record")
      // Branches on the grade: below the bar with attempts and budget left, regenerate with the failed checks as feedback.
      .addConditionalEdges("record", retryOrReport, ["prepare_retry", "compile_report"])
      // Branches like the first take: the retry fans its shots out again (a retry is always a single clip today).
      .addConditionalEdges("prepare_retry", fanOutShotsOrChains, ["video_generator", "scene_generator"])
      // The report closes the department's work.
      .addEdge("compile_report", END)
      .compile()
  );
}

export const videoDepartmentGraph = buildVideoDepartmentGraph();
