/* global document */
/**
 * Two takes side by side before choosing: their players kept in step (play, pause and seek follow each
 * other), their grades and checks, and the take the thread waits on can be accepted from here.
 */
import { checksTable, downloadLink, library, picked, player } from "./library.js";
import { $, api, element, state, videoPath } from "./page.js";

/** Keeps the second player where the first one is: playing, paused, or at the same time. */
function keepInStep(players) {
  let syncing = false;
  for (const [index, video] of players.entries()) {
    const other = players[1 - index];
    const follow = (action) => () => {
      if (syncing) return;
      syncing = true;
      Promise.resolve(action(other))
        .catch(() => null)
        .finally(() => (syncing = false));
    };
    video.addEventListener(
      "play",
      follow((target) => target.paused && target.play()),
    );
    video.addEventListener(
      "pause",
      follow((target) => !target.paused && target.pause()),
    );
    video.addEventListener(
      "seeked",
      follow((target) => {
        if (Math.abs(target.currentTime - video.currentTime) > 0.05) target.currentTime = video.currentTime;
      }),
    );
  }
}

async function openCompare(choose) {
  const ids = picked();
  if (ids.length !== 2) return;
  const columns = [];
  const players = [];
  for (const id of ids) {
    const take = library.get(id);
    const details = await api(videoPath(id));
    const video = player(id, { captions: details.captions, label: `Video of ${take.title}` });
    players.push(video);
    const column = element(
      "section",
      { class: "compare-column", "data-compare": id, "aria-label": take.title },
      element("h3", { text: take.title }),
      // Takes of one request share its title: the id and time tell them apart.
      element("p", { class: "hint", text: `${take.id} · ${new Date(take.createdAt).toLocaleString()}` }),
      video,
      element(
        "p",
        {},
        element("span", { class: `badge ${take.status}`, text: take.status }),
        document.createTextNode(
          ` grade ${take.overall.toFixed(2)} · ${take.durationSeconds.toFixed(1)} s · ${take.model}`,
        ),
      ),
      checksTable(details.quality?.checks),
    );
    // The take this thread waits on can be chosen here, after watching both.
    if (take.status === "pending" && state.pendingVideoId === id) {
      const accept = element("button", { type: "button", text: `Accept ${take.title}` });
      accept.addEventListener("click", () => {
        $("compare-page").close();
        choose("accept", "Accept");
      });
      column.append(accept);
    }
    column.append(element("p", {}, downloadLink(id)));
    columns.push(column);
  }
  keepInStep(players);
  const playBoth = element("button", { type: "button", text: "Play both from the start" });
  playBoth.addEventListener("click", () => {
    for (const video of players) video.currentTime = 0;
    void players[0].play().catch(() => null);
  });
  $("compare-body").replaceChildren(element("p", {}, playBoth), element("div", { class: "compare-grid" }, ...columns));
  $("compare-page").showModal();
}

export function wireCompare(choose) {
  $("compare").addEventListener("click", () => void openCompare(choose));
}
