/* global document, window, fetch, history, URL, TextDecoder, URLSearchParams, CSS, setInterval, clearInterval */
/**
 * The web chat: sends turns to /api/v1/chat as event streams, draws progress per step, plays each take
 * and resumes the thread with the buttons. Text from the server is only ever set as textContent. The
 * take cards and the Brain panel are drawn by cards.js; shared helpers and state live in page.js.
 */
import { costCard, refreshBrain, settleTakeCards, takeCard } from "./cards.js";
import { wireCompare } from "./compare.js";
import { library, refreshLibrary, wireLibrary } from "./library.js";
import { $, api, element, PAGE_HEADERS, state } from "./page.js";
import { previewPlan } from "./plan-editor.js";
import { wireReferenceForm } from "./references.js";
import { errorReply } from "./replies.js";

function setThread(threadId) {
  state.threadId = threadId;
  const url = new URL(window.location.href);
  if (threadId) url.searchParams.set("thread", threadId);
  else url.searchParams.delete("thread");
  history.replaceState(null, "", url.pathname + url.search);
  $("new-thread").hidden = !threadId;
}

function addMessage(role, text) {
  const item = element(
    "li",
    { class: `message ${role}` },
    element("span", { class: "role", text: role === "user" ? "You" : "Department" }),
  );
  item.append(...linked(text));
  $("log").append(item);
  item.scrollIntoView({ block: "nearest" });
}

/* The API routes a reply names (a take's file) become links; everything else stays text. */
function linked(text) {
  const parts = text.split(/(\/api\/v1\/projects\/[A-Za-z0-9_-]+\/videos\/[A-Za-z0-9_-]+\/file)/);
  return parts.map((part, index) =>
    index % 2 === 1 ? element("a", { href: part, text: part }) : document.createTextNode(part),
  );
}

/* Progress: one row per pipeline step, each with its own bar, the time it has taken and, once it has
   moved, an estimate of what is left at the pace so far. */
let ticker = null;

function resetProgress(show) {
  $("steps").replaceChildren();
  $("progress").hidden = !show;
  clearInterval(ticker);
  ticker = show ? setInterval(tickSteps, 1000) : null;
}

function seconds(value) {
  return value < 60 ? `${Math.round(value)} s` : `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}

function tickSteps() {
  const now = Date.now();
  for (const row of document.querySelectorAll("#steps li[data-step]")) {
    const started = Number(row.dataset.started);
    const ended = row.dataset.ended ? Number(row.dataset.ended) : null;
    const elapsed = ((ended ?? now) - started) / 1000;
    const fraction = Number(row.querySelector("progress").value) || 0;
    let text = seconds(elapsed);
    if (ended === null && fraction > 0.05 && fraction < 1)
      text += ` · about ${seconds((elapsed * (1 - fraction)) / fraction)} left`;
    row.querySelector(".elapsed").textContent = text;
  }
}

function showProgress(event) {
  let row = document.querySelector(`#steps li[data-step="${CSS.escape(event.step)}"]`);
  if (!row) {
    const label = element("span", { id: `step-${event.step}`, text: event.step });
    const bar = element("progress", { max: "1", value: "0", "aria-labelledby": `step-${event.step}` });
    row = element(
      "li",
      { "data-step": event.step, "data-started": Date.now() },
      label,
      bar,
      element("span", { class: "elapsed", text: "0 s" }),
      element("span", { class: "detail" }),
    );
    // A new step means the one before it is done: its time stops.
    const previous = $("steps").lastElementChild;
    if (previous && !previous.dataset.ended) previous.dataset.ended = String(Date.now());
    $("steps").append(row);
  }
  const bar = row.querySelector("progress");
  if (event.fraction === null) bar.removeAttribute("value");
  else bar.value = Math.max(Number(bar.value) || 0, event.fraction);
  row.querySelector(".detail").textContent = event.message;
}

/* A choice on a take or a cost confirmation is the next turn of the chat. */
function choose(choice, label, note = "") {
  void sendTurn(note ? { choice, note } : { choice }, label);
}

function render(result) {
  addMessage("department", result.reply);
  state.pendingVideoId = result.status === "awaiting-choice" ? result.videoId : null;
  if (result.status === "awaiting-choice" && result.videoId) {
    $("log").append(takeCard(result, choose));
  }
  if (result.status === "awaiting-confirmation") $("log").append(costCard(result, choose));
  settleTakeCards(result.takes);
  void refreshAfterTurn(result.takes.map((take) => take.videoId));
}

/* The library first, so the take cards get their titles from it. */
async function refreshAfterTurn(videoIds) {
  await refreshLibrary();
  for (const card of document.querySelectorAll(".take[data-video-id]")) {
    const title = library.get(card.dataset.videoId)?.title;
    if (title) card.querySelector(".take-heading").textContent = title;
  }
  await refreshBrain(videoIds);
  await showWho();
}

async function showWho() {
  const me = await api("/api/v1/me").catch(() => null);
  if (me) $("who").textContent = `project ${me.projectId} · ${me.generationsLeftThisHour} generations left this hour`;
  return me;
}

/** Reads an SSE body from a POST (EventSource only does GET). */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary;
    while ((boundary = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) onEvent(event, JSON.parse(data));
    }
  }
}

async function sendTurn(body, shown) {
  if (state.busy) return;
  state.busy = true;
  $("send").disabled = true;
  addMessage("user", shown);
  const fail = (error) => {
    const reply = errorReply(error, body.message ?? null, (message) => void sendTurn({ message }, message));
    $("log").append(reply);
    reply.scrollIntoView({ block: "nearest" });
  };
  resetProgress(true);
  try {
    const response = await fetch("/api/v1/chat", {
      method: "POST",
      credentials: "same-origin",
      headers: { ...PAGE_HEADERS, Accept: "text/event-stream" },
      body: JSON.stringify({ threadId: state.threadId, ...body }),
    });
    if (!response.ok) {
      const failure = await response.json().catch(() => ({}));
      fail(failure.error ?? { code: "HTTP", message: `HTTP ${response.status}` });
      return;
    }
    await readEvents(response, (event, data) => {
      if (event === "thread") setThread(data.threadId);
      else if (event === "progress") showProgress(data);
      else if (event === "result") render(data);
      else if (event === "error") fail(data.error);
    });
  } catch (error) {
    fail({ code: "NETWORK", message: `The server could not be reached: ${error.message}` });
  } finally {
    resetProgress(false);
    state.busy = false;
    $("send").disabled = false;
  }
}

async function loadThread(threadId) {
  const view = await api(`/api/v1/threads/${encodeURIComponent(threadId)}`).catch(() => null);
  if (!view) return setThread(null);
  setThread(threadId);
  await refreshLibrary();
  const pendingId = view.pending?.videoId ?? null;
  state.pendingVideoId = pendingId;
  // Every take keeps its player, shown after the reply that announced it; the library knows its status now.
  const shown = new Set();
  const card = (take) => {
    shown.add(take.videoId);
    const status = library.get(take.videoId)?.status ?? take.status;
    const settled = take.videoId === pendingId ? null : status === "pending" ? "superseded" : status;
    return takeCard({ ...take, status: "awaiting-choice" }, choose, { settled });
  };
  for (const message of view.messages) {
    addMessage(message.role, message.text);
    if (message.role !== "department") continue;
    for (const take of view.takes)
      if (!shown.has(take.videoId) && message.text.includes(take.videoId)) $("log").append(card(take));
  }
  for (const take of view.takes) if (!shown.has(take.videoId)) $("log").append(card(take));
  if (view.pending?.kind === "cost") $("log").append(costCard(view.pending, choose));
  await refreshBrain(view.takes.map((take) => take.videoId));
}

async function start() {
  const key = new URLSearchParams(window.location.hash.slice(1)).get("key");
  if (key) {
    // The key leaves the address bar at once; from here on the HttpOnly cookie carries the session.
    history.replaceState(null, "", window.location.pathname + window.location.search);
    await api("/api/v1/session", { method: "POST", headers: PAGE_HEADERS, body: JSON.stringify({ key }) }).catch(
      () => null,
    );
  }
  const me = await showWho();
  $("sign-in").hidden = me !== null;
  $("workspace").hidden = me === null;
  $("sign-out").hidden = me === null;
  if (!me) return $("key").focus();
  state.projectId = me.projectId;
  const threadId = new URLSearchParams(window.location.search).get("thread");
  if (threadId) await loadThread(threadId);
  else await refreshLibrary();
  $("message").focus();
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await api("/api/v1/session", {
      method: "POST",
      headers: PAGE_HEADERS,
      body: JSON.stringify({ key: $("key").value }),
    });
    $("key").value = "";
    await start();
  } catch (error) {
    $("sign-in-error").textContent = error.message;
  }
});

$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const message = $("message").value.trim();
  if (!message) return;
  $("message").value = "";
  void sendTurn({ message }, message);
});

$("preview-plan").addEventListener("click", async () => {
  const message = $("message").value.trim();
  if (!message || state.busy) return;
  $("message").value = "";
  try {
    await previewPlan(
      message,
      (body) => void sendTurn(body, body.plan ? `${message} (with the edited plan)` : message),
    );
  } catch (error) {
    $("log").append(errorReply(error, message, (corrected) => void sendTurn({ message: corrected }, corrected)));
  }
});

$("new-thread").addEventListener("click", () => {
  setThread(null);
  $("log").replaceChildren();
  state.characters.clear();
  state.locations.clear();
  void refreshBrain([]);
  $("message").focus();
});

$("sign-out").addEventListener("click", async () => {
  await api("/api/v1/session", { method: "DELETE", headers: PAGE_HEADERS }).catch(() => null);
  window.location.reload();
});

wireReferenceForm(() => refreshBrain([]));
wireLibrary();
wireCompare(choose);

// Pasting a "#key=…" address into an open page changes only the fragment, which reloads nothing.
window.addEventListener("hashchange", () => {
  if (new URLSearchParams(window.location.hash.slice(1)).has("key")) void start();
});

void start();
