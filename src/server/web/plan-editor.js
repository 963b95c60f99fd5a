/**
 * The plan before anything is spent: the request's preview (shots with their lengths, the lines, the
 * estimated cost) with the scene's lengths, order and lines editable, sent with the request so the
 * department makes what was edited. The server checks the edited plan against the scene's rules and
 * refuses one that breaks them with its reason.
 */
import { $, api, element, PAGE_HEADERS, state } from "./page.js";

let editors = 0;
const round = (value) => Math.round(value * 1e6) / 1e6;

/**
 * The plan with its shots in `order` (original shot numbers) at `lengths` and its lines' texts: numbers,
 * start times, continuations and transitions follow the new order; what passes the end is cut to it.
 */
export function editedPlan(plan, order, lengths, lines) {
  const original = new Map(plan.shots.map((shot) => [shot.index, shot]));
  let start = 0;
  const shots = order.map((from, position) => {
    const shot = original.get(from);
    const duration = lengths[position];
    // A shot only continues the clip that still comes right before it.
    const continues = shot.continuesFrom !== null && position > 0 && order[position - 1] === shot.continuesFrom;
    const placed = {
      ...shot,
      index: position + 1,
      start: round(start),
      duration,
      continuesFrom: continues ? position : null,
    };
    start += duration;
    return placed;
  });
  const total = round(start);
  const transitions = [];
  for (let position = 1; position < order.length; position++) {
    const kept = plan.transitions.find(
      (transition) => transition.fromShot === order[position - 1] && transition.toShot === order[position],
    );
    transitions.push({
      fromShot: position,
      toShot: position + 1,
      type: kept?.type ?? "cut",
      duration: kept?.duration ?? 0,
    });
  }
  const dialogue = plan.dialogue.map((line, index) => ({ ...line, text: lines[index] ?? line.text }));
  const music = plan.music && {
    ...plan.music,
    duration: round(Math.max(0.1, Math.min(plan.music.duration, total - plan.music.startTime))),
  };
  const sfx = plan.sfx
    .filter((cue) => cue.startTime < total)
    .map((cue) => ({ ...cue, duration: round(Math.min(cue.duration, total - cue.startTime)) }));
  return { ...plan, totalDuration: total, shots, transitions, dialogue, music, sfx };
}

function shotRow(id, shot, move) {
  const length = element("input", {
    type: "number",
    id: `${id}-length-${shot.index}`,
    min: "0.5",
    max: "60",
    step: "0.5",
    value: shot.seconds,
    "data-length": shot.index,
  });
  const up = element("button", {
    type: "button",
    class: "quiet",
    text: "↑",
    "aria-label": `Move shot ${shot.index} earlier`,
  });
  const down = element("button", {
    type: "button",
    class: "quiet",
    text: "↓",
    "aria-label": `Move shot ${shot.index} later`,
  });
  const row = element(
    "li",
    { "data-plan-shot": shot.index },
    element("span", { class: "plan-shot-text", text: `${shot.action} · ${shot.camera} · ${shot.method}` }),
    element("label", { for: `${id}-length-${shot.index}`, text: `Length of shot ${shot.index} (s)` }),
    length,
    up,
    down,
  );
  up.addEventListener("click", () => move(row, -1));
  down.addEventListener("click", () => move(row, 1));
  return row;
}

/** Asks for the preview of `message` and puts its editor in the log; `send` runs the request. */
export async function previewPlan(message, send) {
  const preview = await api(`/api/v1/projects/${encodeURIComponent(state.projectId)}/plans/preview`, {
    method: "POST",
    headers: PAGE_HEADERS,
    body: JSON.stringify({ message }),
  });
  const id = `plan-${++editors}`;
  const card = element("li", { class: "plan-card", "aria-labelledby": `${id}-title` });
  card.append(
    element("h3", {
      id: `${id}-title`,
      text: `Plan: ${preview.kind === "scene" ? `${preview.shots.length} shots` : "one clip"}, ${preview.totalDuration} s, estimated $${preview.estimatedCostUsd.toFixed(2)}`,
    }),
  );
  const list = element("ol", { class: "plan-shots", "aria-label": "Shots, in order" });
  const move = (row, step) => {
    const sibling = step < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) return;
    if (step < 0) list.insertBefore(row, sibling);
    else list.insertBefore(sibling, row);
    row.querySelector(step < 0 ? "button[aria-label*=earlier]" : "button[aria-label*=later]").focus();
  };
  const shots =
    preview.kind === "scene"
      ? preview.plan.shots.map((shot) => ({ ...shot, seconds: shot.duration }))
      : preview.shots.map((shot) => ({ ...shot, seconds: shot.durationSeconds }));
  for (const shot of shots) list.append(shotRow(id, shot, move));
  card.append(list);
  const lines = (preview.plan?.dialogue ?? []).map((line, index) =>
    element(
      "p",
      { class: "plan-line" },
      element("label", { for: `${id}-line-${index}`, text: `Line ${index + 1} (${line.character})` }),
      element("input", { type: "text", id: `${id}-line-${index}`, value: line.text, maxlength: "300" }),
    ),
  );
  if (lines.length > 0) card.append(element("h4", { text: "Lines" }), ...lines);
  if (preview.kind !== "scene") {
    // One clip has no plan to send: its length is the request's (or its model's) own.
    for (const input of list.querySelectorAll("input, button")) input.disabled = true;
    card.append(element("p", { class: "hint", text: "One clip: ask for a scene to plan it as shots." }));
  }
  const run = element("button", { type: "button", text: "Make it" });
  const cancel = element("button", { type: "button", class: "quiet", text: "Discard the plan" });
  const done = () => {
    for (const control of card.querySelectorAll("input, button")) control.disabled = true;
  };
  run.addEventListener("click", () => {
    done();
    if (preview.kind !== "scene") return send({ message });
    const rows = [...list.querySelectorAll("li[data-plan-shot]")];
    const order = rows.map((row) => Number(row.dataset.planShot));
    const lengths = rows.map((row) => Number(row.querySelector("input").value));
    const texts = lines.map((line) => line.querySelector("input").value.trim());
    send({ message, plan: editedPlan(preview.plan, order, lengths, texts) });
  });
  cancel.addEventListener("click", () => {
    done();
    $("message").value = message;
    $("message").focus();
  });
  card.append(element("div", { class: "choices" }, run, cancel));
  $("log").append(card);
  card.scrollIntoView({ block: "nearest" });
  list.querySelector("input")?.focus();
}
