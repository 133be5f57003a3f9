// Action items as rows that can be edited in place (action, owner, due, priority,
// status) or removed (a tombstone: the item stays in the review's history). Used by the
// cross-incident Actions view and by the review tab.
import type { ActionChange, ActionRow } from "../../ipc";
import { h, replace } from "../../lib/dom";

export interface ItemActs {
  edit: (row: ActionRow, change: ActionChange) => void;
  remove: (row: ActionRow) => void;
  /** Opens the incident the item belongs to (the cross-incident view only). */
  open?: (row: ActionRow) => void;
}

const PRIORITIES = ["high", "medium", "low"];
const STATES = ["open", "in-progress", "done"];

const NO_CHANGE: ActionChange = { action: null, owner: null, due: null, priority: null, status: null };

function select(label: string, values: string[], current: string): HTMLSelectElement {
  const all = values.includes(current) ? values : [current, ...values];
  const s = h("select", { "aria-label": label }, all.map((v) => h("option", { value: v, selected: v === current }, v || "—")));
  s.value = current;
  return s;
}

/** One item as a row: shown, or as a form while it is being edited. */
export function itemRow(row: ActionRow, acts: ItemActs): HTMLElement {
  const li = h("li", { class: `action-row${row.overdue ? " overdue" : ""}${row.item.status === "done" ? " done" : ""}`, "data-testid": "action-row", "data-item": row.item.id, "data-incident": row.human_id });
  const status = select(`${row.item.id} status`, STATES, row.item.status);
  status.addEventListener("change", () => acts.edit(row, { ...NO_CHANGE, status: status.value }));
  const show = () =>
    replace(
      li,
      h("span", { class: "hid" }, acts.open ? h("button", { class: "link", onclick: () => acts.open!(row) }, row.human_id) : null, ` ${row.item.id}`),
      h("span", { class: "action-text" }, row.item.action),
      h("span", { class: "owner" }, row.item.owner || "unowned"),
      h("span", { class: row.overdue ? "due bad" : "due" }, row.item.due ? `due ${row.item.due}${row.overdue ? " (overdue)" : ""}` : "no due date"),
      h("span", { class: `prio prio-${row.item.priority}` }, row.item.priority),
      status,
      h(
        "span",
        { class: "entry-tools" },
        h("button", { class: "link", "data-testid": "action-edit", title: "Edit", onclick: edit }, "✎"),
        h("button", { class: "link", "data-testid": "action-remove", title: "Remove (kept in the review's history)", onclick: () => acts.remove(row) }, "✕"),
      ),
    );
  const edit = () => {
    const action = h("input", { value: row.item.action, "aria-label": "Action", "data-field": "action" });
    const owner = h("input", { value: row.item.owner, "aria-label": "Owner", "data-field": "owner" });
    const due = h("input", { type: "date", value: row.item.due ?? "", "aria-label": "Due", "data-field": "due" });
    const priority = select("Priority", PRIORITIES, row.item.priority);
    replace(
      li,
      h(
        "form",
        {
          class: "inline-form action-edit",
          onsubmit: (e: Event) => {
            e.preventDefault();
            // Only what changed is sent; an item imported without a priority keeps none until one is chosen.
            const changed = (v: string, was: string | null) => (v !== (was ?? "") ? v : null);
            acts.edit(row, { action: changed(action.value, row.item.action), owner: changed(owner.value, row.item.owner), due: changed(due.value, row.item.due), priority: priority.value ? changed(priority.value, row.item.priority) : null, status: null });
          },
        },
        action,
        owner,
        due,
        priority,
        h("button", { type: "submit", class: "primary", "data-testid": "action-save" }, "Save"),
        h("button", { type: "button", class: "secondary", onclick: show }, "Cancel"),
      ),
    );
    action.focus();
  };
  show();
  return li;
}
