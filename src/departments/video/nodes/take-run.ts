/**
 * A take's life in one run of the department: which run is making it, the seeds its shots render with,
 * and its scratch directory, which goes when the take ends, whether it was recorded or failed.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import { newId, seedFrom } from "../../../ids.js";
import { removeTakeScratch } from "../../../tools/context.js";

/** The configurable key a caller sets to name one run of the department (a resumed run gets a new one). */
export const RUN_KEY = "cutroom_run";

/** Without a caller's name the process names the run: a run resumed after a kill is always a new process. */
const PROCESS_RUN = newId("run");

export function runOf(config: LangGraphRunnableConfig): string {
  const named = config.configurable?.[RUN_KEY];
  return typeof named === "string" && named !== "" ? named : PROCESS_RUN;
}

/**
 * The seed a shot of a take renders with. Every take (an automatic retry, the user's regenerate) has
 * its own id, and every attempt at a shot its own number, so no new take repeats an earlier one's seed;
 * a resumed run keeps the take id, so it renders what the killed run would have.
 */
export function shotSeed(takeId: string, shotIndex: number, attempt = 1): number {
  return seedFrom(`${takeId}:${shotIndex}:${attempt}`);
}

type Node<State, Update> = (state: State, config: LangGraphRunnableConfig) => Update | Promise<Update>;

/**
 * A node of a take whose failure ends the take (and the run): the take's scratch directory is removed
 * before the error goes on. Stored objects live in the object store, never in scratch.
 */
export function endsTakeOnFailure<State extends { takeId: string }, Update>(
  node: Node<State, Update>,
): (state: State, config: LangGraphRunnableConfig) => Promise<Update> {
  return async (state, config) => {
    try {
      return await node(state, config);
    } catch (error) {
      if (state.takeId !== "") await removeTakeScratch(runtimeOf(config), state.takeId).catch(() => undefined);
      throw error;
    }
  };
}
