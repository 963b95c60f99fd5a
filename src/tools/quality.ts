/** Quality Verifier tools: every score is measured on the stored file with ffprobe/ffmpeg. */
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { QUALITY_CHECK_TYPES, type QualityCheck } from "../domain.js";
import { CutroomError } from "../errors.js";
import { newId } from "../ids.js";
import { measureLineSync, type SpokenLineSource } from "../media/av-sync.js";
import { checkContinuity } from "../media/continuity.js";
import { checkLipSync } from "../media/lip-sync-check.js";
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
  /*
   * What the measuring tools measured, per media id (the latest measurement of each check type), and the
   * continuity checks of this set of tools. The report is built from these, never from scores a caller
   * passes in: a chat model adds words to a report, not numbers.
   */
  const measured = new Map<string, Map<string, QualityCheck>>();
  const continuityChecks: QualityCheck[] = [];
  const remember = (mediaId: string, checks: QualityCheck[]): QualityCheck[] => {
    const forMedia = measured.get(mediaId) ?? new Map<string, QualityCheck>();
    for (const check of checks) forMedia.set(check.type, check);
    measured.set(mediaId, forMedia);
    return checks;
  };

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
      return toolResult({ checks: remember(mediaId, result.checks) });
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
      return toolResult({ checks: remember(mediaId, result.checks) });
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
      return toolResult({ checks: remember(mediaId, result.checks) });
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
      if (check) continuityChecks.push(check);
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

  const lipSync = tool(
    async ({ mediaId, lines, shots, mouthColours }) => {
      const { path, record } = await mediaPath(context, mediaId, "mediaId");
      context.runtime.progress.emit("verify", 0.9, "checking that each line is spoken where its speaker is seen");
      const facts = await probe(path, { requireVideo: true });
      const source = {
        path,
        width: record.width ?? facts.width,
        height: record.height ?? facts.height,
        fps: facts.fps,
        mouthColours,
        timeoutMs: context.runtime.config.ffmpegTimeoutMs,
      };
      // Lines whose own recordings are known are found in the take's sound, against where the edit put them.
      const recorded: SpokenLineSource[] = [];
      for (const [index, line] of lines.entries()) {
        if (line.recordingMediaId === undefined) continue;
        recorded.push({
          label: `${line.character}'s "${line.text.length > 40 ? `${line.text.slice(0, 39)}…` : line.text}"`,
          audioPath: (await mediaPath(context, line.recordingMediaId, `lines[${index}].recordingMediaId`)).path,
          startSeconds: line.startSeconds,
        });
      }
      const sync =
        facts.hasAudio && recorded.length > 0
          ? await measureLineSync(path, recorded, context.runtime.config.ffmpegTimeoutMs).catch(() => null)
          : null;
      const check = await checkLipSync(lines, shots, facts.hasAudio ? source : null, threshold, sync);
      return toolResult({ checks: remember(mediaId, [check]) });
    },
    {
      name: "check_lip_sync",
      description:
        "Check that each spoken line falls inside a shot showing its speaker and, where the picture's mouths can be measured, that the speaker's mouth moves with the voice.",
      schema: z.object({
        mediaId: z.string(),
        lines: z
          .array(
            z.object({
              character: z.string().max(40),
              text: z.string().max(400),
              startSeconds: z.number().min(0),
              endSeconds: z.number().min(0),
              recordingMediaId: z
                .string()
                .max(64)
                .optional()
                .describe("the media id of the line's own stored recording, when known"),
            }),
          )
          .max(40),
        shots: z
          .array(
            z.object({
              index: z.number().int().min(1),
              startSeconds: z.number().min(0),
              endSeconds: z.number().min(0),
              characters: z.array(z.string().max(40)).max(8),
            }),
          )
          .min(1)
          .max(40),
        mouthColours: z
          .record(z.string(), z.string().regex(/^#[0-9a-f]{6}$/i))
          .nullable()
          .default(null)
          .describe("each speaker's painted mouth colour when the local renderer drew the picture; else null"),
      }),
    },
  );

  const saveReport = tool(
    async ({ mediaId, checks, notes }) => {
      const { record: media } = await mediaPath(context, mediaId, "mediaId");
      // The take's own measurements first; a check measured only on another picture of the take (consistency
      // is measured before any colour grade) completes them.
      const byType = new Map(measured.get(mediaId) ?? []);
      for (const [other, checksOf] of measured) {
        if (other === mediaId) continue;
        for (const [type, check] of checksOf) if (!byType.has(type)) byType.set(type, check);
      }
      const recorded = [...byType.values(), ...continuityChecks];
      if (recorded.length === 0) {
        throw new CutroomError(
          "INVALID_INPUT",
          `mediaId ${mediaId} has no measurements yet: run check_technical_quality, check_consistency or ` +
            "check_motion_quality on it first; the report is built from what they measured",
          { field: "mediaId" },
        );
      }
      // The checks named select which measurements go in; their scores and verdicts are the measured ones.
      const named = new Set((checks ?? []).map((check) => check.type));
      const chosen = named.size === 0 ? recorded : recorded.filter((check) => named.has(check.type));
      const differing = (checks ?? []).filter((given) => {
        const actual = recorded.find((check) => check.type === given.type);
        return actual !== undefined && (actual.score !== given.score || actual.passed !== given.passed);
      });
      if (differing.length > 0) {
        context.runtime.log.warn(
          `save_quality_report: scores given for ${differing.map((check) => check.type).join(", ")} differ from the measurements; the measurements are reported`,
        );
      }
      const report = summarize(chosen.length > 0 ? chosen : recorded, threshold);
      await context.runtime.media.update(media.id, { qualityScore: report.overallQuality });
      const words = (notes ?? []).filter((note) => note.trim() !== "");
      return toolResult({
        reportId: newId("qr"),
        mediaId,
        ...report,
        suggestions: [...report.suggestions, ...words],
      });
    },
    {
      name: "save_quality_report",
      description:
        "Combine the checks measured on a video by the other tools into the take's quality report (passed, overallQuality, issues, suggestions); it is written to the Brain with the take. Scores always come from the measurements; name the checks to include and add notes in words.",
      schema: z.object({
        mediaId: z.string(),
        checks: z
          .array(QualityCheckSchema.partial({ score: true, passed: true, details: true, threshold: true }))
          .max(QUALITY_CHECK_TYPES.length)
          .optional()
          .describe("which measured checks to include (default: all measured); scores given here are ignored"),
        notes: z.array(z.string().max(300)).max(6).optional().describe("observations in words, added as suggestions"),
      }),
    },
  );

  return [technical, consistency, motion, continuity, lipSync, saveReport];
}
