/** A reference still decodes whatever its format: a JPEG (which a seek made unreadable) as well as a PNG. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRawFrames } from "../../src/media/runner.js";

describe("decoding a reference still", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "cutroom-still-"));
  });
  afterAll(async () => rm(directory, { recursive: true, force: true }));

  for (const format of ["jpeg", "png", "webp"] as const) {
    it(`reads a ${format} at time 0`, async () => {
      const path = join(directory, `still.${format}`);
      await sharp({ create: { width: 64, height: 36, channels: 3, background: { r: 200, g: 30, b: 30 } } })
        .toFormat(format)
        .toFile(path);
      const [frame] = await decodeRawFrames(path, { times: [0], width: 32, height: 18 });
      expect(frame!.length).toBe(32 * 18 * 3);
      expect(frame![0]).toBeGreaterThan(150);
    });
  }
});
