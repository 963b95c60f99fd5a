import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerationLimiter } from "../../src/server/rate-limit.js";

describe("GenerationLimiter", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-limit-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  it("keeps the hour's window across a restart, per key, and lets it slide", () => {
    const file = join(directory, "window.json");
    let now = 1_000_000;
    const clock = () => now;
    const first = new GenerationLimiter(2, clock, file);
    expect(first.take("key-a").remaining).toBe(1);
    now += 1000;
    expect(first.take("key-a").headers["RateLimit-Remaining"]).toBe("0");

    // A new server on the same data dir still counts the two.
    const restarted = new GenerationLimiter(2, clock, file);
    expect(() => restarted.take("key-a")).toThrowError(/2 video generations in the last hour; try again in 3599 s/);
    expect(restarted.take("key-b").remaining).toBe(1);
    now += 3_600_000;
    expect(restarted.remaining("key-a")).toBe(2);
  });

  it("starts an empty window when the file is missing or unreadable", async () => {
    const broken = join(directory, "broken.json");
    await writeFile(broken, "{ not json");
    expect(new GenerationLimiter(3, Date.now, broken).remaining("key-a")).toBe(3);
    expect(new GenerationLimiter(3, Date.now, join(directory, "absent.json")).take("key-a").remaining).toBe(2);
  });
});
