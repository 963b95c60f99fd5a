import { describe, expect, it } from "vitest";
import { fakeModel } from "@langchain/core/testing";
import { parseChoice, routeByPolicy, routeTurn } from "../../src/orchestrator/router.js";

const silent = { info: () => {}, warn: () => {} };

describe("routing a chat turn", () => {
  it("sends a video request to the video department with its reason", () => {
    const route = routeByPolicy("generate Sarah walking in the park");
    expect(route.kind).toBe("video");
    expect(route.department).toBe("video-generation");
    expect(route.relevance).toBeGreaterThanOrEqual(0.5);
    expect(route.reason).toMatch(/relevance/);
  });

  it("answers other requests with no department", () => {
    for (const message of ["what is the capital of France?", "please book me a table for two", "asdf qwerty"]) {
      expect(routeByPolicy(message).kind).toBe("none");
    }
  });

  it("recognizes choices in several phrasings, and only whole answers", () => {
    expect(parseChoice("accept")).toBe("accept");
    expect(parseChoice("Keep it!")).toBe("accept");
    expect(parseChoice("try again")).toBe("regenerate");
    expect(parseChoice("DISCARD")).toBe("discard");
    expect(parseChoice("accept the video of Sarah and make another one")).toBeNull();
    expect(routeByPolicy("regenerate").kind).toBe("choice");
  });

  it("uses a chat model's valid decision and falls back on an invalid one", async () => {
    const valid = fakeModel().structuredResponse({
      kind: "none",
      department: null,
      relevance: 0.1,
      reason: "weather question",
    });
    const decided = await routeTurn("generate Sarah walking in the park", valid, silent);
    expect(decided).toMatchObject({ kind: "none", decidedBy: "llm" });

    const invalid = fakeModel().structuredResponse({ kind: "video", relevance: 7 });
    const fallback = await routeTurn("generate Sarah walking in the park", invalid, silent);
    expect(fallback).toMatchObject({ kind: "video", decidedBy: "policy" });
  });
});
