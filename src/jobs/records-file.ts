/**
 * The embedded queue's records on disk, for a queue whose jobs must outlive a restart of the process (the
 * HTTP API's requests). Written whole to a temporary file and renamed into place, so a crash mid-write
 * leaves the previous version.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Logger } from "../logging.js";
import type { JobStatus } from "./types.js";

export interface SavedJob {
  status: JobStatus;
  journal: string[];
}

/** Progress events kept per saved job: the latest, enough for a late watcher to see where the job got to. */
const SAVED_EVENTS = 20;

export function readJobRecords(file: string, log: Pick<Logger, "warn">): SavedJob[] {
  if (!existsSync(file)) return [];
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (!Array.isArray(saved)) throw new Error("not a list of jobs");
    // Records in another shape (an older version's) are left out rather than misread.
    return saved.filter(
      (item): item is SavedJob =>
        typeof item === "object" &&
        item !== null &&
        typeof (item as SavedJob).status?.id === "string" &&
        Array.isArray((item as SavedJob).status.events) &&
        Array.isArray((item as SavedJob).journal),
    );
  } catch (error) {
    log.warn(
      `job records in ${file} are unreadable (${error instanceof Error ? error.message : String(error)}); starting without them`,
    );
    return [];
  }
}

export function writeJobRecords(file: string, jobs: SavedJob[], log: Pick<Logger, "warn">): void {
  const records = jobs.map((job) => ({
    status: { ...job.status, events: job.status.events.slice(-SAVED_EVENTS) },
    journal: job.journal,
  }));
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, JSON.stringify(records));
    renameSync(temporary, file);
  } catch (error) {
    log.warn(`could not save job records: ${error instanceof Error ? error.message : String(error)}`);
  }
}
