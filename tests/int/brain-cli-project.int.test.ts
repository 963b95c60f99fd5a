/**
 * `cutroom brain` answers in its configured project (CUTROOM_PROJECT): another project's take, request
 * and character are not found, exactly like missing ones, and a brain file from before projects is read
 * as the default project's.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedBrain } from "../../src/brain/embedded.js";
import { legacyBrainFile, seedProject, take } from "../helpers/brain-fixtures.js";
import { runCliWith } from "../helpers/cli.js";

describe("cutroom brain per project", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-brain-cli-"));
    await writeFile(join(dataDir, "brain.json"), legacyBrainFile());
    const brain = await EmbeddedBrain.open({ file: join(dataDir, "brain.json") });
    await seedProject(brain.forProject("alpha"));
    await brain.forProject("alpha").recordTake(take("vid_alpha"));
    await brain.close();
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));
  const cli = (project: string | null, ...args: string[]) =>
    runCliWith(["brain", ...args, "--json"], {
      CUTROOM_DATA_DIR: dataDir,
      ...(project === null ? {} : { CUTROOM_PROJECT: project }),
    });

  it("finds a take only in its own project", async () => {
    const own = await cli("alpha", "why", "vid_alpha");
    expect(own.code, own.stderr).toBe(0);
    expect(own.json).toMatchObject({ takeId: "vid_alpha", characters: [{ id: "char_ana" }] });
    const foreign = await cli(null, "why", "vid_alpha");
    const missing = await cli(null, "why", "vid_nothing");
    expect(foreign.code).not.toBe(0);
    expect(foreign.code).toBe(missing.code);
    expect(foreign.stderr.replaceAll("vid_alpha", "ID")).toBe(missing.stderr.replaceAll("vid_nothing", "ID"));
    expect((await cli(null, "take", "vid_alpha")).code).toBe(missing.code);
    expect((await cli(null, "request", "req_vid_alpha")).code).toBe(missing.code);
  });

  it("reads older takes as the default project's", async () => {
    const legacy = await cli(null, "character", "Ana");
    expect(legacy.code, legacy.stderr).toBe(0);
    expect(legacy.json).toMatchObject({ character: { id: "char_ana" }, takes: [{ id: "vid_old" }] });
    const alpha = await cli("alpha", "character", "Ana");
    expect(alpha.json).toMatchObject({ takes: [{ id: "vid_alpha" }] });
    expect((await cli("alpha", "counts")).json).toMatchObject({ nodes: { Character: 1, Reference: 2, Video: 1 } });
  });
});
