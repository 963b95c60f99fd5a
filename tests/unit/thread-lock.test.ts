/**
 * A thread's claim: one holder at a time, a busy thread names its holder, a dead or vanished holder's
 * lock is taken over, and a release removes only the lock it took. Other holders are real processes
 * (a child that stays alive, one that has exited) whose pid is written where a holder writes it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { claimThread, threadLockPath, type ThreadLockOwner } from "../../src/orchestrator/thread-lock.js";
import { createTestRuntime } from "../helpers/runtime.js";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "cutroom-lock-"));
});
afterEach(async () => rm(dataDir, { recursive: true, force: true }));

/** Leaves a lock as a holder would: the directory, with the holder's record inside. */
async function leaveLock(threadId: string, owner: Partial<ThreadLockOwner>, ageMs = 0): Promise<string> {
  const lockPath = threadLockPath(dataDir, threadId);
  await mkdir(lockPath, { recursive: true });
  await writeFile(
    join(lockPath, "owner.json"),
    JSON.stringify({ host: hostname(), token: "left-behind", since: new Date().toISOString(), ...owner }),
  );
  const when = new Date(Date.now() - ageMs);
  await utimes(lockPath, when, when);
  return lockPath;
}

function startIdle(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  return new Promise((resolve) => child.once("spawn", () => resolve(child)));
}

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

async function busyError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(isCutroomError(error, "THREAD_BUSY"), String(error)).toBe(true);
  return error as Error;
}

describe("claiming a thread", () => {
  it("gives a thread to one claimant at a time, however many ask at once", async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => claimThread(dataDir, "t1")));
    const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const outcome of outcomes.filter((item) => item.status === "rejected"))
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "THREAD_BUSY", field: "thread" });
    await expect(claimThread(dataDir, "t1")).rejects.toThrow(/being run by this process/);
    // Another thread is not held up.
    const other = await claimThread(dataDir, "t2");
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof claimThread>>>).value.release();
    const again = await claimThread(dataDir, "t1");
    await again.release();
    await other.release();
  });

  it("keeps its lock through refreshes for a long turn, then removes it on release", async () => {
    const compromised: Error[] = [];
    const claim = await claimThread(dataDir, "long", {
      staleMs: 2_000,
      onCompromised: (error) => compromised.push(error),
    });
    // proper-lockfile refreshes every staleMs / 2: this spans two refreshes and the stale threshold.
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    expect(compromised).toEqual([]);
    await busyError(claimThread(dataDir, "long", { staleMs: 2_000 }));
    await claim.release();
    await expect(stat(threadLockPath(dataDir, "long"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("names the live process that holds the thread", async () => {
    const holder = await startIdle();
    try {
      await leaveLock("busy", { pid: holder.pid! });
      const error = await busyError(claimThread(dataDir, "busy"));
      expect(error.message).toBe(
        `thread busy is being run by another process (pid ${holder.pid}); wait for it to finish, or stop that process and try again (a run it leaves unfinished can then be resumed)`,
      );
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("takes over at once from a holder that died (kill -9 leaves its lock behind)", async () => {
    const lockPath = await leaveLock("orphan", { pid: await exitedPid() });
    const claim = await claimThread(dataDir, "orphan");
    const owner = JSON.parse(await readFile(join(lockPath, "owner.json"), "utf8")) as ThreadLockOwner;
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(owner.token).not.toBe("left-behind");
    await claim.release();
    await expect(stat(lockPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("takes over a lock nobody has kept fresh, even from another host", async () => {
    await leaveLock("far", { pid: 4242, host: "render-box-2" }, 60_000);
    const claim = await claimThread(dataDir, "far", { staleMs: 5_000 });
    await claim.release();
    // Fresh, it is respected, and the message says where the holder runs.
    await leaveLock("near", { pid: 4242, host: "render-box-2" });
    const error = await busyError(claimThread(dataDir, "near"));
    expect(error.message).toContain("(pid 4242 on render-box-2)");
  });

  it("releases only its own lock: a holder that took over since keeps the thread", async () => {
    const claim = await claimThread(dataDir, "shared");
    const lockPath = threadLockPath(dataDir, "shared");
    const successor = await startIdle();
    try {
      // What a takeover after a stall leaves: the same lock directory, another holder's record.
      await writeFile(
        join(lockPath, "owner.json"),
        JSON.stringify({ pid: successor.pid, host: hostname(), token: "successor", since: new Date().toISOString() }),
      );
      await claim.release();
      expect(JSON.parse(await readFile(join(lockPath, "owner.json"), "utf8"))).toMatchObject({ token: "successor" });
      await busyError(claimThread(dataDir, "shared"));
    } finally {
      successor.kill("SIGKILL");
    }
  });

  it("refuses a thread id that is not a safe path segment", async () => {
    await expect(claimThread(dataDir, "../escape")).rejects.toMatchObject({ code: "INVALID_ID" });
  });
});

describe("a chat turn on a thread held elsewhere", () => {
  it("fails fast with THREAD_BUSY and leaves the thread untouched", async () => {
    const { runtime, dataDir: runtimeDir, cleanup } = await createTestRuntime();
    try {
      const held = await claimThread(runtimeDir, "held");
      const chat = new ChatService(runtime);
      const error = await busyError(chat.turn({ threadId: "held", message: "generate Sarah walking in the park" }));
      expect(error.message).toMatch(/^thread held is being run by this process/);
      await busyError(chat.turn({ threadId: "held", resume: true }));
      expect(await chat.threadExists("held")).toBe(false);
      await held.release();
      // Given back, the thread takes turns again; the turn's own claim is released when it ends.
      const answered = await chat.turn({ threadId: "held", message: "hello" });
      expect(answered.threadId).toBe("held");
      await (await claimThread(runtimeDir, "held")).release();
    } finally {
      await cleanup();
    }
  });
});
