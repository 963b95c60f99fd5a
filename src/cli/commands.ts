/** The smaller commands: verify, brain. */
import { existsSync } from "node:fs";
import { QUALITY_CHECK_TYPES, type QualityCheckType } from "../domain.js";
import { CutroomError } from "../errors.js";
import { verifyVideo } from "../media/quality.js";
import { probe } from "../media/runner.js";
import type { TakeProvenance } from "../brain/types.js";
import type { Runtime } from "../runtime.js";
import { parseResolution } from "../tools/quality.js";
import { numberOption, parse } from "./args.js";
import { formatQuality } from "./output.js";

type Write = (json: boolean, document: unknown, text: string) => void;

export async function verifyCommand(argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {
    "expect-duration": { type: "string" },
    "expect-resolution": { type: "string" },
    "expect-fps": { type: "string" },
    reference: { type: "string", multiple: true },
    "location-reference": { type: "string", multiple: true },
    checks: { type: "string" },
  });
  if (values.help) {
    process.stdout.write(
      "cutroom verify <file> [--expect-duration S] [--expect-resolution WxH] [--expect-fps N] [--reference IMAGE ...] [--location-reference IMAGE ...] [--checks a,b,...] [--json]\n",
    );
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new CutroomError("INVALID_INPUT", "verify needs a video file", { field: "file" });
  if (!existsSync(file)) throw new CutroomError("NOT_FOUND", `file ${file} does not exist`, { field: "file" });
  const resolution = values["expect-resolution"] ? parseResolution(values["expect-resolution"]) : null;
  const characterReferences = values.reference ?? [];
  const locationReferences = values["location-reference"] ?? [];
  for (const reference of [...characterReferences, ...locationReferences]) {
    if (!existsSync(reference))
      throw new CutroomError("NOT_FOUND", `reference image ${reference} does not exist`, { field: "reference" });
  }
  const expectedDuration = numberOption(values["expect-duration"], "expect-duration", 0.01, 3600);
  const expectedFps = numberOption(values["expect-fps"], "expect-fps", 1, 240);
  // A file ffprobe cannot read is bad input (exit 2), not a failed verification (exit 1).
  const facts = await probe(file, { requireVideo: true }).catch((error: unknown) => {
    throw new CutroomError("INVALID_INPUT", error instanceof Error ? error.message : String(error), {
      field: "file",
    });
  });
  let checks: QualityCheckType[] = [
    ...(expectedDuration !== null ? (["duration"] as const) : []),
    ...(resolution ? (["resolution"] as const) : []),
    "fps",
    "bitrate",
    "motion-quality",
    "visual-clarity",
    ...(facts.hasAudio ? (["audio"] as const) : []),
    ...(characterReferences.length > 0 ? (["character-consistency"] as const) : []),
    ...(locationReferences.length > 0 ? (["location-consistency"] as const) : []),
  ];
  if (values.checks) {
    const asked = values.checks.split(",").map((item) => item.trim());
    const unknown = asked.filter((item) => !(QUALITY_CHECK_TYPES as readonly string[]).includes(item));
    if (unknown.length > 0) {
      throw new CutroomError(
        "INVALID_INPUT",
        `--checks: unknown ${unknown.join(", ")}; known: ${QUALITY_CHECK_TYPES.join(", ")}`,
        { field: "checks" },
      );
    }
    checks = asked as QualityCheckType[];
  }
  const result = await verifyVideo({
    path: file,
    expectedDurationSeconds: expectedDuration,
    expectedWidth: resolution?.width ?? null,
    expectedHeight: resolution?.height ?? null,
    expectedFps,
    characterReferences,
    locationReferences,
    checks,
  });
  write(values.json === true, result, formatQuality(result).join("\n"));
  return result.passed ? 0 : 1;
}

export async function brainCommand(runtime: Runtime, argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {});
  const [what, ...rest] = positionals;
  const json = values.json === true;
  if (values.help || what === undefined) {
    process.stdout.write(
      "cutroom brain take <videoId> | brain why <videoId> | brain character <name> | brain location <name> | brain request <requestId> | brain counts [--json]\n",
    );
    return what === undefined && !values.help ? 2 : 0;
  }
  // The CLI works in its configured project (CUTROOM_PROJECT): other projects' nodes are not found here.
  const brain = runtime.brain.forProject(runtime.config.projectId);
  if (what === "counts") {
    const counts = await brain.counts();
    write(json, counts, JSON.stringify(counts, null, 2));
    return 0;
  }
  const id = rest.join(" ").trim();
  if (id === "") throw new CutroomError("INVALID_INPUT", `brain ${what} needs an id or name`, { field: "id" });
  if (what === "take") {
    const take = await brain.getTake(id);
    if (!take) throw new CutroomError("NOT_FOUND", `no take ${id} in the Brain`, { field: "videoId" });
    const view = { ...take, scene: await brain.sceneOf(id) };
    write(json, view, JSON.stringify(view, null, 2));
    return 0;
  }
  if (what === "why") {
    const provenance = await brain.why(id);
    if (!provenance) throw new CutroomError("NOT_FOUND", `no take ${id} in the Brain`, { field: "videoId" });
    write(json, provenance, formatProvenance(provenance));
    return 0;
  }
  if (what === "location") {
    const view = await brain.locationView(id);
    if (!view) throw new CutroomError("NOT_FOUND", `no location named ${id} in the Brain`, { field: "name" });
    write(json, view, JSON.stringify(view, null, 2));
    return 0;
  }
  if (what === "request") {
    const view = await brain.requestTakes(id);
    if (!view) throw new CutroomError("NOT_FOUND", `no request ${id} in the Brain`, { field: "requestId" });
    write(json, view, JSON.stringify(view, null, 2));
    return 0;
  }
  if (what === "character") {
    const view = await brain.characterView(id);
    if (!view) throw new CutroomError("NOT_FOUND", `no character named ${id} in the Brain`, { field: "name" });
    write(json, view, JSON.stringify(view, null, 2));
    return 0;
  }
  throw new CutroomError(
    "INVALID_INPUT",
    `brain: unknown query ${JSON.stringify(what)}; use take, why, character, location, request or counts`,
    { field: "query" },
  );
}

/** "How was this clip made", for people. */
function formatProvenance(item: TakeProvenance): string {
  const lines = [
    `take ${item.takeId} (attempt ${item.attempt}) for "${item.request.text}"`,
    `  made by    ${item.method} on ${item.model}, seed ${item.seed}, ${item.durationSeconds}s ${item.resolution} @ ${item.fps} fps`,
    `  prompt     ${item.prompt}`,
    `  cost       $${item.costUsd.toFixed(4)}`,
    `  cast       ${item.characters.map((character) => character.name).join(", ") || "none"}${item.location ? ` in ${item.location.name}` : ""}`,
    `  references ${item.references.map((reference) => `${reference.id} (${reference.kind})`).join(", ") || "none"}`,
    `  grade      overall ${item.grade.overall.toFixed(3)} (${item.grade.passed ? "passed" : "below"} ${item.grade.threshold})${item.quality ? `, measured quality ${item.quality.overallQuality.toFixed(3)}` : ""}`,
    `  choice     ${item.choice.status}${item.choice.reason ? ` — ${item.choice.reason}` : ""}`,
  ];
  if (item.regeneratedFrom) lines.push(`  regenerated from ${item.regeneratedFrom}`);
  if (item.regeneratedInto.length > 0) lines.push(`  regenerated into ${item.regeneratedInto.join(", ")}`);
  return lines.join("\n");
}
