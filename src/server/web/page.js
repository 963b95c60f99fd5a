/* global document, fetch */
/**
 * What every part of the page shares: the one state object, element lookup and building, and API calls
 * with the page's headers. Elements are built here with text set only as textContent, so nothing the
 * server sends is ever parsed as HTML.
 */
export const $ = (id) => document.getElementById(id);
export const state = {
  projectId: null,
  threadId: null,
  pendingVideoId: null,
  busy: false,
  characters: new Set(),
  locations: new Set(),
};
export const PAGE_HEADERS = { "Content-Type": "application/json", "X-Cutroom-Page": "1" };

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), {
      status: response.status,
      code: body.error?.code ?? "HTTP",
      fields: body.error?.fields ?? null,
    });
  return body;
}

/** A video's route in the signed-in project: its details, or one of its files with a suffix. */
export function videoPath(videoId, suffix = "") {
  return `/api/v1/projects/${encodeURIComponent(state.projectId)}/videos/${encodeURIComponent(videoId)}${suffix}`;
}

/** Shot numbers (1-based) of a take, from the clips its report lists. */
export function shotsOf(report) {
  const shots = (report?.outputs ?? [])
    .filter((output) => output.specialist === "video-generator")
    .map((output) => output.output)
    .filter((output) => Number.isInteger(output.shotIndex))
    .sort((a, b) => a.shotIndex - b.shotIndex);
  const seen = new Map();
  for (const shot of shots) seen.set(shot.shotIndex, shot);
  return [...seen.values()];
}
