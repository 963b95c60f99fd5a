/** The smaller commands: verify, brain (with a character's or location's own references). */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { QUALITY_CHECK_TYPES, type QualityCheckType } from "../domain.js";
import { parseLoudnessTarget } from "../config.js";
import { CutroomError } from "../errors.js";
import type { SpokenLineSource } from "../media/av-sync.js";
import { verifyVideo } from "../media/quality.js";
import { probe } from "../media/runner.js";
import type { CharacterView, LocationView, TakeProvenance, TakeView } from "../brain/types.js";
import {
  addUploadedReference,
  MAX_REFERENCE_BYTES,
  referenceListing,
  removeReference,
  type ReferenceListing,
  type ReferenceOwner,
} from "../brain/uploads.js";
import type { Runtime } from "../runtime.js";
import { parseResolution } from "../tools/quality.js";
import { numberOption, parse } from "./args.js";
import { formatQuality } from "./output.js";
import { characterLine, formatCounts, formatRequest, formatTake, placeLine } from "./brain-output.js";

type Write = (json: boolean, document: unknown, text: string) => void;

const VERIFY_HELP = `cutroom verify <file> [--expect-duration S] [--expect-resolution WxH] [--expect-fps N] [--reference IMAGE ...]
               [--location-reference IMAGE ...] [--line AUDIO@SECONDS ...] [--checks a,b,...]
               [--loudness-target LUFS|web|broadcast] [--json]
  Measures a video file; exit 0 when every check passes, 1 when one fails, 2 on bad input.
  --expect-duration     the length it should have, in seconds (adds the duration check)
  --expect-resolution   the size it should have, e.g. 1280x720 (adds the resolution check)
  --expect-fps          the frame rate it should have
  --reference           an image of a character it should show (adds character-consistency); repeatable
  --location-reference  an image of the place it should show (adds location-consistency); repeatable
  --line                a spoken line's own recording and where the edit put it, e.g. sarah.wav@1.5 (adds
                        lip-sync: the line is found in the file's sound, ≤ 90 ms early or 185 ms late); repeatable
  --checks              exactly these checks, comma-separated, from:
                        ${QUALITY_CHECK_TYPES.join(", ")}
  --loudness-target     judge the sound as a delivered mix against this loudness (LUFS, or web / broadcast)`;

export async function verifyCommand(argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {
    "expect-duration": { type: "string" },
    "expect-resolution": { type: "string" },
    "expect-fps": { type: "string" },
    reference: { type: "string", multiple: true },
    "location-reference": { type: "string", multiple: true },
    line: { type: "string", multiple: true },
    checks: { type: "string" },
    "loudness-target": { type: "string" },
  });
  if (values.help) {
    process.stdout.write(`${VERIFY_HELP}\n`);
    return 0;
  }
  // Asking for a loudness target says the file is a delivered mix; without it the sound is judged as raw.
  const loudnessTarget =
    values["loudness-target"] === undefined ? null : parseLoudnessTarget(values["loudness-target"], "loudness-target");
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
  const spokenLines = (values.line ?? []).map(parseLine);
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
    ...(spokenLines.length > 0 ? (["lip-sync"] as const) : []),
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
    audioRole: loudnessTarget === null ? "raw" : "final-mix",
    ...(loudnessTarget === null ? {} : { loudnessTargetLufs: loudnessTarget }),
    ...(spokenLines.length > 0 ? { spokenLines } : {}),
  });
  write(values.json === true, result, formatQuality(result).join("\n"));
  return result.passed ? 0 : 1;
}

/** `--line sarah.wav@1.5`: a line's recording and where it starts in the file, in seconds. */
function parseLine(value: string): SpokenLineSource {
  const at = value.lastIndexOf("@");
  const audioPath = at < 0 ? "" : value.slice(0, at);
  const seconds = at < 0 ? Number.NaN : Number(value.slice(at + 1));
  if (
    audioPath === "" ||
    !Number.isFinite(seconds) ||
    seconds < 0 ||
    seconds > 3600 ||
    value.slice(at + 1).trim() === ""
  )
    throw new CutroomError(
      "INVALID_INPUT",
      `--line ${JSON.stringify(value)}: expected a recording and its start in seconds, e.g. sarah.wav@1.5`,
      { field: "line" },
    );
  if (!existsSync(audioPath))
    throw new CutroomError("NOT_FOUND", `--line: recording ${audioPath} does not exist`, { field: "line" });
  return { label: basename(audioPath), audioPath, startSeconds: seconds };
}

const BRAIN_HELP = `cutroom brain take <videoId> | brain why <videoId> | brain request <requestId> | brain counts [--json]
cutroom brain character <name> | brain location <name> [--json]
    the Brain's facts, with every reference (kind, source, id, media id)
  [--reference IMAGE ...]   add a PNG, JPEG or WebP (≤ 20 MB, ≥ 256 px on the short side) as a master
                            reference; the character or location is created if new
  [--replace IMAGE]         add it and detach the earlier masters (takes that used them keep them)
  [--remove ID ...]         detach a reference, by reference id (ref_…) or media id (med_…)
Uploads are stored re-encoded as PNG, orientation applied, with no EXIF/GPS or other metadata.
`;

export async function brainCommand(runtime: Runtime, argv: string[], write: Write): Promise<number> {
  const { values, positionals } = parse(argv, {
    reference: { type: "string", multiple: true },
    replace: { type: "string" },
    remove: { type: "string", multiple: true },
  });
  const [what, ...rest] = positionals;
  const json = values.json === true;
  if (values.help || what === undefined) {
    process.stdout.write(BRAIN_HELP);
    return what === undefined && !values.help ? 2 : 0;
  }
  const changes = {
    references: values.reference ?? [],
    replace: values.replace ?? null,
    remove: values.remove ?? [],
  };
  const changing = changes.references.length > 0 || changes.replace !== null || changes.remove.length > 0;
  if (changing && what !== "character" && what !== "location") {
    throw new CutroomError(
      "INVALID_INPUT",
      "--reference, --replace and --remove go with brain character or brain location",
      {
        field: "arguments",
      },
    );
  }
  // The CLI works in its configured project (CUTROOM_PROJECT): other projects' nodes are not found here.
  const brain = runtime.brain.forProject(runtime.config.projectId);
  if (what === "counts") {
    const counts = await brain.counts();
    write(json, counts, formatCounts(counts));
    return 0;
  }
  const id = rest.join(" ").trim();
  if (id === "") throw new CutroomError("INVALID_INPUT", `brain ${what} needs an id or name`, { field: "id" });
  if (what === "take") {
    const take = await brain.getTake(id);
    if (!take) throw new CutroomError("NOT_FOUND", `no take ${id} in the Brain`, { field: "videoId" });
    const view = { ...take, scene: await brain.sceneOf(id), captions: await brain.captionsOf(id) };
    write(json, view, formatTake(take, view.scene, view.captions, await takeFiles(runtime, take)));
    return 0;
  }
  if (what === "why") {
    const provenance = await brain.why(id);
    if (!provenance) throw new CutroomError("NOT_FOUND", `no take ${id} in the Brain`, { field: "videoId" });
    write(json, provenance, formatProvenance(provenance));
    return 0;
  }
  if (what === "request") {
    const view = await brain.requestTakes(id);
    if (!view) throw new CutroomError("NOT_FOUND", `no request ${id} in the Brain`, { field: "requestId" });
    write(json, view, formatRequest(view));
    return 0;
  }
  if (what === "character" || what === "location") {
    const done = changing ? await changeReferences(runtime, what, id, changes) : null;
    const view = what === "character" ? await brain.characterView(id) : await brain.locationView(id);
    if (!view) throw new CutroomError("NOT_FOUND", `no ${what} named ${id} in the Brain`, { field: "name" });
    const document = done === null ? view : { ...view, changes: done };
    write(json, document, formatOwner(what, view, done));
    return 0;
  }
  throw new CutroomError(
    "INVALID_INPUT",
    `brain: unknown query ${JSON.stringify(what)}; use take, why, character, location, request or counts`,
    { field: "query" },
  );
}

interface ReferenceChanges {
  added: Array<{ file: string; reference: ReferenceListing }>;
  detached: string[];
}

/** Removals first, then the replacement, then additions: `--replace a --reference b` leaves a and b. */
async function changeReferences(
  runtime: Runtime,
  owner: ReferenceOwner,
  name: string,
  asked: { references: string[]; replace: string | null; remove: string[] },
): Promise<ReferenceChanges> {
  const projectId = runtime.config.projectId;
  const done: ReferenceChanges = { added: [], detached: [] };
  for (const referenceId of asked.remove) {
    done.detached.push((await removeReference(runtime, projectId, owner, name, referenceId)).id);
  }
  const uploads = [
    ...(asked.replace === null ? [] : [{ file: asked.replace, replace: true }]),
    ...asked.references.map((file) => ({ file, replace: false })),
  ];
  for (const upload of uploads) {
    const added = await addUploadedReference(runtime, projectId, {
      owner,
      name,
      bytes: await readImageFile(upload.file, upload.replace ? "replace" : "reference"),
      replace: upload.replace,
    });
    done.added.push({ file: upload.file, reference: referenceListing(added.reference) });
    done.detached.push(...added.detached);
  }
  return done;
}

/** The file's bytes; one over the limit is refused from its size, before it is read into memory. */
async function readImageFile(file: string, field: string): Promise<Buffer> {
  const found = await stat(file).catch(() => null);
  if (found === null || !found.isFile())
    throw new CutroomError("NOT_FOUND", `--${field}: image file ${file} does not exist`, { field });
  if (found.size > MAX_REFERENCE_BYTES) {
    throw new CutroomError(
      "INVALID_INPUT",
      `--${field}: ${file} is ${found.size} bytes; at most ${MAX_REFERENCE_BYTES} (20 MB) is accepted`,
      { field },
    );
  }
  return readFile(file);
}

/** A character or location for people: its references (kind, source, ids) and, for a character, its takes. */
function formatOwner(owner: ReferenceOwner, view: CharacterView | LocationView, done: ReferenceChanges | null): string {
  const node = "character" in view ? view.character : view.location;
  const lines = [`${owner} ${node.name} (${node.id})`];
  lines.push(
    "character" in view ? characterLine(view.character.name, view.character.profile) : placeLine(view.location),
  );
  for (const added of done?.added ?? []) lines.push(`  + added ${added.reference.id} from ${added.file}`);
  for (const detached of done?.detached ?? []) lines.push(`  - detached ${detached}`);
  lines.push(`  references (${view.references.length})`);
  for (const reference of view.references.map(referenceListing)) {
    lines.push(
      `    ${reference.id}  ${reference.kind.padEnd(20)} ${reference.source.padEnd(9)} media ${reference.mediaId}  by ${reference.madeBy ?? "local-renderer"}  ${reference.createdAt}`,
    );
  }
  if ("takes" in view) {
    lines.push(`  takes (${view.takes.length})`);
    for (const take of view.takes)
      lines.push(`    ${take.id}  ${take.status.padEnd(10)} overall ${take.overall.toFixed(3)}  ${take.createdAt}`);
  }
  return lines.join("\n");
}

/** Where a take's video and contact sheet are, as a person can open them: a local path, else the store URL. */
async function takeFiles(
  runtime: Runtime,
  take: TakeView,
): Promise<{ file: string | null; contactSheet: string | null }> {
  const projectId = runtime.config.projectId;
  const located = async (mediaId: string) => {
    const record = await runtime.media.get(mediaId);
    if (record === null || record.status !== "live" || record.projectId !== projectId) return null;
    return (await runtime.store.head(record.key))?.path ?? record.url;
  };
  const sheet = await runtime.brain.forProject(projectId).contactSheetOf(take.video.id);
  return { file: await located(take.video.mediaId), contactSheet: sheet ? await located(sheet.mediaId) : null };
}

/** "How was this clip made", for people. */
function formatProvenance(item: TakeProvenance): string {
  const lines = [
    `take ${item.takeId} (attempt ${item.attempt}) for "${item.request.text}"`,
    `  made by    ${item.method} on ${item.model}, seed ${item.seed}, ${item.durationSeconds}s ${item.resolution} @ ${item.fps} fps`,
    `  prompt     ${item.prompt}`,
    `  cost       $${item.costUsd.toFixed(4)}`,
    ...(item.passes ?? []).map(
      (pass) => `  pass       shot ${pass.shotIndex}: ${pass.step} on ${pass.model}, $${pass.costUsd.toFixed(4)}`,
    ),
    `  cast       ${item.characters.map((character) => character.name).join(", ") || "none"}${item.location ? ` in ${item.location.name}` : ""}`,
    `  references ${item.references.map((reference) => `${reference.id} (${reference.kind})`).join(", ") || "none"}`,
    `  grade      overall ${item.grade.overall.toFixed(3)} (${item.grade.passed ? "passed" : "below"} ${item.grade.threshold})${item.quality ? `, measured quality ${item.quality.overallQuality.toFixed(3)}` : ""}`,
    `  choice     ${item.choice.status}${item.choice.reason ? ` — ${item.choice.reason}` : ""}`,
  ];
  if (item.regeneratedFrom) lines.push(`  regenerated from ${item.regeneratedFrom}`);
  if (item.regeneratedInto.length > 0) lines.push(`  regenerated into ${item.regeneratedInto.join(", ")}`);
  return lines.join("\n");
}
