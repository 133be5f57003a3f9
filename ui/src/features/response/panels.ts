// The response panels of an incident: roles and check-back tasks, checklists, the
// mitigation runbook, status updates from templates, and the shift handoff. Each panel
// renders from data and reports acts through callbacks; the shell does the IPC.
import type { ChecklistView, IncidentDetail, RunbookView, Template } from "../../ipc";
import { h, replace } from "../../lib/dom";
import { localTime } from "../../lib/format";

export const STANDARD_ROLES: [string, string][] = [
  ["incident-commander", "Incident commander"],
  ["communications", "Communications"],
  ["operations", "Operations"],
  ["scribe", "Scribe"],
  ["on-call", "On-call responder"],
];

export interface ResponseActs {
  assign: (role: string, person: string) => void;
  addTask: (owner: string, text: string, minutes: number) => void;
  completeTask: (id: string) => void;
  check: (list: string, item: string, checked: boolean) => void;
  takeAction: (action: string, params: Record<string, string>) => void;
  copy: (text: string) => void;
  draft: (template: Template) => Promise<string>;
  /** `template` says which clock it restarts: a customer one the customer-update clock. */
  sent: (text: string, post: boolean, template: Template) => void;
  handoff: (to: string, note: string) => void;
}

export function rolesPanel(inc: IncidentDetail, acts: ResponseActs): HTMLElement {
  const holder = (role: string) => inc.roles.find((r) => r.role === role)?.person ?? "";
  const rows = STANDARD_ROLES.map(([role, label]) => {
    const input = h("input", { value: holder(role), "aria-label": `${label} name`, "data-role": role, placeholder: "name" });
    const isIc = role === "incident-commander";
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, label),
      h("td", {}, input),
      h(
        "td",
        {},
        h(
          "button",
          {
            class: "secondary",
            "data-testid": `assign-${role}`,
            onclick: () => acts.assign(role, input.value),
          },
          isIc && holder(role) ? "Transfer command" : "Assign",
        ),
      ),
    );
  });
  const owner = h("input", { placeholder: "who", "aria-label": "Task owner", id: "task-owner" });
  const text = h("input", { placeholder: "please do…", "aria-label": "Task", id: "task-text" });
  const minutes = h("input", { type: "number", min: 1, max: 1440, value: 15, "aria-label": "Check back in minutes", id: "task-minutes" });
  const tasks = inc.tasks.map((t) =>
    h(
      "li",
      { class: t.done_at ? "task done" : "task", "data-testid": "task" },
      h("strong", {}, t.owner),
      ` — ${t.text} `,
      h("span", { class: "meta" }, t.done_at ? `done ${localTime(t.done_at)}` : `check back ${localTime(t.check_back_at)}`),
      t.done_at ? null : h("button", { class: "link", onclick: () => acts.completeTask(t.id) }, "done"),
    ),
  );
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, "Roles"),
    h("table", { class: "roles" }, h("tbody", {}, rows)),
    h("h3", {}, "Check-back tasks"),
    h(
      "form",
      {
        class: "inline-form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          acts.addTask(owner.value, text.value, Number(minutes.value));
        },
      },
      owner,
      text,
      h("label", { class: "inline" }, "check back in ", minutes, " min"),
      h("button", { type: "submit", class: "primary" }, "Add task"),
    ),
    tasks.length ? h("ul", { class: "tasks" }, tasks) : h("p", { class: "meta" }, "No tasks yet."),
  );
}

export function checklistsPanel(lists: ChecklistView[], acts: ResponseActs): HTMLElement {
  return h(
    "div",
    { class: "panel" },
    lists.map((l) =>
      h(
        "section",
        {},
        h("h3", {}, l.name),
        h(
          "ul",
          { class: "checklist" },
          l.items.map((i) => {
            const box = h("input", { type: "checkbox", "aria-label": i.item });
            box.checked = i.checked_by !== null;
            box.addEventListener("change", () => acts.check(l.name, i.item, box.checked));
            return h(
              "li",
              {},
              h("label", {}, box, " ", i.item),
              i.checked_by && i.checked_at ? h("span", { class: "meta" }, ` — ${i.checked_by}, ${localTime(i.checked_at)}`) : null,
            );
          }),
        ),
      ),
    ),
  );
}

/** Fills `{name}` placeholders; empty values fall back to the defaults. */
export function fillCommand(template: string, values: Record<string, string>, defaults: Record<string, string>): string {
  return template.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    const v = (values[name] ?? "").trim() || defaults[name] || "";
    return v || whole;
  });
}

export function runbookPanel(actions: RunbookView[], acts: ResponseActs): HTMLElement {
  if (actions.length === 0) return h("div", { class: "panel" }, h("p", { class: "meta" }, "The policy has no runbook actions for this incident's services."));
  return h(
    "div",
    { class: "panel" },
    h("p", { class: "meta" }, "Firebreak never runs commands: copy the command, run it yourself, then mark it taken to log it."),
    actions.map((a) => {
      const values: Record<string, string> = {};
      const defaults = Object.fromEntries(a.params.map((p) => [p.name, p.default]));
      const code = h("code", { class: "command", "data-testid": `command-${a.id}` }, a.command);
      const refresh = () => replace(code, fillCommand(a.template, values, defaults));
      return h(
        "section",
        { class: "runbook-action", "data-action": a.id },
        h("h3", {}, a.name),
        a.params.map((p) =>
          h(
            "label",
            { class: "inline" },
            `${p.name} `,
            h("input", {
              placeholder: p.default,
              title: p.description,
              "aria-label": `${a.name} ${p.name}`,
              oninput: (e: Event) => {
                values[p.name] = (e.target as HTMLInputElement).value;
                refresh();
              },
            }),
          ),
        ),
        h("pre", {}, code),
        h(
          "div",
          { class: "form-actions left" },
          h("button", { class: "secondary", onclick: () => acts.copy(code.textContent ?? "") }, "Copy"),
          h("button", { class: "primary", "data-testid": `take-${a.id}`, onclick: () => acts.takeAction(a.id, { ...values }) }, "Mark taken"),
        ),
      );
    }),
  );
}

/** The status-update dialog: an internal update restarts the update clock; a customer
 * template's notice is recorded as a customer update (the customer-update clock). */
export function commsPanel(inc: IncidentDetail, acts: ResponseActs, saved: string, onDraft: (t: string) => void): HTMLElement {
  const sentBefore = inc.updates_sent > 0;
  const fitting: Template = ["resolved", "closed"].includes(inc.status) ? "resolution" : sentBefore ? "update" : "initial";
  const template = h(
    "select",
    { id: "comms-template", "aria-label": "Template" },
    h("optgroup", { label: "Internal status update" }, (["initial", "update", "resolution"] as Template[]).map((t) => h("option", { value: t, selected: t === fitting }, t))),
    h(
      "optgroup",
      { label: "Customers and status page" },
      (["customer_initial", "customer_update", "customer_resolution"] as Template[]).map((t) => h("option", { value: t }, `customer ${t.replace("customer_", "")}`)),
    ),
  );
  template.value = fitting;
  const text = h("textarea", { id: "comms-text", rows: 12, "aria-label": "Status update", oninput: () => onDraft(text.value) });
  text.value = saved;
  const load = async () => {
    text.value = await acts.draft(template.value as Template);
    onDraft(text.value);
  };
  const post = h("input", { type: "checkbox", id: "comms-post" });
  const isCustomer = () => template.value.startsWith("customer_");
  // Customer notices go to the status page, not the team webhook.
  const fitPost = () => {
    post.disabled = isCustomer();
    if (post.disabled) post.checked = false;
  };
  template.addEventListener("change", () => {
    fitPost();
    void load();
  });
  fitPost();
  if (!saved) void load();
  return h(
    "div",
    { class: "panel" },
    h("div", { class: "inline-form" }, h("label", { class: "inline" }, "Template ", template), h("button", { class: "secondary", onclick: () => void load() }, "Refill from incident")),
    text,
    h(
      "div",
      { class: "form-actions left" },
      h("button", { class: "secondary", onclick: () => acts.copy(text.value) }, "Copy"),
      h("label", { class: "inline", title: "Queued while offline; sent once when online" }, post, "Also post to the team webhook"),
      h("button", { class: "primary", id: "comms-sent", onclick: () => acts.sent(text.value, post.checked, template.value as Template) }, "Mark sent"),
    ),
  );
}

export function handoffPanel(inc: IncidentDetail, draft: string, acts: ResponseActs): HTMLElement {
  const to = h("input", { id: "handoff-to", placeholder: "next incident commander", "aria-label": "Next incident commander" });
  const note = h("textarea", { id: "handoff-note", rows: 14, "aria-label": "Handoff note" });
  note.value = draft;
  return h(
    "div",
    { class: "panel" },
    inc.last_handoff ? h("p", { class: "meta" }, `Last handoff: ${inc.last_handoff.from} → ${inc.last_handoff.to}, ${localTime(inc.last_handoff.at)}`) : null,
    h("label", { class: "inline" }, "Hand over to ", to),
    note,
    h("div", { class: "form-actions left" }, h("button", { class: "primary", id: "handoff-submit", onclick: () => acts.handoff(to.value, note.value) }, "Hand over command")),
  );
}
