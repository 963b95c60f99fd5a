/**
 * Reads the media document file of earlier versions (NeDB's format) so its records can move into SQLite.
 * Parsed here line by line rather than by NeDB, because NeDB silently skips lines it cannot read: a record
 * the Brain still points at would be lost without a word. Here any unreadable line stops the import.
 *
 * The format: one JSON document per line, appended as the data changed. A later line with the same `_id`
 * replaces the earlier one, `{"$$deleted":true,"_id":…}` removes it and `{"$$indexCreated":…}` lines are
 * index definitions. `generation` was stored as JSON text.
 */
import { createHash } from "node:crypto";
import { readFile, rename, rm, stat } from "node:fs/promises";
import { CutroomError } from "../errors.js";
import { describeProblem, pickRecord, recordProblem } from "./media-record.js";
import type { MediaRecord } from "./types.js";

export interface LegacyMedia {
  /** The file actually read: the document file, or NeDB's temporary copy when a crash left only that. */
  source: string;
  /** SHA-256 of the bytes read, so one content is imported once however often it is offered. */
  digest: string;
  records: MediaRecord[];
}

/** Null when neither the document file nor its temporary copy exists. */
export async function readLegacyMedia(file: string): Promise<LegacyMedia | null> {
  // NeDB writes `<file>~` and renames it over `<file>`; with no `<file>` the copy is the newest data.
  for (const source of [file, `${file}~`]) {
    let bytes: Buffer;
    try {
      bytes = await readFile(source);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new CutroomError(
        "STORAGE",
        `cannot read the media database ${source} to import it: ${messageOf(error)}; make it readable`,
        { cause: error },
      );
    }
    const digest = createHash("sha256").update(bytes).digest("hex");
    return { source, digest, records: parseNedbMedia(bytes.toString("utf8"), source) };
  }
  return null;
}

interface Placed {
  line: number;
  document: Record<string, unknown>;
}

/** The live records of a NeDB file, in file order. Throws STORAGE naming the first line it cannot use. */
export function parseNedbMedia(text: string, source: string): MediaRecord[] {
  const byNedbId = new Map<string, Placed>();
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    const line = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw corruptLine(source, line, `is not valid JSON (${messageOf(error)})`);
    }
    if (!isObject(parsed)) throw corruptLine(source, line, "is not a JSON object");
    if ("$$indexCreated" in parsed) continue;
    const nedbId = parsed["_id"];
    if (typeof nedbId !== "string" || nedbId === "") throw corruptLine(source, line, 'has no "_id" string');
    if (parsed["$$deleted"] === true) {
      byNedbId.delete(nedbId);
      continue;
    }
    // Delete and re-insert keeps Map order equal to the order of each document's latest line.
    byNedbId.delete(nedbId);
    byNedbId.set(nedbId, { line, document: parsed });
  }

  const records: MediaRecord[] = [];
  const lineOfMediaId = new Map<string, number>();
  for (const { line, document } of byNedbId.values()) {
    const record = toRecord(document, source, line);
    const earlier = lineOfMediaId.get(record.id);
    if (earlier !== undefined) {
      throw corruptLine(source, line, `repeats media id ${record.id} of line ${earlier}; keep only one of the two`);
    }
    lineOfMediaId.set(record.id, line);
    records.push(record);
  }
  return records;
}

function toRecord(document: Record<string, unknown>, source: string, line: number): MediaRecord {
  let generation = document["generation"];
  if (typeof generation === "string") {
    try {
      generation = JSON.parse(generation);
    } catch (error) {
      throw corruptLine(source, line, `has a generation that is not valid JSON text (${messageOf(error)})`);
    }
  }
  const candidate = { ...document, generation };
  const problem = recordProblem(candidate);
  if (problem !== null) throw corruptLine(source, line, `is not a media record: ${describeProblem(problem)}`);
  return pickRecord(candidate);
}

/**
 * Moves an imported file aside so it is not offered again, keeping it for the user. Another process that
 * imported the same file may have moved it first, which is fine.
 */
export async function retireLegacyFile(file: string, legacy: LegacyMedia): Promise<void> {
  let target = `${file}.imported`;
  if (await exists(target)) target = `${file}.imported-${legacy.digest.slice(0, 12)}`;
  try {
    // While the document file exists NeDB never reads its temporary copy, so it is stale; left here it
    // would be offered as data at the next start. Removed first, so no process starting in between sees
    // the copy without the document file.
    if (legacy.source === file) await rm(`${file}~`, { force: true });
    await rename(legacy.source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new CutroomError(
      "STORAGE",
      `imported ${legacy.source} but could not rename it to ${target}: ${messageOf(error)}; ` +
        `move it out of the data directory by hand`,
      { cause: error },
    );
  }
}

function corruptLine(source: string, line: number, problem: string): CutroomError {
  return new CutroomError(
    "STORAGE",
    `media database ${source} line ${line} ${problem}. Nothing was imported: repair that line ` +
      `(one JSON document per line), or delete line ${line} to drop that one record, then run cutroom again`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
