/** LUT references from tools and HTTP: names inside the LUT directory only, checked, never quoted. */
import { mkdtemp, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCutroomError } from "../../src/errors.js";
import { checkCubeText, pathInside, resolveLut, type LutSources } from "../../src/media/lut.js";
import type { MediaRecord, MediaRepository, ObjectStore } from "../../src/storage/types.js";

const CUBE = `LUT_3D_SIZE 2\n${Array.from({ length: 8 }, () => "0.5 0.5 0.5").join("\n")}\n`;

let root: string;
let lutDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "cutroom-lut-unit-"));
  lutDir = join(root, "luts");
  await mkdir(lutDir);
  await mkdir(join(lutDir, "nested.cube"));
  await writeFile(join(lutDir, "warm.cube"), CUBE);
  await writeFile(join(lutDir, "words.cube"), "PRIVATE KEY MATERIAL abcdef\n");
  await writeFile(join(root, "outside.cube"), CUBE);
  await symlink(join(root, "outside.cube"), join(lutDir, "link.cube"));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** Sources whose media repository and store hold nothing: only the directory can answer. */
function sources(lutDirectory: string | null): LutSources {
  const none = async () => null;
  return {
    lutDir: lutDirectory,
    projectId: "alpha",
    media: { get: none } as unknown as MediaRepository,
    store: {} as ObjectStore,
    cacheDir: root,
  };
}

async function failure(work: Promise<unknown>): Promise<{ code: string; message: string; field: string | null }> {
  try {
    await work;
  } catch (error) {
    if (isCutroomError(error)) return { code: error.code, message: error.message, field: error.field };
    throw error;
  }
  throw new Error("expected a failure");
}

describe("checkCubeText", () => {
  it("names the bad line by number, never by content", () => {
    const error = (() => {
      try {
        checkCubeText("LUT_3D_SIZE 2\nsecret words here\n", "x.cube", "lut");
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();
    expect(error?.message).toContain("unexpected line 2");
    expect(error?.message).not.toContain("secret");
  });
});

describe("pathInside", () => {
  it("finds plain .cube names and nothing that leaves the directory", async () => {
    expect(await pathInside(lutDir, "warm.cube")).toMatch(/warm\.cube$/);
    for (const name of ["../outside.cube", "/etc/passwd", "link.cube", "warm", ".cube", "a/b.cube", "missing.cube"])
      expect(await pathInside(lutDir, name), name).toBeNull();
  });
});

describe("resolveLut", () => {
  it("resolves a name in the LUT directory", async () => {
    expect(await resolveLut("warm.cube", sources(lutDir), "lut")).toMatch(/warm\.cube$/);
  });

  it("refuses paths, traversal and non-LUT files with INVALID_INPUT naming the field", async () => {
    for (const reference of ["/etc/passwd", "../outside.cube", "link.cube", "words.cube", "nested.cube"]) {
      const found = await failure(resolveLut(reference, sources(lutDir), "options.lut"));
      expect(found.code, reference).toBe("INVALID_INPUT");
      expect(found.field).toBe("options.lut");
      expect(found.message).not.toContain(root);
      expect(found.message).not.toContain("PRIVATE");
    }
  });

  it("says a name needs CUTROOM_LUT_DIR when none is configured", async () => {
    const found = await failure(resolveLut("warm.cube", sources(null), "lut"));
    expect(found.message).toContain("CUTROOM_LUT_DIR");
  });

  it("takes a stored LUT only from the caller's project", async () => {
    const record = { id: "med_lut1", projectId: "bravo", status: "live", key: "projects/bravo/luts/a.cube" };
    const foreign: LutSources = {
      ...sources(lutDir),
      media: { get: async () => record as MediaRecord } as unknown as MediaRepository,
    };
    expect((await failure(resolveLut("med_lut1", foreign, "lut"))).code).toBe("NOT_FOUND");
  });
});
