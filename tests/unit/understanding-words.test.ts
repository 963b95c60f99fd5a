import { describe, expect, it } from "vitest";
import { planScene } from "../../src/departments/video/planner/deterministic.js";
import { ScenePlanSchema } from "../../src/departments/video/planner/plan.js";
import { actionPhraseOf, gerundOf, readRequest } from "../../src/departments/video/reading/index.js";
import { understandRequest, VideoBriefSchema } from "../../src/departments/video/understand.js";

describe("the action in the request's words", () => {
  it.each([
    ["generate Ivan playing chess in the town square", "playing chess"],
    ["Sarah walks her dog along the river", "walking her dog"],
    ["a video of Tom cooking pasta in his kitchen", "cooking pasta"],
    ["Mia reading a letter by the window at dusk", "reading a letter"],
    ["generate Sarah walking in the park", "walking"],
    ["a 20 second scene: Tom runs down the street, jumps, waves", "running"],
    ["a shot of the empty beach", null],
    ["Olga and Dmitri talk in Central Park in 1999", "talking"],
    ["create a 3s shot of Mei waving at the camera", "waving at the camera"],
    ["animate a dragon flying over the castle", "flying"],
    ["make a clip where Siobhan hugs Aoife at the airport", "hugging Aoife"],
    ["show Tariq looking at the stars from the rooftop", "looking at the stars"],
    ["make a video of Ana Lucía dancing salsa in Havana", "dancing salsa"],
    ["Show Lucas waiting at the airport for five seconds", "waiting"],
    ["generate Sarah walking in the park in a red dress", "walking"],
    ["a clip of Mrs. Kowalski watering plants on her balcony", "watering plants"],
    ["storyboard a scene where Pablo chases a pigeon across the plaza", "chasing a pigeon"],
    ["a fifteen second scene in a hospital corridor: Dr. Mensah walks fast, a nurse follows", "walking fast"],
    ["plan a twenty-second scene where Amara enters the kitchen, sits at the table and reads", "entering"],
    ['"Hurry up!" shouts Kofi as he runs for the bus', "running for the bus"],
    ['Kenji sits in the car and says "Let\'s go"', "sitting"],
    ["a scene where Ingrid and Bjorn ski down the mountain", "skiing"],
    ["make a timelapse of clouds over the mountains", null],
    ["Zanele slowly walks across the bridge", "walking"],
  ])("%s → %s", (text, phrase) => {
    expect(readRequest(text).actionPhrase).toBe(phrase);
  });

  it("turns a scene's beats into words of their own", () => {
    expect(actionPhraseOf("walks past the fountain")).toBe("walking");
    expect(actionPhraseOf("then walks on")).toBe("walking on");
    expect(actionPhraseOf("he gets on")).toBe("getting on");
    expect(actionPhraseOf("checks his watch")).toBe("checking his watch");
    expect(actionPhraseOf("Sarah enters the park")).toBe("entering");
  });

  it("conjugates any verb, not a list", () => {
    expect(gerundOf("walks")).toBe("walking");
    expect(gerundOf("ski")).toBe("skiing");
    expect(gerundOf("runs")).toBe("running");
    expect(gerundOf("lies")).toBe("lying");
    expect(gerundOf("playing")).toBe("playing");
  });
});

describe("a character described beside the name", () => {
  it("keeps the description and still reads who acts, where, doing what", () => {
    const reading = readRequest("Sarah, a tall woman in a red coat, walks her dog along the river");
    expect(reading.characters).toEqual(["Sarah"]);
    expect(reading.location).toBe("river");
    expect(reading.descriptions).toEqual({ Sarah: "a tall woman in a red coat" });
    expect(reading.actionPhrase).toBe("walking her dog");
    expect(understandRequest("Sarah, a tall woman in a red coat, walks her dog along the river").action).toBe("walk");
  });

  it.each([
    ["Sarah (a tall woman in a red coat) walks her dog", "Sarah", "a tall woman in a red coat"],
    ["Sarah, who is a retired teacher, reads in her garden", "Sarah", "a retired teacher"],
    ["Olu, who's a street musician, plays guitar under the bridge", "Olu", "a street musician"],
    [
      "film Zoë (a ten-year-old girl with curly hair) flying a kite on the hill",
      "Zoë",
      "a ten-year-old girl with curly hair",
    ],
    ["make a clip of Ravi, my neighbour", "Ravi", "my neighbour"],
  ])("%s", (text, name, description) => {
    const reading = readRequest(text);
    expect(reading.characters).toContain(name);
    expect(reading.descriptions).toEqual({ [name]: description });
  });

  it("does not read a list of names, a clause or a line as a description", () => {
    expect(readRequest("Sarah, Tom and Mia walk in the park").descriptions).toEqual({});
    expect(readRequest("show Tom waving at Mia, the train arrives").descriptions).toEqual({});
    expect(readRequest('Tom says "Mia, the train is here"').descriptions).toEqual({});
    // A number inside a description is not the clip's length, nor is a colour in it the grade.
    expect(readRequest("film Zoë (a ten-year-old girl) flying a kite").seconds).toBeNull();
    expect(understandRequest("Mia, a woman in a warm coat, walks home").grade).toBeNull();
  });
});

describe("the brief and the plan carry the words", () => {
  it("gives the brief the action, the place as written and the descriptions", () => {
    const brief = understandRequest("Ivan, an old chess master, is playing chess in the town square");
    expect(brief).toMatchObject({
      characters: ["Ivan"],
      location: "town square",
      placePhrase: "the town square",
      actionPhrase: "playing chess",
      descriptions: { Ivan: "an old chess master" },
    });
    expect(VideoBriefSchema.safeParse(brief).success).toBe(true);
    expect(understandRequest("a video of Tom cooking pasta in his kitchen").placePhrase).toBe("his kitchen");
  });

  it("still validates a brief without them, as a model may write it", () => {
    const {
      actionPhrase: _action,
      placePhrase: _place,
      descriptions: _descriptions,
      ...bare
    } = understandRequest("generate Sarah walking in the park");
    expect(VideoBriefSchema.safeParse(bare).success).toBe(true);
  });

  it("gives each planned shot its beat's action in words", () => {
    const plan = planScene("a 20 second scene: Tom runs down the street, jumps over a bench, waves at Mia", {
      fps: 24,
      priceFor: () => 0,
    });
    expect(ScenePlanSchema.safeParse(plan).success).toBe(true);
    const phrases = plan.shots.map((shot) => shot.actionPhrase);
    expect(phrases).toContain("running");
    expect(phrases).toContain("jumping");
    expect(phrases).toContain("waving at Mia");
  });
});
