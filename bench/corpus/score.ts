/**
 * Scoring the verifier against the labelled corpus, as pure functions.
 *
 * Per check: a defect it owns is caught (failed) or missed (passed, or the check was not run); a good clip,
 * or a defect owned by another check that does not list it as tolerated, failed by it is a false alarm.
 * A check that ran with `measured: false` is neither: it is counted as "not measured".
 * Overall: the share of defects failed by the check that names them, and the share of good clips that any
 * measured check failed (a good take that would be paid for again).
 */
import { QUALITY_CHECK_TYPES, type QualityCheck, type QualityCheckType } from "../../src/domain.js";

export const TARGETS = { caughtShare: 0.95, falseAlarmShare: 0.05 } as const;

export type Outcome = "failed" | "passed" | "not-measured" | "not-run";

export interface LabelledClip {
  id: string;
  label: string;
  expectedCheck: QualityCheckType | null;
  tolerated: QualityCheckType[];
}

export interface ClipOutcome extends LabelledClip {
  outcomes: Partial<Record<QualityCheckType, { outcome: Outcome; details: string }>>;
  /** Set when verifyVideo itself threw: every check of this clip is then "not measured". */
  error: string | null;
}

export interface CheckRow {
  check: QualityCheckType;
  defects: number;
  caught: number;
  missed: number;
  notMeasuredDefects: number;
  falseAlarmsGood: number;
  falseAlarmsOtherDefects: number;
  notMeasuredOthers: number;
  precision: number | null;
  missedIds: string[];
  falseAlarmIds: string[];
}

export interface Summary {
  rows: CheckRow[];
  defects: number;
  caughtByNamedCheck: number;
  caughtShare: number;
  goodClips: number;
  goodFlagged: number;
  falseAlarmShare: number;
  /** Clips verifyVideo threw on: a take that cannot be judged, so the targets are not met while any remain. */
  notVerified: number;
  targetsMet: boolean;
}

export function outcomeOf(check: QualityCheck | undefined): Outcome {
  if (check === undefined) return "not-run";
  if (check.measured === false) return "not-measured";
  return check.passed ? "passed" : "failed";
}

/** Every check's outcome for one clip; a clip verifyVideo could not verify at all is "not measured" throughout. */
export function outcomesOf(checks: QualityCheck[], error: string | null = null): ClipOutcome["outcomes"] {
  const outcomes: ClipOutcome["outcomes"] = {};
  for (const type of QUALITY_CHECK_TYPES) {
    if (error !== null) {
      outcomes[type] = { outcome: "not-measured", details: `verifyVideo failed: ${error}` };
      continue;
    }
    const check = checks.find((candidate) => candidate.type === type);
    outcomes[type] = { outcome: outcomeOf(check), details: check?.details ?? "" };
  }
  return outcomes;
}

function rowFor(check: QualityCheckType, clips: ClipOutcome[]): CheckRow {
  const row: CheckRow = {
    check,
    defects: 0,
    caught: 0,
    missed: 0,
    notMeasuredDefects: 0,
    falseAlarmsGood: 0,
    falseAlarmsOtherDefects: 0,
    notMeasuredOthers: 0,
    precision: null,
    missedIds: [],
    falseAlarmIds: [],
  };
  for (const clip of clips) {
    const outcome = clip.outcomes[check]?.outcome ?? "not-run";
    if (clip.expectedCheck === check) {
      row.defects++;
      if (outcome === "failed") row.caught++;
      else if (outcome === "not-measured") row.notMeasuredDefects++;
      else {
        row.missed++;
        row.missedIds.push(clip.id);
      }
    } else if (!clip.tolerated.includes(check)) {
      if (outcome === "not-measured") row.notMeasuredOthers++;
      if (outcome !== "failed") continue;
      if (clip.expectedCheck === null) row.falseAlarmsGood++;
      else row.falseAlarmsOtherDefects++;
      row.falseAlarmIds.push(clip.id);
    }
  }
  const flagged = row.caught + row.falseAlarmsGood + row.falseAlarmsOtherDefects;
  row.precision = flagged === 0 ? null : row.caught / flagged;
  return row;
}

export function summarise(clips: ClipOutcome[]): Summary {
  const rows = QUALITY_CHECK_TYPES.map((check) => rowFor(check, clips));
  const defects = clips.filter((clip) => clip.expectedCheck !== null);
  const good = clips.filter((clip) => clip.expectedCheck === null);
  const caughtByNamedCheck = defects.filter((clip) => clip.outcomes[clip.expectedCheck!]?.outcome === "failed").length;
  const goodFlagged = good.filter((clip) =>
    Object.values(clip.outcomes).some((entry) => entry?.outcome === "failed"),
  ).length;
  const caughtShare = defects.length === 0 ? 1 : caughtByNamedCheck / defects.length;
  const falseAlarmShare = good.length === 0 ? 0 : goodFlagged / good.length;
  const notVerified = clips.filter((clip) => clip.error !== null).length;
  return {
    rows,
    defects: defects.length,
    caughtByNamedCheck,
    caughtShare,
    goodClips: good.length,
    goodFlagged,
    falseAlarmShare,
    notVerified,
    targetsMet: caughtShare >= TARGETS.caughtShare && falseAlarmShare <= TARGETS.falseAlarmShare && notVerified === 0,
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(0)}%`;

export function markdownTable(summary: Summary): string {
  const lines = [
    "| check | defects | caught | missed | not measured (defects) | false alarms (good) | false alarms (other defects) | not measured (others) | precision |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of summary.rows) {
    const precision = row.precision === null ? "–" : percent(row.precision);
    lines.push(
      `| ${row.check} | ${row.defects} | ${row.caught} | ${row.missed} | ${row.notMeasuredDefects} | ` +
        `${row.falseAlarmsGood} | ${row.falseAlarmsOtherDefects} | ${row.notMeasuredOthers} | ${precision} |`,
    );
  }
  const caught = `${summary.caughtByNamedCheck}/${summary.defects} (${percent(summary.caughtShare)}, target ≥ ${percent(TARGETS.caughtShare)})`;
  const alarms = `${summary.goodFlagged}/${summary.goodClips} (${percent(summary.falseAlarmShare)}, target ≤ ${percent(TARGETS.falseAlarmShare)})`;
  lines.push(
    "",
    `Defects caught by the check that names them: ${caught}. Good clips failed by any check: ${alarms}. ` +
      `Clips verifyVideo could not verify: ${summary.notVerified}.`,
  );
  return lines.join("\n");
}
