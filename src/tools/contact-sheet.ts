/**
 * A joined scene's contact sheet (one still per shot, drawn when its clips are joined), stored as an image
 * record of the take that names the scene it was made from (generation.contactSheetOf). storeMedia keeps
 * object and record together: neither is left without the other.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assertId } from "../errors.js";
import { storeMedia, type ToolContext } from "./context.js";

export interface StoredContactSheet {
  mediaId: string;
  key: string;
  url: string;
  path: string | null;
  shotCount: number;
}

/**
 * Stores the sheet drawn beside a joined scene. A sheet is a companion of the take: when it cannot be
 * stored the take goes on without one, and the log says why.
 */
export async function storeContactSheet(
  context: ToolContext,
  sheet: { scratchId: string; sceneMediaId: string; shotCount: number },
): Promise<StoredContactSheet | null> {
  try {
    const path = join(context.workDir, `${assertId(sheet.scratchId, "contactSheetId")}.png`);
    if (!existsSync(path)) return null;
    const stored = await storeMedia(context, {
      path,
      kind: "image",
      name: "contact-sheet",
      generation: { contactSheetOf: sheet.sceneMediaId, shotCount: sheet.shotCount },
    });
    return { mediaId: stored.mediaId, key: stored.key, url: stored.url, path: stored.path, shotCount: sheet.shotCount };
  } catch (error) {
    context.runtime.log.warn(
      `no contact sheet for ${sheet.sceneMediaId}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
