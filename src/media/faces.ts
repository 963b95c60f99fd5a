/**
 * Faces in stills and clips: detection and 128-d descriptors with face-api (its Tiny Face Detector,
 * 68-point landmarks to align each face, and the ResNet-34-like recognition net ported from dlib), run by
 * TensorFlow.js on its WASM backend, so no native binary is built or downloaded.
 *
 * Offline: the weights are the files face-api ships in its `model/` folder and the .wasm binaries are the
 * ones @tensorflow/tfjs-backend-wasm ships in its `dist/` folder, both resolved inside node_modules; loading
 * reads those local files and nothing else (face-api's own Node example fetches the .wasm from a CDN).
 * The model loads once per process, on first use.
 *
 * Same person: Euclidean distance between descriptors ≤ SAME_PERSON_DISTANCE (0.6), the threshold face-api
 * uses by default in its FaceMatcher and the one dlib publishes for this model (99.38% on LFW).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import sharp from "sharp";
import type * as TensorFlow from "@tensorflow/tfjs";
import type * as WasmBackend from "@tensorflow/tfjs-backend-wasm";
import type * as FaceApi from "@vladmandic/face-api/dist/face-api.node-wasm.js";
import { CutroomError } from "../errors.js";
import { decodeRawFrames, probe } from "./runner.js";

export const SAME_PERSON_DISTANCE = 0.6;
/** Where in a clip faces are looked for (shares of its length). */
export const FACE_KEY_FRAME_POSITIONS = [0.1, 0.5, 0.9];
/**
 * Side of the square the detector sees. The Tiny Face Detector at 416 takes about 0.1–0.3 s a frame on
 * one WASM thread where SSD MobileNet (always 512) takes about 1 s, and still finds faces 24 px wide.
 */
const DETECTOR_INPUT = 416;
/** Longest side frames and stills are decoded at: the detector's input, since it resizes to it anyway. */
export const FACE_FRAME_MAX_SIDE = DETECTOR_INPUT;
/** Detections below this confidence are not faces (face-api's own default is 0.5). */
const MIN_CONFIDENCE = 0.5;
/** Faces narrower than this give descriptors too blurred to compare. */
const MIN_FACE_PIXELS = 24;

export interface Face {
  box: { x: number; y: number; width: number; height: number };
  /** Detector confidence, 0–1. */
  score: number;
  descriptor: Float32Array;
  /**
   * How far the lips are apart, as a share of the face's height: the gap between the inner lips' middle
   * points of the 68-point landmarks (62 above, 66 below). Absent when a model gives no landmarks.
   */
  mouthOpening?: number;
}

export interface FaceModel {
  /** Faces in an RGB24 picture, largest first. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<Face[]>;
}

const require = createRequire(import.meta.url);

/** The local files the model is made of: face-api's weights folder and the WASM backend's binaries. */
export function faceModelFiles(): { modelDirectory: string; wasmDirectory: string } {
  return {
    modelDirectory: join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model"),
    wasmDirectory: dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")),
  };
}

async function load(): Promise<FaceModel> {
  const { modelDirectory, wasmDirectory } = faceModelFiles();
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof WasmBackend;
  // face-api's Node WASM build uses this same @tensorflow/tfjs instance, so the backend set here is its.
  const tf = require("@tensorflow/tfjs") as typeof TensorFlow;
  const faceapi = require("@vladmandic/face-api/dist/face-api.node-wasm.js") as typeof FaceApi;
  // A local directory (with its trailing separator) makes the backend read the binaries with fs.
  wasm.setWasmPaths(`${wasmDirectory}/`);
  if (!(await tf.setBackend("wasm"))) throw new Error("the TensorFlow.js WASM backend did not start");
  await tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDirectory);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDirectory);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDirectory);
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: DETECTOR_INPUT, scoreThreshold: MIN_CONFIDENCE });
  return {
    async detect(rgb, width, height) {
      const tensor = faceapi.tf.tensor3d(rgb, [height, width, 3], "int32");
      try {
        const found = await faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors();
        return found
          .map(({ detection, descriptor, landmarks }) => ({
            box: {
              x: detection.box.x,
              y: detection.box.y,
              width: detection.box.width,
              height: detection.box.height,
            },
            score: detection.score,
            descriptor,
            mouthOpening: lipGap(landmarks.positions, detection.box.height),
          }))
          .filter((face) => Math.min(face.box.width, face.box.height) >= MIN_FACE_PIXELS)
          .sort((first, second) => second.box.width * second.box.height - first.box.width * first.box.height);
      } finally {
        tensor.dispose();
      }
    },
  };
}

/** The inner lips' gap (landmarks 62 and 66) as a share of the face's height. */
export function lipGap(points: Array<{ x: number; y: number }>, faceHeight: number): number | undefined {
  const upper = points[62];
  const lower = points[66];
  if (upper === undefined || lower === undefined || faceHeight <= 0) return undefined;
  return Math.max(0, lower.y - upper.y) / faceHeight;
}

let loading: Promise<FaceModel> | null = null;

/**
 * The face model, loaded on first use and kept for the process. A failed load stays failed (retrying
 * for every clip would pay the same cost to fail again); callers report "not measured".
 */
export function loadFaceModel(): Promise<FaceModel> {
  loading ??= load().catch((error: unknown) => {
    throw new CutroomError("MEDIA", `the face model did not load: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  });
  return loading;
}

export function faceDistance(first: Float32Array, second: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < first.length; index++) sum += (first[index]! - second[index]!) ** 2;
  return Math.sqrt(sum);
}

/** The picture size that fits FACE_FRAME_MAX_SIDE, kept even for the scaler, never enlarged. */
export function faceFrameSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, FACE_FRAME_MAX_SIDE / Math.max(width, height));
  const even = (value: number) => Math.max(2, 2 * Math.round((value * scale) / 2));
  return { width: even(width), height: even(height) };
}

/** Faces in a still image (a reference photo or drawing), largest first. */
export async function facesInStill(path: string, model: FaceModel): Promise<Face[]> {
  const { data, info } = await sharp(path)
    .rotate() // photos carry their orientation in EXIF
    .resize({ width: FACE_FRAME_MAX_SIDE, height: FACE_FRAME_MAX_SIDE, fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return model.detect(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/** Faces in each key frame of a clip (FACE_KEY_FRAME_POSITIONS), largest first within a frame. */
export async function facesInClip(
  path: string,
  model: FaceModel,
  positions: number[] = FACE_KEY_FRAME_POSITIONS,
): Promise<Face[][]> {
  const facts = await probe(path, { requireVideo: true });
  const size = faceFrameSize(facts.width, facts.height);
  const times = positions.map((position) => position * facts.durationSeconds);
  const frames = await decodeRawFrames(path, { times, ...size, scaleFlags: "area" });
  const faces: Face[][] = [];
  for (const frame of frames) faces.push(await model.detect(frame, size.width, size.height));
  return faces;
}

/**
 * How far a clip's faces are from a reference face: per key frame the nearest face (the character may
 * share the frame), then the mean over frames that show a face. Null when no frame shows one.
 */
export function clipDistance(
  reference: Float32Array,
  frames: Face[][],
): { distance: number | null; measuredFrames: number } {
  const nearest = frames
    .filter((faces) => faces.length > 0)
    .map((faces) => Math.min(...faces.map((face) => faceDistance(reference, face.descriptor))));
  if (nearest.length === 0) return { distance: null, measuredFrames: 0 };
  return { distance: nearest.reduce((sum, value) => sum + value, 0) / nearest.length, measuredFrames: nearest.length };
}

export interface SameFaceResult {
  /** False when the model did not load or the first clip shows no face: nothing to compare. */
  measured: boolean;
  /** Every clip that shows a face is within SAME_PERSON_DISTANCE of the first clip's main face. */
  matched: boolean;
  /** Per clip, its distance from the first clip's main face; null for a clip with no face. */
  distances: (number | null)[];
  details: string;
}

/**
 * Whether the shots of one scene show the same person: the largest face of the first clip (over its key
 * frames) is the character, and every other clip is measured against it as clipDistance does.
 */
export async function sameFaceAcross(
  paths: string[],
  options: { model?: () => Promise<FaceModel> } = {},
): Promise<SameFaceResult> {
  const notMeasured = (details: string): SameFaceResult => ({
    measured: false,
    matched: false,
    distances: paths.map(() => null),
    details,
  });
  let model: FaceModel;
  try {
    model = await (options.model ?? loadFaceModel)();
  } catch (error) {
    return notMeasured((error as Error).message);
  }
  const perClip: Face[][][] = [];
  for (const path of paths) perClip.push(await facesInClip(path, model));
  const main = perClip[0]
    ?.flat()
    .sort((first, second) => second.box.width * second.box.height - first.box.width * first.box.height)[0];
  if (main === undefined) return notMeasured("the first clip shows no face");
  const distances = perClip.map((frames) => clipDistance(main.descriptor, frames).distance);
  const matched = distances.every((distance) => distance === null || distance <= SAME_PERSON_DISTANCE);
  const shown = distances.map((distance) => (distance === null ? "no face" : distance.toFixed(3)));
  return {
    measured: true,
    matched,
    distances,
    details: `face distance from the first clip's face per clip: ${shown.join(", ")} (same person ≤ ${SAME_PERSON_DISTANCE})`,
  };
}
