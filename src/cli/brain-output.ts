/** The Brain's answers for people: takes, requests and counts in words, characters and places described, never in hex. */
import { titleOf } from "../brain/library.js";
import { wordsOf } from "../brain/profiles.js";
import type { BrainCounts, CaptionsNode, LocationNode, RequestTakesView, SceneView, TakeView } from "../brain/types.js";
import { locationInWords } from "../brain/words.js";

const HEX = /#[0-9a-f]{6}\b/i;

/** A location's look in words; one described before looks were words is described again from its colours. */
export function placeInWords(location: LocationNode): string {
  return HEX.test(location.look.description)
    ? locationInWords(location.name, location.look)
    : location.look.description;
}

/** "Sarah: a tall woman…": descriptions in words mostly begin with the name already. */
function named(name: string, words: string): string {
  return words.toLowerCase().startsWith(`${name.toLowerCase()}:`) ? words : `${name}: ${words}`;
}

export function formatTake(
  view: TakeView,
  scene: SceneView | null,
  captions: CaptionsNode | null,
  where: { file: string | null; contactSheet: string | null },
): string {
  const { video, request, report } = view;
  const grade = video.grade;
  const lines = [
    `take ${video.id} "${video.title ?? titleOf(request.text)}" — ${video.status}${video.statusReason ? ` (${video.statusReason})` : ""}, attempt ${video.attempt}`,
    `  request    "${request.text}" (${request.id}, thread ${request.threadId})`,
    `  made       ${video.createdAt.slice(0, 19).replace("T", " ")} by ${video.method} on ${video.model}: ${video.durationSeconds.toFixed(1)} s, ${video.width}x${video.height} @ ${video.fps} fps, $${video.costUsd.toFixed(4)}`,
    `  file       ${where.file ?? "no longer stored (discarded)"}`,
    `  grade      overall ${grade.overall.toFixed(2)} = quality ${grade.quality.toFixed(2)}, relevance ${grade.relevance.toFixed(2)}, consistency ${grade.consistency.toFixed(2)} (${grade.passed ? "passed" : "below"} the bar ${grade.threshold})`,
  ];
  if (report) {
    const failed = report.checks.filter((check) => !check.passed).map((check) => check.type);
    lines.push(
      `  quality    ${report.overallQuality.toFixed(2)}${failed.length > 0 ? `, failed: ${failed.join(", ")}` : ", every check passed"}`,
    );
  }
  for (const character of view.characters)
    lines.push(`  character  ${named(character.name, wordsOf(character.name, character.profile))}`);
  if (view.location) lines.push(`  place      ${named(view.location.name, placeInWords(view.location))}`);
  if (scene) {
    lines.push(
      `  scene      ${scene.scene.shotCount} shot${scene.scene.shotCount === 1 ? "" : "s"}, ${scene.scene.totalDurationSeconds.toFixed(1)} s${scene.scene.missingShots.length > 0 ? `, missing ${scene.scene.missingShots.join(", ")}` : ""}`,
    );
    for (const clip of scene.clips)
      lines.push(
        `    shot ${clip.shotIndex}  ${clip.durationSeconds.toFixed(1)} s  ${clip.method} on ${clip.model}  $${clip.costUsd.toFixed(4)}`,
      );
  }
  if (captions)
    lines.push(
      `  captions   ${captions.cueCount} cue(s) in ${captions.language}, SRT and WebVTT${captions.burnedIn ? ", also burned into the picture" : ""}`,
    );
  if (where.contactSheet) lines.push(`  contact sheet ${where.contactSheet}`);
  lines.push(`  prompt     ${video.prompt}`);
  if (view.regeneratedFrom) lines.push(`  regenerated from ${view.regeneratedFrom}`);
  if (view.regeneratedInto.length > 0) lines.push(`  regenerated into ${view.regeneratedInto.join(", ")}`);
  return lines.join("\n");
}

export function formatRequest(view: RequestTakesView): string {
  const lines = [`request ${view.request.id} "${view.request.text}" (thread ${view.request.threadId})`];
  lines.push(`  takes (${view.takes.length}), oldest first`);
  for (const take of view.takes) {
    lines.push(
      `    ${take.id}  attempt ${take.attempt}  ${take.status.padEnd(10)} overall ${take.grade.overall.toFixed(2)}${take.regeneratedFrom ? `  from ${take.regeneratedFrom}` : ""}${take.choiceReason ? `  — ${take.choiceReason}` : ""}`,
    );
  }
  return lines.join("\n");
}

export function formatCounts(counts: BrainCounts): string {
  const list = (entries: Record<string, number>) =>
    Object.entries(entries)
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([name, count]) => `    ${name.padEnd(20)} ${count}`);
  const nodes = list(counts.nodes);
  const relationships = list(counts.relationships);
  return [
    "the Brain of this project",
    `  nodes${nodes.length === 0 ? ": none yet" : ""}`,
    ...nodes,
    `  relationships${relationships.length === 0 ? ": none yet" : ""}`,
    ...relationships,
  ].join("\n");
}

/** A character's profile line for `brain character`. */
export function characterLine(name: string, profile: Parameters<typeof wordsOf>[1]): string {
  return `  looks      ${named(name, wordsOf(name, profile))}`;
}

/** A location's look line for `brain location`. */
export function placeLine(location: LocationNode): string {
  return `  looks      ${named(location.name, placeInWords(location))}`;
}
