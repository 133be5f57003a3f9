// The incident page: header (severity, status, title), lifecycle controls, severity
// change, the timeline and the entry box (type, press Enter).
import type { DrillAction, EditInput, EntryKind, EntryView, IncidentDetail, PolicyView, Status } from "../../ipc";
import { editForm } from "./edit";
import { renderClock } from "../clocks/clock";
import { h, replace } from "../../lib/dom";
import { age, localInputToRfc3339, localTime, STATUS_ACTIONS } from "../../lib/format";
import { severityBadge } from "./list";
import { parseQuickEntry, PREFIXES } from "./quick-entry";

export type Tab = "timeline" | "roles" | "checklists" | "runbook" | "comms" | "handoff" | "review" | "evaluation";
export const TABS: [Tab, string][] = [
  ["timeline", "Timeline"],
  ["roles", "Roles & tasks"],
  ["checklists", "Checklists"],
  ["runbook", "Runbook"],
  ["comms", "Update"],
  ["handoff", "Handoff"],
  ["review", "Review"],
  ["evaluation", "Evaluation"],
];

/** Which entries the timeline shows: a kind ("" for all) and words to find. */
export interface TimelineFilter {
  kind: string;
  query: string;
}

export interface DetailHandlers {
  filter: TimelineFilter;
  onFilter: (f: TimelineFilter) => void;
  tab: Tab;
  onTab: (tab: Tab) => void;
  /** The body of the current tab when it is not the timeline. */
  panel: HTMLElement | null;
  /** The timeline's (virtual) list element, when the timeline tab is shown. */
  timeline: HTMLElement | null;
  onPin: (entry: string, pinned: boolean) => void;
  /** For drill incidents: pause, resume, rotate the commander. */
  onDrill: (action: DrillAction) => void;
  onRevise: (entry: string, text: string) => void;
  onEdit: (input: EditInput) => void;
  onStatus: (to: Status) => void;
  onSeverity: (level: string) => void;
  onEntry: (kind: EntryKind, text: string, at: string | null) => void;
  draft: string;
  onDraft: (text: string) => void;
}

function statusButton(inc: IncidentDetail, to: Status, onStatus: (to: Status) => void): HTMLElement {
  const back = Status_order(to) < Status_order(inc.status);
  const label = back ? (inc.status === "mitigated" ? "Mitigation failed" : "Reopen") : STATUS_ACTIONS[to] ?? to;
  return h(
    "button",
    { class: back ? "secondary" : "primary", "data-status": to, "data-testid": `status-${to}`, onclick: () => onStatus(to) },
    label,
  );
}

const ORDER: Status[] = ["detected", "acknowledged", "investigating", "mitigated", "resolved", "closed"];
function Status_order(s: Status): number {
  return ORDER.indexOf(s);
}

const KINDS = ["note", "decision", "action", "alert", "customer-report", "status-change", "severity-change", "role-change", "comms-update", "customer-update"];

function timelineFilter(on: DetailHandlers): HTMLElement {
  const kind = h("select", { id: "timeline-kind", "aria-label": "Show entries of kind" }, h("option", { value: "" }, "All kinds"), KINDS.map((k) => h("option", { value: k, selected: k === on.filter.kind }, k.replace("-", " "))));
  kind.value = on.filter.kind;
  const query = h("input", { id: "timeline-search", type: "search", placeholder: "Find in the timeline", value: on.filter.query, "aria-label": "Find in the timeline" });
  kind.addEventListener("change", () => on.onFilter({ kind: kind.value, query: query.value }));
  query.addEventListener("input", () => on.onFilter({ kind: kind.value, query: query.value }));
  return h("div", { class: "inline-form timeline-filter" }, kind, query);
}

export function entryRow(e: EntryView, on: DetailHandlers): HTMLElement {
  const text = h("span", { class: "text" }, e.text);
  if (e.change?.type === "decision") {
    text.append(h("span", { class: "decision-meta" }, ` — decided by ${e.change.decided_by}${e.change.objections ? `; objections: ${e.change.objections}` : ""}`));
  }
  const revise = () => {
    const input = h("input", { value: e.text, class: "revise-input", "aria-label": "Corrected text" });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") on.onRevise(e.id, input.value);
      if (ev.key === "Escape") replace(text, e.text);
    });
    replace(text, input);
    input.focus();
  };
  return h(
    "li",
    { class: `entry kind-${e.kind}${e.pinned ? " pinned" : ""}`, "data-testid": "timeline-entry", "data-kind": e.kind, "data-id": e.id },
    h("time", { datetime: e.event_time, title: `Recorded ${localTime(e.recorded_time)}` }, localTime(e.event_time)),
    h("span", { class: "kind" }, e.kind.replace("-", " ")),
    h("span", { class: "author" }, e.author),
    text,
    h(
      "span",
      { class: "entry-tools" },
      e.revisions > 0 ? h("span", { class: "revised", title: `Earlier text:\n${e.history.join("\n")}` }, `revised ${e.revisions}×`) : null,
      h("button", { class: `link pin${e.pinned ? " on" : ""}`, title: e.pinned ? "Unpin key event" : "Pin as key event", "aria-pressed": e.pinned ? "true" : "false", onclick: () => on.onPin(e.id, !e.pinned) }, e.pinned ? "★" : "☆"),
      h("button", { class: "link", title: "Correct (keeps the history)", onclick: revise }, "✎"),
    ),
  );
}

/** What the level requires and nobody has done yet: roles, checklist items, the review. */
function missingNote(inc: IncidentDetail): HTMLElement | null {
  const m = inc.missing;
  if (!m || (m.roles.length === 0 && m.checklist.length === 0 && !m.review_open)) return null;
  const parts = [
    m.roles.length ? `no ${m.roles.join(", ")} assigned` : "",
    m.checklist.length ? `${m.checklist.length} item${m.checklist.length === 1 ? "" : "s"} of the ${m.checklist_name || "level's"} checklist open` : "",
    m.review_open ? "the required review is not closed" : "",
  ].filter(Boolean);
  return h(
    "div",
    { class: "missing", role: "note", "data-testid": "missing", title: m.checklist.join("\n") },
    h("strong", {}, `${m.level} requires: `),
    parts.join(" · "),
    m.roles_alert_at && m.roles.length ? h("span", { class: "meta" }, ` (alert at ${localTime(m.roles_alert_at)})`) : null,
  );
}

function renderClocks(inc: IncidentDetail, now: number, leadMs: number): HTMLElement | null {
  if (inc.deadlines.length === 0) return h("p", { class: "meta" }, `No clocks: ${inc.severity} is not a level of the policy in force.`);
  const running = inc.deadlines.filter((d) => d.state.type !== "met" && d.state.type !== "withdrawn");
  const urgent = [...running].sort((a, b) => Date.parse(a.due) - Date.parse(b.due))[0];
  return h(
    "div",
    { class: "clocks", "aria-label": "Clocks", "data-testid": "clocks" },
    inc.deadlines.map((d) => renderClock(d, now, leadMs, d === urgent)),
  );
}

export function renderDetail(inc: IncidentDetail, policy: PolicyView, rank: (l: string) => number, now: number, on: DetailHandlers): HTMLElement {
  const levels = policy.levels;
  const leadMs = policy.lead_minutes * 60_000;
  const kindSelect = h(
    "select",
    { id: "entry-kind", "aria-label": "Entry kind" },
    PREFIXES.map(([p, kind, label]) => h("option", { value: kind }, `${label} (${p}:)`)),
  );
  const text = h("input", {
    id: "entry-text",
    "aria-label": "Timeline entry",
    placeholder: "Type and press Enter. Prefix d: decision, a: action, al: alert, c: customer report",
    autocomplete: "off",
    value: on.draft,
    oninput: (e: Event) => on.onDraft((e.target as HTMLInputElement).value),
  });
  const at = h("input", { id: "entry-at", type: "datetime-local", step: 1, "aria-label": "Event time (optional)", title: "Back-date: when it happened" });
  const form = h(
    "form",
    {
      class: "entry-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const { kind, text: body } = parseQuickEntry(text.value, kindSelect.value as EntryKind);
        on.onEntry(kind, body, localInputToRfc3339(at.value));
      },
    },
    kindSelect,
    text,
    at,
    h("button", { type: "submit", class: "primary", id: "entry-submit" }, "Add"),
  );
  const sevSelect = h(
    "select",
    { id: "severity-select", "aria-label": "Change severity", disabled: ORDER.indexOf(inc.status) >= 4 },
    levels.map((l) => h("option", { value: l.id, selected: l.id === inc.severity }, l.id)),
  );
  sevSelect.value = inc.severity;
  sevSelect.addEventListener("change", () => on.onSeverity(sevSelect.value));

  const shown = (): HTMLElement[] => [
    h("h1", { "data-testid": "detail-title" }, inc.title),
    h(
      "p",
      { class: "meta", "data-testid": "detail-meta" },
      `Detected ${localTime(inc.detected_at)} (${age(now - Date.parse(inc.detected_at))} ago) · declared by ${inc.declared_by}`,
      inc.impact_started_at ? ` · impact from ${localTime(inc.impact_started_at)}` : "",
      inc.services.length ? ` · services: ${inc.services.join(", ")}` : "",
    ),
    ...(inc.summary ? [h("p", { class: "summary" }, inc.summary)] : []),
  ];
  const about = h("div", { class: "about" }, ...shown());
  return h(
    "section",
    { class: `detail${inc.drill ? " drill" : ""}`, "aria-label": `Incident ${inc.human_id}` },
    inc.drill
      ? h(
          "div",
          { class: "drill-banner", role: "note" },
          h("span", {}, "DRILL — this incident is an exercise and is never counted in metrics"),
          h(
            "span",
            { class: "drill-controls" },
            h("button", { class: "link", "data-testid": "drill-pause", onclick: () => on.onDrill("pause") }, "Pause"),
            h("button", { class: "link", "data-testid": "drill-resume", onclick: () => on.onDrill("resume") }, "Resume"),
            h("button", { class: "link", "data-testid": "drill-rotate", onclick: () => on.onDrill("rotate") }, "Rotate commander"),
          ),
        )
      : null,
    h(
      "header",
      { class: "detail-header" },
      h(
        "div",
        { class: "headline" },
        severityBadge(inc.severity, rank(inc.severity), true),
        h("span", { class: `status-big status-${inc.status}`, "data-testid": "detail-status" }, inc.status),
        h("span", { class: "hid-big", "data-testid": "detail-human-id" }, inc.human_id),
        h("button", { class: "link edit-btn", title: "Edit title, summary, services and times", "data-testid": "edit-incident", onclick: () => about.replaceChildren(editForm(inc, on.onEdit, () => about.replaceChildren(...shown()))) }, "✎ Edit"),
      ),
      about,
      h(
        "div",
        { class: "controls" },
        inc.next_statuses.map((s) => statusButton(inc, s, on.onStatus)),
        h("label", { class: "sev-change" }, "Severity ", sevSelect, h("span", { class: "info", title: policy.rebase_rule, "aria-label": policy.rebase_rule }, "ⓘ")),
      ),
      renderClocks(inc, now, leadMs),
      missingNote(inc),
    ),
    inc.last_handoff
      ? h(
          "details",
          { class: "handoff-note", "data-testid": "handoff-note" },
          h("summary", {}, `Handoff from ${inc.last_handoff.from} to ${inc.last_handoff.to} at ${localTime(inc.last_handoff.at)}`),
          h("pre", {}, inc.last_handoff.note),
        )
      : null,
    h(
      "nav",
      { class: "tabs", role: "tablist" },
      TABS.filter(([id]) => id !== "evaluation" || inc.drill).map(([id, label]) =>
        h("button", { role: "tab", class: `tab${on.tab === id ? " active" : ""}`, "aria-selected": on.tab === id ? "true" : "false", "data-tab": id, onclick: () => on.onTab(id) }, id === "timeline" ? `${label} (${inc.timeline_total})` : label),
      ),
    ),
    on.tab === "timeline"
      ? h(
          "div",
          {},
          form,
          timelineFilter(on),
          on.timeline,
        )
      : on.panel,
  );
}
