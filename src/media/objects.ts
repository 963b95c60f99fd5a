/**
 * What is in a picture: people, animals, vehicles and things, with the CenterNet object detector (COCO's
 * 80 kinds) that @vladmandic/human ships in its `models/` folder, run by TensorFlow.js on the same WASM
 * backend as faces.ts. Offline: the weights are read from that folder inside node_modules and nothing
 * else; the model loads once per process, on first use.
 *
 * Human's WASM build fetches its model files through the global `fetch`, which in Node cannot read a
 * `file://` address; while the model loads, `file://` addresses inside the package's models folder are
 * answered from disk, and every other address is passed through untouched.
 */
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, isAbsolute } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import sharp from "sharp";
import type * as HumanLibrary from "@vladmandic/human";
import { CutroomError } from "../errors.js";
import { decodeRawFrames, probe } from "./runner.js";

/** Longest side pictures are decoded at: CenterNet sees 512 × 512. */
export const OBJECT_FRAME_MAX_SIDE = 512;
/** Detections below this confidence are not reported (the detector's own default is 0.2). */
export const MIN_OBJECT_CONFIDENCE = 0.3;

export interface DetectedObject {
  /** COCO label: "person", "dog", "motorcycle", "cup", ... */
  label: string;
  score: number;
  /** In pixels of the picture given. */
  box: { x: number; y: number; width: number; height: number };
}

export interface ObjectModel {
  /** Objects in an RGB24 picture, most confident first. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<DetectedObject[]>;
}

/**
 * Kinds that one subject may be taken for by the detector (a cat is often called a dog): a character
 * seen as any kind of its group is the same kind of subject.
 */
const GROUPS: Record<string, string[]> = {
  animal: ["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "teddy bear"],
  vehicle: ["bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"],
};

/** The group a label belongs to ("person" is its own). */
export function kindOf(label: string): string {
  for (const [group, labels] of Object.entries(GROUPS)) if (labels.includes(label)) return group;
  return label;
}

const require = createRequire(import.meta.url);

/**
 * The package's dist folder. Its exports map names conditions only, so the WASM build is reached by its
 * path next to the Node entry, which resolving finds without loading.
 */
function humanDist(): string {
  return dirname(require.resolve("@vladmandic/human"));
}

/** The folder of weights the detector is loaded from. */
export function objectModelDirectory(): string {
  return join(humanDist(), "..", "models");
}

async function withLocalModelFetch<T>(directory: string, work: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const local: typeof fetch = async (input, init) => {
    const address = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!address.startsWith("file://")) return original(input, init);
    const path = fileURLToPath(address);
    const inside = relative(directory, path);
    if (inside.startsWith("..") || isAbsolute(inside)) throw new Error(`refused to read ${address}: not a model file`);
    return new Response(await readFile(path));
  };
  globalThis.fetch = local;
  try {
    return await work();
  } finally {
    globalThis.fetch = original;
  }
}

async function load(): Promise<ObjectModel> {
  const directory = objectModelDirectory();
  const wasmDirectory = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  const { Human } = require(join(humanDist(), "human.node-wasm.js")) as typeof HumanLibrary;
  const human = new Human({
    backend: "wasm",
    wasmPath: `${wasmDirectory}/`,
    modelBasePath: `${pathToFileURL(directory).href}/`,
    debug: false,
    async: true,
    warmup: "none",
    cacheModels: false,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: "centernet.json", minConfidence: MIN_OBJECT_CONFIDENCE, maxDetected: 20 },
  });
  await withLocalModelFetch(directory, () => human.load());
  if (human.models.models.centernet === null || human.models.models.centernet === undefined)
    throw new Error(`the object detector's weights did not load from ${directory}`);
  return {
    async detect(rgb, width, height) {
      const tensor = human.tf.tensor3d(rgb, [height, width, 3], "int32");
      try {
        const result = await human.detect(tensor);
        if (typeof result.error === "string" && result.error !== "") throw new Error(result.error);
        return result.object
          .map((found) => ({
            label: found.label,
            score: found.score,
            box: { x: found.box[0], y: found.box[1], width: found.box[2], height: found.box[3] },
          }))
          .sort((first, second) => second.score - first.score);
      } finally {
        tensor.dispose();
      }
    },
  };
}

let loading: Promise<ObjectModel> | null = null;

/** The detector, loaded on first use and kept for the process; a failed load stays failed. */
export function loadObjectModel(): Promise<ObjectModel> {
  loading ??= load().catch((error: unknown) => {
    throw new CutroomError("MEDIA", `the object detector did not load: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  });
  return loading;
}

/** The picture size that fits OBJECT_FRAME_MAX_SIDE, kept even, never enlarged. */
export function objectFrameSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, OBJECT_FRAME_MAX_SIDE / Math.max(width, height));
  const even = (value: number) => Math.max(2, 2 * Math.round((value * scale) / 2));
  return { width: even(width), height: even(height) };
}

/** Objects in a still image (a reference photo or drawing), with the size they were measured at. */
export async function objectsInStill(
  path: string,
  model: ObjectModel,
): Promise<{ objects: DetectedObject[]; width: number; height: number }> {
  const { data, info } = await sharp(path)
    .rotate()
    .resize({ width: OBJECT_FRAME_MAX_SIDE, height: OBJECT_FRAME_MAX_SIDE, fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const objects = await model.detect(
    new Uint8Array(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
  );
  return { objects, width: info.width, height: info.height };
}

/** Objects in frames of a clip at shares of its length, with the frame size they were measured at. */
export async function objectsInClip(
  path: string,
  model: ObjectModel,
  positions: number[],
): Promise<{ frames: DetectedObject[][]; width: number; height: number }> {
  const facts = await probe(path, { requireVideo: true });
  const size = objectFrameSize(facts.width, facts.height);
  const times = positions.map((position) => position * facts.durationSeconds);
  const decoded = await decodeRawFrames(path, { times, ...size, scaleFlags: "area" });
  const frames: DetectedObject[][] = [];
  for (const frame of decoded) frames.push(await model.detect(frame, size.width, size.height));
  return { frames, ...size };
}
