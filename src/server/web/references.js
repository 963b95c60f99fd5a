/* global document */
/**
 * A user's own references in the Brain panel: each character's or location's references listed with
 * their source, an image dropped on its panel (or chosen with its "Add reference" button, for the
 * keyboard) sent as the request body, and a form for an owner the thread has not met yet. Results and
 * errors are shown next to the control that caused them.
 */
import { $, api, element, state } from "./page.js";

const MAX_BYTES = 20 * 1024 * 1024;
const TYPES = ["image/png", "image/jpeg", "image/webp"];
let controls = 0;

export function referencesPath(owner, name) {
  const segment = owner === "location" ? "locations" : "characters";
  return `/api/v1/projects/${encodeURIComponent(state.projectId)}/${segment}/${encodeURIComponent(name)}/references`;
}

/* The server judges the file by its bytes; the type only tells it to read the body as an image. */
export async function uploadReference(owner, name, file, replace = false) {
  if (file.size > MAX_BYTES) throw new Error(`image: ${file.name} is larger than 20 MB`);
  return api(`${referencesPath(owner, name)}${replace ? "?replace=true" : ""}`, {
    method: "POST",
    headers: {
      "X-Cutroom-Page": "1",
      "Content-Type": TYPES.includes(file.type) ? file.type : "application/octet-stream",
    },
    body: file,
  });
}

function showStatus(node, ok, text) {
  node.className = `upload-status ${ok ? "ok" : "error"}`;
  node.textContent = text;
}

/* Each reference with its picture, so an owner is seen as well as described. */
function fillList(list, references, owner, name) {
  list.replaceChildren(
    ...references.map((reference) =>
      element(
        "li",
        { "data-reference": reference.id },
        element("img", {
          class: "reference-image",
          src: `${referencesPath(owner, name)}/${encodeURIComponent(reference.id)}/image`,
          alt: `${reference.kind} reference of ${name}`,
          loading: "lazy",
        }),
        element("span", { class: `badge ${reference.source}`, text: reference.source }),
        document.createTextNode(` ${reference.kind} · ${reference.id}`),
      ),
    ),
  );
  if (references.length === 0) list.append(element("li", { class: "none", text: "no references yet" }));
}

/* Appends the references block to an owner's panel and makes the panel a drop target for images. */
export async function addReferencesBlock(panel, owner, name) {
  const listed = await api(referencesPath(owner, name)).catch(() => null);
  const list = element("ul", { class: "references", "aria-label": `References of ${name}` });
  fillList(list, listed?.references ?? [], owner, name);
  const status = element("p", { class: "upload-status", role: "status" });
  const input = element("input", { type: "file", accept: TYPES.join(","), hidden: "" });
  const id = `add-reference-${++controls}`;
  const button = element("button", {
    type: "button",
    id,
    class: "quiet",
    text: "Add reference…",
    "aria-describedby": `${id}-hint`,
  });
  const hint = element("span", { id: `${id}-hint`, class: "hint", text: " or drop an image here" });
  const send = async (file) => {
    if (!file) return;
    showStatus(status, true, `Uploading ${file.name}…`);
    try {
      const added = await uploadReference(owner, name, file);
      showStatus(status, true, `Added ${added.reference.id} (${added.reference.source})`);
      fillList(list, (await api(referencesPath(owner, name))).references, owner, name);
    } catch (error) {
      showStatus(status, false, error.message);
    }
  };
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    void send(input.files?.[0]);
    input.value = "";
  });
  panel.classList.add("drop-target");
  panel.addEventListener("dragover", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    panel.classList.add("dropping");
  });
  panel.addEventListener("dragleave", () => panel.classList.remove("dropping"));
  panel.addEventListener("drop", (event) => {
    event.preventDefault();
    panel.classList.remove("dropping");
    void send(event.dataTransfer?.files?.[0]);
  });
  panel.append(list, element("p", { class: "add-reference" }, button, hint), input, status);
}

/* The panel's own form: any character or location by name, new ones included. */
export function wireReferenceForm(refresh) {
  $("reference-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const owner = $("reference-owner").value;
    const name = $("reference-name").value.trim();
    const file = $("reference-file").files?.[0];
    if (!name || !file) return;
    showStatus($("reference-status"), true, `Uploading ${file.name}…`);
    try {
      const added = await uploadReference(owner, name, file, $("reference-replace").checked);
      showStatus(
        $("reference-status"),
        true,
        `Added ${added.reference.id} to ${added.name} (${added.reference.source})`,
      );
      (owner === "location" ? state.locations : state.characters).add(added.name);
      $("reference-form").reset();
      await refresh();
    } catch (error) {
      showStatus($("reference-status"), false, error.message);
    }
  });
}
