/** The smaller commands: doctor, verify, brain. */
import { existsSync } from "node:fs";
import { loadConfig } from "../config.js";
import { QUALITY_CHECK_TYPES, type QualityCheckType } from "../domain.js";
import { CutroomError } from "../errors.js";
import { verifyVideo } from "../media/quality.js";
import { probe } from "../media/runner.js";
import type { Runtime } from "../runtime.js";
import { parseResolution } from "../tools/quality.js";
import { numberOption, parse } from "./args.js";
import { formatQuality } from "./output.js";

type Write = (json: boolean, document: unknown, text: string) => void;

export async function doctorCommand(argv: string[], write: Write): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) {
    process.stdout.write(
      "cutroom doctor [--json]\n  Shows which adapter serves each port and which variable decided it.\n",
    );
    return 0;
  }
  const config = loadConfig();
  const tools = ["ffmpeg", "ffprobe", "espeak-ng"].map((name) => ({
    name,
    found: ["/usr/bin", "/usr/local/bin", "/bin"].some((dir) => existsSync(`${dir}/${name}`)),
  }));
  const text = [
    `data dir: ${config.dataDir}`,
    `project: ${config.projectId}`,
    ...config.adapters.map((choice) => `${choice.port.padEnd(16)} ${choice.adapter.padEnd(18)} ${choice.reason}`),
    ...tools.map((item) => `${item.name.padEnd(16)} ${item.found ? "found" : "MISSING: run ./scripts/setup.sh"}`),
  ].join("\n");
  write(
    values.json === true,
    { dataDir: config.dataDir, projectId: config.projectId, adapters: config.adapters, tools },
    text,
  );
  return tools.every((item) => item.found || item.name === "espeak-ng") ? 0 : 1;
}

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
    process.stdout.write("cutroom brain take <videoId> | brain character <name> | brain counts [--json]\n");
    return what === undefined && !values.help ? 2 : 0;
  }
  if (what === "counts") {
    const counts = await runtime.brain.counts();
    write(json, counts, JSON.stringify(counts, null, 2));
    return 0;
  }
  const id = rest.join(" ").trim();
  if (id === "") throw new CutroomError("INVALID_INPUT", `brain ${what} needs an id or name`, { field: "id" });
  if (what === "take") {
    const take = await runtime.brain.getTake(id);
    if (!take) throw new CutroomError("NOT_FOUND", `no take ${id} in the Brain`, { field: "videoId" });
    write(json, take, JSON.stringify(take, null, 2));
    return 0;
  }
  if (what === "character") {
    const view = await runtime.brain.characterView(id);
    if (!view) throw new CutroomError("NOT_FOUND", `no character named ${id} in the Brain`, { field: "name" });
    write(json, view, JSON.stringify(view, null, 2));
    return 0;
  }
  throw new CutroomError(
    "INVALID_INPUT",
    `brain: unknown query ${JSON.stringify(what)}; use take, character or counts`,
    { field: "query" },
  );
}
