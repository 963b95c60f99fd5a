/** A take's contact sheet as its record step links it: the one stored when its clips were joined. */
import type { ContactSheetNode } from "../../brain/types.js";
import type { Runtime } from "../../runtime.js";
import { currentTake } from "./nodes/take-facts.js";
import type { DepartmentStateValue, TakeContactSheet } from "./state.js";

/**
 * The contact sheet stored when the take's clips were joined, if its record is still live in the take's
 * project: the Brain links only an image that exists.
 */
export async function takeContactSheet(
  runtime: Runtime,
  state: DepartmentStateValue,
): Promise<TakeContactSheet | null> {
  const assembled = currentTake(state)
    .outputs.filter((output) => output.specialist === "scene-assembler")
    .pop();
  const sheet = assembled?.output.contactSheet as Omit<TakeContactSheet, "url"> | null | undefined;
  if (!sheet) return null;
  const record = await runtime.media.get(sheet.mediaId);
  if (record === null || record.status !== "live" || record.projectId !== state.projectId) return null;
  return { ...sheet, url: record.url };
}

/** The Brain's node for a stored sheet; its id follows from the image's, so writing a take again is a no-op. */
export function contactSheetNode(sheet: TakeContactSheet, createdAt: string): ContactSheetNode {
  return {
    id: `sheet_${sheet.mediaId.replace(/^med_/, "")}`,
    mediaId: sheet.mediaId,
    objectKey: sheet.key,
    shotCount: sheet.shotCount,
    createdAt,
  };
}
