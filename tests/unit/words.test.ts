import { describe, expect, it } from "vitest";
import { describeProfile, lookForLocation, profileForCharacter, wordsOf } from "../../src/brain/profiles.js";
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
      expect(words).toMatch(new RegExp(`^${name}: an? `));
      expect(words).not.toMatch(/#[0-9a-f]{3,6}/i);
      expect(words).toMatch(/skin and .+ hair, wearing an? .+ top and .+ trousers/);
      expect(words).not.toMatch(/\ba [aeiou]/i);
    }
    for (const name of ["park", "town square", "kitchen", "beach", "forest", "city", "moon"]) {
      const words = locationInWords(name, lookForLocation(name));
      // A place of no known kind ("moon") is its name alone.
      expect(words === name || words.startsWith(`${name}: `)).toBe(true);
      expect(words).not.toMatch(/#[0-9a-f]{3,6}/i);
    }
    expect(locationInWords("kitchen", lookForLocation("kitchen"))).toMatch(/walls and an? .+ floor$/);
    expect(locationInWords("moon", lookForLocation("moon"))).toBe("moon");
  });

  it("stores a profile described in words, with an apparent age stable per name", () => {
    const ages = new Set<string>();
    for (const name of ["Sarah", "Ivan", "Mia", "Tom", "Ana", "Bob", "Zed", "Lu", "Kenji", "Amara", "Olu", "Priya"]) {
      const profile = profileForCharacter(name);
      expect(profile.apparentAge).toMatch(/^in their (twenties|thirties|forties|fifties)$/);
      expect(profileForCharacter(name).apparentAge).toBe(profile.apparentAge);
      expect(profile.description).toBe(characterInWords(name, profile));
      expect(profile.description).toContain(profile.apparentAge!);
      expect(profile.description).not.toMatch(/#[0-9a-f]{3,6}/i);
      ages.add(profile.apparentAge!);
    }
    expect(ages.size).toBeGreaterThan(1);
    const park = lookForLocation("town square");
    expect(park.description).toBe(locationInWords("town square", park));
    expect(park.description).not.toMatch(/#[0-9a-f]{3,6}/i);
  });

  it("describes a character by the user's words when given, else by the profile in words", () => {
    const profile = profileForCharacter("Sarah");
    expect(describeProfile("Sarah", profile, "a tall woman in a red coat")).toBe("Sarah: a tall woman in a red coat");
    expect(describeProfile("Sarah", profile)).toBe(profile.description);
    expect(describeProfile("Sarah", profile, "  ")).toBe(profile.description);
  });

  it("reads a profile stored with hex colours in words", () => {
    const { apparentAge: _age, ...fresh } = profileForCharacter("Sarah");
    const legacy = { ...fresh, description: "Sarah: #2b1b0e hair, #c0392b top, #34495e trousers, #f1c40f accent" };
    expect(wordsOf("Sarah", legacy)).toBe(characterInWords("Sarah", legacy));
    expect(wordsOf("Sarah", legacy)).not.toMatch(/#[0-9a-f]{6}/i);
    expect(describeProfile("Sarah", legacy)).toMatch(/^Sarah: a .+ person with .+ skin/);
    expect(wordsOf("Sarah", { ...legacy, description: "Sarah: a woman with grey hair" })).toBe(
      "Sarah: a woman with grey hair",
    );
  });
});
