import { afterEach, describe, expect, it, vi } from "vitest";
import { extractSceneFacts, planScene } from "../../src/departments/video/planner/deterministic.js";
import { readRequest } from "../../src/departments/video/reading/index.js";
import {
  requestedSeconds,
  understandRequest,
  videoRelevance,
  VideoBriefSchema,
} from "../../src/departments/video/understand.js";
import { runCli } from "../../src/cli/main.js";
import type { DepartmentReport } from "../../src/domain.js";
import { ChatService } from "../../src/orchestrator/chat.js";
import { shotsToRedo } from "../../src/orchestrator/nodes/turn.js";
import { createTestRuntime } from "../helpers/runtime.js";

describe("who is a character", () => {
  it("casts people who act, not capitalised places, days or parks", () => {
    expect(understandRequest("generate Sarah walking in Central Park on Monday")).toMatchObject({
      characters: ["Sarah"],
      location: "central park",
    });
    expect(understandRequest("a clip of the Eiffel Tower in Paris at night").characters).toEqual([]);
    expect(understandRequest("film Monday morning traffic in Paris").characters).toEqual([]);
    expect(understandRequest("Olga and Dmitri talk in Central Park").characters).toEqual(["Olga", "Dmitri"]);
  });

  it("casts a name that is also an ordinary word when it opens the request as a subject", () => {
    expect(understandRequest("Leo jumps over the fence at the beach").characters).toEqual(["Leo"]);
    expect(understandRequest("Hope sits on a bench in the garden").characters).toEqual(["Hope"]);
    expect(understandRequest("Rain falls on the city").characters).toEqual([]);
    expect(understandRequest("Smoke rises over the town").characters).toEqual([]);
  });

  it("keeps O'Brien one name, and drops the title", () => {
    expect(understandRequest("Make a clip of Mr. O'Brien waving by the fountain").characters).toEqual(["O'Brien"]);
    expect(understandRequest("O'Brien sits at the bar").characters).toEqual(["O'Brien"]);
  });

  it("casts a speaker wherever the name stands, and gives the line to them", () => {
    expect(readRequest('"We\'re late," says Mateo as he runs through the station')).toMatchObject({
      characters: ["Mateo"],
      dialogue: [{ character: "Mateo", text: "We're late" }],
    });
    expect(readRequest('Tom waves, then Sarah says "Hello there"').dialogue).toEqual([
      { character: "Sarah", text: "Hello there" },
    ]);
  });

  it("takes a single-quoted line that the sentence goes on after, not an apostrophe", () => {
    const reading = readRequest("a vertical 15 second video of Sarah saying 'hi there' in the park");
    expect(reading.dialogue).toEqual([{ character: "Sarah", text: "hi there" }]);
    expect(reading.location).toBe("park");
    expect(readRequest("Tom says it's Mia's turn to walk in the park").dialogue).toEqual([]);
  });

  it("does not cast a name inside a quoted line", () => {
    expect(understandRequest('generate Kenji in the car saying "Call Maria now"').characters).toEqual(["Kenji"]);
  });
});

describe("lengths", () => {
  it("does not read decades or years as seconds", () => {
    expect(understandRequest("a 1980s style video of Priya dancing on the boardwalk").durationSeconds).toBeNull();
    expect(understandRequest("an 80s style clip of Leo dancing").durationSeconds).toBeNull();
    expect(understandRequest("generate Nikolai walking in Moscow in 1999").durationSeconds).toBeNull();
    expect(understandRequest("a 5 second 1990s style clip of Anika skating").durationSeconds).toBe(5);
  });

  it("reads number words and hyphenated lengths", () => {
    expect(requestedSeconds("a ten-second clip of Amara running")).toBe(10);
    expect(requestedSeconds("Show Lucas waiting at the airport for twelve seconds")).toBe(12);
    expect(understandRequest("a five-second clip of Tom running").durationSeconds).toBe(5);
    expect(extractSceneFacts("a twenty-five second scene of Mia walking").totalSeconds).toBe(25);
    expect(extractSceneFacts("half a minute of Leo dancing, in a scene").totalSeconds).toBe(30);
    expect(extractSceneFacts("a one and a half minute scene of Sarah walking").totalSeconds).toBe(90);
    expect(planScene("a one minute scene of Sarah walking", { fps: 24, priceFor: () => 0 }).totalDuration).toBe(60);
  });

  it("still refuses a clip longer than one clip can be, naming the field", () => {
    expect(() => understandRequest("a ten-second clip of Amara running")).toThrowError(/duration 10s/);
  });
});

describe("places", () => {
  const places: Array<[string, string]> = [
    ["generate Sarah waving by the fountain", "fountain"],
    ["film Priya dancing on the boardwalk", "boardwalk"],
    ["generate Kenji sitting in the car", "car"],
    ["show Lucas waiting at the airport", "airport"],
    ["a clip of Amara running on a snowy mountain", "snowy mountain"],
    ["film Chloe reading in her apartment", "apartment"],
    ["Captain Reyes stands on the bridge of the starship", "bridge of the starship"],
    ["generate Leo dancing in front of the house", "house"],
    ["a clip of Mei sitting on a bench in the park", "park"],
  ];
  for (const [request, place] of places) {
    it(`finds "${place}" in "${request}"`, () => {
      const brief = understandRequest(request);
      expect(brief.location).toBe(place);
      expect(VideoBriefSchema.safeParse(brief).success).toBe(true);
    });
  }

  it("does not take time, weather, clothing or a target for a place", () => {
    for (const request of [
      "generate Sarah waving at the camera at dawn",
      "a clip of Tom running in the rain",
      "film Ana dancing in a red dress",
      "generate Omar walking in slow motion on Monday",
    ]) {
      expect(understandRequest(request).location, request).toBeNull();
    }
  });

  it("keeps a long place within the brief's 40 characters", () => {
    const brief = understandRequest(
      "generate Kai standing on the observation deck of the abandoned orbital research station",
    );
    expect(brief.location!.length).toBeLessThanOrEqual(40);
    expect(brief.location).toMatch(/deck/);
  });

  it("keeps the action one of the renderer's classes", () => {
    expect(understandRequest("animate a dragon flying over the castle").action).toBe("stand");
    expect(understandRequest("film Björn skiing down a snowy slope").action).toBe("stand");
    expect(understandRequest("generate Tom jumping on the street").action).toBe("jump");
  });
});

describe("which shots a regenerate note names", () => {
  const report = (clipsTotal: number, failed: number[] = []) =>
    ({
      summary: { clipsTotal, failedClips: failed.map((shotIndex) => ({ shotIndex, reason: "failed" })) },
    }) as unknown as DepartmentReport;

  it("reads only shot numbers, never lengths", () => {
    expect(shotsToRedo("shot 3 should be 5 seconds longer", null)).toEqual([3]);
    expect(shotsToRedo("make shot 2 three seconds shorter and shot 4 brighter", null)).toEqual([2, 4]);
    expect(shotsToRedo("shots 2 and 4", null)).toEqual([2, 4]);
    expect(shotsToRedo("shots 2-4", null)).toEqual([2, 3, 4]);
    expect(shotsToRedo("redo shots 2 to 4", null)).toEqual([2, 3, 4]);
    expect(shotsToRedo("the third shot is too dark", null)).toEqual([3]);
    expect(shotsToRedo("the 2nd and 4th shots", null)).toEqual([2, 4]);
    expect(shotsToRedo("the last shot", report(6))).toEqual([6]);
    expect(shotsToRedo("shot 4 and shot 400", null)).toEqual([4]);
  });

  it("falls back to the missing shots, then to all, when the note names none", () => {
    expect(shotsToRedo("make it 5 seconds longer", report(5, [2]))).toEqual([2]);
    expect(shotsToRedo("make it 5 seconds longer", null)).toBeNull();
    expect(shotsToRedo(null, null)).toBeNull();
  });
});

describe("what is not for a video department", () => {
  it("scores greetings, questions and other errands below the threshold", () => {
    for (const message of ["hello", "what's the weather in Paris?", "make me a sandwich", "draw a picture of Sarah"]) {
      expect(videoRelevance(message), message).toBeLessThan(0.5);
    }
    expect(videoRelevance("a clip of the sunset")).toBeGreaterThanOrEqual(0.5);
  });

  describe("cutroom plan", () => {
    afterEach(() => vi.restoreAllMocks());

    async function plan(request: string): Promise<{ code: number; stderr: string; stdout: string }> {
      let stderr = "";
      let stdout = "";
      vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
        stderr += String(chunk);
        return true;
      });
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        stdout += String(chunk);
        return true;
      });
      const code = await runCli(["plan", request]);
      vi.restoreAllMocks();
      return { code, stderr, stdout };
    }

    it("declines what chat declines, with chat's words and exit code 2", async () => {
      const { runtime, cleanup } = await createTestRuntime();
      try {
        const chat = new ChatService(runtime);
        for (const request of ["hello", "what's the weather in Paris?"]) {
          const turn = await chat.turn({ threadId: null, message: request });
          expect(turn.route?.kind).toBe("none");
          const planned = await plan(request);
          expect(planned.code, request).toBe(2);
          expect(planned.stderr.trim()).toBe(`error: ${turn.reply}`);
          expect(planned.stdout).toBe("");
        }
      } finally {
        await cleanup();
      }
    });

    it("still plans a request chat sends to the department", async () => {
      const planned = await plan("a 20 second scene: Sarah walks in the park, sits");
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toMatch(/^scene: 20 s/);
    });
  });
});

describe("odd input", () => {
  it("reads control characters, emoji, other scripts and stray quotes without failing", () => {
    const odd = [
      "Sarah\u0000 walks\n\n\tin  the park",
      "generate 🐱 jumping on the 🛋️ 🎬",
      "生成一个视频: 莎拉在公园里散步",
      "صوّر سارة تمشي في الحديقة",
      `"""'''"' says " : '`,
      "shot shot shots 1-1000000 and 99999999999999999999",
      "a".repeat(1999),
    ];
    for (const text of odd) {
      const reading = readRequest(text);
      expect(reading.characters.length).toBeLessThanOrEqual(4);
      expect(reading.location === null || reading.location.length <= 40).toBe(true);
      expect(shotsToRedo(text, null) ?? []).not.toContain(Number.NaN);
    }
    expect(readRequest("Sarah\u0000 walks\n\n\tin  the park")).toMatchObject({
      characters: ["Sarah"],
      location: "park",
    });
  });
});
