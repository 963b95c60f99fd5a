/** State of the master orchestrator graph: one chat thread. */
import { ReducedValue, StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import type { DepartmentReport } from "../domain.js";
import type { ScenePlan } from "../departments/video/planner/plan.js";
import type { TakeResult } from "../departments/video/state.js";
import type { Choice } from "./choices.js";
import type { Route } from "./router.js";

export { CHOICES, type Choice } from "./choices.js";

export interface ChoiceRecord {
  choice: Choice;
  videoId: string;
  note: string | null;
  at: string;
}

export interface ChatMessage {
  role: "user" | "department";
  text: string;
  at: string;
}

const concat = <T>() =>
  new ReducedValue(
    z.array(z.custom<T>()).default(() => []),
    {
      inputSchema: z.array(z.custom<T>()),
      reducer: (current: T[], next: T[]) => current.concat(next),
    },
  );

export const OrchestratorState = new StateSchema({
  threadId: z.string(),
  projectId: z.string(),
  /** This turn's user message. */
  message: z.string().nullable().default(null),
  route: z.custom<Route>().nullable().default(null),
  requestId: z.string().nullable().default(null),
  requestText: z.string().nullable().default(null),
  /** A plan the user edited before it ran: the department follows it for this request's takes. */
  givenPlan: z.custom<ScenePlan>().nullable().default(null),
  feedback: z.array(z.string()).default(() => []),
  previousTakeId: z.string().nullable().default(null),
  /** The user's answer when a request's estimated cost needed confirmation (null when it did not). */
  costDecision: z.enum(["proceed", "cancel"]).nullable().default(null),
  /** Shots a scene's regenerate makes anew (null = all). */
  redoShots: z.array(z.number().int()).nullable().default(null),
  pendingTake: z.custom<TakeResult>().nullable().default(null),
  /**
   * Why the user's regenerate was not made: another take would pass the request's budget. The take
   * waits for a choice again with this in its report (null: the last regenerate was made).
   */
  budgetNote: z.string().nullable().default(null),
  report: z.custom<DepartmentReport>().nullable().default(null),
  lastChoice: z.custom<ChoiceRecord>().nullable().default(null),
  reply: z.string().default(""),
  takes: concat<TakeResult>(),
  choices: concat<ChoiceRecord>(),
  messages: concat<ChatMessage>(),
});

export type OrchestratorStateValue = typeof OrchestratorState.State;
