import { describe, expect, it } from "vitest";
import { assertId, isCutroomError } from "../../src/errors.js";

describe("assertId", () => {
  it("accepts ids of letters, digits, '-' and '_'", () => {
    expect(assertId("default", "projectId")).toBe("default");
    expect(assertId("vid_abc-123", "videoId")).toBe("vid_abc-123");
  });

  it("refuses a missing value instead of reading it as the text 'undefined'", () => {
    for (const value of [undefined, null, 42]) {
      let caught: unknown = null;
      try {
        assertId(value as unknown as string, "projectId");
      } catch (error) {
        caught = error;
      }
      expect(isCutroomError(caught, "INVALID_ID")).toBe(true);
      expect((caught as { field: string }).field).toBe("projectId");
    }
  });

  it("refuses path characters", () => {
    expect(() => assertId("../etc", "projectId")).toThrow(/projectId must be/);
  });
});
