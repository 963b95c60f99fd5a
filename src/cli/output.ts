/** Human-readable rendering of results (stdout) and progress (stderr). */
import type { ProgressEvent } from "../jobs/progress.js";
import type { VideoQualityResult } from "../domain.js";
import type { TurnResult } from "../orchestrator/chat.js";

export function formatProgress(event: ProgressEvent): string {
  const percent = event.fraction === null ? "" : ` ${String(Math.round(event.fraction * 100)).padStart(3)}%`;
  return `[${event.step}]${percent} ${event.message}`;
}

export function formatQuality(quality: VideoQualityResult): string[] {
  const lines = [`quality: ${quality.passed ? "PASSED" : "FAILED"}, overall ${quality.overallQuality.toFixed(3)}`];
  for (const check of quality.checks) {
    lines.push(
      `  ${check.passed ? "✓" : "✗"} ${check.type.padEnd(22)} ${check.score.toFixed(3)} (≥ ${check.threshold})  ${check.details}`,
    );
  }
  for (const issue of quality.issues) lines.push(`  issue: ${issue}`);
  for (const suggestion of quality.suggestions) lines.push(`  suggestion: ${suggestion}`);
  return lines;
}

export function formatTurn(result: TurnResult): string {
  const lines: string[] = [`thread: ${result.threadId}`];
  if (result.route) {
    lines.push(
      `route: ${result.route.department ?? result.route.kind} (decided by ${result.route.decidedBy}): ${result.route.reason}`,
    );
  }
  if (result.status === "awaiting-choice" && result.videoId) {
    lines.push(`video: ${result.videoId}`, `file: ${result.path ?? result.url}`);
    if (result.captions) {
      const { srt, vtt, cueCount, burnedIn } = result.captions;
      lines.push(
        `captions: ${cueCount} cue(s)${burnedIn ? ", also burned into the picture" : ""}`,
        `  srt: ${srt.path ?? srt.url}`,
        `  vtt: ${vtt.path ?? vtt.url}`,
      );
    }
    if (result.quality) lines.push(...formatQuality(result.quality));
    if (result.grade) {
      const grade = result.grade;
      lines.push(
        `grade: overall ${grade.overall} = quality ${grade.quality}, relevance ${grade.relevance}, consistency ${grade.consistency} (bar ${grade.threshold}) → ${grade.passed ? "passed" : "below the bar"}`,
      );
      if (grade.relevanceBasis === "frames" || grade.relevanceBasis === "facts")
        lines.push(`relevance judged from the ${grade.relevanceBasis}: ${grade.relevanceReason ?? ""}`);
      else if (grade.relevanceBasis === "measured")
        lines.push(`relevance measured from the picture: ${grade.relevanceReason ?? ""}`);
      else if (grade.relevanceBasis === "request")
        lines.push(`relevance from the request (${grade.relevanceReason ?? "the picture could not be measured"})`);
    }
    if (result.report) {
      lines.push(
        `department: ${result.report.department} ${result.report.status}, quality ${result.report.departmentQuality}`,
      );
      for (const output of result.report.outputs) {
        const assessment = output.selfAssessment;
        lines.push(
          `  ${output.specialist}: confidence ${assessment.confidence.toFixed(2)}, completeness ${assessment.completeness.toFixed(2)}, tools ${(output.output.toolCalls as string[] | undefined)?.join(" → ") ?? ""}`,
        );
      }
    }
    if (result.brainWrites.length > 0) {
      lines.push("brain:");
      for (const write of result.brainWrites) lines.push(`  + ${write}`);
    }
    if (result.takes.length > 1) {
      lines.push("takes on this thread:");
      for (const take of result.takes)
        lines.push(
          `  ${take.videoId} attempt ${take.attempt} ${take.status} overall ${take.overall}${take.regeneratedFrom ? ` (from ${take.regeneratedFrom})` : ""}`,
        );
    }
    lines.push(`choices: ${result.choices.join(" / ")}  (cutroom chat --thread ${result.threadId} --choice <choice>)`);
  } else if (result.status === "awaiting-confirmation") {
    lines.push(
      result.reply,
      `choices: ${result.choices.join(" / ")}  (cutroom chat --thread ${result.threadId} --choice <choice>)`,
    );
  } else {
    lines.push(result.reply);
  }
  return lines.join("\n");
}
