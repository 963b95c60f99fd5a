import { describe, expect, it } from "vitest";
import { extractSceneFacts } from "../../src/departments/video/planner/deterministic.js";
import { readRequest } from "../../src/departments/video/reading/index.js";
import { isSceneRequest, understandRequest, VideoBriefSchema } from "../../src/departments/video/understand.js";
import { routeByPolicy } from "../../src/orchestrator/router.js";
import { ACTION_PHRASE_LABELS, LABELLED_REQUESTS, type LabelledRequest } from "./fixtures/requests.js";

type Field = "route" | "characters" | "place" | "duration" | "dialogue" | "actionPhrase" | "descriptions";
const FIELDS: Field[] = ["route", "characters", "place", "duration", "dialogue", "actionPhrase", "descriptions"];

/** What the deterministic path makes of a request, in the fixture's terms. */
function readAs(text: string): Omit<LabelledRequest, "text"> {
  const route = routeByPolicy(text).kind === "video" ? (isSceneRequest(text) ? "scene" : "video") : "not-for-us";
  const reading = readRequest(text);
  return {
    route,
    characters: reading.characters,
    place: reading.location,
    duration: reading.seconds,
    dialogue: reading.dialogue,
    actionPhrase: reading.actionPhrase,
    descriptions: reading.descriptions,
  };
}

describe("the labelled requests", () => {
  const results = LABELLED_REQUESTS.map((labelled) => ({ labelled, read: readAs(labelled.text) }));

  it("are many and varied enough to mean something", () => {
    expect(LABELLED_REQUESTS.length).toBeGreaterThanOrEqual(100);
    for (const route of ["video", "scene", "not-for-us"] as const) {
      expect(LABELLED_REQUESTS.filter((item) => item.route === route).length).toBeGreaterThanOrEqual(20);
    }
    expect(LABELLED_REQUESTS.filter((item) => item.dialogue.length > 0).length).toBeGreaterThanOrEqual(10);
    expect(new Set(LABELLED_REQUESTS.map((item) => item.text)).size).toBe(LABELLED_REQUESTS.length);
    expect(LABELLED_REQUESTS.filter((item) => item.actionPhrase !== undefined).length).toBeGreaterThanOrEqual(40);
    expect(
      LABELLED_REQUESTS.filter((item) => Object.keys(item.descriptions ?? {}).length > 0).length,
    ).toBeGreaterThanOrEqual(8);
    // A label for a request that is not in the set would silently count for nothing.
    for (const text of Object.keys(ACTION_PHRASE_LABELS))
      expect(LABELLED_REQUESTS.map((item) => item.text)).toContain(text);
  });

  it("are read right on each field separately at least 90% of the time", () => {
    const misses: string[] = [];
    const accuracy = Object.fromEntries(
      FIELDS.map((field) => {
        // The words of an action and descriptions are labelled on part of the set; each is scored where labelled.
        const scored = results.filter(({ labelled }) => labelled[field] !== undefined);
        const right = scored.filter(({ labelled, read }) => {
          const same = JSON.stringify(read[field]) === JSON.stringify(labelled[field]);
          if (!same)
            misses.push(
              `${field}: ${JSON.stringify(labelled.text)} read ${JSON.stringify(read[field])}, labelled ${JSON.stringify(labelled[field])}`,
            );
          return same;
        }).length;
        return [field, right / scored.length];
      }),
    ) as Record<Field, number>;
    console.log(
      `per-field accuracy over ${results.length} requests: ${FIELDS.map((field) => `${field} ${(accuracy[field] * 100).toFixed(1)}% of ${results.filter(({ labelled }) => labelled[field] !== undefined).length}`).join(", ")}`,
    );
    if (misses.length > 0) console.log(`misread:\n  ${misses.join("\n  ")}`);
    for (const field of FIELDS) expect(accuracy[field], field).toBeGreaterThanOrEqual(0.9);
  });

  it("give the brief and the scene planner the same reading", () => {
    for (const { labelled, read } of results) {
      if (read.route === "video" && (read.duration === null || read.duration <= 7)) {
        const brief = understandRequest(labelled.text);
        expect(VideoBriefSchema.safeParse(brief).success, labelled.text).toBe(true);
        expect({
          characters: brief.characters,
          place: brief.location,
          dialogue: brief.dialogue,
          actionPhrase: brief.actionPhrase,
          descriptions: brief.descriptions,
        }).toEqual({
          characters: read.characters,
          place: read.place,
          dialogue: read.dialogue,
          actionPhrase: read.actionPhrase,
          descriptions: read.descriptions,
        });
      }
      if (read.route === "scene") {
        const facts = extractSceneFacts(labelled.text);
        expect({ characters: facts.characters, place: facts.location, duration: facts.totalSeconds }).toEqual({
          characters: read.characters,
          place: read.place,
          duration: read.duration,
        });
      }
    }
  });
});
