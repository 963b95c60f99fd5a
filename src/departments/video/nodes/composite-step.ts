/** The composite a shot starts from, made in the generator's step before its clip is generated. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Runtime } from "../../../runtime.js";
import type { ShotTask } from "../../../specialists/video-generator/index.js";
import { createToolContext } from "../../../tools/context.js";
import { shotComposite, type ShotComposite } from "../composites.js";
import type { ReferenceNotes } from "../references.js";
import type { DepartmentStateValue } from "../state.js";

/**
 * Makes (or finds) the shot's composite with the image port; null when the shot does not animate one or
 * it could not be made, in which case the shot starts from the plate and the progress says why.
 */
export async function compositeFor(
  runtime: Runtime,
  config: LangGraphRunnableConfig,
  state: DepartmentStateValue,
  shot: ShotTask,
  shotType: string | null,
  clipCostUsd: number,
): Promise<ShotComposite | null> {
  const context = {
    ...(await createToolContext(runtime, state.projectId, state.takeId)),
    signal: config.signal ?? null,
  };
  const notes: ReferenceNotes = { withheld: 0, unmade: [] };
  const composite = await shotComposite(runtime, context, state, shot, { shotType, reserveUsd: clipCostUsd }, notes);
  for (const note of notes.unmade)
    runtime.progress.emit("generate", null, `shot ${shot.index}: ${note}; starting from the plate`);
  if (composite !== null)
    runtime.progress.emit("generate", null, `shot ${shot.index}: composite ${composite.mediaId} made for it`);
  return composite;
}
