/* global document */
/**
 * What the page draws from a turn's result: a take's card with its player, grade, checks and choices,
 * the cost confirmation, and the Brain panel. The choice buttons call back into the chat rather than
 * sending turns themselves, so only app.js talks to /api/v1/chat.
 */
import { $, api, element, state } from "./page.js";
import { checksTable, downloadLink, library, openTakePage, player } from "./library.js";
import { regenerateForm } from "./regenerate.js";
import { addReferencesBlock } from "./references.js";

/* A take: its player and download, grade, measured checks and the three choices. */
export function takeCard(result, choose, { settled = null } = {}) {
  const card = element("li", { class: "take", "data-video-id": result.videoId });
  const title = library.get(result.videoId)?.title ?? `Take ${result.videoId}`;
  card.append(element("h3", { class: "take-heading", text: title }));
  const open = element("button", { type: "button", class: "quiet", text: "Take page" });
  open.addEventListener("click", () => void openTakePage(result.videoId));
  if (settled === "discarded") {
    card.append(element("p", { class: "hint", text: "Discarded: its file went to the tombstones." }));
  } else {
    card.append(player(result.videoId, { captions: result.captions }));
    card.append(element("p", { class: "take-links" }, downloadLink(result.videoId), open));
  }
  if (result.grade) {
    const verdict = result.grade.passed ? "passes the bar" : "below the bar";
    card.append(
      element(
        "p",
        {},
        element("span", { class: "grade", text: `Grade ${result.grade.overall.toFixed(2)}` }),
        document.createTextNode(
          ` — quality ${result.grade.quality}, relevance ${result.grade.relevance}, consistency ${result.grade.consistency}; ${verdict} (${result.grade.threshold})`,
        ),
      ),
    );
    // Text nodes only: the model's reason is shown, never parsed as markup.
    if (result.grade.relevanceBasis === "frames" || result.grade.relevanceBasis === "facts") {
      card.append(
        element("p", {
          class: "judged",
          text: `Relevance judged from the ${result.grade.relevanceBasis}: ${result.grade.relevanceReason ?? ""}`,
        }),
      );
    }
  }
  const checks = checksTable(result.quality?.checks);
  if (checks) card.append(checks);
  const status = element(
    "p",
    { class: "take-status", "aria-live": "polite" },
    element("span", {
      class: `badge ${settled ?? "pending"}`,
      text: settled ?? "awaiting your choice",
    }),
  );
  card.append(status);
  if (settled !== null) return card;
  const choices = element("div", { class: "choices", role: "group", "aria-label": "Choose for this take" });
  const disableAll = () => {
    for (const button of card.querySelectorAll(".choices button, .regenerate-form button")) button.disabled = true;
  };
  const regenerate = regenerateForm(result, (note) => {
    disableAll();
    choose("regenerate", note ? `Regenerate: ${note}` : "Regenerate", note);
  });
  for (const [choice, label] of [
    ["accept", "Accept"],
    ["regenerate", "Regenerate…"],
    ["discard", "Discard"],
  ]) {
    const button = element("button", { type: "button", "data-choice": choice, text: label });
    if (choice === "regenerate") {
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", regenerate.id);
      button.addEventListener("click", () => {
        regenerate.hidden = !regenerate.hidden;
        button.setAttribute("aria-expanded", String(!regenerate.hidden));
        if (!regenerate.hidden) regenerate.querySelector("textarea").focus();
      });
    } else {
      button.addEventListener("click", () => {
        disableAll();
        choose(choice, label);
      });
    }
    choices.append(button);
  }
  card.append(choices, regenerate);
  return card;
}

export function settleTakeCards(takes) {
  for (const card of document.querySelectorAll(".take")) {
    const take = takes.find((item) => item.videoId === card.dataset.videoId);
    if (!take || take.status === "pending") continue;
    card
      .querySelector(".take-status")
      .replaceChildren(element("span", { class: `badge ${take.status}`, text: take.status }));
    for (const button of card.querySelectorAll(".choices button, .regenerate-form button")) button.disabled = true;
    const form = card.querySelector(".regenerate-form");
    if (form) form.hidden = true;
  }
}

/* The Brain panel: every character and location seen in this thread's takes (or given a reference here),
   with the project's takes of each character and every owner's references. */
export async function refreshBrain(videoIds) {
  for (const videoId of videoIds) {
    const details = await api(
      `/api/v1/projects/${encodeURIComponent(state.projectId)}/videos/${encodeURIComponent(videoId)}`,
    ).catch(() => null);
    for (const name of details?.metadata.characters ?? []) state.characters.add(name);
    if (details?.metadata.location) state.locations.add(details.metadata.location);
  }
  const panels = [];
  for (const name of state.characters) {
    const facts = await api(
      `/api/v1/projects/${encodeURIComponent(state.projectId)}/characters/${encodeURIComponent(name)}`,
    ).catch(() => null);
    if (!facts) continue;
    const counts = `${facts.counts.accepted} accepted, ${facts.counts.discarded} discarded, ${facts.counts.pending} pending, ${facts.counts.superseded} superseded`;
    const list = element(
      "ul",
      {},
      ...facts.takes.map((take) =>
        element(
          "li",
          { "data-take": take.id },
          element("span", { class: `badge ${take.status}`, text: take.status }),
          document.createTextNode(` ${take.id} · grade ${take.overall.toFixed(2)}`),
        ),
      ),
    );
    const panel = element(
      "section",
      { class: "character", "aria-label": `Brain facts about ${facts.name}` },
      element("h3", { text: facts.name }),
      element("p", { text: facts.description }),
      element("p", { text: counts }),
      list,
    );
    await addReferencesBlock(panel, "character", facts.name);
    panels.push(panel);
  }
  for (const name of state.locations) {
    const panel = element(
      "section",
      { class: "character location", "aria-label": `Brain facts about the location ${name}` },
      element("h3", { text: name }),
    );
    await addReferencesBlock(panel, "location", name);
    panels.push(panel);
  }
  $("brain").replaceChildren(...panels);
  $("brain-empty").hidden = panels.length > 0;
}

/* A costly request waits for a yes: the estimate and two buttons (typing proceed or cancel works too). */
export function costCard(result, choose) {
  const card = element("div", { class: "choices", role: "group", "aria-label": "Confirm the estimated cost" });
  for (const [choice, label] of [
    ["proceed", `Proceed ($${result.estimatedCostUsd.toFixed(2)})`],
    ["cancel", "Cancel"],
  ]) {
    const button = element("button", { type: "button", "data-choice": choice, text: label });
    button.addEventListener("click", () => {
      for (const other of card.querySelectorAll("button")) other.disabled = true;
      choose(choice, label);
    });
    card.append(button);
  }
  return card;
}
