/**
 * A scene request becomes a plan first; its brief is what the head and the specialists read. Shared by a
 * chat turn and `cutroom plan`, so both read a scene the same way.
 */
import type { Config } from "../../config.js";
import type { Runtime } from "../../runtime.js";
import { pricePerSecond } from "./planner/cost.js";
import { extractSceneFacts } from "./planner/deterministic.js";
import { planSceneRequest } from "./planner/index.js";
import { plannedClipLimits, singleClipLimit } from "./planner/lengths.js";
import type { ScenePlan } from "./planner/plan.js";
import { readRequest } from "./reading/index.js";
import { assertUsableMessage, GRADE_PRESETS, isSceneRequest, type VideoBrief } from "./understand.js";

/**
 * A request planned as shots: one that asks for a scene, or for one clip longer than the model that would
 * make it renders ("a 15 second video" on the local renderer's 7 s), which is planned as shots it renders.
 */
export function plansAsScene(text: string, config: Config): boolean {
  if (isSceneRequest(text)) return true;
  const seconds = readRequest(text).seconds;
  return seconds !== null && seconds > singleClipLimit(config).maxSeconds + 1e-9;
}

/** The brief of a planned scene: cast and place from the plan, look and descriptions from the request. */
export function briefOfScene(text: string, plan: ScenePlan): VideoBrief {
  const first = plan.shots[0]!;
  const characters = [...new Set(plan.shots.flatMap((shot) => shot.characters))];
  const reading = readRequest(text);
  return {
    characters: characters.length > 0 ? characters : extractSceneFacts(text).characters,
    location: first.location,
    action: first.action,
    actionPhrase: first.actionPhrase ?? null,
    placePhrase: first.location !== null && reading.location === first.location ? reading.placePhrase : null,
    descriptions: reading.descriptions,
    camera: first.camera,
    durationSeconds: null,
    grade: GRADE_PRESETS.find((preset) => new RegExp(`\\b${preset}\\b`, "i").test(text)) ?? null,
    dialogue: plan.dialogue.map((line) => ({ character: line.character, text: line.text })),
    ambience: plan.sfx[0]?.description ?? null,
  };
}

/** Plans a scene request and reads its brief. */
export async function sceneBrief(runtime: Runtime, text: string): Promise<{ plan: ScenePlan; brief: VideoBrief }> {
  assertUsableMessage(text);
  const plan = await planSceneRequest(text, {
    fps: runtime.config.video.fps,
    priceFor: (method, seconds) => pricePerSecond(runtime.config, method) * seconds,
    clipLimits: (method) => plannedClipLimits(runtime.config, method),
    llm: runtime.llm,
    log: runtime.log,
  });
  return { plan, brief: briefOfScene(text, plan) };
}
