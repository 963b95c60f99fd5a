import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const manifest = JSON.parse(readFileSync(new URL("../../langgraph.json", import.meta.url), "utf8")) as {
  graphs: Record<string, string>;
};

describe("langgraph.json", () => {
  it("lists the orchestrator and the video department", () => {
    expect(Object.keys(manifest.graphs).sort()).toEqual(["orchestrator", "video_department"]);
  });

  for (const [name, target] of Object.entries(manifest.graphs)) {
    it(`${name}: ${target} exports a compiled graph`, async () => {
      const [path, exported] = target.split(":") as [string, string];
      const module = (await import(new URL(`../../${path}`, import.meta.url).href)) as Record<string, unknown>;
      const graph = module[exported] as { invoke?: unknown; getGraph?: unknown } | undefined;
      expect(graph, `${path} has no export ${exported}`).toBeDefined();
      expect(typeof graph!.invoke).toBe("function");
      expect(typeof graph!.getGraph).toBe("function");
    });
  }
});
