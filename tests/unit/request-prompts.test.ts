/**
 * Golden prompts from requests: 36 varied requests are read as a chat turn reads them (no chat model), cast
 * as a new project would cast them, and written for each model family. The files under golden/ are the
 * prompts a paid model is sent; a change to any of them shows in review. Every prompt, and every retry's
 * prompt after any failed check, is free of ids, file names, hex colours and scores.
 */
import { describe, expect, it } from "vitest";
import { lookForLocation, profileForCharacter, wordsOf } from "../../src/brain/profiles.js";
import { locationInWords } from "../../src/brain/words.js";
import { LOCAL_VIDEO_MODEL } from "../../src/config.js";
import { QUALITY_CHECK_TYPES, type QualityCheck } from "../../src/domain.js";
import { adjustFromFeedback } from "../../src/departments/video/policy.js";
import { shotFacts, shotSizeIn } from "../../src/departments/video/shot-prompt.js";
import type { EntityRef } from "../../src/departments/video/state.js";
import { understandRequest } from "../../src/departments/video/understand.js";
import { buildPrompt, promptProblems } from "../../src/providers/video/prompts/index.js";
import type { ShotFacts } from "../../src/providers/video/prompts/types.js";

const REQUESTS = [
  "generate Sarah walking in the park",
  "generate Ivan playing chess in the town square",
  "Sarah, a tall woman in a red coat, walks her dog along the river",
  "make a video of Tom cooking pasta in his kitchen",
  "a close-up of Mia reading a letter by the window at dusk, cinematic",
  "generate Leo running on the beach, warm",
  "Ana dances in a neon-lit street, high-contrast",
  "a wide shot of Omar waving from the bridge",
  "Kenji, an old fisherman in a yellow raincoat, mends a net on the pier",
  "generate Priya sitting on a bench in the garden, cool",
  "a medium shot of Lars opening the door of the cabin",
  "make a 4 second clip of Zoe jumping in the forest",
  "generate Sam and Mia talking in the cafe",
  "Ravi looks around the empty warehouse, static camera",
  "generate Elena, a ballet dancer in a white dress, dancing on the stage",
  "a tracking shot of Max jogging through the city",
  "Noor waters the plants on her balcony, natural",
  "generate Hugo, a retired teacher, feeding pigeons in the square",
  "a 6 second clip of Aiko skateboarding down the street",
  "generate Bea painting a mural in the alley",
  "Diego, a chef in a white apron, tastes the soup in the restaurant kitchen",
  "make a video of Ines climbing the stairs of the lighthouse",
  "Carlos waits at the bus stop, pan left",
  "generate Yuki walking home in Tokyo, cinematic",
  "a close-up of Grace laughing in the car",
  "generate Felix reading a newspaper on the train",
  "Olga, my grandmother, knits by the fireplace",
  "generate Theo playing guitar on the rooftop, warm",
  "a wide shot of Lena riding a bicycle along the canal",
  "generate Mateo and Sofia dancing in the ballroom",
  "Ben fixes his bike in the garage, zoom in",
  "generate Iris, a girl with a red umbrella, standing in the rain in the plaza",
  "make a clip of Arjun meditating in the temple, cool",
  "generate Chloe writing in her notebook in the library",
  "a dolly out from Nadia on the mountain top",
  "generate Paul walking his dog in the snowy park",
];

/** One model id per prompt family (the registry picks the family from the id). */
const FAMILIES: Record<string, string> = {
  minimax: "fal-ai/minimax-video/image-to-video",
  kling: "fal-ai/kling-video/v1.6/standard/image-to-video",
  runway: "fal-ai/runway-gen3/turbo/image-to-video",
  luma: "fal-ai/luma-dream-machine",
  generic: "fal-ai/wan-t2v",
  local: LOCAL_VIDEO_MODEL,
};

/** A request's facts as a turn in a new project makes them: generated profiles and looks, in words. */
function factsOf(text: string, corrections: string[] = []): ShotFacts {
  const brief = understandRequest(text);
  const characters: EntityRef[] = brief.characters.map((name) => ({
    id: name,
    name,
    referenceIds: [],
    referenceMediaIds: [],
    created: true,
    description: wordsOf(name, profileForCharacter(name)),
  }));
  const location: EntityRef | null =
    brief.location === null
      ? null
      : {
          id: brief.location,
          name: brief.location,
          referenceIds: [],
          referenceMediaIds: [],
          created: true,
          description: locationInWords(brief.location, lookForLocation(brief.location)),
        };
  return shotFacts(
    brief,
    { characters, location },
    {
      characters: brief.characters,
      action: brief.action,
      actionPhrase: brief.actionPhrase ?? null,
      location: brief.location,
      camera: brief.camera,
      shotSize: shotSizeIn(text),
      durationSeconds: brief.durationSeconds ?? 5,
      corrections,
    },
  );
}

/** A failed check whose details carry everything a prompt must never: ids, file names, hex colours, scores. */
function failed(type: QualityCheck["type"]): QualityCheck {
  return {
    type,
    score: 0.095,
    passed: false,
    threshold: 0.7,
    details: "share of master-med_9f8e7d.png colours #f39c12 in key frames: 0.095 (histogram 12.5%)",
  };
}

describe("golden prompts from requests", () => {
  it("reads at least 30 varied requests", () => {
    expect(REQUESTS.length).toBeGreaterThanOrEqual(30);
  });

  for (const [family, model] of Object.entries(FAMILIES)) {
    it(`writes the ${family} family's prompts`, async () => {
      const text = REQUESTS.map((request) => {
        const built = buildPrompt(model, factsOf(request));
        return `## ${request}\nprompt: ${built.prompt}\nnegative: ${built.negativePrompt ?? "(none)"}\n`;
      }).join("\n");
      await expect(text).toMatchFileSnapshot(`./golden/requests-${family}.txt`);
    });
  }
});

describe("what reaches a provider", () => {
  it("keeps who, what and where, and never carries an id, a file, a hex colour or a score", () => {
    for (const request of REQUESTS) {
      const facts = factsOf(request);
      for (const model of Object.values(FAMILIES)) {
        const built = buildPrompt(model, facts);
        expect(promptProblems(built.prompt), `${model}: ${built.prompt}`).toEqual([]);
        expect(promptProblems(built.negativePrompt ?? ""), model).toEqual([]);
        for (const subject of facts.subjects) expect(built.prompt, model).toContain(subject.name);
        if (facts.setting !== null) expect(built.prompt, model).toContain(facts.setting.replace(/^the /, ""));
      }
    }
  });

  it("stays clean on every retry path: each failed check's correction, alone and all together", () => {
    for (const request of REQUESTS) {
      const brief = understandRequest(request);
      const cast = { characters: brief.characters, location: brief.location };
      const start = { motionStrength: 0.6, sharpen: null, notes: [] };
      const paths = [...QUALITY_CHECK_TYPES.map((type) => [failed(type)]), QUALITY_CHECK_TYPES.map(failed)];
      for (const checks of paths) {
        const corrections = adjustFromFeedback(checks, start, cast).corrections ?? [];
        for (const model of Object.values(FAMILIES)) {
          const built = buildPrompt(model, factsOf(request, corrections));
          const sent = `${built.prompt} ${built.negativePrompt ?? ""}`;
          expect(promptProblems(sent), `${model} after ${checks.map((item) => item.type).join("+")}`).toEqual([]);
          expect(sent).not.toMatch(/med_|\.png|#[0-9a-f]{6}|0\.095|12\.5%/i);
        }
      }
    }
  });
});
