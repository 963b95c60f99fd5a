/** `cutroom plan "<request>"`: the scene plan the department would follow, without generating anything. */
import { loadConfig } from "../config.js";
import { previewRequest, type Preview } from "../departments/video/preview.js";
import type { ScenePlan } from "../departments/video/planner/plan.js";
import { assertUsableMessage } from "../departments/video/understand.js";
import { CutroomError } from "../errors.js";
import { routeTurn } from "../orchestrator/router.js";
import type { OrchestratorStateValue } from "../orchestrator/state.js";
import { stderrLogger } from "../logging.js";
import { createLlmFromConfig, createRuntime } from "../runtime.js";
import { aspectRatioOf, withRequestChoices, withRequestShape } from "../departments/video/shape.js";
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

/** A preview as people read it: the shots, each with its method, model and the prompt it will be sent. */
export function formatPreview(preview: Preview): string {
  const lines =
    preview.kind === "scene" && preview.plan !== null
      ? [formatPlan(preview.plan)]
      : [`one clip: ${preview.totalDuration} s, no scene plan (a single generation)`];
  const frame = preview.frame;
  lines.push(
    `frame: ${frame.width}x${frame.height} (${frame.aspectRatio}${frame.shapedBy === null ? ", the configured frame" : `, asked for by ${frame.shapedBy}`})`,
  );
  lines.push(`estimated cost $${preview.estimatedCostUsd.toFixed(2)}`);
  if (preview.referencesToMake.length > 0) lines.push(`made first: ${preview.referencesToMake.join(", ")}`);
  for (const shot of preview.shots) {
    lines.push(
      `shot ${shot.index}: ${shot.durationSeconds} s, ${shot.method} with ${shot.model}`,
      `  prompt: ${shot.prompt}`,
      ...(shot.negativePrompt ? [`  negative: ${shot.negativePrompt}`] : []),
    );
  }
  for (const cue of preview.captions)
    lines.push(
      `caption ${cue.startSeconds.toFixed(2)}–${cue.endSeconds.toFixed(2)} s: ${JSON.stringify(cue.text.replace(/\n/g, " "))}`,
    );
  return lines.join("\n");
}

export async function planCommand(argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, { model: { type: "string" }, aspect: { type: "string" } });
  if (values.help) {
    process.stdout.write(
      'cutroom plan "<request>" [--model ID] [--aspect 16:9|9:16|1:1] [--json]\n  Shows what chat would make of a request without generating: one clip or a scene plan (shots as\n  long as each model renders, at most 7 s on the local renderer; transitions, lines, music, sfx), each\n  shot\'s method, model and the prompt it will be sent, the estimated cost (clips plus the reference\n  images that would be made first), the frame it renders at and the caption cues of its lines.\n  --model  plan with this FAL video model for the methods it serves (as chat --model would)\n  --aspect  plan at this frame shape (as chat --aspect would); shape words in the request count without it\n',
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
  // The same reading, Brain and adapters as a chat turn: the plan shows what chat would render and send.
  const configured = await createRuntime(config, { llm });
  try {
    const runtime = withRequestShape(
      withRequestChoices(configured, {
        aspectRatio: aspectRatioOf(values.aspect, "--aspect"),
        aspectField: "--aspect",
        model: values.model,
        modelField: "--model",
      }),
      request,
    );
    const preview = await previewRequest(runtime, request);
    write(values.json === true, preview, formatPreview(preview));
  } finally {
    await configured.close();
  }
  return 0;
}
