import { describe, expect, it } from "vitest";
import { lookForLocation, profileForCharacter } from "../../src/brain/profiles.js";
import { characterInWords, colourName, locationInWords } from "../../src/brain/words.js";

describe("characters and locations in words", () => {
  it("names the renderer's colours in everyday English", () => {
    expect(colourName("#f39c12")).toBe("orange");
    expect(colourName("#2b1b0e")).toBe("dark brown");
    expect(colourName("#1f3a93")).toMatch(/blue/);
    expect(colourName("#c0392b")).toMatch(/red/);
    expect(colourName("#27ae60")).toMatch(/green/);
    expect(colourName("#111111")).toBe("black");
  });

  it("describes every generated profile and look without a hex code", () => {
    for (const name of ["Sarah", "Ivan", "Mia", "Tom", "Ana", "Bob", "Zed", "Lu"]) {
      const words = characterInWords(name, profileForCharacter(name));
      expect(words).toMatch(new RegExp(`^${name}: a `));
      expect(words).not.toMatch(/#[0-9a-f]{3,6}/i);
      expect(words).toMatch(/skin and .+ hair, wearing a .+ top and .+ trousers/);
    }
    for (const name of ["park", "town square", "kitchen", "beach", "forest", "city", "moon"]) {
      const words = locationInWords(name, lookForLocation(name));
      expect(words.startsWith(`${name}: `)).toBe(true);
      expect(words).not.toMatch(/#[0-9a-f]{3,6}/i);
    }
    expect(locationInWords("kitchen", lookForLocation("kitchen"))).toMatch(/walls/);
  });
});
