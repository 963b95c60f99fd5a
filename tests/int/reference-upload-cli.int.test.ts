/**
 * `cutroom brain character|location <name> --reference/--replace/--remove`, run as a user runs it: the
 * photo becomes the character's uploaded reference, is listed with its source, and a bad file exits 2.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

interface Listed {
  character?: { id: string; name: string };
  location?: { id: string; name: string };
  references: Array<{ id: string; kind: string; source?: string; mediaId: string }>;
  changes?: { added: Array<{ file: string; reference: { id: string; source: string } }>; detached: string[] };
}

describe("cutroom brain --reference", () => {
  let dataDir: string;
  let photo: string;
  let plate: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-reference-cli-"));
    photo = join(dataDir, "photo.jpg");
    plate = join(dataDir, "plate.png");
    const canvas = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background: { r: 90, g: 60, b: 30 } } });
    await writeFile(
      photo,
      await canvas(300, 400)
        .withExif({ IFD0: { Copyright: "secret" } })
        .jpeg()
        .toBuffer(),
    );
    await writeFile(plate, await canvas(640, 360).png().toBuffer());
    await writeFile(join(dataDir, "notes.png"), "not an image at all");
    await writeFile(join(dataDir, "tiny.png"), await canvas(50, 50).png().toBuffer());
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("adds a photo as Sarah's uploaded master and lists it", async () => {
    const added = await runCli(["brain", "character", "Sarah", "--reference", photo, "--json"], dataDir);
    expect(added.code, added.stderr).toBe(0);
    const view = added.json as unknown as Listed;
    expect(view.character?.name).toBe("Sarah");
    expect(view.references).toEqual([expect.objectContaining({ kind: "character-master", source: "uploaded" })]);
    expect(view.changes?.added).toEqual([{ file: photo, reference: expect.objectContaining({ source: "uploaded" }) }]);

    const listed = await runCli(["brain", "character", "Sarah"], dataDir);
    expect(listed.code, listed.stderr).toBe(0);
    const reference = view.references[0]!;
    expect(listed.stdout).toContain(`character Sarah (${view.character!.id})`);
    expect(listed.stdout).toMatch(
      new RegExp(`${reference.id}\\s+character-master\\s+uploaded\\s+media ${reference.mediaId}`),
    );
  });

  it("replaces, removes by media id, and does the same for a location's plate", async () => {
    const replaced = await runCli(["brain", "character", "Sarah", "--replace", photo, "--json"], dataDir);
    expect(replaced.code, replaced.stderr).toBe(0);
    const view = replaced.json as unknown as Listed;
    expect(view.references).toHaveLength(1);
    expect(view.changes?.detached).toHaveLength(1);
    const removed = await runCli(
      ["brain", "character", "Sarah", "--remove", view.references[0]!.mediaId, "--json"],
      dataDir,
    );
    expect(removed.code, removed.stderr).toBe(0);
    expect((removed.json as unknown as Listed).references).toEqual([]);

    const park = await runCli(["brain", "location", "park", "--reference", plate, "--json"], dataDir);
    expect(park.code, park.stderr).toBe(0);
    expect((park.json as unknown as Listed).references).toEqual([
      expect.objectContaining({ kind: "location-master", source: "uploaded" }),
    ]);
    const text = await runCli(["brain", "location", "park"], dataDir);
    expect(text.stdout).toMatch(/location-master\s+uploaded/);
  });

  it("exits 2 naming the problem for a bad file, a missing file and an unknown reference", async () => {
    const notImage = await runCli(["brain", "character", "Sarah", "--reference", join(dataDir, "notes.png")], dataDir);
    expect(notImage.code).toBe(2);
    expect(notImage.stderr).toContain("image: not a PNG, JPEG or WebP image");
    const tiny = await runCli(["brain", "character", "Sarah", "--reference", join(dataDir, "tiny.png")], dataDir);
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toContain("50x50 is too small");
    const missing = await runCli(["brain", "character", "Sarah", "--reference", join(dataDir, "nope.jpg")], dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("does not exist");
    const unknown = await runCli(["brain", "character", "Sarah", "--remove", "ref_nothing"], dataDir);
    expect(unknown.code).toBe(2);
    const wrong = await runCli(["brain", "take", "vid_x", "--reference", photo], dataDir);
    expect(wrong.code).toBe(2);
    const help = await runCli(["brain", "--help"], dataDir);
    expect(help.stdout).toContain("--reference IMAGE");
  });
});
