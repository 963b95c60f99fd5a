/**
 * @langchain/openai ChatOpenAI against an OpenAI-compatible fake: the router's structured answer and a
 * specialist's tool loop work over the wire; invalid, failing, slow or malformed answers fall back to
 * the deterministic policy and are logged; the key stays out of the logs.
 */
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../../src/config.js";
import { judgeRelevance } from "../../src/departments/video/llm.js";
import { routeTurn } from "../../src/orchestrator/router.js";
import { createLlmFromConfig, type Runtime } from "../../src/runtime.js";
import { runSpecialist } from "../../src/specialists/agent.js";
import { startFakeOpenAi, type ChatReply, type FakeOpenAi } from "../fakes/openai.js";

const KEY = "sk-test-7d0e4b1a9c";
const VIDEO_ROUTE = {
  kind: "video",
  department: "video-generation",
  relevance: 0.92,
  reason: "asks for footage of Sarah",
};

describe("OpenAI-compatible chat model against the fake server", () => {
  let fake: FakeOpenAi;
  let logs: string[];
  const log = { info: (line: string) => logs.push(line), warn: (line: string) => logs.push(line) };
  const model = (options: { timeout?: number } = {}) =>
    new ChatOpenAI({
      model: "local-model",
      apiKey: KEY,
      maxRetries: 0,
      temperature: 0,
      configuration: { baseURL: fake.url },
      ...options,
    });

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    logs = [];
    fake.reset();
  });

  it("the runtime builds the model from OPENAI_BASE_URL and the router takes its structured answer", async () => {
    const config = loadConfig({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "local-model" });
    expect(config.adapters.find((choice) => choice.port === "llm")).toMatchObject({ adapter: "openai-compatible" });
    const llm = await createLlmFromConfig(config);
    fake.script({ kind: "tools", calls: [{ name: "route", args: VIDEO_ROUTE }] });
    const route = await routeTurn("generate Sarah walking in the park", llm, log);
    expect(route).toMatchObject({ ...VIDEO_ROUTE, decidedBy: "llm" });
    expect(fake.requests[0]!.model).toBe("local-model");
    expect(fake.requests[0]!.tools?.map((entry) => entry.function.name)).toEqual(["route"]);
    expect(fake.authorizations.at(-1)).toBe(`Bearer ${KEY}`);
  });

  it("invalid structured output falls back to the policy, logged", async () => {
    fake.script({ kind: "tools", calls: [{ name: "route", args: { ...VIDEO_ROUTE, relevance: 7 } }] });
    const route = await routeTurn("generate Sarah walking in the park", model(), log);
    expect(route).toMatchObject({ kind: "video", decidedBy: "policy" });
    expect(logs.join("\n")).toMatch(/router: the chat model/);
  });

  it("a malformed body, a server error, a slow answer and a text-only answer all fall back to the policy", async () => {
    const cases = [
      { kind: "malformed" } as const,
      { kind: "status", status: 500, body: { error: { message: "upstream crashed" } } } as const,
      { kind: "text", content: "I think it is video." } as const,
    ];
    for (const reply of cases) {
      fake.script(reply);
      const route = await routeTurn("generate Sarah walking in the park", model(), log);
      expect(route, reply.kind).toMatchObject({ kind: "video", decidedBy: "policy" });
    }
    fake.script({ kind: "hang", holdMs: 3000 });
    const started = Date.now();
    const slow = await routeTurn("generate Sarah walking in the park", model({ timeout: 300 }), log);
    expect(slow.decidedBy).toBe("policy");
    expect(Date.now() - started).toBeLessThan(2500);
    expect(logs.filter((line) => line.startsWith("router:"))).toHaveLength(4);
    expect(logs.join("\n")).not.toContain(KEY);
  });

  it("a specialist's tool loop runs the tools the model calls, over the wire", async () => {
    const seen: string[] = [];
    const echo = tool(
      async ({ word }) => {
        seen.push(word);
        return JSON.stringify({ word });
      },
      { name: "echo_word", description: "echo a word", schema: z.object({ word: z.string() }) },
    );
    fake.script(
      { kind: "tools", calls: [{ name: "echo_word", args: { word: "park" } }] },
      { kind: "text", content: "Done." },
    );
    const run = await runSpecialist({
      name: "video-generator",
      systemPrompt: "echo",
      task: "echo park",
      tools: [echo],
      plan: [{ tool: "echo_word", args: () => ({ word: "fallback" }) }],
      isComplete: (calls) => calls.some((call) => call.ok),
      llm: model(),
      log,
    });
    expect(run.mode).toBe("llm");
    expect(seen).toEqual(["park"]);
    expect(fake.requests[0]!.tools?.[0]?.function.name).toBe("echo_word");
  });

  it("a wrong key is refused and the policy decides, without the key in the log", async () => {
    const wrong = new ChatOpenAI({
      model: "m",
      apiKey: `${KEY}-x`,
      maxRetries: 0,
      configuration: { baseURL: fake.url },
    });
    const route = await routeTurn("generate Sarah walking in the park", wrong, log);
    expect(route.decidedBy).toBe("policy");
    expect(logs.join("\n")).toMatch(/401|API key/i);
    expect(logs.join("\n")).not.toContain(KEY);
  });

  describe("the grader shown frames", () => {
    const frames = [1, 2, 3].map((n) => ({ mediaType: "image/png" as const, data: Buffer.from(`frame-${n}`) }));
    const judge = (llm: ChatOpenAI) =>
      judgeRelevance(
        { llm, log } as unknown as Runtime,
        "generate Sarah walking in the park",
        { depictedCharacters: ["Sarah"] },
        0.8,
        frames,
      );
    const answer: ChatReply = {
      kind: "tools",
      calls: [{ name: "relevance", args: { relevance: 0.4, reason: "no park" } }],
    };

    it("sends the frames in order after the text, and half the relevance is the model's", async () => {
      fake.script(answer);
      const judged = await judge(model());
      expect(judged).toMatchObject({ relevance: 0.6, decidedBy: "llm", judgedFrom: "frames", reason: "no park" });
      const user = fake.requests[0]!.messages.find((message) => message.role === "user")!;
      const parts = user.content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
      expect(parts[0]).toMatchObject({ type: "text", text: expect.stringMatching(/3 images follow, in order/) });
      expect(
        parts.slice(1).map((part) => Buffer.from(part.image_url!.url.split(",")[1]!, "base64").toString()),
      ).toEqual(["frame-1", "frame-2", "frame-3"]);
      expect(String(fake.requests[0]!.messages[0]!.content)).toMatch(/frames sampled in order/);
    });

    it("a model that refuses images is asked again with the text alone", async () => {
      fake.script(
        {
          kind: "status",
          status: 400,
          body: { error: { message: "image input is not supported", type: "invalid_request_error" } },
        },
        answer,
      );
      const judged = await judge(model());
      expect(judged).toMatchObject({ decidedBy: "llm", judgedFrom: "facts" });
      expect(fake.requests).toHaveLength(2);
      expect(typeof fake.requests[1]!.messages.find((message) => message.role === "user")!.content).toBe("string");
      expect(String(fake.requests[1]!.messages[0]!.content)).not.toMatch(/frames/);
      expect(logs.join("\n")).toMatch(/did not take the images/);
    });

    it("an outage is not retried without images: the measured relevance stands", async () => {
      fake.script({ kind: "status", status: 503, body: { error: { message: "overloaded" } } });
      const judged = await judge(model());
      expect(judged).toMatchObject({ relevance: 0.8, decidedBy: "policy", judgedFrom: null });
      expect(fake.requests).toHaveLength(1);
    });
  });
});
