/**
 * A paid video model is never sent what the local renderer drew: which records are drawings, and how the
 * head chooses methods and images when the references are drawings and the provider is paid.
 */
import { describe, expect, it } from "vitest";
import { askedMethod, type AskedTake } from "../../src/departments/video/asked.js";
import { planShots } from "../../src/departments/video/nodes/work.js";
import { sceneShots } from "../../src/departments/video/nodes/scene.js";
import { planScene } from "../../src/departments/video/planner/index.js";
import { chooseMethod, DRAWINGS_WITHHELD_REASON, startImageOf } from "../../src/departments/video/policy.js";
import type { DepartmentStateValue, EntityRef } from "../../src/departments/video/state.js";
import { understandRequest } from "../../src/departments/video/understand.js";
import { isLocalDrawing, LOCAL_RENDERER } from "../../src/tools/context.js";

const park = (imageReferenceMediaIds?: string[]): EntityRef => ({
  id: "loc_park",
  name: "park",
  referenceIds: ["ref_park"],
  referenceMediaIds: ["med_parkdrawing"],
  created: false,
  ...(imageReferenceMediaIds === undefined ? {} : { imageReferenceMediaIds }),
});

const sarah = (imageReferenceMediaIds?: string[]): EntityRef => ({
  id: "chr_sarah",
  name: "Sarah",
  referenceIds: ["ref_sarah"],
  referenceMediaIds: ["med_sarahdrawing"],
  created: false,
  ...(imageReferenceMediaIds === undefined ? {} : { imageReferenceMediaIds }),
});

function state(overrides: Partial<DepartmentStateValue>): DepartmentStateValue {
  const text = "generate Sarah walking in the park";
  return {
    projectId: "default",
    threadId: "thr",
    requestId: "req_1",
    requestText: text,
    takeId: "vid_1",
    brief: understandRequest(text),
    method: "composite-to-video",
    durationSeconds: 2,
    adjustments: { motionStrength: 0.6, sharpen: null, notes: [] },
    characters: [sarah()],
    location: park(),
    asked: null,
    ...overrides,
  } as DepartmentStateValue;
}

describe("which images are local drawings", () => {
  it("is what the record says drew it", () => {
    expect(isLocalDrawing({ generation: { referenceKind: "location-master", drawnBy: LOCAL_RENDERER } })).toBe(true);
    expect(isLocalDrawing({ generation: { drawnBy: LOCAL_RENDERER } })).toBe(true);
    expect(isLocalDrawing({ generation: { referenceKind: "location-master", drawnBy: "photographer" } })).toBe(false);
  });
  it("counts references stored before the marker as drawings: every one of them was drawn locally", () => {
    expect(isLocalDrawing({ generation: { referenceKind: "character-master", characterId: "chr_a" } })).toBe(true);
  });
  it("leaves clips, thumbnails and images without a reference kind alone", () => {
    expect(isLocalDrawing({ generation: { thumbnailOf: "med_clip" } })).toBe(false);
    expect(isLocalDrawing({ generation: {} })).toBe(false);
  });
});

describe("method choice when the references are drawings and the model is paid", () => {
  const complete = {
    characterCount: 1,
    characterReferences: 1,
    hasLocationReference: true,
    continueFrom: null,
    failedChecks: [],
  };
  it("makes the clip from text and says why", () => {
    const choice = chooseMethod({
      ...complete,
      characterReferences: 0,
      hasLocationReference: false,
      drawingsWithheld: 2,
    });
    expect(choice.method).toBe("text-to-video");
    expect(choice.reason).toContain(DRAWINGS_WITHHELD_REASON);
  });
  it("is unchanged for the local renderer, which withholds nothing", () => {
    expect(chooseMethod(complete)).toMatchObject({ method: "composite-to-video" });
    expect(chooseMethod({ ...complete, hasLocationReference: false, drawingsWithheld: 0 }).reason).not.toContain(
      DRAWINGS_WITHHELD_REASON,
    );
  });
});

describe("a caller's method when references.location is a drawing", () => {
  const asked = (method: AskedTake["method"], images: AskedTake["images"] = {}): AskedTake => ({
    method,
    images,
    durationSeconds: 3,
    characters: [],
    location: "park",
    quality: "standard",
  });
  it("falls back to text-to-video for a paid model, saying why", () => {
    for (const method of ["image-to-video", "composite-to-video"] as const) {
      const choice = askedMethod(asked(method), false, true);
      expect(choice?.method).toBe("text-to-video");
      expect(choice?.reason).toContain(DRAWINGS_WITHHELD_REASON);
    }
  });
  it("keeps the caller's method when the caller gave the image itself", () => {
    expect(askedMethod(asked("image-to-video", { sourceImage: "med_own" }), false, true)).toMatchObject({
      method: "image-to-video",
    });
  });
  it("still refuses a method with no image and no location at all", () => {
    expect(() => askedMethod(asked("image-to-video"), false, false)).toThrowError(/input\.sourceImage/);
  });
});

describe("images the head gives a take", () => {
  it("uses the location drawing for the local renderer, as before", () => {
    expect(startImageOf(park())).toBe("med_parkdrawing");
    expect(planShots(state({}))[0]!.images).toEqual({ compositeImage: "med_parkdrawing" });
  });
  it("gives a paid model's take no drawing", () => {
    expect(startImageOf(park([]))).toBeUndefined();
    const [shot] = planShots(state({ location: park([]), characters: [sarah([])] }));
    expect(shot!.images).toEqual({});
  });
  it("still gives an image the caller supplied", () => {
    const asked: AskedTake = {
      method: "image-to-video",
      images: { sourceImage: "med_own" },
      durationSeconds: 2,
      characters: [],
      location: null,
      quality: "standard",
    };
    const [shot] = planShots(state({ method: "image-to-video", location: park([]), asked }));
    expect(shot!.images).toEqual({ sourceImage: "med_own" });
  });
  it("makes a paid model's scene shots from text, continuing shots from the previous clip's frame", () => {
    const plan = planScene("a 12 second scene: Sarah walks in the park, then sits on a bench", {
      fps: 12,
      priceFor: () => 0,
    });
    const continuing = plan.shots.filter((shot) => shot.continuesFrom !== null).map((shot) => shot.index);
    const drawn = sceneShots(state({ plan, location: park() }));
    const paid = sceneShots(state({ plan, location: park([]), characters: [sarah([])] }));
    // The local renderer animates the drawing somewhere in the scene; the paid model nowhere.
    expect(drawn.some((shot) => Object.values(shot.images).includes("med_parkdrawing"))).toBe(true);
    for (const shot of paid) {
      expect(Object.values(shot.images)).toEqual([]);
      // A continuing shot gets the previous clip's last frame when its chain reaches it.
      expect(shot.method).toBe(continuing.includes(shot.index) ? "image-to-video" : "text-to-video");
    }
  });
});
