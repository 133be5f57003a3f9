// The declare form: title, severity, services, summary, detection time, drill flag.
import type { DeclareInput, LevelInfo } from "../../ipc";
import { h } from "../../lib/dom";
import { localInputToRfc3339 } from "../../lib/format";

export function renderDeclare(
  levels: LevelInfo[],
  onSubmit: (input: DeclareInput) => void,
  onCancel: () => void,
): HTMLElement {
  const title = h("input", { id: "declare-title", name: "title", required: true, maxlength: 200, placeholder: "What is wrong, in a few words", autocomplete: "off" });
  const severity = h(
    "select",
    { id: "declare-severity", name: "severity" },
    levels.map((l) => h("option", { value: l.id }, l.name && l.name !== l.id ? `${l.id} — ${l.name}` : l.id)),
  );
  const services = h("input", { id: "declare-services", name: "services", placeholder: "api, database", autocomplete: "off" });
  const summary = h("textarea", { id: "declare-summary", name: "summary", rows: 3, placeholder: "Impact, what we know so far" });
  const at = h("input", { id: "declare-at", name: "at", type: "datetime-local", step: 1 });
  const drill = h("input", { id: "declare-drill", name: "drill", type: "checkbox" });
  const form = h(
    "form",
    {
      class: "declare-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        onSubmit({
          title: title.value,
          severity: severity.value,
          summary: summary.value,
          services: services.value.split(",").map((s) => s.trim()).filter(Boolean),
          drill: drill.checked,
          at: localInputToRfc3339(at.value),
        });
      },
      onkeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === "Escape") onCancel();
      },
    },
    h("h2", {}, "Declare an incident"),
    h("label", {}, "Title", title),
    h("label", {}, "Severity", severity),
    h("label", {}, "Affected services (comma-separated)", services),
    h("label", {}, "Summary", summary),
    h("label", {}, "Detected at (leave empty for now)", at),
    h("label", { class: "check" }, drill, "This is a drill"),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "button", class: "secondary", onclick: onCancel }, "Cancel (Esc)"),
      h("button", { type: "submit", id: "declare-submit", class: "primary" }, "Declare"),
    ),
  );
  return h("div", { class: "overlay", role: "dialog", "aria-modal": "true", "aria-label": "Declare an incident" }, form);
}
