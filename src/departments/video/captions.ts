/**
 * A take's captions: the dialogue lines where the final mix has them (the audio integrator's output),
 * written as SRT and WebVTT files beside the take's video, each with its media record, before the Brain
 * links them to the take (nothing stored without its record, no record without its object).
 *
 * Whether a request gets them is the caller's choice (`--captions`, the API's `parameters.captions`),
 * carried like a chosen model: as a view of the runtime the department runs with.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CaptionsNode } from "../../brain/types.js";
import { CutroomError } from "../../errors.js";
import { newId } from "../../ids.js";
import {
  CAPTION_MODES,
  captionCues,
  toSrt,
  toWebVtt,
  type CaptionLine,
  type CaptionMode,
} from "../../media/captions.js";
import type { Runtime } from "../../runtime.js";
import type { MediaRecord, StoredObject } from "../../storage/types.js";
import { createToolContext } from "../../tools/context.js";
import { currentTake } from "./nodes/take-facts.js";
import type { DepartmentStateValue, TakeCaptions } from "./state.js";

/** The language of the lines: the voices speak the request's words, which are English. */
export const CAPTION_LANGUAGE = "en";

const FORMATS = {
  srt: { contentType: "application/x-subrip", render: toSrt },
  vtt: { contentType: "text/vtt", render: toWebVtt },
} as const;
type CaptionFormat = keyof typeof FORMATS;

/** The captions a request gets: its caller's choice, else files. */
export function captionModeOf(runtime: Pick<Runtime, "captions">): CaptionMode {
  return runtime.captions ?? "files";
}

/** A caller's captions choice, checked: one of CAPTION_MODES, else an error naming `field`. */
export function parseCaptionMode(value: string, field = "captions"): CaptionMode {
  const mode = value.trim().toLowerCase();
  if (!(CAPTION_MODES as readonly string[]).includes(mode)) {
    throw new CutroomError(
      "INVALID_INPUT",
      `${field}: ${JSON.stringify(value)} is not a captions choice; use one of ${CAPTION_MODES.join(", ")}`,
      { field },
    );
  }
  return mode as CaptionMode;
}

/** The runtime for a request whose caller chose its captions (unchanged when none was chosen). */
export function withCaptions(runtime: Runtime, value: string | null | undefined, field = "captions"): Runtime {
  if (value === null || value === undefined) return runtime;
  return { ...runtime, captions: parseCaptionMode(value, field) };
}

/** The take's dialogue as the audio integrator placed it in the final mix; none when it voiced nothing. */
export function takeCaptionLines(state: DepartmentStateValue): CaptionLine[] {
  if (!state.specialists.includes("audio-integrator")) return [];
  const output = currentTake(state).outputs.find((item) => item.specialist === "audio-integrator");
  return (output?.output.captionLines as CaptionLine[] | undefined) ?? [];
}

/** The video the captions go with, as stored. */
export interface CaptionedVideo {
  mediaId: string;
  key: string;
  durationSeconds: number;
  fps: number;
  burnedIn: boolean;
}

export interface StoredCaptions {
  node: CaptionsNode;
  take: TakeCaptions;
  /** The records this call wrote (none when the files were already stored for this video). */
  written: MediaRecord[];
}

/** `<video key without its extension>.<format>`: the files sit beside the video they caption. */
export function captionKey(videoKey: string, format: CaptionFormat): string {
  return `${videoKey.replace(/\.[A-Za-z0-9]+$/, "")}.${format}`;
}

/**
 * Stores the take's captions for its final video: each file's object, then its media record. Files
 * already stored for this video (a resumed run) are reused. Null when the take has no dialogue or its
 * caller asked for none. On a failure nothing this call wrote is left behind.
 */
export async function storeTakeCaptions(
  runtime: Runtime,
  state: DepartmentStateValue,
  video: CaptionedVideo,
): Promise<StoredCaptions | null> {
  if (captionModeOf(runtime) === "none") return null;
  const cues = captionCues(takeCaptionLines(state), video.fps, video.durationSeconds);
  if (cues.length === 0) return null;
  const context = await createToolContext(runtime, state.projectId, state.takeId);
  const existing = (await runtime.media.listByProject(state.projectId)).filter(
    (record) =>
      record.kind === "captions" && record.status === "live" && record.generation.captionsOf === video.mediaId,
  );
  const written: MediaRecord[] = [];
  const files: Partial<Record<CaptionFormat, { record: MediaRecord; object: StoredObject }>> = {};
  try {
    for (const format of Object.keys(FORMATS) as CaptionFormat[]) {
      const key = captionKey(video.key, format);
      const found = existing.find((record) => record.key === key);
      const object = found === undefined ? null : await runtime.store.head(key);
      if (found !== undefined && object !== null) {
        files[format] = { record: found, object };
        continue;
      }
      const path = join(context.workDir, `${newId("captions")}.${format}`);
      await writeFile(path, FORMATS[format].render(cues), "utf8");
      const stored = await storeCaptionFile(runtime, {
        projectId: state.projectId,
        takeId: state.takeId,
        path,
        key,
        format,
        generation: { captionsOf: video.mediaId, cueCount: cues.length, language: CAPTION_LANGUAGE },
      });
      written.push(stored.record);
      files[format] = stored;
    }
  } catch (error) {
    await removeCaptionRecords(runtime, written);
    throw error;
  }
  const srt = files.srt!.record;
  const vtt = files.vtt!.record;
  const file = ({ record, object }: { record: MediaRecord; object: StoredObject }) => ({
    mediaId: record.id,
    key: record.key,
    url: object.url,
    path: object.path,
  });
  return {
    node: {
      id: `cap_${state.takeId}`,
      language: CAPTION_LANGUAGE,
      cueCount: cues.length,
      burnedIn: video.burnedIn,
      srt: { mediaId: srt.id, objectKey: srt.key },
      vtt: { mediaId: vtt.id, objectKey: vtt.key },
      createdAt: new Date().toISOString(),
    },
    take: {
      language: CAPTION_LANGUAGE,
      cueCount: cues.length,
      burnedIn: video.burnedIn,
      srt: file(files.srt!),
      vtt: file(files.vtt!),
    },
    written,
  };
}

/** One file: its object, then its record; the object is removed again when the record cannot be written. */
async function storeCaptionFile(
  runtime: Runtime,
  input: {
    projectId: string;
    takeId: string;
    path: string;
    key: string;
    format: CaptionFormat;
    generation: Record<string, unknown>;
  },
): Promise<{ record: MediaRecord; object: StoredObject }> {
  const mediaId = newId("med");
  const stored = await runtime.store.put(input.key, input.path, {
    contentType: FORMATS[input.format].contentType,
    metadata: { mediaId, takeId: input.takeId, projectId: input.projectId, kind: "captions" },
  });
  const now = new Date().toISOString();
  const record: MediaRecord = {
    id: mediaId,
    projectId: input.projectId,
    kind: "captions",
    key: input.key,
    url: stored.url,
    status: "live",
    durationSeconds: null,
    fps: null,
    width: null,
    height: null,
    generation: { ...input.generation, format: input.format, takeId: input.takeId, sizeBytes: stored.size },
    qualityScore: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await runtime.media.insert(record);
  } catch (error) {
    await runtime.store.delete(input.key);
    throw error;
  }
  return { record, object: stored };
}

/** Takes back files this run stored (their records, then their objects), when what links them failed. */
export async function removeCaptionRecords(runtime: Runtime, records: MediaRecord[]): Promise<void> {
  for (const record of records) {
    await runtime.media.delete(record.id).catch(() => undefined);
    await runtime.store.delete(record.key).catch(() => undefined);
  }
}
