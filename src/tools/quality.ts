/** Quality Verifier tools: every score is measured on the stored file with ffprobe/ffmpeg. */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { QUALITY_CHECK_TYPES, type QualityCheck } from "../domain.js";
import { CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { checkContinuity } from "../media/continuity.js";
import { probe } from "../media/runner.js";
import { summarize, verifyVideo } from "../media/quality.js";
import { mediaPath, toolResult, type ToolContext } from "./context.js";

const QualityCheckSchema = z.object({
  type: z.enum(QUALITY_CHECK_TYPES),
  score: z.number().min(0).max(1),
  passed: z.boolean(),
  details: z.string(),
  threshold: z.number().min(0).max(1),
  // Kept through the report: a check that was not measured must not be graded.
  measured: z.boolean().optional(),
});

export function parseResolution(value: string): { width: number; height: number } {
  const match = /^(\d{2,4})x(\d{2,4})$/.exec(value.trim());
  if (!match)
    throw new CutroomError("INVALID_INPUT", `targetResolution must look like 1280x720, got ${JSON.stringify(value)}`, {
      field: "targetResolution",
    });
  return { width: Number(match[1]), height: Number(match[2]) };
}

export function createQualityTools(context: ToolContext) {
  const threshold = context.runtime.config.qualityThreshold;

  const technical = tool(
    async ({ mediaId, expectedDuration, targetResolution, expectedFps, audioRole }) => {
      const { path, record } = await mediaPath(context, mediaId, "mediaId");
      const { width, height } = parseResolution(targetResolution);
      context.runtime.progress.emit("verify", 0.2, "measuring duration, resolution, frame rate, bit rate and sound");
      // A silent clip has no sound to judge; a clip with sound gets silence, clipping, loudness and length checked.
      const { hasAudio } = await probe(path, { requireVideo: true });
      const result = await verifyVideo({
        path,
        expectedDurationSeconds: expectedDuration,
        expectedWidth: width,
        expectedHeight: height,
        expectedFps: expectedFps ?? context.runtime.config.video.fps,
        characterReferences: [],
        locationReferences: [],
        checks: ["duration", "resolution", "fps", "bitrate", ...(hasAudio ? (["audio"] as const) : [])],
        threshold,
        // Only the audio integrator's mix is delivered sound, held to the loudness target; it is stored
        // by save_with_audio (object name "with-audio") when the caller does not say.
        audioRole: audioRole ?? (/\/with-audio-[^/]*$/.test(record.key) ? "final-mix" : "raw"),
        loudnessTargetLufs: context.runtime.config.loudnessTargetLufs,
      });
      return toolResult({ checks: result.checks });
    },
    {
      name: "check_technical_quality",
      description:
        "Measure duration, resolution, frame rate (with dropped/duplicated frames), bit rate and, when present, the sound (silence, clipping, loudness, length) of a stored video.",
      schema: z.object({
        mediaId: z.string(),
        expectedDuration: z.number().positive(),
        targetResolution: z.string().describe("WxH, e.g. 1280x720"),
        expectedFps: z.number().positive().max(120).nullable().default(null),
        audioRole: z
          .enum(["final-mix", "raw"])
          .optional()
          .describe("final-mix when the audio integrator mixed the sound (loudness is then checked)"),
      }),
    },
  );

  const consistency = tool(
    async ({ mediaId, referenceIds }) => {
      const { path } = await mediaPath(context, mediaId, "mediaId");
      const characterReferences: string[] = [];
      const locationReferences: string[] = [];
      for (const referenceId of referenceIds) {
        const reference = await mediaPath(context, referenceId, "referenceIds");
        (reference.record.generation.referenceKind === "location-master"
          ? locationReferences
          : characterReferences
        ).push(reference.path);
      }
      context.runtime.progress.emit("verify", 0.5, "comparing key frames with the references");
      const checks: Array<"character-consistency" | "location-consistency"> = [];
      if (characterReferences.length > 0) checks.push("character-consistency");
      if (locationReferences.length > 0) checks.push("location-consistency");
      if (checks.length === 0) return toolResult({ checks: [] });
      const result = await verifyVideo({
        path,
        expectedDurationSeconds: null,
        expectedWidth: null,
        expectedHeight: null,
        expectedFps: null,
        characterReferences,
        locationReferences,
        checks,
        threshold,
      });
      return toolResult({ checks: result.checks });
    },
    {
      name: "check_visual_consistency",
      description: "Compare key frames of a stored video with character and location reference images (media ids).",
      schema: z.object({ mediaId: z.string(), referenceIds: z.array(z.string()).max(8) }),
    },
  );

  const motion = tool(
    async ({ mediaId }) => {
      const { path } = await mediaPath(context, mediaId, "mediaId");
      context.runtime.progress.emit("verify", 0.8, "looking for frozen, black and blurred frames");
      const result = await verifyVideo({
        path,
        expectedDurationSeconds: null,
        expectedWidth: null,
        expectedHeight: null,
        expectedFps: null,
        characterReferences: [],
        locationReferences: [],
        checks: ["motion-quality", "visual-clarity"],
        threshold,
      });
      return toolResult({ checks: result.checks });
    },
    {
      name: "check_motion_quality",
      description: "Measure motion (frozen and black stretches) and clarity (blur) of a stored video.",
      schema: z.object({ mediaId: z.string() }),
    },
  );

  const continuity = tool(
    async ({ pairs }) => {
      const resolved = [];
      for (const pair of pairs) {
        resolved.push({
          label: pair.label,
          previousPath: (await mediaPath(context, pair.previousMediaId, "pairs.previousMediaId")).path,
          nextPath: (await mediaPath(context, pair.nextMediaId, "pairs.nextMediaId")).path,
        });
      }
      context.runtime.progress.emit("verify", 0.9, "matching last and first frames across continuing cuts");
      const check = await checkContinuity(resolved);
      return toolResult({ checks: check ? [check] : [] });
    },
    {
      name: "check_cut_continuity",
      description:
        "Compare the last frame of a clip with the first frame of the clip that continues it, for each cut; flags jumps.",
      schema: z.object({
        pairs: z
          .array(z.object({ label: z.string().max(40), previousMediaId: z.string(), nextMediaId: z.string() }))
          .min(1)
          .max(9),
      }),
    },
  );

  const saveReport = tool(
    async ({ mediaId, checks }) => {
      const { record } = await mediaPath(context, mediaId, "mediaId");
      const report = summarize(checks as QualityCheck[], threshold);
      await context.runtime.media.update(record.id, { qualityScore: report.overallQuality });
      return toolResult({ reportId: newId("qr"), mediaId, ...report });
    },
    {
      name: "save_quality_report",
      description:
        "Combine the measured checks into the take's quality report (passed, overallQuality, issues, suggestions); it is written to the Brain with the take.",
      schema: z.object({ mediaId: z.string(), checks: z.array(QualityCheckSchema).min(1) }),
    },
  );

  return [technical, consistency, motion, continuity, saveReport];
}
