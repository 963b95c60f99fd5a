/**
 * The shapes of a project's library (library.ts): what a page of takes or threads holds and how it is
 * asked for. Apart from the rules that fill them, so the Brain's port can name them without a circle.
 */
import type { TakeStatus } from "../domain.js";

/** One line of the library. */
export interface LibraryTake {
  id: string;
  title: string;
  request: { id: string; text: string };
  threadId: string;
  status: TakeStatus;
  overall: number;
  passed: boolean;
  durationSeconds: number;
  costUsd: number;
  attempt: number;
  model: string;
  width: number;
  height: number;
  characters: string[];
  location: string | null;
  createdAt: string;
}

export interface LibraryThread {
  threadId: string;
  /** The title of the thread's first request. */
  title: string;
  firstRequest: string;
  lastRequest: string;
  requestCount: number;
  takeCount: number;
  /** The status of the thread's newest take. */
  latestStatus: TakeStatus;
  costUsd: number;
  startedAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Where a page starts: strictly after this position in the newest-first order. */
export interface Position {
  at: string;
  id: string;
}

export interface TakeListQuery {
  status: TakeStatus | null;
  /** A character's name, matched as the Brain matches names (trimmed, any case). */
  character: string | null;
  threadId: string | null;
  /** Words looked for in the title, the request and the prompt, any case. */
  text: string | null;
  limit: number;
  after: Position | null;
}

export interface ThreadListQuery {
  limit: number;
  after: Position | null;
}
