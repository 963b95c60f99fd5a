/* global document */
/**
 * Regenerating a take with a reason: a note of what should change and, for a scene, the shots to make
 * again. The department reads the shots from the note's words ("shot 2", "shots 1 and 3"), as it does
 * when the note is typed in the chat, and reuses the shots not named.
 */
import { api, element, shotsOf, videoPath } from "./page.js";

let forms = 0;

/** "shot 2", "shots 1 and 3", "shots 1, 2 and 4": the words the department reads shot numbers from. */
export function shotWords(numbers) {
  if (numbers.length === 0) return "";
  if (numbers.length === 1) return `shot ${numbers[0]}`;
  return `shots ${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`;
}

export function regenerateNote(shots, text) {
  const words = shotWords(shots);
  const reason = text.trim();
  if (words && reason) return `${words}: ${reason}`;
  return words ? `redo ${words}` : reason;
}

async function fillShots(fieldset, result) {
  const report = result.report ?? (await api(videoPath(result.videoId)).catch(() => null))?.quality ?? null;
  const shots = shotsOf(report);
  // A single clip has nothing to choose between: the note alone says what to change.
  if (shots.length < 2) return;
  const id = fieldset.dataset.form;
  for (const shot of shots) {
    const box = element("input", { type: "checkbox", id: `${id}-shot-${shot.shotIndex}`, value: shot.shotIndex });
    fieldset.append(
      element(
        "label",
        { class: "inline", for: `${id}-shot-${shot.shotIndex}` },
        box,
        document.createTextNode(` Shot ${shot.shotIndex}`),
      ),
    );
  }
  fieldset.hidden = false;
}

export function regenerateForm(result, submit) {
  const id = `regenerate-${++forms}`;
  const note = element("textarea", { id: `${id}-note`, rows: "2", maxlength: "900" });
  const fieldset = element(
    "fieldset",
    { class: "shot-choice", "data-form": id, hidden: "" },
    element("legend", { text: "Shots to make again (none ticked: the department decides)" }),
  );
  const form = element(
    "form",
    { class: "regenerate-form", id, hidden: "", "aria-label": "Regenerate this take" },
    element("label", { for: `${id}-note`, text: "What should change?" }),
    note,
    fieldset,
    element("button", { type: "submit", text: "Regenerate" }),
  );
  void fillShots(fieldset, result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const shots = [...fieldset.querySelectorAll("input:checked")].map((box) => Number(box.value));
    submit(regenerateNote(shots, note.value));
  });
  return form;
}
