/**
 * `cutroom mcp` over stdio, driven by the SDK's own client as an MCP host would: the built CLI in its own
 * process on a temporary data dir, every port on its embedded default.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { runCli } from "../helpers/cli.js";
import { TEST_ENV } from "../helpers/runtime.js";
import {
  expectAccepted,
  expectCatalogue,
  expectCheapToolAndErrors,
  expectVideoResource,
  makeTake,
  textOf,
} from "./mcp-shared.js";

const BIN = fileURLToPath(new URL("../../bin/cutroom.js", import.meta.url));

describe("cutroom mcp (stdio)", () => {
  let dataDir: string;
  let client: Client;
  let stderr = "";

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cutroom-mcp-stdio-"));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...TEST_ENV, CUTROOM_DATA_DIR: dataDir },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    client = new Client({ name: "cutroom-test", version: "1.0.0" });
    // Any non-protocol line on stdout would fail the connection here or in a later call.
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("has help text", async () => {
    const help = await runCli(["mcp", "--help"], dataDir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/cutroom mcp/);
    expect(help.stdout).toMatch(/stdin\/stdout/);
  });

  it("lists the department and specialist tools with their input schemas", async () => {
    await expectCatalogue(client);
    expect(client.getServerVersion()?.name).toBe("cutroom");
  });

  it("runs a cheap tool, and answers bad arguments with tool errors naming the field", async () => {
    await expectCheapToolAndErrors(client, dataDir);
  });

  it("makes a take with progress, shows it as a resource, and accepts it", async () => {
    const { videoId, body } = await makeTake(client, dataDir);
    // No HTTP server is known over stdio: no URL is made up, the resource is the way to the video.
    expect(body.url).toBeNull();
    expect(body.resource).toBe(`cutroom://projects/default/videos/${videoId}`);
    expect(body.reply).toContain(String(body.resource));
    const metadata = await expectVideoResource(client, "default", videoId, dataDir);
    expect(metadata.mp4Url).toBeNull();
    const otherProject = client.readResource({ uri: `cutroom://projects/other/videos/${videoId}` });
    await expect(otherProject).rejects.toThrow(/not found/);
    await expectAccepted(client, videoId);
    expect(stderr).toMatch(/serving project default/);
  });

  it("refuses a project other than its own", async () => {
    const result = await client.callTool({
      name: "video_department",
      arguments: { request: "generate Tom waving", projectId: "elsewhere" },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/projectId/);
  });
});
