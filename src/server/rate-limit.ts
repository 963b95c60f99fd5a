/**
 * Video generations per key per hour, as a sliding window: rendering is the expensive thing this API
 * does, so it is what gets counted (reads, verifications and choices that end a take are not). The
 * window is kept in a file in the data dir, so restarting the server does not hand out a fresh hour.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { ApiError } from "./errors.js";

const WINDOW_MS = 3_600_000;

export class GenerationLimiter {
  private readonly starts = new Map<string, number[]>();

  constructor(
    readonly perHour: number,
    private readonly now: () => number = Date.now,
    /** Where the window is kept between runs; null keeps it in memory only. */
    private readonly file: string | null = null,
  ) {
    if (file !== null) this.load(file);
  }

  /** A missing or unreadable file starts an empty window: counting resumes from now. */
  private load(file: string): void {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return;
    }
    if (typeof saved !== "object" || saved === null) return;
    for (const [keyId, starts] of Object.entries(saved)) {
      if (Array.isArray(starts))
        this.starts.set(
          keyId,
          starts.filter((at): at is number => Number.isFinite(at)),
        );
    }
  }

  /** Written whole and renamed into place, so a crash leaves the old window or the new one. */
  private save(): void {
    if (this.file === null) return;
    const partial = `${this.file}.partial`;
    writeFileSync(partial, JSON.stringify(Object.fromEntries(this.starts)));
    renameSync(partial, this.file);
  }

  private recent(keyId: string): number[] {
    const cutoff = this.now() - WINDOW_MS;
    const kept = (this.starts.get(keyId) ?? []).filter((at) => at > cutoff);
    this.starts.set(keyId, kept);
    return kept;
  }

  remaining(keyId: string): number {
    return Math.max(0, this.perHour - this.recent(keyId).length);
  }

  /** Counts one generation, or fails with 429 and when the oldest one in the window expires. */
  take(keyId: string): { remaining: number; headers: Record<string, string> } {
    const recent = this.recent(keyId);
    if (recent.length >= this.perHour) {
      const retryAfter = Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - this.now()) / 1000));
      throw new ApiError(
        429,
        "RATE_LIMITED",
        `this key has started ${this.perHour} video generations in the last hour; try again in ${retryAfter} s`,
        { headers: { "Retry-After": String(retryAfter), ...this.headers(0, retryAfter) } },
      );
    }
    recent.push(this.now());
    this.save();
    const remaining = this.perHour - recent.length;
    const reset = Math.ceil((recent[0]! + WINDOW_MS - this.now()) / 1000);
    return { remaining, headers: this.headers(remaining, reset) };
  }

  private headers(remaining: number, resetSeconds: number): Record<string, string> {
    return {
      "RateLimit-Limit": String(this.perHour),
      "RateLimit-Remaining": String(remaining),
      "RateLimit-Reset": String(resetSeconds),
    };
  }
}
