/**
 * One turn at a time per thread, across every process sharing the data dir (CLI turns, the REPL, a
 * server): two turns on one thread would both see the same checkpoint and render the same scene twice.
 * The claim is a proper-lockfile lock held for the whole turn, kept fresh while the turn runs, with the
 * holder's pid written inside it so a busy thread names who holds it and a dead holder's lock is taken
 * over at once (a run cut off by kill -9 can be resumed straight away, not after the lock goes stale).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { mkdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { assertId, CutroomError } from "../errors.js";

/** Who holds a thread: written inside the lock directory when the lock is taken. */
export interface ThreadLockOwner {
  pid: number;
  host: string;
  /** Tells one holding apart from a later one by the same pid. */
  token: string;
  since: string;
}

export interface ThreadClaim {
  readonly threadId: string;
  /** Gives the thread back; only this claim's own lock is removed, never one taken over since. */
  release(): Promise<void>;
}

export interface ClaimOptions {
  /** A lock not refreshed for this long is a hung or vanished holder's, and is taken over. */
  staleMs?: number;
  /** Called when the lock was taken from this holder (it stalled past staleMs); the turn goes on. */
  onCompromised?: (error: Error) => void;
}

const OWNER_FILE = "owner.json";
const DEFAULT_STALE_MS = 20_000;
// A takeover that loses a race with another process's takeover tries again; past this, the thread is busy.
const MAX_TRIES = 3;

export function threadLockPath(dataDir: string, threadId: string): string {
  return join(dataDir, "locks", "threads", `${assertId(threadId, "thread")}.lock`);
}

async function readOwner(lockPath: string): Promise<ThreadLockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(join(lockPath, OWNER_FILE), "utf8")) as Partial<ThreadLockOwner>;
    if (typeof parsed.pid !== "number" || typeof parsed.token !== "string" || typeof parsed.host !== "string")
      return null;
    return parsed as ThreadLockOwner;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves a dead holder's lock aside and removes it. The move is atomic, so of two processes recovering
 * the same lock only one moves it; one that finds it moved a live holder's lock puts it back.
 */
async function takeOver(lockPath: string, owner: ThreadLockOwner | null): Promise<void> {
  const aside = `${lockPath}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // Already gone: the next try takes the thread normally.
  }
  const moved = await readOwner(aside);
  if (moved?.token !== owner?.token) {
    await rename(aside, lockPath).catch(() => undefined);
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * The file system proper-lockfile works through, except that the lock directory is made with the owner
 * record already inside. Written afterwards, the record would change the directory's mtime after
 * proper-lockfile noted it, and at its first refresh proper-lockfile would take that for another process
 * having taken the lock over, and give it up.
 */
function fsRecording(owner: ThreadLockOwner): typeof fs {
  const mkdirWithOwner = (path: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
    fs.mkdir(path, (error) => {
      if (error) return callback(error);
      fs.writeFile(join(path, OWNER_FILE), JSON.stringify(owner), (writeError) => {
        if (!writeError) return callback(null);
        fs.rm(join(path, OWNER_FILE), { force: true }, () => fs.rmdir(path, () => callback(writeError)));
      });
    });
  return { ...fs, mkdir: mkdirWithOwner } as unknown as typeof fs;
}

export function threadBusy(threadId: string, owner: ThreadLockOwner | null): CutroomError {
  const here = hostname();
  const who =
    owner === null
      ? "another process"
      : owner.pid === process.pid && owner.host === here
        ? "this process (another turn)"
        : `another process (pid ${owner.pid}${owner.host === here ? "" : ` on ${owner.host}`})`;
  return new CutroomError(
    "THREAD_BUSY",
    `thread ${threadId} is being run by ${who}; wait for it to finish, or stop that process and try again (a run it leaves unfinished can then be resumed)`,
    { field: "thread" },
  );
}

/** Claims the thread for one turn, or throws THREAD_BUSY naming the process that has it. */
export async function claimThread(dataDir: string, threadId: string, options: ClaimOptions = {}): Promise<ThreadClaim> {
  const lockPath = threadLockPath(dataDir, threadId);
  const target = lockPath.slice(0, -".lock".length);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  await mkdir(join(dataDir, "locks", "threads"), { recursive: true });
  const owner: ThreadLockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(12).toString("hex"),
    since: new Date().toISOString(),
  };
  for (let attempt = 1; ; attempt++) {
    let unlock: () => Promise<void>;
    try {
      unlock = await lockfile.lock(target, {
        realpath: false,
        lockfilePath: lockPath,
        stale: staleMs,
        retries: 0,
        fs: fsRecording(owner),
        // The default throws from a timer, which would end the process mid-turn.
        onCompromised: (error) => options.onCompromised?.(error),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTEMPTY: proper-lockfile found the lock stale but cannot remove a directory holding the owner record.
      if (code !== "ELOCKED" && code !== "ENOTEMPTY") {
        throw new CutroomError("STORAGE", `could not lock thread ${threadId} at ${lockPath}: ${String(error)}`, {
          cause: error,
        });
      }
      const holder = await readOwner(lockPath);
      const holderDied = holder !== null && holder.host === hostname() && !isAlive(holder.pid);
      if ((code === "ENOTEMPTY" || holderDied) && attempt < MAX_TRIES) {
        await takeOver(lockPath, holder);
        continue;
      }
      throw threadBusy(threadId, holder);
    }
    let released = false;
    return {
      threadId,
      async release() {
        if (released) return;
        released = true;
        // proper-lockfile stops refreshing the lock first (its own removal fails while the record is inside),
        // then the record and the directory go, but only if the record is still ours: a holder that took the
        // lock over after a stall has written its own.
        await unlock().catch(() => undefined);
        if ((await readOwner(lockPath))?.token !== owner.token) return;
        await rm(join(lockPath, OWNER_FILE), { force: true });
        await rmdir(lockPath).catch(() => undefined);
      },
    };
  }
}
