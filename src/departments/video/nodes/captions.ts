/**
 * Burning a take's captions into its picture, when its caller asked for that: after the sound is mixed
 * (the lines' places are known) and before the verifier, so what is measured and delivered is the
 * captioned video. The text is laid out for the video's own frame, read from the file, so it stays inside
 * the picture at whatever shape the request rendered.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { runtimeOf } from "../../../context.js";
import { CutroomError } from "../../../errors.js";
import { newId } from "../../../ids.js";
import { burnCaptionsSpec, captionCues, toAss } from "../../../media/captions.js";
import { probe, runFfmpeg } from "../../../media/runner.js";
import { createToolContext, mediaPath, storeMedia } from "../../../tools/context.js";
import { captionModeOf, takeCaptionLines } from "../captions.js";
import type { DepartmentStateValue, DepartmentUpdate } from "../state.js";
import { endsTakeOnFailure } from "./take-run.js";

async function burnIn(state: DepartmentStateValue, config: LangGraphRunnableConfig): Promise<DepartmentUpdate> {
  const runtime = runtimeOf(config);
  const final = state.finalMedia;
  if (captionModeOf(runtime) !== "burn" || final === null) return {};
  const lines = takeCaptionLines(state);
  if (lines.length === 0) return {};
  runtime.progress.emit("captions", 0, "burning in the captions");
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const { path } = await mediaPath(context, final.mediaId, "finalMedia");
  const video = await probe(path, { requireVideo: true });
  const cues = captionCues(lines, video.fps, video.durationSeconds);
  if (cues.length === 0) return {};
  const assPath = join(context.workDir, `${newId("captions")}.ass`);
  await writeFile(assPath, toAss(cues, video.width, video.height), "utf8");
  const output = join(context.workDir, `${newId("captioned")}.mp4`);
  await runFfmpeg(burnCaptionsSpec(`file:${path}`, assPath, output), {
    signal: config.signal ?? null,
    timeoutMs: runtime.config.ffmpegTimeoutMs,
    durationSeconds: video.durationSeconds,
    onProgress: (fraction) => runtime.progress.emit("captions", fraction, "burning in the captions"),
  });
  const burned = await probe(output, { requireVideo: true });
  if (burned.width !== video.width || burned.height !== video.height)
    throw new CutroomError(
      "MEDIA",
      `burning in the captions changed the frame from ${video.width}x${video.height} to ${burned.width}x${burned.height}`,
    );
  const saved = await storeMedia(context, {
    path: output,
    kind: "video",
    name: "captioned",
    generation: { captionsBurnedFrom: final.mediaId, captionsBurned: true, cueCount: cues.length },
  });
  runtime.progress.emit("captions", 1, `${cues.length} caption(s) burned in`);
  return {
    finalMedia: {
      mediaId: saved.mediaId,
      key: saved.key,
      path: saved.path,
      durationSeconds: saved.record.durationSeconds ?? burned.durationSeconds,
    },
  };
}

export const burnCaptionsNode = endsTakeOnFailure(burnIn);
