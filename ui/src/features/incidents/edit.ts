// Editing an incident in place: title, summary, services, when it was detected and when
// the impact started. Only the fields changed are sent; each becomes an op with its
// author and time on the timeline (crates/api/src/edit.rs).
import type { EditInput, IncidentDetail } from "../../ipc";
import { h } from "../../lib/dom";
import { localInputToRfc3339 } from "../../lib/format";

/** An RFC 3339 instant as a `datetime-local` value in local wall time. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** What changed between the incident and the form's values (null: unchanged). */
export function editChanges(inc: IncidentDetail, v: { title: string; summary: string; services: string; detected: string; impact: string }): EditInput {
  const services = v.services.split(",").map((s) => s.trim()).filter(Boolean);
  const detected = localInputToRfc3339(v.detected);
  const impact = localInputToRfc3339(v.impact);
  // The form shows whole seconds: an instant is unchanged when its second is.
  const second = (t: string) => Math.floor(Date.parse(t) / 1000);
  const sameInstant = (a: string | null, b: string | null) => (a && b ? second(a) === second(b) : a === b);
  return {
    incident: inc.id,
    title: v.title.trim() !== inc.title ? v.title.trim() : null,
    summary: v.summary.trim() !== inc.summary ? v.summary.trim() : null,
    services: services.join(",") !== inc.services.join(",") ? services : null,
    detected_at: detected && !sameInstant(detected, inc.detected_at) ? detected : null,
    impact_started_at: impact && !sameInstant(impact, inc.impact_started_at) ? impact : null,
  };
}

export function editForm(inc: IncidentDetail, save: (e: EditInput) => void, cancel: () => void): HTMLElement {
  const title = h("input", { id: "edit-title", value: inc.title, "aria-label": "Title", required: true });
  const summary = h("textarea", { id: "edit-summary", rows: 3, "aria-label": "Summary" }, inc.summary);
  const services = h("input", { id: "edit-services", value: inc.services.join(", "), "aria-label": "Services (comma separated)" });
  const detected = h("input", { id: "edit-detected", type: "datetime-local", step: 1, value: toLocalInput(inc.detected_at), "aria-label": "Detected at" });
  const impact = h("input", { id: "edit-impact", type: "datetime-local", step: 1, value: toLocalInput(inc.impact_started_at), "aria-label": "Impact started at" });
  const row = (label: string, el: HTMLElement, hint?: string) => h("label", { class: "field" }, h("span", {}, label), el, hint ? h("span", { class: "hint" }, hint) : null);
  return h(
    "form",
    {
      class: "edit-incident",
      "data-testid": "edit-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        save(editChanges(inc, { title: title.value, summary: summary.value, services: services.value, detected: detected.value, impact: impact.value }));
      },
    },
    row("Title", title),
    row("Summary", summary),
    row("Services", services, "A service added gets its RTO clock at once."),
    row("Detected at", detected, "Correct it when detection was earlier than the declaration."),
    row("Impact started at", impact, "When users were first affected: MTTD and MTTR count from it."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "edit-save" }, "Save"), h("button", { type: "button", class: "secondary", onclick: cancel }, "Cancel")),
  );
}
