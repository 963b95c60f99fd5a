import { describe, expect, it } from "vitest";
import type { ClipRequest, VisualProfile } from "../../src/domain.js";
import {
  buildAnimaticSpec,
  captionFilePath,
  escapeFilterValue,
  renderCharacterReferenceSpec,
  renderLocationReferenceSpec,
} from "../../src/media/animatic.js";
import { drawbox, expression, seededRandom } from "../../src/media/filtergraph.js";
import { specToArgs } from "../../src/media/runner.js";
import { alice, clipRequest, park } from "../helpers/fixtures.js";

/** ffmpeg's av_get_token: a backslash keeps the next character, quotes keep their content, `terms` end the token. */
function getToken(input: string, terms: string): { token: string; rest: string } {
  let token = "";
  let index = 0;
  while (index < input.length && !terms.includes(input[index]!)) {
    const character = input[index++]!;
    if (character === "\\" && index < input.length) token += input[index++]!;
    else if (character === "'") {
      while (index < input.length && input[index] !== "'") token += input[index++]!;
      index++;
    } else token += character;
  }
  return { token, rest: input.slice(index) };
}

/** The two unescaping passes a value in `-filter_complex` goes through: graph level, then option level. */
function unescapeTwice(escaped: string): { value: string; rest: string } {
  const graph = getToken(escaped, "[],;");
  const option = getToken(graph.token, ":=");
  return { value: option.token, rest: graph.rest + option.rest };
}

function request(overrides: Partial<ClipRequest> = {}): ClipRequest {
  return clipRequest({ prompt: "Alice walks", durationSeconds: 5, width: 1280, height: 720, seed: 42, ...overrides });
}

describe("escapeFilterValue", () => {
  const samples = [
    "/tmp/plain/caption.txt",
    "/tmp/it's here/caption.txt",
    "/tmp/a:b/c:d.txt",
    "C:\\Users\\x\\caption.txt",
    "/tmp/line\nbreak.txt",
    "/tmp/[x],y;z=1/caption.txt",
    "/tmp/'\\':[]\n,;=/mix",
  ];

  it.each(samples)("survives both ffmpeg unescaping passes unchanged: %j", (value) => {
    const escaped = escapeFilterValue(value);
    expect(unescapeTwice(escaped)).toEqual({ value, rest: "" });
    expect(unescapeTwice(`${escaped}:fontsize=12`)).toEqual({ value, rest: ":fontsize=12" });
  });

  it("escapes quotes, colons, backslashes, brackets, separators and newlines", () => {
    expect(escapeFilterValue("a'b")).toBe("a\\\\\\'b");
    expect(escapeFilterValue("a:b")).toBe("a\\\\:b");
    expect(escapeFilterValue("a\\b")).toBe("a\\\\\\\\b");
    expect(escapeFilterValue("a,b;c[d]")).toBe("a\\,b\\;c\\[d\\]");
    expect(escapeFilterValue("a=b")).toBe("a\\\\=b");
    expect(escapeFilterValue("a\nb")).toBe("a\\\\\nb");
    expect(escapeFilterValue("plain/path.txt")).toBe("plain/path.txt");
  });
});

describe("filter pieces", () => {
  it("quotes expressions and refuses ones that would break out of the quotes", () => {
    expect(expression("mod(t,1)")).toBe("'mod(t,1)'");
    expect(() => expression("x'y")).toThrow();
    expect(() => expression("a:b")).toThrow();
  });

  it("clips boxes to the canvas and drops boxes off it", () => {
    expect(drawbox({ x: -10, y: 5, width: 30, height: 10, color: "#ff0000" }, { width: 100, height: 100 })).toBe(
      "drawbox=x=0:y=5:w=20:h=10:color=0xff0000:t=fill",
    );
    expect(drawbox({ x: 120, y: 5, width: 30, height: 10, color: "#ff0000" }, { width: 100, height: 100 })).toBeNull();
  });

  it("has a repeatable PRNG", () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    const values = [first(), first(), first()];
    expect([second(), second(), second()]).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(values[0]);
  });
});

describe("buildAnimaticSpec", () => {
  it("is deterministic for the same request and seed", () => {
    expect(specToArgs(buildAnimaticSpec(request(), "/out/a.mp4"))).toEqual(
      specToArgs(buildAnimaticSpec(request(), "/out/a.mp4")),
    );
  });

  it("writes an exact-length H.264 MP4 at the requested size and rate, without audio", () => {
    const spec = buildAnimaticSpec(request({ durationSeconds: 4.5, fps: 30, width: 640, height: 360 }), "/out/a.mp4");
    const args = specToArgs(spec);
    expect(args).toEqual(
      expect.arrayContaining([
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        "-an",
      ]),
    );
    expect(args.slice(args.indexOf("-t"), args.indexOf("-t") + 2)).toEqual(["-t", "4.5"]);
    expect(args.slice(args.indexOf("-r"), args.indexOf("-r") + 2)).toEqual(["-r", "30"]);
    expect(spec.inputs[0]!.source).toBe("color=c=0x87ceeb:s=800x450:r=30:d=4.5");
    expect(spec.filterComplex).toMatch(/crop=640:360:/);
    expect(args.at(-1)).toBe("/out/a.mp4");
  });

  it("moves a walking figure across the frame and alternates its legs", () => {
    const spec = buildAnimaticSpec(request(), "/out/a.mp4");
    expect(spec.filterComplex).toMatch(/overlay=x='[\d.]+\+-?[\d.]+\*\(t\/5-0\.5\)'/);
    expect(spec.filterComplex).toMatch(/enable='lt\(mod\(t\*[\d.]+\+[\d.]+,1\),0\.5\)'/);
    expect(spec.filterComplex).toMatch(/enable='gte\(mod\(t\*[\d.]+\+[\d.]+,1\),0\.5\)'/);
  });

  it("holds still at zero motion strength", () => {
    const spec = buildAnimaticSpec(request({ motionStrength: 0 }), "/out/a.mp4");
    expect(spec.filterComplex).toMatch(/overlay=x='[\d.]+\+0':y='[\d.]+\+0'/);
    expect(spec.filterComplex).not.toMatch(/mod\(t|enable=/);
  });

  it("gives each action its own motion", () => {
    const filters = (["walk", "run", "stand", "sit", "wave", "dance", "jump", "talk", "look"] as const).map(
      (action) => buildAnimaticSpec(request({ action }), "/out/a.mp4").filterComplex,
    );
    expect(new Set(filters).size).toBe(filters.length);
  });

  it("draws each character from its profile colours, side by side", () => {
    const bob: VisualProfile = { ...alice, top: "#20a060", bottom: "#505050" };
    const spec = buildAnimaticSpec(
      request({
        characters: [
          { id: "alice", name: "Alice", profile: alice },
          { id: "bob", name: "Bob", profile: bob },
        ],
      }),
      "/out/a.mp4",
    );
    for (const color of ["0xe0b090", "0x3a2410", "0xc03030", "0x2040a0", "0xf0d020", "0x20a060", "0x505050"]) {
      expect(spec.filterComplex).toContain(`color=${color}`);
    }
    expect(spec.inputs).toHaveLength(3);
    expect(spec.filterComplex).toContain("[scene0][fig1]overlay");
  });

  it.each([
    ["pan-left", /crop=1280:720:x='320\*\(1-t\/5\)'/],
    ["pan-right", /crop=1280:720:x='320\*t\/5'/],
    ["dolly-in", /zoompan=z='1\.25\+0\.3125\*on\/119'/],
    ["dolly-out", /zoompan=z='1\.5625\+-0\.3125\*on\/119'/],
    ["tracking", /crop=1280:720:x='clip\(/],
    ["static", /crop=1280:720:160:90/],
  ] as const)("moves the camera for %s", (camera, pattern) => {
    expect(buildAnimaticSpec(request({ camera }), "/out/a.mp4").filterComplex).toMatch(pattern);
  });

  it("animates the given images for the image methods", () => {
    const image = buildAnimaticSpec(request({ method: "image-to-video", sourceImage: "/in/source.png" }), "/out/a.mp4");
    expect(image.inputs[0]).toEqual({
      source: "file:/in/source.png",
      options: ["-loop", "1", "-framerate", "24", "-t", "5"],
    });
    const firstLast = buildAnimaticSpec(
      request({ method: "first-last-frame", firstFrame: "/in/first.png", lastFrame: "/in/last.png" }),
      "/out/a.mp4",
    );
    // The clip plays on the last frame (the place); the first frame (the previous clip's, figures and all) is
    // only blended out over the start, so no figure shows twice, see-through, for the whole shot.
    expect(firstLast.inputs.map((input) => input.source)).toContain("file:/in/first.png");
    expect(firstLast.inputs[0]!.source).toBe("file:/in/last.png");
    expect(firstLast.filterComplex).not.toContain("fade=t=in:st=0:d=5:alpha=1");
    expect(firstLast.filterComplex).toMatch(/fade=t=out:st=0:d=0\.5:alpha=1\[start\]/);
    const composite = buildAnimaticSpec(
      request({ method: "composite-to-video", compositeImage: "/in/comp.png" }),
      "/out/a.mp4",
    );
    expect(composite.inputs[0]!.source).toBe("file:/in/comp.png");
  });

  it("reads the caption from a file and never puts its text in the filter", () => {
    const caption = "It's 5:00 [late]; a=b, \\ done";
    const spec = buildAnimaticSpec(request({ caption }), "/out/dir: odd/a.mp4", "/work/it's");
    const path = captionFilePath("/out/dir: odd/a.mp4", "/work/it's");
    expect(path).toBe("/work/it's/a.mp4.caption.txt");
    expect(spec.filterComplex).toContain(`textfile=${escapeFilterValue(path)}`);
    expect(spec.filterComplex).toContain("expansion=none");
    expect(spec.filterComplex).not.toContain("late");
  });

  it("renders reference stills as single PNG frames", () => {
    const character = renderCharacterReferenceSpec(alice, "/out/alice.png", { width: 320, height: 180 });
    expect(character.inputs[0]!.source).toBe("color=c=0x808080:s=320x180:r=1:d=1");
    expect(specToArgs(character)).toEqual(expect.arrayContaining(["-frames:v", "1"]));
    expect(character.filterComplex).toContain("color=0xc03030");
    const location = renderLocationReferenceSpec(park, 3, "/out/park.png", { width: 320, height: 180 });
    expect(location.inputs[0]!.source).toBe("color=c=0x87ceeb:s=320x180:r=1:d=1");
    expect(location.filterComplex).toContain("color=0x4caf50");
  });
});
