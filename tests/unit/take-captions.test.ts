import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeTakeCaptions, withCaptions } from "../../src/departments/video/captions.js";
import type { DepartmentStateValue } from "../../src/departments/video/state.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

const TAKE = "vid_captioned1";
const VIDEO = {
  mediaId: "med_video1",
  key: `projects/default/takes/${TAKE}/with-audio-med_video1.mp4`,
  durationSeconds: 6,
  fps: 24,
  burnedIn: false,
};

/** A take whose audio integrator placed two lines by two speakers. */
function state(): DepartmentStateValue {
  const output = {
    captionLines: [
      { text: "hi there", speaker: "Sarah", startSeconds: 1, endSeconds: 1.8 },
      { text: "good morning", speaker: "Tom", startSeconds: 2.5, endSeconds: 3.4 },
    ],
  };
  return {
    projectId: "default",
    takeId: TAKE,
    specialists: ["video-generator", "audio-integrator"],
    perTake: {
      [TAKE]: {
        clips: [],
        ledger: [],
        failures: [],
        outputs: [{ specialist: "audio-integrator", output, selfAssessment: null, grade: null }],
      },
    },
  } as unknown as DepartmentStateValue;
}

let runtime: Runtime;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ runtime, cleanup } = await createTestRuntime());
});
afterEach(async () => cleanup());

describe("storeTakeCaptions", () => {
  it("stores SRT and WebVTT beside the video with their records, and reuses them for the same video", async () => {
    const stored = await storeTakeCaptions(runtime, state(), VIDEO);
    expect(stored?.node).toMatchObject({
      id: `cap_${TAKE}`,
      cueCount: 2,
      srt: { objectKey: VIDEO.key.replace(/\.mp4$/, ".srt") },
      vtt: { objectKey: VIDEO.key.replace(/\.mp4$/, ".vtt") },
    });
    for (const file of [stored!.node.srt, stored!.node.vtt]) {
      expect(await runtime.store.head(file.objectKey)).toMatchObject({
        contentType: file === stored!.node.srt ? "application/x-subrip" : "text/vtt",
      });
      expect(await runtime.media.get(file.mediaId)).toMatchObject({ kind: "captions", generation: { takeId: TAKE } });
    }
    const again = await storeTakeCaptions(runtime, state(), VIDEO);
    expect(again?.written).toEqual([]);
    expect(again?.node.srt).toEqual(stored?.node.srt);
  });

  it("stores nothing when the caller asked for none", async () => {
    expect(await storeTakeCaptions(withCaptions(runtime, "none"), state(), VIDEO)).toBeNull();
    expect(await runtime.store.head(VIDEO.key.replace(/\.mp4$/, ".srt"))).toBeNull();
  });

  it("leaves neither object nor record behind when a record cannot be written", async () => {
    let inserts = 0;
    const failing: Runtime = {
      ...runtime,
      media: Object.assign(Object.create(runtime.media) as Runtime["media"], {
        insert: async (record: Parameters<Runtime["media"]["insert"]>[0]) => {
          inserts += 1;
          if (inserts === 2) throw new Error("the media store is full");
          return runtime.media.insert(record);
        },
      }),
    };
    await expect(storeTakeCaptions(failing, state(), VIDEO)).rejects.toThrow(/full/);
    for (const format of ["srt", "vtt"]) expect(await runtime.store.head(VIDEO.key.replace(/mp4$/, format))).toBeNull();
    expect((await runtime.media.listByProject("default")).filter((record) => record.kind === "captions")).toEqual([]);
  });
});
