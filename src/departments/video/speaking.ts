/**
 * Which lines are spoken on screen in a shot: pure rules over the plan (or a single clip's lines), with no
 * runtime, so the estimate and the department decide alike which shots talk.
 */
import type { ScenePlan } from "./planner/plan.js";

export interface ShotLine {
  character: string;
  text: string;
  /** Seconds into the shot; null: after the previous line (a single clip's lines). */
  startSeconds: number | null;
}

/**
 * The plan's lines that fall in a shot: the line's interval in the scene lies inside the shot's, and the
 * one who says it is on screen in it.
 */
export function sceneShotLines(plan: Pick<ScenePlan, "dialogue" | "shots">, shotIndex: number): ShotLine[] {
  const shot = plan.shots.find((candidate) => candidate.index === shotIndex);
  if (shot === undefined) return [];
  const onScreen = new Set(shot.characters.map((name) => name.toLowerCase()));
  const end = shot.start + shot.duration;
  return plan.dialogue
    .filter(
      (line) =>
        onScreen.has(line.character.toLowerCase()) &&
        line.startTime >= shot.start - 1e-6 &&
        line.startTime + line.estimatedDuration <= end + 1e-6,
    )
    .map((line) => ({
      character: line.character,
      text: line.text,
      startSeconds: Number((line.startTime - shot.start).toFixed(3)),
    }));
}

/** A single clip's lines, said by characters in it (a line nobody is named for goes to the first one). */
export function clipLines(
  dialogue: Array<{ character: string | null; text: string }>,
  characters: string[],
): ShotLine[] {
  const onScreen = new Set(characters.map((name) => name.toLowerCase()));
  return dialogue
    .map((line) => ({ character: line.character ?? characters[0] ?? "", text: line.text, startSeconds: null }))
    .filter((line) => onScreen.has(line.character.toLowerCase()));
}
