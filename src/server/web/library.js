/* global document, URLSearchParams */
/**
 * The project's library: a sidebar of every take (newest first, a page at a time) with its thumbnail,
 * title and status, two of them ticked to compare (compare.js); and a take's own page (player, download,
 * contact sheet, plan, checks, provenance).
 */
import { $, api, element, state, videoPath } from "./page.js";

const PAGE_SIZE = 20;
/** Every take listed so far, by id: the titles and statuses the chat's cards show too. */
export const library = new Map();
let nextCursor = null;

function thumbnail(take) {
  if (take.status === "discarded") return element("span", { class: "thumb none", text: "discarded" });
  // The first frame, fetched only as far as the player needs for it.
  return element("video", {
    class: "thumb",
    src: `${videoPath(take.id, "/file")}#t=0.1`,
    preload: "metadata",
    muted: "",
    "aria-hidden": "true",
    tabindex: "-1",
  });
}

function libraryItem(take) {
  const open = element(
    "button",
    { type: "button", class: "open-take", "aria-label": `Open take ${take.title}` },
    thumbnail(take),
    element(
      "span",
      { class: "take-meta" },
      element("span", { class: "take-title", text: take.title }),
      element(
        "span",
        { class: "take-line" },
        element("span", { class: `badge ${take.status}`, text: take.status }),
        document.createTextNode(` ${take.durationSeconds.toFixed(1)} s · ${take.overall.toFixed(2)}`),
      ),
    ),
  );
  open.addEventListener("click", () => void openTakePage(take.id));
  const pick = element("input", {
    type: "checkbox",
    id: `pick-${take.id}`,
    "data-pick": take.id,
    "aria-label": `Compare ${take.title} (${take.status})`,
  });
  if (take.status === "discarded") pick.disabled = true;
  pick.addEventListener("change", updateCompare);
  const label = element("label", { for: `pick-${take.id}`, class: "pick" }, pick, element("span", { text: "compare" }));
  return element("li", { "data-library-take": take.id }, open, label);
}

export function picked() {
  return [...document.querySelectorAll("#library input[data-pick]:checked")].map((input) => input.dataset.pick);
}

function updateCompare() {
  const ids = picked();
  $("compare").disabled = ids.length !== 2;
  // Two is the most a side-by-side shows: the others wait until one is unticked.
  for (const input of document.querySelectorAll("#library input[data-pick]")) {
    const take = library.get(input.dataset.pick);
    input.disabled = take?.status === "discarded" || (ids.length >= 2 && !input.checked);
  }
}

/** Reloads the first page (after a turn) or appends the next one; returns the takes listed. */
export async function refreshLibrary({ more = false } = {}) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (more && nextCursor) query.set("cursor", nextCursor);
  const page = await api(`/api/v1/projects/${encodeURIComponent(state.projectId)}/videos?${query}`).catch(() => null);
  if (!page) return [];
  const ticked = new Set(picked());
  if (!more) {
    library.clear();
    $("library").replaceChildren();
  }
  for (const take of page.items) {
    library.set(take.id, take);
    const item = libraryItem(take);
    if (ticked.has(take.id)) item.querySelector("input").checked = true;
    $("library").append(item);
  }
  nextCursor = page.nextCursor;
  $("library-more").hidden = !nextCursor;
  $("library-empty").hidden = library.size > 0;
  updateCompare();
  return page.items;
}

export function player(videoId, { captions = null, label = "" } = {}) {
  const video = element("video", {
    controls: "",
    preload: "metadata",
    src: videoPath(videoId, "/file"),
    "aria-label": label || `Video of take ${videoId}`,
  });
  // The dialogue's captions as a text track the viewer can turn off (burned-in ones are in the picture).
  if (captions) {
    video.append(
      element("track", {
        kind: "captions",
        srclang: captions.language ?? "en",
        label: "English",
        src: videoPath(videoId, "/captions.vtt"),
        default: "",
      }),
    );
  }
  return video;
}

export function downloadLink(videoId) {
  return element("a", {
    class: "download",
    href: videoPath(videoId, "/file?download=1"),
    download: "",
    text: "Download",
  });
}

function definitionList(rows) {
  const list = element("dl", { class: "provenance" });
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    list.append(element("dt", { text: term }), element("dd", { text: String(value) }));
  }
  return list;
}

/* The plan as the Brain recorded it: shots, then lines and cues with when they play. */
function planBlock(plan) {
  if (!plan) return [];
  const at = (item) => `${item.startTime.toFixed(1)}–${(item.startTime + item.duration).toFixed(1)} s`;
  const blocks = [
    element("h3", { text: "Plan" }),
    element(
      "ol",
      { class: "shots", "aria-label": "Shots" },
      ...plan.shots.map((shot) =>
        element("li", {
          "data-shot": shot.index,
          text: `Shot ${shot.index} · ${shot.durationSeconds.toFixed(1)} s · ${shot.method} · ${shot.model}${plan.missingShots.includes(shot.index) ? " · missing" : ""}`,
        }),
      ),
    ),
  ];
  if (plan.lines.length > 0) {
    blocks.push(
      element("h4", { text: "Lines" }),
      element(
        "ul",
        { class: "lines" },
        ...plan.lines.map((line) => element("li", { text: `${at(line)}: ${line.text}` })),
      ),
    );
  }
  if (plan.cues.length > 0) {
    blocks.push(
      element("h4", { text: "Cues" }),
      element(
        "ul",
        { class: "cues" },
        ...plan.cues.map((cue) => element("li", { text: `${at(cue)} ${cue.type}: ${cue.description}` })),
      ),
    );
  }
  return blocks;
}

export function checksTable(checks) {
  if (!checks?.length) return null;
  const rows = checks.map((check) =>
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
  return element(
    "div",
    { class: "table-scroll" },
    element(
      "table",
      { class: "checks" },
      element("caption", { class: "visually-hidden", text: "Quality checks" }),
      element("thead", {}, head),
      element("tbody", {}, ...rows),
    ),
  );
}

/** A take's page: everything the project knows of it, in a dialog that returns focus when closed. */
export async function openTakePage(videoId) {
  const details = await api(videoPath(videoId));
  const take = library.get(videoId);
  const title = take?.title ?? videoId;
  $("take-page-title").textContent = title;
  const body = [];
  if (details.status !== "discarded") {
    body.push(player(videoId, { captions: details.captions, label: `Video of ${title}` }));
    body.push(element("p", { class: "take-links" }, downloadLink(videoId)));
  } else {
    body.push(element("p", { class: "hint", text: "Discarded: its file went to the tombstones." }));
  }
  if (details.contactSheet) {
    body.push(
      element(
        "figure",
        { class: "contact-sheet" },
        element("img", { src: details.contactSheet, alt: `Contact sheet of ${title}: a still per shot` }),
        element("figcaption", { text: "Contact sheet" }),
      ),
    );
  }
  body.push(...planBlock(await api(videoPath(videoId, "/plan")).catch(() => null)));
  const checks = checksTable(details.quality?.checks);
  if (checks) body.push(element("h3", { text: "Checks" }), checks);
  const { metadata } = details;
  body.push(
    element("h3", { text: "Provenance" }),
    definitionList([
      ["Asked", take?.request.text],
      ["Status", details.status],
      ["Model", take?.model],
      ["Method", metadata.method],
      ["Length", metadata.duration === null ? null : `${Number(metadata.duration).toFixed(1)} s`],
      ["Frame", metadata.resolution],
      ["Grade", metadata.grade ? metadata.grade.overall.toFixed(2) : null],
      ["Attempt", metadata.attempt],
      ["Made from", metadata.regeneratedFrom],
      ["Characters", metadata.characters.join(", ")],
      ["Location", metadata.location],
      ["Cost", take ? `$${take.costUsd.toFixed(2)}` : null],
      ["Thread", metadata.threadId],
      ["Made", new Date(details.createdAt).toLocaleString()],
      ["Id", videoId],
    ]),
  );
  $("take-page-body").replaceChildren(...body);
  $("take-page").showModal();
}

export function wireLibrary() {
  $("library-more").addEventListener("click", () => void refreshLibrary({ more: true }));
  for (const dialog of [$("take-page"), $("compare-page")]) {
    dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
    // A closed dialog stops its players.
    dialog.addEventListener("close", () => {
      for (const video of dialog.querySelectorAll("video")) video.pause();
    });
  }
}
