/**
 * How an animatic character is drawn (boxes from its visual profile) and how each action moves it.
 * Each figure has two poses, A and B, drawn with complementary `enable` expressions so they alternate
 * at the action's rate (legs for walking, an arm for waving, a mouth for talking...).
 */
import type { Action, VisualProfile } from "../domain.js";
import { mixHex, num, type Box } from "./filtergraph.js";
import type { FigureSize } from "./figure-size.js";
import { spokenMouth } from "./mouth.js";

export type { FigureSize };

export function figureSize(profile: VisualProfile, frameHeight: number): FigureSize {
  const bodyHeight = Math.max(8, Math.round(profile.height * frameHeight));
  const bodyWidth = Math.max(4, Math.round(profile.build * bodyHeight));
  // Room for arms raised sideways and legs apart; even sizes keep chroma planes aligned.
  const width = 2 * Math.ceil((bodyWidth * 2.4) / 2);
  const height = 2 * Math.ceil(bodyHeight / 2);
  return { width, height, bodyHeight, bodyWidth };
}

type Phase = "A" | "B" | "both";
interface Part extends Omit<Box, "enable"> {
  phase: Phase;
}

/**
 * Pose-switch expression: pose A for the first half of each cycle. `rate` is cycles per second;
 * 0 freezes pose A. `offset` staggers several characters so they do not move in lockstep.
 */
export function phaseExpression(phase: "A" | "B", rate: number, offset: number): string {
  const cycle = `mod(t*${num(rate)}+${num(offset)},1)`;
  return phase === "A" ? `lt(${cycle},0.5)` : `gte(${cycle},0.5)`;
}

/**
 * Boxes of the figure in its own canvas, for one action. `mouth` is how open its mouth is at each frame
 * (0..1, at `fps`) while it speaks a line: the mouth then follows it instead of the talk action's cycle.
 */
export function figureBoxes(
  profile: VisualProfile,
  size: FigureSize,
  action: Action,
  rate: number,
  offset: number,
  mouth: { opening: number[]; fps: number } | null = null,
): Box[] {
  const parts = figureParts(profile, size, action, mouth !== null);
  const speaking = mouth === null ? [] : spokenMouth(profile, size, action, mouth.opening, mouth.fps);
  // Without pose switching the figure simply holds pose A.
  if (rate <= 0)
    return [...parts.filter((part) => part.phase !== "B").map(({ phase: _phase, ...box }) => box), ...speaking];
  return [
    ...parts.map(({ phase, ...box }) =>
      phase === "both" ? box : { ...box, enable: phaseExpression(phase, rate, offset) },
    ),
    ...speaking,
  ];
}

function figureParts(profile: VisualProfile, size: FigureSize, action: Action, speaks = false): Part[] {
  const height = size.bodyHeight;
  const bodyWidth = size.bodyWidth;
  const center = size.width / 2;
  const top = size.height - height;
  const y = (fraction: number) => top + fraction * height;
  const armWidth = Math.max(2, bodyWidth * 0.24);
  const legWidth = Math.max(2, bodyWidth * 0.38);
  const headWidth = Math.max(3, bodyWidth * 0.62);
  const sitting = action === "sit";
  const torsoTop = y(0.19);
  const hip = sitting ? y(0.68) : y(0.55);
  const torsoBottom = hip;
  const headTop = sitting ? y(0.16) : y(0.03);
  const headBottom = headTop + 0.16 * height;
  const shift = sitting ? y(0.13) - top : 0;
  const part = (
    x: number,
    yTop: number,
    width: number,
    partHeight: number,
    color: string,
    phase: Phase = "both",
  ): Part => ({
    x,
    y: yTop,
    width,
    height: partHeight,
    color,
    phase,
  });
  const leftX = center - bodyWidth / 2;
  const rightX = center + bodyWidth / 2;
  const parts: Part[] = [
    part(center - headWidth / 2 - 1, headTop - 0.03 * height, headWidth + 2, 0.07 * height, profile.hair),
    part(
      center - headWidth / 2,
      headTop + 0.02 * height,
      headWidth,
      headBottom - headTop - 0.02 * height,
      profile.skin,
    ),
    part(leftX, torsoTop + shift, bodyWidth, torsoBottom - torsoTop - shift, profile.top),
    part(leftX, torsoBottom - 0.045 * height, bodyWidth, 0.045 * height, profile.accent),
    part(center - bodyWidth * 0.18, torsoTop + shift, bodyWidth * 0.36, 0.05 * height, profile.accent),
  ];
  const arm = (side: "left" | "right", pose: "down" | "up" | "out" | "forward", phase: Phase) => {
    const x = side === "left" ? leftX - armWidth : rightX;
    const shoulder = torsoTop + shift + 0.01 * height;
    const hand = Math.max(2, armWidth * 1.1);
    if (pose === "up") {
      parts.push(part(x, shoulder - 0.2 * height, armWidth, 0.26 * height, profile.top, phase));
      parts.push(part(x, shoulder - 0.2 * height - hand, armWidth, hand, profile.skin, phase));
    } else if (pose === "out") {
      // Held out sideways at shoulder height, as long as the figure's canvas allows.
      const reach = bodyWidth * 0.55;
      const armX = side === "left" ? leftX - reach : rightX;
      const handX = side === "left" ? armX - hand : rightX + reach;
      parts.push(part(armX, shoulder, reach, armWidth, profile.top, phase));
      parts.push(part(handX, shoulder, hand, armWidth, profile.skin, phase));
    } else {
      const lift = pose === "forward" ? 0.05 * height : 0;
      const length = 0.28 * height - lift;
      parts.push(part(x, shoulder, armWidth, length, profile.top, phase));
      parts.push(part(x, shoulder + length, armWidth, 0.05 * height, profile.skin, phase));
    }
  };
  const legs = (spread: number, liftLeft: number, liftRight: number, phase: Phase) => {
    const legHeight = size.height - hip;
    const gap = bodyWidth - 2 * legWidth;
    const leftLeg = leftX - spread;
    const rightLeg = leftX + legWidth + gap + spread;
    parts.push(part(leftLeg, hip, legWidth, legHeight - liftLeft * height, profile.bottom, phase));
    parts.push(part(rightLeg, hip, legWidth, legHeight - liftRight * height, profile.bottom, phase));
  };
  const mouth = (open: boolean, phase: Phase) =>
    parts.push(
      part(
        center - headWidth * 0.2,
        headBottom - 0.05 * height,
        headWidth * 0.4,
        (open ? 0.035 : 0.012) * height,
        mixHex(profile.skin, "#000000", 0.6),
        phase,
      ),
    );

  switch (action) {
    case "walk":
    case "run": {
      const stride = action === "run" ? 0.22 : 0.12;
      legs(bodyWidth * stride, 0.06, 0, "A");
      legs(-bodyWidth * stride * 0.3, 0, 0.06, "B");
      arm("left", "forward", "A");
      arm("right", "down", "A");
      arm("left", "down", "B");
      arm("right", "forward", "B");
      break;
    }
    case "wave":
      legs(0, 0, 0, "both");
      arm("left", "down", "both");
      arm("right", "up", "A");
      arm("right", "out", "B");
      break;
    case "dance":
    case "jump":
      legs(bodyWidth * 0.15, 0, 0, "A");
      legs(0, 0.03, 0.03, "B");
      arm("left", "up", "A");
      arm("right", "up", "A");
      arm("left", "out", "B");
      arm("right", "out", "B");
      break;
    case "sit": {
      // Seated, seen from the side: thighs level from the hip, shins down to a low seat's foot.
      const knee = rightX + bodyWidth * 0.45;
      parts.push(part(leftX, hip - legWidth, knee - leftX, legWidth, profile.bottom));
      parts.push(part(knee - legWidth, hip - legWidth, legWidth, size.height - hip + legWidth, profile.bottom));
      parts.push(part(leftX, hip, bodyWidth * 0.9, size.height - hip, mixHex(profile.bottom, "#000000", 0.55)));
      arm("left", "down", "A");
      arm("right", "down", "A");
      arm("left", "forward", "B");
      arm("right", "out", "B");
      break;
    }
    case "talk":
      legs(0, 0, 0, "both");
      arm("left", "down", "both");
      arm("right", "forward", "A");
      arm("right", "out", "B");
      if (!speaks) {
        mouth(true, "A");
        mouth(false, "B");
      }
      break;
    case "look":
    case "stand": {
      legs(0, 0, 0, "both");
      arm("left", "down", "both");
      arm("right", "down", "both");
      const eye = Math.max(1, headWidth * 0.16);
      const eyeColor = mixHex(profile.hair, "#000000", 0.4);
      const eyeY = headTop + 0.07 * height;
      for (const [phase, direction] of [
        ["A", -1],
        ["B", 1],
      ] as const) {
        const glance = action === "look" ? direction * headWidth * 0.12 : 0;
        for (const side of [-1, 1]) {
          parts.push(part(center + side * headWidth * 0.22 - eye / 2 + glance, eyeY, eye, eye, eyeColor, phase));
        }
      }
      break;
    }
  }
  return parts;
}

/** Motion of an action, as overlay expressions in t (seconds) relative to the figure's rest position. */
export interface ActionMotion {
  /** Pose switches per second (0: pose A only). */
  poseRate: number;
  /** Horizontal displacement expression (pixels); locomotion adds travel, the rest sway. */
  x: string;
  /** Vertical displacement expression (pixels, negative is up). */
  y: string;
  /** Total horizontal travel over the clip, for placing the group and for tracking cameras. */
  travel: number;
}

/**
 * `strength` is the effective motion strength (0..1). Speeds and amplitudes scale with it, so raising
 * motion strength after a "frozen" verdict gives visibly more movement. In-place actions sway on a
 * triangle wave (constant speed, brief turnarounds) rather than a sine, whose slow extremes read as
 * held frames; sway speed is a share of the frame width per second so it shows at every frame size.
 */
export function actionMotion(
  action: Action,
  strength: number,
  size: FigureSize,
  frameWidth: number,
  durationSeconds: number,
  direction: 1 | -1,
): ActionMotion {
  const h = size.bodyHeight;
  const s = strength;
  const triangle = (period: number) => `(2*abs(2*mod(t/${num(period)},1)-1)-1)`;
  const sway = (widthsPerSecond: number, period: number) =>
    `${num((frameWidth * widthsPerSecond * s * period) / 4)}*${triangle(period)}`;
  const bob = (amplitude: number, rate: number) => `-${num(amplitude)}*abs(sin(PI*${num(rate)}*t))`;
  if (s <= 0) return { poseRate: 0, x: "0", y: "0", travel: 0 };
  switch (action) {
    case "walk":
    case "run": {
      const running = action === "run";
      const travel = frameWidth * (running ? 0.7 : 0.4) * s;
      const rate = (running ? 2.5 : 1.2) + 1.5 * s;
      const x = `${num(direction * travel)}*(t/${num(durationSeconds)}-0.5)`;
      return { poseRate: rate, x, y: bob(h * (running ? 0.04 : 0.02), rate * 2), travel };
    }
    case "jump":
      return { poseRate: 1.2, x: sway(0.04, 2.5), y: bob(h * 0.45 * s, 1.2), travel: 0 };
    case "dance":
      return { poseRate: 1.5 + 1.5 * s, x: sway(0.2, 1.2), y: bob(h * 0.05 * s, 2.4), travel: 0 };
    case "wave":
      return { poseRate: 1.5 + 2 * s, x: sway(0.08, 2), y: "0", travel: 0 };
    case "talk":
      return { poseRate: 2 + 3 * s, x: sway(0.08, 2.4), y: bob(h * 0.01, 2), travel: 0 };
    case "sit":
      return { poseRate: 1 + 0.6 * s, x: sway(0.07, 2.8), y: bob(h * 0.02 * s, 1), travel: 0 };
    case "look":
      return { poseRate: 0.8 + 0.5 * s, x: sway(0.08, 2.4), y: "0", travel: 0 };
    case "stand":
      return { poseRate: 0.5, x: sway(0.08, 2), y: bob(h * 0.015 * s, 0.8), travel: 0 };
  }
}

/** Motion strength as applied: any positive request gives at least a visible minimum. */
export function effectiveStrength(motionStrength: number): number {
  if (!(motionStrength > 0)) return 0;
  return 0.3 + 0.7 * Math.min(1, motionStrength);
}
