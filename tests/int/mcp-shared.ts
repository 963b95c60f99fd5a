/** What the stdio and HTTP MCP tests both check, through the SDK's own client. */
import { expect } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";

export const SPECIALIST_TOOLS = [
  "generate_text_to_video",
  "save_video",
  "assemble_video_clips",
  "check_technical_quality",
  "generate_character_dialogue",
  "mix_audio",
  "brain_why",
];

export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  return content.map((item) => (item.type === "text" ? item.text : "")).join("");
}

export function jsonOf(result: unknown): Record<string, unknown> {
  return JSON.parse(textOf(result)) as Record<string, unknown>;
}

export async function expectCatalogue(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  for (const name of ["video_department", "take_decision", ...SPECIALIST_TOOLS]) {
    const tool = byName.get(name);
    expect(tool, name).toBeDefined();
    expect(tool!.description, name).toBeTruthy();
    expect(tool!.inputSchema.type).toBe("object");
    expect(Object.keys(tool!.inputSchema.properties ?? {}).length, name).toBeGreaterThan(0);
  }
  expect(byName.get("video_department")!.inputSchema.properties).toHaveProperty("request");
  expect(byName.get("generate_text_to_video")!.inputSchema.required).toEqual(
    expect.arrayContaining(["prompt", "durationSeconds"]),
  );
}

/** A cheap tool gives a real result; a bad argument comes back as a tool error that names the field. */
export async function expectCheapToolAndErrors(client: Client, dataDir: string): Promise<void> {
  const generated = await client.callTool({
    name: "generate_text_to_video",
    arguments: { prompt: "a red ball rolling across a table", durationSeconds: 0.5 },
  });
  expect(generated.isError, textOf(generated)).toBeFalsy();
  const body = jsonOf(generated);
  expect(body.tool).toBe("generate_text_to_video");
  expect(JSON.stringify(body.result)).toMatch(/clipId/);
  // Server paths never reach a client: the clip is named by its scratch id.
  expect(textOf(generated)).not.toContain(dataDir);

  const missing = await client.callTool({ name: "generate_text_to_video", arguments: { prompt: "x" } });
  expect(missing.isError).toBe(true);
  expect(textOf(missing)).toMatch(/durationSeconds/);

  const unknownTake = await client.callTool({ name: "take_decision", arguments: { decision: "accept" } });
  expect(unknownTake.isError).toBe(true);
  expect(textOf(unknownTake)).toMatch(/videoId/);
}

/** One short take through the department, with progress notifications while it runs. */
export async function makeTake(
  client: Client,
  dataDir: string,
): Promise<{ videoId: string; body: Record<string, unknown> }> {
  const progress: Progress[] = [];
  const result = await client.callTool(
    { name: "video_department", arguments: { request: "generate Sarah walking in the park" } },
    undefined,
    { onprogress: (event) => progress.push(event), timeout: 170_000 },
  );
  expect(result.isError, textOf(result)).toBeFalsy();
  const body = jsonOf(result);
  expect(body.status).toBe("awaiting-choice");
  expect(body.videoId).toMatch(/^vid_/);
  expect(body.choices).toEqual(["accept", "regenerate", "discard"]);
  expect(progress.length).toBeGreaterThan(2);
  const messages = progress.map((event) => event.message).join("\n");
  expect(messages).toMatch(/generate|verify|grade/);
  expect(messages + textOf(result)).not.toContain(dataDir);
  return { videoId: String(body.videoId), body };
}

/** The take is listed as a resource; its metadata and its MP4 can be read, with no server path in them. */
export async function expectVideoResource(
  client: Client,
  projectId: string,
  videoId: string,
  dataDir: string,
): Promise<Record<string, unknown>> {
  const uri = `cutroom://projects/${projectId}/videos/${videoId}`;
  const { resources } = await client.listResources();
  expect(resources.map((resource) => resource.uri)).toContain(uri);
  const read = await client.readResource({ uri });
  const text = (read.contents[0] as { text: string }).text;
  expect(text).not.toContain(dataDir);
  const metadata = JSON.parse(text) as Record<string, unknown>;
  expect(metadata.id).toBe(videoId);
  expect(metadata.projectId).toBe(projectId);
  const file = await client.readResource({ uri: `${uri}/file` });
  const bytes = Buffer.from((file.contents[0] as { blob: string }).blob, "base64");
  expect(file.contents[0]!.mimeType).toBe("video/mp4");
  expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
  // The take's video has a stored thumbnail; a shot clip stored without one has one cut when it is read.
  const shot = resources.find((resource) => resource.uri.includes("/videos/med_"));
  for (const still of [`${uri}/thumbnail`, ...(shot === undefined ? [] : [`${shot.uri}/thumbnail`])]) {
    const png = await client.readResource({ uri: still });
    expect(png.contents[0]!.mimeType).toBe("image/png");
    const image = Buffer.from((png.contents[0] as { blob: string }).blob, "base64");
    expect(image.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(image.readUInt32BE(16), `${still} is 320 wide`).toBe(320);
  }
  return metadata;
}

export async function expectAccepted(client: Client, videoId: string): Promise<void> {
  const accepted = await client.callTool({ name: "take_decision", arguments: { videoId, decision: "accept" } });
  expect(accepted.isError, textOf(accepted)).toBeFalsy();
  expect(jsonOf(accepted).status).toBe("accepted");
  const again = await client.callTool({ name: "take_decision", arguments: { videoId, decision: "discard" } });
  expect(again.isError).toBe(true);
  expect(textOf(again)).toMatch(/videoId/);
  const why = await client.callTool({ name: "brain_why", arguments: { takeId: videoId } });
  expect(why.isError, textOf(why)).toBeFalsy();
  expect(textOf(why)).toMatch(/accepted/i);
}
