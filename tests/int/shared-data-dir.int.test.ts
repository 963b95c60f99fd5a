/**
 * Several processes on ONE data dir at once, as users run them: `cutroom serve` next to CLI chats, and
 * processes writing media records as fast as they can. Every stored object must keep its media record and
 * every media id the Brain names must resolve. Uses the built CLI and dist/ (npm run build first).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GraphFile } from "../../src/brain/graph-file.js";
import { SqliteMediaRepository } from "../../src/storage/sqlite-media.js";
import { runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/ports.js";
import { TEST_ENV } from "../helpers/runtime.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));
const BUILT_REPOSITORY = pathToFileURL(fileURLToPath(new URL("../../dist/storage/sqlite-media.js", import.meta.url)));

// Each writer waits for a shared start time so all of them open the file (and race for the import) together,
// then inserts and patches records one at a time, yielding between them so the processes interleave.
const WRITER = `
const [moduleUrl, file, legacy, worker, count, startAt] = process.argv.slice(1);
const { SqliteMediaRepository } = await import(moduleUrl);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
while (Date.now() < Number(startAt)) await pause(2);
const repository = await SqliteMediaRepository.open({ file, importFrom: legacy });
for (let index = 0; index < Number(count); index++) {
  const id = "med_w" + worker + "_" + index;
  const now = new Date().toISOString();
  await repository.insert({
    id, projectId: "proj_shared", kind: "video", key: "takes/" + id + ".mp4", url: "file:///" + id, status: "live",
    durationSeconds: 2, fps: 12, width: 320, height: 180, generation: { worker: Number(worker), index },
    qualityScore: null, createdAt: now, updatedAt: now,
  });
  await pause(1);
  await repository.update(id, { qualityScore: index / 100 });
}
await repository.close();
process.stdout.write(JSON.stringify({ imported: repository.imported }));
`;

function nedbLine(id: string): string {
  const at = "2025-01-01T00:00:00.000Z";
  return JSON.stringify({
    id,
    projectId: "proj_shared",
    kind: "image",
    key: `old/${id}.png`,
    url: `file:///old/${id}.png`,
    status: "live",
    durationSeconds: null,
    fps: null,
    width: 320,
    height: 180,
    generation: JSON.stringify({ from: "nedb" }),
    qualityScore: null,
    createdAt: at,
    updatedAt: at,
    _id: `nedb${id}`,
  });
}

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return once(child, "exit").then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

/** Keys of every object under the local store, as the store names them. */
async function storedObjectKeys(dataDir: string): Promise<string[]> {
  const root = join(dataDir, "store", "objects");
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".meta.json"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"));
}

describe("one data dir shared by several processes", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-shared-"));
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  it("keeps every record written by concurrent processes, and imports an old media.db exactly once", async () => {
    const legacy = join(dataDir, "media.db");
    const file = join(dataDir, "media.sqlite");
    const oldIds = ["med_old1", "med_old2", "med_old3"];
    await writeFile(legacy, `${oldIds.map(nedbLine).join("\n")}\n`);
    const writers = 3;
    const perWriter = 25;
    const startAt = String(Date.now() + 1_500);
    const runs = await Promise.all(
      Array.from({ length: writers }, (_, worker) =>
        runNode([
          "--input-type=module",
          "-e",
          WRITER,
          BUILT_REPOSITORY.href,
          file,
          legacy,
          String(worker),
          String(perWriter),
          startAt,
        ]),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const imports = runs.map((run) => (JSON.parse(run.stdout) as { imported: { records: number } | null }).imported);
    expect(imports.filter((report) => report !== null)).toEqual([{ source: legacy, records: oldIds.length }]);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(`${legacy}.imported`)).toBe(true);

    const repository = await SqliteMediaRepository.open({ file, importFrom: legacy });
    try {
      const records = await repository.listByProject("proj_shared");
      expect(records).toHaveLength(writers * perWriter + oldIds.length);
      for (let worker = 0; worker < writers; worker++) {
        for (let index = 0; index < perWriter; index++) {
          const found = records.find((record) => record.id === `med_w${worker}_${index}`);
          expect(found?.qualityScore, `med_w${worker}_${index}`).toBe(index / 100);
        }
      }
      for (const id of oldIds) expect(records.some((record) => record.id === id)).toBe(true);
    } finally {
      await repository.close();
    }
  });

  it("cutroom serve and two CLI chats at once: every object has its record, every Brain media id resolves", async () => {
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_ENV, CUTROOM_DATA_DIR: dataDir };
    const server = spawn(process.execPath, [BIN, "serve", "--port", String(port), "--json"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let serverErr = "";
    server.stderr.on("data", (chunk: Buffer) => (serverErr += chunk.toString()));
    try {
      let printed = "";
      server.stdout.setEncoding("utf8");
      server.stdout.on("data", (chunk: string) => (printed += chunk));
      while (!printed.trim().endsWith("}")) await once(server.stdout, "data");
      const started = JSON.parse(printed) as { url: string; localKey: { key: string } };
      const headers = { Authorization: `Bearer ${started.localKey.key}`, "Content-Type": "application/json" };

      const viaServer = (async () => {
        const queued = await fetch(`${started.url}/api/v1/projects/default/videos/generate`, {
          method: "POST",
          headers,
          body: JSON.stringify({ input: { prompt: "Mia waving at the beach" }, parameters: { quality: "draft" } }),
        });
        expect(queued.status, await queued.clone().text()).toBe(202);
        const { jobId } = (await queued.json()) as { jobId: string };
        for (;;) {
          const job = (await (
            await fetch(`${started.url}/api/v1/projects/default/videos/jobs/${jobId}`, { headers })
          ).json()) as { status: string; error?: { message: string } };
          if (job.status === "completed" || job.status === "failed") return job;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const [first, second, job] = await Promise.all([
        runCli(["chat", "--thread", "beach1", "--json", "generate Ana waving at the beach"], dataDir),
        runCli(["chat", "--thread", "beach2", "--json", "generate Ben waving at the beach"], dataDir),
        viaServer,
      ]);
      expect(first.code, first.stderr).toBe(0);
      expect(second.code, second.stderr).toBe(0);
      expect(job.status, job.error?.message).toBe("completed");
      expect(`${first.stderr}${second.stderr}`).not.toMatch(/ENOENT|\n\s+at /);
      expect(first.json).toHaveProperty("status", "awaiting-choice");
      expect(second.json).toHaveProperty("status", "awaiting-choice");
    } finally {
      server.kill("SIGTERM");
      if (server.exitCode === null && server.signalCode === null) await once(server, "exit");
    }
    expect(server.exitCode, serverErr).toBe(0);

    const repository = await SqliteMediaRepository.open({ file: join(dataDir, "media.sqlite") });
    const brain = await GraphFile.open(join(dataDir, "brain.json"));
    try {
      const records = await repository.listByProject("default");
      const recordKeys = new Set(records.map((record) => record.key));
      const objects = await storedObjectKeys(dataDir);
      // Three takes: each has at least its clip and a thumbnail.
      expect(objects.length).toBeGreaterThanOrEqual(6);
      for (const key of objects) expect(recordKeys.has(key), `object ${key} has no media record`).toBe(true);
      for (const record of records.filter((item) => item.status === "live")) {
        expect(objects, `record ${record.id} has no object`).toContain(record.key);
      }

      const named = await brain.read((graph) =>
        graph
          .mapNodes((_, attributes) => (attributes.props as { mediaId?: unknown }).mediaId)
          .filter((mediaId): mediaId is string => typeof mediaId === "string"),
      );
      // Per take a Video node and per new character or location a Reference node name a media record.
      expect(named.length).toBeGreaterThanOrEqual(3);
      for (const mediaId of named) {
        expect(await repository.get(mediaId), `Brain names ${mediaId}, which has no record`).not.toBeNull();
      }
    } finally {
      await brain.close();
      await repository.close();
    }
  });
});
