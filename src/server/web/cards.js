/* global document */
/**
 * What the page draws from a turn's result: a take's card with its player, grade, checks and choices,
 * the cost confirmation, and the Brain panel. The choice buttons call back into the chat rather than
 * sending turns themselves, so only app.js talks to /api/v1/chat.
 */
import { $, api, element, state } from "./page.js";
import { addReferencesBlock } from "./references.js";

/* A take: its player, grade, measured checks and the three choices. */
export function takeCard(result, choose) {
  const card = element("li", { class: "take", "data-video-id": result.videoId });
  card.append(element("h3", { text: `Take ${result.videoId}` }));
  const video = element("video", {
    controls: "",
    preload: "metadata",
    src: `/api/v1/projects/${encodeURIComponent(state.projectId)}/videos/${encodeURIComponent(result.videoId)}/file`,
    "aria-label": `Video of take ${result.videoId}`,
  });
  // The dialogue's captions as a text track the viewer can turn off (burned-in ones are in the picture).
  if (result.captions) {
    video.append(
      element("track", {
        kind: "captions",
        srclang: result.captions.language ?? "en",
        label: "English",
        src: `/api/v1/projects/${encodeURIComponent(state.projectId)}/videos/${encodeURIComponent(result.videoId)}/captions.vtt`,
        default: "",
      }),
    );
  }
  card.append(video);
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
  if (result.quality) {
    const rows = result.quality.checks.map((check) =>
      element(
        "tr",
        {},
        element("td", { text: check.type }),
        element("td", {
          class: check.passed ? "pass" : "fail",
          text: `${check.score.toFixed(2)} ${check.passed ? "✓" : "✗"}`,
        }),
        element("td", { text: check.details }),
      ),
    );
    const head = element(
      "tr",
      {},
      element("th", { scope: "col", text: "Check" }),
      element("th", { scope: "col", text: "Score" }),
      element("th", { scope: "col", text: "Details" }),
    );
    card.append(
      element(
        "table",
        { class: "checks" },
        element("caption", { class: "visually-hidden", text: "Quality checks" }),
        element("thead", {}, head),
        element("tbody", {}, ...rows),
      ),
    );
  }
  const status = element(
    "p",
    { class: "take-status", "aria-live": "polite" },
    element("span", { class: "badge pending", text: "awaiting your choice" }),
  );
  card.append(status);
  const choices = element("div", { class: "choices", role: "group", "aria-label": "Choose for this take" });
  for (const [choice, label] of [
    ["accept", "Accept"],
    ["regenerate", "Regenerate"],
    ["discard", "Discard"],
  ]) {
    const button = element("button", { type: "button", "data-choice": choice, text: label });
    button.addEventListener("click", () => {
      for (const other of choices.querySelectorAll("button")) other.disabled = true;
      choose(choice, label);
    });
    choices.append(button);
  }
  card.append(choices);
  return card;
}

export function settleTakeCards(takes) {
  for (const card of document.querySelectorAll(".take")) {
    const take = takes.find((item) => item.videoId === card.dataset.videoId);
    if (!take || take.status === "pending") continue;
    card
      .querySelector(".take-status")
      .replaceChildren(element("span", { class: `badge ${take.status}`, text: take.status }));
    for (const button of card.querySelectorAll(".choices button")) button.disabled = true;
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
