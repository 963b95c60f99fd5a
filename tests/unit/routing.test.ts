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

  it("declines greetings, questions and errands for other departments, whatever words they share with video", () => {
    for (const message of [
      "hello",
      "what's the weather in Paris?",
      "make me a sandwich",
      "recommend a good movie for tonight",
      "how do I film my kids playing in the garden?",
      "draw a picture of Sarah in the park",
      "Tell me a joke about a man who walks into a bar",
    ]) {
      expect(routeByPolicy(message).kind, message).toBe("none");
    }
  });

  it("takes a bare description of someone acting somewhere, or a line said, as a video request", () => {
    for (const message of [
      "Olga and Dmitri talk in Central Park",
      "Captain Reyes stands on the bridge of the starship",
      '"Hurry up!" shouts Kofi as he runs for the bus',
      "a clip of the sunset",
      "animate a dragon flying over the castle",
    ]) {
      expect(routeByPolicy(message).kind, message).toBe("video");
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
