import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("config", () => {
  it("runs every port on its embedded default with no variables, and says why", () => {
    const config = loadConfig({}, "/tmp/project");
    expect(config.dataDir).toBe("/tmp/project/.cutroom");
    expect(config.llm).toBeNull();
    const byPort = Object.fromEntries(config.adapters.map((choice) => [choice.port, choice]));
    expect(byPort.llm).toMatchObject({ adapter: "none" });
    expect(byPort.llm!.reason).toMatch(/OPENAI_API_KEY is not set/);
    expect(byPort.video).toMatchObject({ adapter: "local-animatic" });
    expect(byPort.brain!.reason).toMatch(/NEO4J_URI/);
    expect(Object.keys(byPort).sort()).toEqual([
      "brain",
      "checkpointer",
      "image",
      "jobQueue",
      "llm",
      "mediaRepository",
      "objectStore",
      "video",
      "voice",
    ]);
  });

  it("chooses the OpenAI-compatible model when a key is set, at the given base URL", () => {
    const config = loadConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9999/v1",
      OPENAI_MODEL: "local-model",
    });
    expect(config.llm).toEqual({
      apiKey: "sk-test",
      baseURL: "http://127.0.0.1:9999/v1",
      model: "local-model",
      vision: true,
    });
    expect(config.adapters.find((choice) => choice.port === "llm")!.reason).toMatch(/127\.0\.0\.1:9999.*frames/);
    // A model that cannot see is graded from the measured facts alone.
    expect(loadConfig({ OPENAI_API_KEY: "sk-test", CUTROOM_LLM_VISION: "off" }).llm?.vision).toBe(false);
    expect(loadConfig({ OPENAI_API_KEY: "sk-test", CUTROOM_LLM_VISION: "" }).llm?.vision).toBe(true);
    expect(() => loadConfig({ CUTROOM_LLM_VISION: "maybe" })).toThrowError(/CUTROOM_LLM_VISION/);
  });

  it("names the variable when a value is invalid", () => {
    expect(() => loadConfig({ CUTROOM_RESOLUTION: "huge" })).toThrowError(/CUTROOM_RESOLUTION/);
    expect(() => loadConfig({ CUTROOM_CLIP_SECONDS: "9" })).toThrowError(
      /CUTROOM_CLIP_SECONDS must be between 1 and 7/,
    );
    expect(() => loadConfig({ CUTROOM_RESOLUTION: "321x180" })).toThrowError(/even/);
  });
});

describe(".env.example", () => {
  it("loads as an environment: every variable is known, and empty values mean not set", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const env = Object.fromEntries(
      text
        .split("\n")
        .filter((line) => /^[A-Z0-9_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const config = loadConfig(env, "/tmp/project");
    expect(
      config.adapters.every(
        (choice) => !["fal", "elevenlabs", "s3", "neo4j", "mongodb", "bullmq"].includes(choice.adapter),
      ),
    ).toBe(true);
    expect(config.budgetUsd).toBe(10);
    expect(config.confirmAboveUsd).toBe(2);
  });
});
