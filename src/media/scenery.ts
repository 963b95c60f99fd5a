/**
 * Location backgrounds drawn with boxes: sky above the horizon, ground below, and a few features per
 * kind of place. Feature positions come from the seed and are laid out relative to the framed area
 * (not the canvas), so a clip's canvas with camera margins frames the same picture as the location's
 * reference still.
 */
import type { LocationLook } from "../domain.js";
import { drawbox, mixHex, seededRandom, type Box } from "./filtergraph.js";

export interface Framing {
  canvasWidth: number;
  canvasHeight: number;
  /** Where the output frame sits inside the canvas when the camera is at rest. */
  frameX: number;
  frameY: number;
  frameWidth: number;
  frameHeight: number;
}

/** Neutral backdrop used when a shot has no location: a soft vertical grey-blue gradient over low blocks. */
export const NEUTRAL_LOOK: LocationLook = {
  kind: "generic",
  sky: "#9aa4b0",
  ground: "#6f757c",
  feature: "#858c94",
  horizon: 0.62,
  description: "neutral backdrop",
};

/** Features are generated across three frame-widths so wide canvases (tracking) still have scenery. */
const SPAN_START = -1;
const SPAN_END = 2;

export function skyColor(look: LocationLook | null): string {
  return (look ?? NEUTRAL_LOOK).sky;
}

export function sceneryBoxes(look: LocationLook | null, seed: number, framing: Framing): Box[] {
  const random = seededRandom(seed ^ 0x5eed);
  const { frameX, frameY, frameWidth: width, frameHeight: height } = framing;
  const place = look ?? NEUTRAL_LOOK;
  const horizonY = frameY + place.horizon * height;
  // Features keep their landscape proportions at any frame shape: a portrait frame shows a narrower
  // stretch of the same place (as it does of the figures, sized by the frame's height), not thinner trees.
  const across = Math.max(width, (height * 16) / 9);
  /** A landscape frame-width fraction (an offset within a feature) as a fraction of this frame's width. */
  const inFrame = (fraction: number) => (fraction * across) / width;
  const boxes: Box[] = [];
  const add = (fx: number, y: number, boxWidth: number, boxHeight: number, color: string) =>
    boxes.push({ x: frameX + fx * width, y, width: boxWidth, height: boxHeight, color });
  // Stratified: feature `index` of `count` lands somewhere in its own slot of the span, so every frame-width
  // holds its share of them. Drawn uniformly, one image in ten showed a nearly empty street, and a pan
  // across it read as a frozen picture.
  const spanX = (index: number, count: number) => SPAN_START + ((index + random()) / count) * (SPAN_END - SPAN_START);

  if (look === null) {
    // Gradient bands: each a little lighter towards the top.
    const bands = 8;
    for (let band = 0; band < bands; band++) {
      const color = mixHex(place.sky, "#ffffff", (bands - band) * 0.03);
      boxes.push({
        x: 0,
        y: (framing.canvasHeight * band) / bands,
        width: framing.canvasWidth,
        height: framing.canvasHeight / bands + 1,
        color,
      });
    }
    boxes.push({
      x: 0,
      y: horizonY,
      width: framing.canvasWidth,
      height: framing.canvasHeight - horizonY,
      color: place.ground,
    });
    // Low blocks in a tone between sky and ground: still a neutral backdrop, but one where a camera move
    // (the push-in every shot without a mover gets) can be seen. Plain bands under a slow push read as frozen.
    const block = mixHex(place.sky, place.ground, 0.6);
    for (let index = 0; index < 12; index++) {
      const blockHeight = height * (0.05 + random() * 0.1);
      add(spanX(index, 12), horizonY - blockHeight, across * (0.04 + random() * 0.06), blockHeight, block);
    }
    return boxes;
  }

  boxes.push({
    x: 0,
    y: horizonY,
    width: framing.canvasWidth,
    height: framing.canvasHeight - horizonY,
    color: place.ground,
  });
  const dark = mixHex(place.feature, "#000000", 0.45);
  const light = mixHex(place.feature, "#ffffff", 0.45);

  switch (place.kind) {
    case "park":
    case "forest": {
      const trees = place.kind === "forest" ? 18 : 9;
      for (let index = 0; index < trees; index++) {
        const fx = spanX(index, trees);
        const scale = 0.7 + random() * 0.6 * (place.kind === "forest" ? 1.4 : 1);
        const trunkHeight = height * 0.12 * scale;
        const base = horizonY + random() * height * 0.04;
        add(fx, base - trunkHeight, across * 0.018 * scale, trunkHeight, dark);
        add(
          fx - inFrame(0.035 * scale),
          base - trunkHeight - height * 0.17 * scale,
          across * 0.088 * scale,
          height * 0.19 * scale,
          place.feature,
        );
      }
      break;
    }
    case "street":
    case "city": {
      const buildings = place.kind === "city" ? 20 : 15;
      for (let index = 0; index < buildings; index++) {
        const fx = spanX(index, buildings);
        const buildingWidth = across * (0.08 + random() * 0.1);
        const buildingHeight = height * (place.kind === "city" ? 0.3 + random() * 0.35 : 0.18 + random() * 0.22);
        add(fx, horizonY - buildingHeight, buildingWidth, buildingHeight, place.feature);
        for (let row = 0; row < 3; row++) {
          add(
            fx + 0.015,
            horizonY - buildingHeight * (0.85 - row * 0.25),
            buildingWidth * 0.3,
            buildingHeight * 0.1,
            light,
          );
        }
      }
      add(SPAN_START, horizonY + height * 0.12, width * (SPAN_END - SPAN_START), height * 0.02, light);
      break;
    }
    case "room": {
      // The window and the table stay inside a narrow frame: where they stand is scaled with their size.
      add((0.12 + random() * 0.2) / inFrame(1), frameY + height * 0.12, across * 0.22, height * 0.26, light);
      const table = (0.6 + random() * 0.15) / inFrame(1);
      add(table, horizonY - height * 0.16, across * 0.2, height * 0.04, place.feature);
      add((0.62 + random() * 0.1) / inFrame(1), horizonY - height * 0.12, across * 0.02, height * 0.12, dark);
      add(SPAN_START, horizonY - height * 0.01, width * (SPAN_END - SPAN_START), height * 0.015, dark);
      break;
    }
    case "beach": {
      add(0.7 + random() * 0.15, frameY + height * 0.08, across * 0.07, across * 0.07, light);
      add(SPAN_START, horizonY, width * (SPAN_END - SPAN_START), height * 0.08, place.feature);
      for (let wave = 0; wave < 12; wave++)
        add(spanX(wave, 12), horizonY + height * (0.02 + random() * 0.05), across * 0.12, height * 0.012, light);
      // Umbrellas and rocks on the sand: a beach is otherwise three flat bands, and a pan across it showed
      // nothing moving at all.
      const rock = mixHex(place.ground, "#000000", 0.5);
      for (let index = 0; index < 9; index++) {
        const fx = spanX(index, 9);
        const sandY = horizonY + height * (0.14 + random() * 0.2);
        if (index % 3 === 1) {
          add(fx, sandY - height * 0.03, across * (0.04 + random() * 0.04), height * 0.03, rock);
        } else {
          add(fx + inFrame(0.025), sandY - height * 0.16, across * 0.008, height * 0.16, dark);
          add(fx, sandY - height * 0.18, across * 0.06, height * 0.03, index % 3 === 0 ? place.feature : light);
        }
      }
      break;
    }
    case "generic": {
      // Four blocks a frame-width on the horizon and three markers on the ground, so any stretch of the
      // place has edges a moving camera can be seen to pass.
      for (let index = 0; index < 12; index++) {
        const blockHeight = height * (0.08 + random() * 0.12);
        add(spanX(index, 12), horizonY - blockHeight, across * (0.05 + random() * 0.08), blockHeight, place.feature);
      }
      for (let index = 0; index < 9; index++)
        add(spanX(index, 9), horizonY + height * (0.12 + random() * 0.25), across * 0.03, height * 0.05, light);
      break;
    }
  }
  return boxes;
}

/** The drawbox chain painting a location onto a canvas of the framing's size, already filled with `skyColor`. */
export function sceneryFilters(look: LocationLook | null, seed: number, framing: Framing): string[] {
  const canvas = { width: framing.canvasWidth, height: framing.canvasHeight };
  return sceneryBoxes(look, seed, framing)
    .map((box) => drawbox(box, canvas))
    .filter((filter): filter is string => filter !== null);
}
