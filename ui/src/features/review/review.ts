// The post-incident review editor: a form (state, sections, key events, action items)
// beside a live preview of the report. Each section is saved when the field is left,
// naming the revisions it was based on, so two people editing apart keep both texts.
import type { ActionItem, AgendaItem, ExportFormat, PirView, ReviewState } from "../../ipc";
import { h, replace } from "../../lib/dom";
import { age, localTime } from "../../lib/format";
import { itemRow } from "../actions/actions";
import { meetingForm } from "./meeting";
import type { MeetingActs } from "./meeting";
import type { ItemActs } from "../actions/actions";

export interface ReviewActs {
  edit: (field: string, text: string, parents: string[]) => void;
  item: (key: string, item: ActionItem) => void;
  state: (state: ReviewState) => void;
  pin: (entry: string, pinned: boolean) => void;
  export: (format: ExportFormat) => void;
  /** Edit or remove an existing action item. */
  items: ItemActs;
  /** Queue a GitHub issue (owner/name) for each item without one. */
  github: (repo: string) => void;
  meeting: MeetingActs;
}

const STATES: ReviewState[] = ["draft", "in_review", "reviewed", "closed"];

function figure(label: string, seconds: number | null): HTMLElement {
  return h("div", { class: "figure" }, h("span", { class: "meta" }, label), h("strong", {}, seconds === null ? "unknown" : age(seconds * 1000)));
}

function githubForm(acts: ReviewActs): HTMLElement {
  const repo = h("input", { id: "github-repo", placeholder: "owner/repository", "aria-label": "GitHub repository" });
  return h(
    "form",
    { class: "inline-form", onsubmit: (e: Event) => (e.preventDefault(), acts.github(repo.value.trim())) },
    repo,
    h("button", { type: "submit", class: "secondary", "data-testid": "github-issues" }, "Create GitHub issues"),
    h("span", { class: "meta" }, "The token is set in Settings."),
  );
}

/** The report as it will read, rebuilt from the form's current values. */
export function preview(p: PirView, values: Record<string, string>): HTMLElement {
  const inc = p.incident;
  const events = p.key_events.filter((e) => e.selected);
  return h(
    "article",
    { class: "preview", "data-testid": "review-preview" },
    inc.drill ? h("div", { class: "drill-banner" }, "DRILL") : null,
    h("h1", {}, `Post-incident review · ${inc.human_id}`),
    h("p", { class: "meta" }, `[${inc.severity}] ${inc.title}`),
    h("div", { class: "figures" }, figure("Detect", p.figures.time_to_detect), figure("Acknowledge", p.figures.time_to_acknowledge), figure("Mitigate", p.figures.time_to_mitigate), figure("Resolve", p.figures.time_to_resolve)),
    h("h2", {}, "Timeline"),
    events.length ? h("ul", {}, events.map((e) => h("li", {}, `${localTime(e.time)} — ${e.text}`))) : h("p", { class: "meta" }, "Pin key events to build the review's timeline."),
    p.sections.flatMap((s) => {
      const text = values[s.field] ?? s.text;
      if (!text.trim()) return [];
      return [h("h2", {}, s.label), s.list ? h("ul", {}, text.split("\n").filter((l) => l.trim()).map((l) => h("li", {}, l))) : h("p", { class: "pre" }, text)];
    }),
    h("h2", {}, "Action items"),
    p.action_items.length
      ? h("ul", {}, p.action_items.map((a) => h("li", {}, `${a.item.id} ${a.item.action} — ${a.item.owner || "unowned"}${a.item.due ? `, due ${a.item.due}` : ""}`)))
      : h("p", { class: "meta" }, "No action items yet."),
  );
}

export function reviewPanel(p: PirView, acts: ReviewActs, agenda: AgendaItem[] = []): HTMLElement {
  const values: Record<string, string> = {};
  const previewBox = h("div", { class: "preview-box" }, preview(p, values));
  const refresh = () => replace(previewBox, preview(p, values));
  const i = STATES.indexOf(p.state);
  const stateBar = h(
    "div",
    { class: "inline-form" },
    h("span", { class: "review-state", "data-testid": "review-state" }, `Review: ${p.state.replace("_", " ")}`),
    p.required ? h("span", { class: "meta" }, p.due ? `required, due ${localTime(p.due)}` : "required") : h("span", { class: "meta" }, "optional for this severity"),
    i > 0 && p.state !== "closed" ? h("button", { class: "secondary", onclick: () => acts.state(STATES[i - 1]) }, `Back to ${STATES[i - 1].replace("_", " ")}`) : null,
    i < 3 ? h("button", { class: "primary", "data-testid": "review-next", onclick: () => acts.state(STATES[i + 1]) }, STATES[i + 1] === "closed" ? "Close review (closes the incident)" : `Move to ${STATES[i + 1].replace("_", " ")}`) : null,
    h("span", { class: "spacer" }),
    (["pdf", "md", "yaml", "ics"] as ExportFormat[]).map((f) => h("button", { class: "secondary", "data-testid": `export-${f}`, onclick: () => acts.export(f) }, f === "ics" ? "Invite (.ics)" : f.toUpperCase())),
  );
  const sections = p.sections.map((s) => {
    const area = h("textarea", { rows: s.list ? 4 : 5, "data-field": s.field, "aria-label": s.label, placeholder: s.list ? "One item per line" : "" });
    area.value = s.text;
    area.addEventListener("input", () => {
      values[s.field] = area.value;
      refresh();
    });
    area.addEventListener("blur", () => {
      if (area.value !== s.text) acts.edit(s.field, area.value, s.heads);
    });
    return h("label", { class: "section-field" }, h("span", {}, s.label, s.conflict ? h("span", { class: "conflict", title: "Two versions were written apart; both are kept. Edit to merge them." }, " — both versions kept, merge them") : null), area);
  });
  const events = h(
    "ul",
    { class: "checklist" },
    p.key_events.map((e) => {
      const box = h("input", { type: "checkbox", "aria-label": e.text });
      box.checked = e.selected;
      box.addEventListener("change", () => acts.pin(e.entry, box.checked));
      return h("li", {}, h("label", {}, box, ` ${localTime(e.time)} `, h("span", { class: "meta" }, e.kind), ` ${e.text}`));
    }),
  );
  const action = h("input", { placeholder: "action", "aria-label": "Action", id: "item-action" });
  const owner = h("input", { placeholder: "owner", "aria-label": "Owner", id: "item-owner" });
  const due = h("input", { type: "date", "aria-label": "Due", id: "item-due" });
  const priority = h("select", { "aria-label": "Priority" }, ["high", "medium", "low"].map((x) => h("option", { value: x, selected: x === "medium" }, x)));
  const today = new Date().toISOString().slice(0, 10);
  const items = h(
    "ul",
    { class: "action-list", "aria-label": "Action items" },
    p.action_items
      .filter((a) => !a.item.deleted)
      .map((a) => itemRow({ incident: p.incident.id, human_id: p.incident.human_id, key: a.key, item: a.item, overdue: !!a.item.due && a.item.due < today && a.item.status !== "done" }, acts.items)),
  );
  const form = h(
    "div",
    { class: "review-form" },
    h("h3", {}, "Key events (the review's timeline)"),
    events,
    h("h3", {}, "Sections"),
    sections,
    h("h3", {}, "Action items"),
    items,
    h(
      "form",
      {
        class: "inline-form",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          acts.item("", { id: "", action: action.value, owner: owner.value, due: due.value || null, priority: priority.value, status: "open", link: "", deleted: false });
        },
      },
      action,
      owner,
      due,
      priority,
      h("button", { type: "submit", class: "primary" }, "Add action item"),
    ),
    githubForm(acts),
  );
  return h("div", { class: "panel review" }, stateBar, meetingForm(p, acts.meeting, agenda), h("div", { class: "review-grid" }, form, previewBox));
}
