import { describe, expect, it } from "vitest";
import { LOCAL_VIDEO_MODEL } from "../../src/config.js";
import { promptOf } from "../../src/providers/video/fal/models.js";
import {
  buildPrompt,
  PROMPT_FAMILIES,
  promptFamilyOf,
  promptProblems,
  type PromptFamily,
} from "../../src/providers/video/prompts/index.js";
import { actionClause, cleanFacts, isParticiple, namesOf } from "../../src/providers/video/prompts/phrases.js";
import { isClean, scrub } from "../../src/providers/video/prompts/sanitize.js";
import { sarahInThePark } from "../helpers/fixtures.js";
import { FORBIDDEN_CORRECTIONS, SHOT_FACTS } from "./fixtures/shot-facts.js";

/** One model id per family, as the FAL adapter and the local renderer name them. */
const MODELS: Record<PromptFamily, string> = {
  minimax: "fal-ai/minimax-video",
  kling: "fal-ai/kling-video/v1/standard/image-to-video",
  runway: "fal-ai/runway-gen3/turbo/image-to-video",
  luma: "fal-ai/luma-dream-machine",
  generic: "fal-ai/wan-i2v",
  local: LOCAL_VIDEO_MODEL,
};
const LIMITS: Record<PromptFamily, number> = {
  minimax: 1500,
  kling: 1500,
  runway: 1000,
  luma: 1500,
  generic: 1500,
  local: 1500,
};

describe("prompt builders: golden prompts per family", () => {
  it.each(PROMPT_FAMILIES)("%s", async (family) => {
    const text = SHOT_FACTS.map(([name, facts]) => {
      const built = buildPrompt(MODELS[family], facts);
      return `## ${name}\nprompt: ${built.prompt}\nnegative: ${built.negativePrompt ?? "(none)"}\n`;
    }).join("\n");
    await expect(text).toMatchFileSnapshot(`./golden/prompts-${family}.txt`);
  });
});

describe("prompt builders: properties", () => {
  const cases = SHOT_FACTS.flatMap(([name, facts]) => PROMPT_FAMILIES.map((family) => [name, family, facts] as const));

  it.each(cases)("%s for %s: clean, within the limit, names and action kept", (_name, family, facts) => {
    const built = buildPrompt(MODELS[family], facts);
    expect(built.family).toBe(family);
    expect(promptProblems(built.prompt)).toEqual([]);
    expect(promptProblems(built.negativePrompt ?? "")).toEqual([]);
    expect(built.prompt.length).toBeLessThanOrEqual(LIMITS[family]);
    for (const subject of facts.subjects) expect(built.prompt).toContain(scrub(subject.name));
    // The action in the request's words; several people take the plural verb ("watches" → "watch").
    const clean = cleanFacts(facts);
    const verbFirst = actionClause(clean).slice(namesOf(clean.subjects).length + 1);
    expect(built.prompt).toContain(isParticiple(clean.action) ? clean.action : verbFirst);
    if (isClean(facts.action)) expect(clean.action).toBe(facts.action);
    expect(built.negativePrompt !== null).toBe(family === "kling" || family === "generic");
  });

  it.each(PROMPT_FAMILIES)("%s: corrections with ids, files, hex or numbers never reach the prompt", (family) => {
    const facts = SHOT_FACTS.find(([name]) => name === "retry-forbidden")![1];
    const built = buildPrompt(MODELS[family], facts);
    const sent = `${built.prompt}\n${built.negativePrompt ?? ""}`;
    for (const correction of FORBIDDEN_CORRECTIONS) expect(sent).not.toContain(correction);
    for (const piece of ["med_ab12", ".png", "0.095", "#f39c12", "/tmp/", "LUFS", "12%", "score"]) {
      expect(sent).not.toContain(piece);
    }
    expect(built.prompt.toLowerCase()).toContain("keep the chessboard in frame");
  });

  it.each(PROMPT_FAMILIES)("%s: descriptions holding hex colours or ids are dropped, not sent", (family) => {
    for (const name of ["hex-in-description", "id-in-names"]) {
      const built = buildPrompt(MODELS[family], SHOT_FACTS.find(([caseName]) => caseName === name)![1]);
      expect(built.prompt).not.toMatch(/#[0-9a-f]{3,8}|ref_|upl_|frame_/i);
    }
  });

  it.each(PROMPT_FAMILIES)("%s: long descriptions are trimmed before the subjects and action", (family) => {
    const facts = SHOT_FACTS.find(([name]) => name === "long-descriptions")![1];
    const built = buildPrompt(MODELS[family], facts);
    expect(built.prompt.length).toBeLessThanOrEqual(LIMITS[family]);
    expect(built.prompt).toContain("Ivan");
    expect(built.prompt).toContain("Sarah");
    expect(built.prompt).toContain("arguing over a map");
  });

  it("negated corrections become visible instructions; the negative prompt never fights the prompt", () => {
    const negatives = SHOT_FACTS.find(([name]) => name === "retry-negatives")![1];
    const kling = buildPrompt(MODELS.kling, negatives);
    expect(kling.prompt.toLowerCase()).toContain("steady, even light across every frame");
    expect(kling.prompt).toContain("only the named characters in frame");
    expect(kling.prompt).not.toMatch(/\bno (?:flicker|extra people|text)\b/);
    // "no dogs in the background" has no positive form; Sarah walks her dog, so "dogs" would fight it.
    expect(kling.negativePrompt).not.toContain("dog");
    const reading = buildPrompt(MODELS.kling, SHOT_FACTS.find(([name]) => name === "reading-text-message")![1]);
    expect(reading.negativePrompt).not.toMatch(/\btext\b/);
    expect(reading.negativePrompt).toContain("watermark");
    expect(buildPrompt(MODELS.luma, negatives).prompt).not.toMatch(/\bno\b/i);
  });

  it("several people take the plural verb; a beach is stood on", () => {
    const built = buildPrompt(MODELS.runway, SHOT_FACTS.find(([name]) => name === "plural-third-person")![1]);
    expect(built.prompt).toContain("Ivan and Sarah watch the sunset on the beach.");
  });

  it("MiniMax Director models get camera commands in brackets, other Hailuo models plain words", () => {
    const facts = SHOT_FACTS.find(([name]) => name === "ivan-chess-described")![1];
    expect(buildPrompt("fal-ai/minimax/video-01-director", facts).prompt).toContain("[Push in]");
    expect(buildPrompt(MODELS.minimax, facts).prompt).not.toContain("[");
  });
});

describe("promptFamilyOf", () => {
  it("maps FAL model ids and the local renderer to a guide", () => {
    expect(promptFamilyOf("fal-ai/minimax/hailuo-02/standard/image-to-video")).toBe("minimax");
    expect(promptFamilyOf("fal-ai/kling-video/v2.1/master/text-to-video")).toBe("kling");
    expect(promptFamilyOf("fal-ai/runway-gen3/turbo/image-to-video")).toBe("runway");
    expect(promptFamilyOf("fal-ai/luma-video-to-video")).toBe("luma");
    expect(promptFamilyOf("fal-ai/luma-dream-machine/image-to-video")).toBe("luma");
    expect(promptFamilyOf("fal-ai/wan-i2v")).toBe("generic");
    expect(promptFamilyOf(LOCAL_VIDEO_MODEL)).toBe("local");
    expect(promptFamilyOf("local-animatic")).toBe("local");
  });
});

describe("promptProblems", () => {
  it("names ids, files, paths, hex colours and quality-check numbers", () => {
    expect(promptProblems("keep master-med_ab12.png's colours")).toEqual(
      expect.arrayContaining([expect.stringMatching(/^an internal id/), expect.stringMatching(/^a file name/)]),
    );
    expect(promptProblems("see projects/p1/shots")[0]).toMatch(/^a path/);
    expect(promptProblems("copy /tmp/x")[0]).toMatch(/^a path/);
    expect(promptProblems("an #f39c12 top")[0]).toMatch(/^a hex colour/);
    expect(promptProblems("score 0.095")).toHaveLength(2);
    expect(promptProblems("95% of frames")[0]).toMatch(/^a measured number/);
    expect(promptProblems("-23 LUFS loudness")[0]).toMatch(/^a quality-check term/);
    expect(promptProblems("flat histogram")[0]).toMatch(/^a quality-check term/);
    for (const id of ["vid_1", "ref_a", "chr_sarah", "loc_park", "req_9", "frame_12", "upl_x"]) {
      expect(promptProblems(`with ${id} here`)).not.toEqual([]);
    }
  });

  it("passes ordinary prompt prose", () => {
    for (const text of [
      "Static medium shot: Ivan, a tall man in a grey coat, is playing chess in the town square.",
      "A 5-second close-up of Mia waving, with a still camera and cool bluish light.",
      "Two friends and/or a dog walk through 3 streets; 16:9 framing, 24 frames per second.",
    ]) {
      expect(promptProblems(text)).toEqual([]);
    }
  });
});

describe("FAL promptOf with built prompts", () => {
  it("sends a built prompt as given and appends only what it does not describe, in words", () => {
    const request = sarahInThePark({ camera: "static" });
    const built = buildPrompt(MODELS.kling, {
      subjects: [{ name: "Sarah", description: "a tall woman in a red coat" }],
      action: "walking",
      setting: "park",
      settingDescription: "a park with grass and trees",
      shotSize: "wide",
      camera: "static",
      style: "natural",
      durationSeconds: 2,
      corrections: [],
    });
    expect(promptOf({ ...request, prompt: built.prompt })).toBe(built.prompt);
  });

  it("describes characters and places in words, never the renderer's hex profile", () => {
    const request = sarahInThePark({ camera: "pan-left" });
    const profile = { ...request.characters[0]!.profile, description: "Sarah: #2b1b0e hair, #f39c12 top" };
    const sent = promptOf({ ...request, characters: [{ ...request.characters[0]!, profile }] });
    expect(sent).toMatch(/^Sarah walking in the park\. Characters: Sarah: a .+ Setting: park: a park with grass/);
    expect(sent).toContain("Camera: pan left.");
    expect(promptProblems(sent)).toEqual([]);
  });
});
