/**
 * A failed turn answered in the thread: the department's reason as a reply that stays, with the fix it
 * suggests as a button that sends the corrected request. Fixes are read from the error's code and field,
 * never from the wording of its message, except the limit a field's message states.
 */
import { element } from "./page.js";

const UNITS = "(?:seconds?|secs?|s|minutes?|mins?|hours?|hrs?)";
const LENGTH = new RegExp(`\\b(\\d+(?:\\.\\d+)?)[ -]?${UNITS}\\b`, "i");

/** What to send instead, as [label, message] pairs; none when the error has no fix the page can make. */
export function fixesFor(error, message) {
  const fields = error.fields ?? {};
  const fixes = [];
  if (error.code === "INVALID_INPUT" && fields.duration && message) {
    // "at most 70 s": the longest the department makes, so the same request at that length runs.
    const most = /at most (\d+(?:\.\d+)?) ?s\b/.exec(fields.duration)?.[1];
    if (most && LENGTH.test(message)) {
      fixes.push([`Make it ${most} seconds`, message.replace(LENGTH, `${most} second`)]);
    }
  }
  if (error.code === "BUDGET_EXCEEDED" && message) {
    fixes.push(["Ask for one short shot", `${message.replace(LENGTH, "5 second")}, one shot`]);
  }
  if (error.code === "THREAD_BUSY" || error.code === "RATE_LIMITED" || error.code === "UPSTREAM_UNAVAILABLE") {
    if (message) fixes.push(["Try again", message]);
  }
  return fixes;
}

/** The error as a department reply in the log, with its fix buttons; returns the reply's element. */
export function errorReply(error, message, send) {
  const item = element(
    "li",
    { class: "message department failed", "data-error": error.code ?? "ERROR" },
    element("span", { class: "role", text: "Department · could not do that" }),
    element("span", { class: "reason", text: error.message }),
  );
  const fixes = fixesFor(error, message);
  if (fixes.length > 0) {
    const group = element("div", { class: "choices fixes", role: "group", "aria-label": "Suggested fixes" });
    for (const [label, corrected] of fixes) {
      const button = element("button", { type: "button", class: "fix", text: label });
      button.addEventListener("click", () => {
        for (const other of group.querySelectorAll("button")) other.disabled = true;
        send(corrected);
      });
      group.append(button);
    }
    item.append(group);
  }
  return item;
}
