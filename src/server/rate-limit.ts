/**
 * Video generations per key per hour, as a sliding window: rendering is the expensive thing this API
 * does, so it is what gets counted (reads, verifications and choices that end a take are not).
 */
import { ApiError } from "./errors.js";

const WINDOW_MS = 3_600_000;

export class GenerationLimiter {
  private readonly starts = new Map<string, number[]>();

  constructor(
    readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

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
