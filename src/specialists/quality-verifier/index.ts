/** Quality Verifier: measures the stored take and reports the design's VideoQualityResult. */
import type { QualityCheck, SelfAssessment, VideoQualityResult } from "../../domain.js";
import type { ToolContext } from "../../tools/context.js";
import { createQualityTools } from "../../tools/quality.js";
import { requireResult, runSpecialist, type PlannedStep, type ToolCallRecord } from "../agent.js";
import { QUALITY_VERIFIER_PROMPT } from "./prompts.js";

export { QUALITY_VERIFIER_PROMPT } from "./prompts.js";

export interface VerifyTask {
  mediaId: string;
  /**
   * The picture compared with the references: the generated clip, before any requested look. A colour
   * grade changes colours on purpose, so measuring consistency after it would punish the look itself.
   */
  consistencyMediaId: string;
  expectedDurationSeconds: number;
  resolution: string;
  fps: number;
  referenceIds: string[];
  /** Cuts where a shot continues the previous one: their last and first frames must match. */
  continuityPairs?: Array<{ label: string; previousMediaId: string; nextMediaId: string }>;
  /**
   * "final-mix" when the audio integrator mixed mediaId's sound (checked against the loudness target);
   * when absent the tool tells from the stored object (save_with_audio's).
   */
  audioRole?: "final-mix" | "raw";
  /**
   * The lines spoken in the take and its shots, timed in the delivered take, with each speaker's painted
   * mouth colour when the local renderer drew the picture (null: a model made it); absent when nobody speaks.
   */
  speech?: {
    /** Each line where the mix placed it, with its own recording's media id when the mix has one. */
    lines: Array<{
      character: string;
      text: string;
      startSeconds: number;
      endSeconds: number;
      recordingMediaId?: string;
    }>;
    shots: Array<{ index: number; startSeconds: number; endSeconds: number; characters: string[] }>;
    mouthColours: Record<string, string> | null;
  };
}

const CHECK_TOOLS = [
  "check_technical_quality",
  "check_motion_quality",
  "check_visual_consistency",
  "check_cut_continuity",
  "check_lip_sync",
];

function collectedChecks(calls: ToolCallRecord[]): QualityCheck[] {
  const byType = new Map<string, QualityCheck>();
  for (const call of calls) {
    if (call.ok && CHECK_TOOLS.includes(call.name)) {
      for (const check of (call.result?.checks as QualityCheck[]) ?? []) byType.set(check.type, check);
    }
  }
  return [...byType.values()];
}

export function verifyPlan(task: VerifyTask): PlannedStep[] {
  const plan: PlannedStep[] = [
    {
      tool: "check_technical_quality",
      args: () => ({
        mediaId: task.mediaId,
        expectedDuration: task.expectedDurationSeconds,
        targetResolution: task.resolution,
        expectedFps: task.fps,
        ...(task.audioRole === undefined ? {} : { audioRole: task.audioRole }),
      }),
    },
    { tool: "check_motion_quality", args: () => ({ mediaId: task.mediaId }) },
  ];
  if (task.referenceIds.length > 0) {
    plan.push({
      tool: "check_visual_consistency",
      args: () => ({ mediaId: task.consistencyMediaId, referenceIds: task.referenceIds }),
    });
  }
  if ((task.continuityPairs ?? []).length > 0) {
    plan.push({ tool: "check_cut_continuity", args: () => ({ pairs: task.continuityPairs }) });
  }
  if (task.speech !== undefined && task.speech.lines.length > 0) {
    const speech = task.speech;
    plan.push({ tool: "check_lip_sync", args: () => ({ mediaId: task.mediaId, ...speech }) });
  }
  plan.push({
    tool: "save_quality_report",
    args: (calls) => ({ mediaId: task.mediaId, checks: collectedChecks(calls) }),
  });
  return plan;
}

export async function runQualityVerifier(context: ToolContext, task: VerifyTask) {
  const run = await runSpecialist({
    name: "quality-verifier",
    systemPrompt: QUALITY_VERIFIER_PROMPT,
    task: JSON.stringify(task),
    tools: createQualityTools(context),
    plan: verifyPlan(task),
    isComplete: (calls) => calls.some((call) => call.ok && call.name === "save_quality_report"),
    llm: context.runtime.llm,
    log: context.runtime.log,
  });
  const saved = requireResult(run.calls, "save_quality_report");
  const report: VideoQualityResult & { reportId: string } = {
    reportId: String(saved.reportId),
    passed: Boolean(saved.passed),
    overallQuality: Number(saved.overallQuality),
    checks: saved.checks as QualityCheck[],
    issues: saved.issues as string[],
    suggestions: saved.suggestions as string[],
  };
  // The report must rest on measurements: count what was measured against what the task needed.
  const measured = new Set(collectedChecks(run.calls).map((check) => check.type));
  const expected =
    5 +
    (task.referenceIds.length > 0 ? 1 : 0) +
    ((task.continuityPairs ?? []).length > 0 ? 1 : 0) +
    ((task.speech?.lines.length ?? 0) > 0 ? 1 : 0);
  const missing = expected - Math.min(expected, measured.size);
  const selfAssessment: SelfAssessment = {
    confidence: report.checks.length > 0 ? Math.min(1, measured.size / expected) : 0,
    completeness: Math.min(1, measured.size / expected),
    issues: missing > 0 ? [`${missing} expected check(s) were not measured`] : [],
  };
  return { output: report, selfAssessment, mode: run.mode, toolCalls: run.calls.map((call) => call.name) };
}
