import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, listOptions, titleOf } from "../../src/brain/library.js";
import { isCutroomError } from "../../src/errors.js";
import { closest, didYouMean, editDistance } from "../../src/cli/suggest.js";

function fieldOf(read: () => unknown): string | null {
  try {
    read();
  } catch (error) {
    return isCutroomError(error, "INVALID_INPUT") ? error.field : "not INVALID_INPUT";
  }
  return null;
}

describe("take titles", () => {
  it("keep what the video shows, without the asking and the format", () => {
    expect(titleOf("generate Sarah walking in the park")).toBe("Sarah walking in the park");
    expect(titleOf("a 4 second scene of Sarah walking in the park")).toBe("Sarah walking in the park");
    expect(titleOf("Please make me a short vertical video of a dog surfing")).toBe("A dog surfing");
    expect(titleOf("a 10-second clip of Tom cooking.")).toBe("Tom cooking");
    expect(titleOf("  Sarah:   a tall woman, walks!  ")).toBe("Sarah: a tall woman, walks");
  });

  it("are cut at ten words or sixty characters, marked with an ellipsis", () => {
    expect(titleOf("one two three four five six seven eight nine ten eleven")).toBe(
      "One two three four five six seven eight nine ten…",
    );
    const long = titleOf(`Sarah ${"extraordinarily ".repeat(6)}walks`);
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith("…")).toBe(true);
    expect(titleOf("a video")).toBe("Video");
    expect(titleOf("   ")).toBe("Untitled");
  });
});

describe("library pages", () => {
  it("round-trip a cursor and refuse anything else naming the field", () => {
    const position = { at: "2025-01-01T00:00:00.000Z", id: "vid_1" };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(fieldOf(() => decodeCursor("!!"))).toBe("cursor");
    expect(fieldOf(() => decodeCursor(Buffer.from("{}").toString("base64url")))).toBe("cursor");
    expect(fieldOf(() => decodeCursor(Buffer.from('["soon","x"]').toString("base64url"), "--cursor"))).toBe("--cursor");
  });

  it("read a limit of 1 to 100 (20 by default) and a known status", () => {
    expect(listOptions({})).toEqual({ limit: 20, after: null, status: null });
    expect(listOptions({ limit: "100", status: "accepted" })).toMatchObject({ limit: 100, status: "accepted" });
    for (const limit of ["0", "101", "2.5", "-1", "ten", ""])
      expect(fieldOf(() => listOptions({ limit }))).toBe("limit");
    expect(fieldOf(() => listOptions({ status: "done" }))).toBe("status");
  });
});

describe("did you mean", () => {
  it("guesses the nearest command or option, or nothing when none is near", () => {
    expect(editDistance("lsit", "list")).toBe(1);
    expect(editDistance("thred", "thread")).toBe(1);
    expect(closest("lsit", ["chat", "list", "plan"])).toBe("list");
    expect(closest("thred", ["thread", "choice", "note"])).toBe("thread");
    expect(closest("chioce", ["thread", "choice", "note"])).toBe("choice");
    expect(closest("capt", ["captions", "choice"])).toBe("captions");
    expect(closest("xyz", ["chat", "list", "plan"])).toBeNull();
    expect(didYouMean("thred", ["thread"], "--")).toBe(": did you mean --thread?");
    expect(didYouMean("banana", ["thread"], "--")).toBe("");
  });
});
