import { describe, expect, it } from "vitest";
import {
  addTakeWork,
  workOf,
  type LedgerEntry,
  type TakeId,
  type WorkByTake,
} from "../../src/departments/video/state.js";
import type { GeneratedClipOutput } from "../../src/specialists/video-generator/index.js";

const clip = (index: number) => ({ index, mediaId: `med_${index}` }) as GeneratedClipOutput;
const entry = (shotIndex: number): LedgerEntry => ({
  run: "run_1",
  shotIndex,
  attempt: 1,
  mediaId: `med_${shotIndex}`,
  costUsd: 0.5,
  seconds: 1,
  reused: false,
  model: "local",
  passed: true,
  reason: null,
});

const first: TakeId = "vid_first";
const retry: TakeId = "vid_retry";

describe("the department's per-take record", () => {
  it("joins what parallel workers of one take add, and leaves other takes alone", () => {
    let byTake: WorkByTake = {};
    byTake = addTakeWork(byTake, { [first]: { clips: [clip(1)], ledger: [entry(1)] } });
    byTake = addTakeWork(byTake, { [first]: { clips: [clip(2)], ledger: [entry(2)], failures: [] } });
    byTake = addTakeWork(byTake, { [retry]: { clips: [clip(1)] } });
    expect(workOf(byTake, first).clips.map((made) => made.index)).toEqual([1, 2]);
    expect(workOf(byTake, first).ledger).toHaveLength(2);
    expect(workOf(byTake, retry)).toEqual({ clips: [clip(1)], outputs: [], ledger: [], failures: [] });
  });

  it("is empty for a take nothing was made for, or before a take is named", () => {
    expect(workOf({}, first)).toEqual({ clips: [], outputs: [], ledger: [], failures: [] });
    expect(workOf({}, "")).toEqual({ clips: [], outputs: [], ledger: [], failures: [] });
  });

  it("survives a checkpoint's JSON round trip unchanged", () => {
    const byTake = addTakeWork({}, { [first]: { clips: [clip(1)], ledger: [entry(1)] } });
    expect(JSON.parse(JSON.stringify(byTake))).toEqual(byTake);
  });
});
