/** `cutroom plan "<request>"`: the scene plan the department would follow, without generating anything. */
import { loadConfig } from "../config.js";
import { pricePerSecond } from "../departments/video/planner/cost.js";
import { planSceneRequest } from "../departments/video/planner/index.js";
import type { ScenePlan } from "../departments/video/planner/plan.js";
import { assertUsableMessage } from "../departments/video/understand.js";
import { CutroomError } from "../errors.js";
import { routeTurn } from "../orchestrator/router.js";
import type { OrchestratorStateValue } from "../orchestrator/state.js";
import { createLlmFromConfig, stderrLogger } from "../runtime.js";
import { parse } from "./args.js";

type Write = (json: boolean, document: unknown, text: string) => void;

export function formatPlan(plan: ScenePlan): string {
  const lines = [
    `scene: ${plan.totalDuration} s, ${plan.shots.length} shots, archetype ${plan.archetype} (planned by ${plan.decidedBy}), estimated cost $${plan.estimatedCostUsd.toFixed(2)}`,
  ];
  for (const shot of plan.shots) {
    const joinIn = plan.transitions.find((transition) => transition.toShot === shot.index);
    lines.push(
      `${joinIn ? `  ${joinIn.type}${joinIn.duration > 0 ? ` ${joinIn.duration}s` : ""}\n` : ""}${String(shot.index).padStart(2)}. ${shot.start.toFixed(2).padStart(6)}s +${shot.duration.toFixed(2)}s ${shot.shotType} / ${shot.camera} / ${shot.action} — ${shot.method}${shot.continuesFrom ? ` from shot ${shot.continuesFrom}` : ""}: ${shot.description}`,
    );
  }
  for (const line of plan.dialogue)
    lines.push(`dialogue @${line.startTime.toFixed(2)}s ${line.character}: "${line.text}"`);
  if (plan.music) lines.push(`music: ${plan.music.description} (volume ${plan.music.volume}, ducked under dialogue)`);
  for (const cue of plan.sfx) lines.push(`sfx: ${cue.description} @${cue.startTime}s for ${cue.duration}s`);
  return lines.join("\n");
}

export async function planCommand(argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) {
    process.stdout.write(
      'cutroom plan "<request>" [--json]\n  Plans a scene (shots of at most 7 s, transitions, lines, music, sfx, estimated cost) without generating.\n',
    );
    return 0;
  }
  const request = assertUsableMessage(positionals.join(" "));
  const config = loadConfig();
  const llm = await createLlmFromConfig(config);
  // Plan only what a chat turn would send to the video department, declining the rest in chat's words.
  const route = await routeTurn(request, llm, stderrLogger);
  if (route.kind !== "video") {
    // The chat node that words the answer lives with the orchestrator graph, loaded only for a decline.
    const { noDepartmentNode } = await import("../orchestrator/nodes/turn.js");
    const { reply } = noDepartmentNode({ route } as Pick<OrchestratorStateValue, "route"> as OrchestratorStateValue);
    throw new CutroomError("INVALID_INPUT", reply ?? route.reason, { field: "request" });
  }
  const plan = await planSceneRequest(request, {
    fps: config.video.fps,
    priceFor: (method, seconds) => pricePerSecond(config, method) * seconds,
    llm,
    log: stderrLogger,
  });
  write(values.json === true, plan, formatPlan(plan));
  return 0;
}
