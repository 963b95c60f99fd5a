/**
 * The one human-choice node: shows the take with its choices through an interrupt, and validates the
 * answer when the thread is resumed (in this process or a later one).
 */
import { interrupt } from "@langchain/langgraph";
import { CutroomError } from "../../errors.js";
import { parseChoice } from "../router.js";
import { CHOICES, type Choice, type ChoiceRecord, type OrchestratorStateValue } from "../state.js";

export interface ChoicePrompt {
  kind: "take";
  question: string;
  videoId: string;
  path: string | null;
  url: string;
  overall: number;
  passed: boolean;
  choices: readonly Choice[];
}

export interface ChoiceAnswer {
  choice: string;
  note?: string | null;
}

export function validateChoiceAnswer(answer: unknown): { choice: Choice; note: string | null } {
  const value = typeof answer === "string" ? { choice: answer } : (answer as ChoiceAnswer | null);
  const choice = value && typeof value.choice === "string" ? parseChoice(value.choice) : null;
  if (choice === null) {
    throw new CutroomError(
      "INVALID_INPUT",
      `choice must be one of ${CHOICES.join(", ")}; got ${JSON.stringify(value?.choice ?? answer)}`,
      {
        field: "choice",
      },
    );
  }
  const note =
    value && typeof value.note === "string" && value.note.trim() !== "" ? value.note.trim().slice(0, 500) : null;
  return { choice, note };
}

export function presentNode(state: OrchestratorStateValue): Partial<OrchestratorStateValue> {
  const take = state.pendingTake;
  if (!take) throw new CutroomError("NO_PENDING_CHOICE", "there is no take to present");
  const prompt: ChoicePrompt = {
    kind: "take",
    question: `Take ${take.videoId} scored ${take.grade.overall} (${take.grade.passed ? "passed" : "below the bar"}). Accept, regenerate or discard?`,
    videoId: take.videoId,
    path: take.path,
    url: take.url,
    overall: take.grade.overall,
    passed: take.grade.passed,
    choices: CHOICES,
  };
  // Nothing before this line has side effects: the node re-runs from the start when resumed.
  const { choice, note } = validateChoiceAnswer(interrupt(prompt));
  const record: ChoiceRecord = { choice, videoId: take.videoId, note, at: new Date().toISOString() };
  return {
    lastChoice: record,
    choices: [record],
    messages: [{ role: "user", text: note ? `${choice}: ${note}` : choice, at: record.at }],
  };
}
