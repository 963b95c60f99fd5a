/**
 * The job an async call belongs to, without passing it through every layer: which project and kind of job
 * (for metrics of provider calls and spend) and its journal (so a paid provider request an earlier attempt
 * submitted can be found and resumed rather than paid for again). Both queue adapters run every handler
 * inside runInJobScope.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import type { JobContext, JobName } from "./types.js";

export interface JobScope {
  jobId: string;
  name: JobName;
  /** The project the job's data names; null when it names none. */
  projectId: string | null;
  journal: JobContext["journal"];
  /** Paid requests this run of the job already submitted or resumed: never resumed a second time. */
  requests: Set<string>;
}

const storage = new AsyncLocalStorage<JobScope>();

export function runInJobScope<T>(scope: JobScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

/** The job this call runs for, or null outside any job (a CLI command, a request handler). */
export function currentJob(): JobScope | null {
  return storage.getStore() ?? null;
}

/** The project id a job's data carries (every department job has one). */
export function projectOf(data: Record<string, unknown>): string | null {
  return typeof data.projectId === "string" ? data.projectId : null;
}

const REQUEST_ENTRY = "provider-request ";

/**
 * A paid request an earlier attempt of this job submitted with the same fingerprint (model and input), or
 * null: the caller then polls that request instead of submitting (and paying for) the same work again.
 */
export async function journaledRequest(fingerprint: string): Promise<string | null> {
  const scope = currentJob();
  // Not only from attempt 2: a job whose worker died runs again under its first attempt's number.
  if (scope === null) return null;
  const requestId = await latestEntry(scope, `${REQUEST_ENTRY}${fingerprint} `);
  // Asked twice in one run, the same input is new work (a re-render), not the interrupted request.
  if (requestId === null || scope.requests.has(requestId)) return null;
  scope.requests.add(requestId);
  return requestId;
}

/** The newest journal entry that starts with `prefix`, without it; null when there is none. */
async function latestEntry(scope: JobScope, prefix: string): Promise<string | null> {
  const entries = await scope.journal.entries();
  for (let index = entries.length - 1; index >= 0; index--) {
    if (entries[index]!.startsWith(prefix)) return entries[index]!.slice(prefix.length);
  }
  return null;
}

/** Journals a submitted paid request, so a retried attempt of the job resumes it (see journaledRequest). */
export async function journalRequest(fingerprint: string, requestId: string): Promise<void> {
  const scope = currentJob();
  if (scope === null) return;
  scope.requests.add(requestId);
  await scope.journal.append(`${REQUEST_ENTRY}${fingerprint} ${requestId}`);
}

/** A paid request's fingerprint: its model and input, hashed (inputs carry prompts, kept out of the journal). */
export function requestFingerprint(model: string, input: unknown): string {
  return createHash("sha256").update(model).update("\n").update(JSON.stringify(input)).digest("hex").slice(0, 24);
}

const UPLOAD_ENTRY = "provider-upload ";

/**
 * Where an earlier run of this job uploaded a file with these bytes (its sha256), or null. A rerun sends the
 * same URL, so the request it builds has the fingerprint of the one the earlier run submitted and is resumed
 * rather than paid for again (a new upload would name a new URL, and so a new request).
 */
export async function journaledUpload(contentHash: string): Promise<string | null> {
  const scope = currentJob();
  return scope === null ? null : latestEntry(scope, `${UPLOAD_ENTRY}${contentHash} `);
}

/** Journals an uploaded file's URL by the hash of its bytes (see journaledUpload). */
export async function journalUpload(contentHash: string, url: string): Promise<void> {
  const scope = currentJob();
  if (scope === null) return;
  await scope.journal.append(`${UPLOAD_ENTRY}${contentHash} ${url}`);
}
