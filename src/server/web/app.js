/* global document, window, fetch, history, URL, TextDecoder, URLSearchParams, CSS */
/**
 * The web chat: sends turns to /api/v1/chat as event streams, draws progress per step, plays each take
 * and resumes the thread with the buttons. Text from the server is only ever set as textContent.
 */
const $ = (id) => document.getElementById(id);
const state = { projectId: null, threadId: null, busy: false, characters: new Set() };
const PAGE_HEADERS = { "Content-Type": "application/json", "X-Cutroom-Page": "1" };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), { status: response.status });
  return body;
}

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
  item.append(document.createTextNode(text));
  $("log").append(item);
  item.scrollIntoView({ block: "nearest" });
}

/* Progress: one row per pipeline step, each with its own bar. */
function resetProgress(show) {
  $("steps").replaceChildren();
  $("progress").hidden = !show;
}

function showProgress(event) {
  let row = document.querySelector(`#steps li[data-step="${CSS.escape(event.step)}"]`);
  if (!row) {
    const label = element("span", { id: `step-${event.step}`, text: event.step });
    const bar = element("progress", { max: "1", value: "0", "aria-labelledby": `step-${event.step}` });
    row = element("li", { "data-step": event.step }, label, bar, element("span", { class: "detail" }));
    $("steps").append(row);
  }
  const bar = row.querySelector("progress");
  if (event.fraction === null) bar.removeAttribute("value");
  else bar.value = Math.max(Number(bar.value) || 0, event.fraction);
  row.querySelector(".detail").textContent = event.message;
}

/* A take: its player, grade, measured checks and the three choices. */
function takeCard(result) {
  const card = element("li", { class: "take", "data-video-id": result.videoId });
  card.append(element("h3", { text: `Take ${result.videoId}` }));
  const video = element("video", {
    controls: "",
    preload: "metadata",
    src: `/api/v1/projects/${encodeURIComponent(state.projectId)}/videos/${encodeURIComponent(result.videoId)}/file`,
    "aria-label": `Video of take ${result.videoId}`,
  });
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
      void sendTurn({ choice }, label);
    });
    choices.append(button);
  }
  card.append(choices);
  return card;
}

function settleTakeCards(takes) {
  for (const card of document.querySelectorAll(".take")) {
    const take = takes.find((item) => item.videoId === card.dataset.videoId);
    if (!take || take.status === "pending") continue;
    card
      .querySelector(".take-status")
      .replaceChildren(element("span", { class: `badge ${take.status}`, text: take.status }));
    for (const button of card.querySelectorAll(".choices button")) button.disabled = true;
  }
}

/* The Brain panel: every character seen in this thread's takes, with the project's takes of them. */
async function refreshBrain(videoIds) {
  for (const videoId of videoIds) {
    const details = await api(
      `/api/v1/projects/${encodeURIComponent(state.projectId)}/videos/${encodeURIComponent(videoId)}`,
    ).catch(() => null);
    for (const name of details?.metadata.characters ?? []) state.characters.add(name);
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
    panels.push(
      element(
        "section",
        { class: "character", "aria-label": `Brain facts about ${facts.name}` },
        element("h3", { text: facts.name }),
        element("p", { text: facts.description }),
        element("p", { text: counts }),
        list,
      ),
    );
  }
  $("brain").replaceChildren(...panels);
  $("brain-empty").hidden = panels.length > 0;
}

/* A costly request waits for a yes: the estimate and two buttons (typing proceed or cancel works too). */
function costCard(result) {
  const card = element("div", { class: "choices", role: "group", "aria-label": "Confirm the estimated cost" });
  for (const [choice, label] of [
    ["proceed", `Proceed ($${result.estimatedCostUsd.toFixed(2)})`],
    ["cancel", "Cancel"],
  ]) {
    const button = element("button", { type: "button", "data-choice": choice, text: label });
    button.addEventListener("click", () => {
      for (const other of card.querySelectorAll("button")) other.disabled = true;
      void sendTurn({ choice }, label);
    });
    card.append(button);
  }
  return card;
}

function render(result) {
  addMessage("department", result.reply);
  if (result.status === "awaiting-choice" && result.videoId) {
    $("log").append(takeCard(result));
  }
  if (result.status === "awaiting-confirmation") $("log").append(costCard(result));
  settleTakeCards(result.takes);
  void refreshBrain(result.takes.map((take) => take.videoId));
  void showWho();
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
  $("chat-error").textContent = "";
  addMessage("user", shown);
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
      throw new Error(failure.error?.message ?? `HTTP ${response.status}`);
    }
    await readEvents(response, (event, data) => {
      if (event === "thread") setThread(data.threadId);
      else if (event === "progress") showProgress(data);
      else if (event === "result") render(data);
      else if (event === "error") $("chat-error").textContent = data.error.message;
    });
  } catch (error) {
    $("chat-error").textContent = error.message;
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
  for (const message of view.messages) addMessage(message.role, message.text);
  const pending = view.pending ? view.takes.find((take) => take.videoId === view.pending.videoId) : null;
  if (pending) $("log").append(takeCard({ ...pending, status: "awaiting-choice" }));
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

$("new-thread").addEventListener("click", () => {
  setThread(null);
  $("log").replaceChildren();
  state.characters.clear();
  void refreshBrain([]);
  $("message").focus();
});

$("sign-out").addEventListener("click", async () => {
  await api("/api/v1/session", { method: "DELETE", headers: PAGE_HEADERS }).catch(() => null);
  window.location.reload();
});

// Pasting a "#key=…" address into an open page changes only the fragment, which reloads nothing.
window.addEventListener("hashchange", () => {
  if (new URLSearchParams(window.location.hash.slice(1)).has("key")) void start();
});

void start();
