// The Actions view: every review's action items across incidents, filtered to the open
// or overdue ones or one owner's, as a virtual list (a year of reviews is many items).
import { api } from "../../ipc";
import type { ActionFilter, ActionRow } from "../../ipc";
import { h } from "../../lib/dom";
import { virtualList } from "../../lib/virtual";
import type { ViewContext, ViewDef } from "../shell/view";
import { itemRow } from "./actions";
import type { ItemActs } from "./actions";

export function actionsView(): ViewDef {
  let filter: ActionFilter = { open: true, overdue: false, owner: null };
  let rows: ActionRow[] = [];
  const load = async () => {
    rows = await api.listActions(filter);
  };
  const acts = (ctx: ViewContext): ItemActs => ({
    edit: (row, change) =>
      void ctx.guard(async () => {
        await api.actionEdit({ incident: row.incident, item: row.key, change });
        await load();
        ctx.redraw();
      }),
    remove: (row) =>
      void ctx.guard(async () => {
        await api.actionRemove({ incident: row.incident, item: row.key, change: { action: null, owner: null, due: null, priority: null, status: null } });
        await load();
        ctx.redraw();
        ctx.toast(`${row.item.id} removed; the review keeps it in its history`);
      }),
    open: (row) => void ctx.select(row.incident),
  });
  let list: ReturnType<typeof virtualList<ActionRow>> | null = null;
  return {
    id: "actions",
    label: "Actions",
    load,
    async changed() {
      await load();
      return false;
    },
    render(ctx) {
      const check = (key: "open" | "overdue", label: string) => {
        const box = h("input", { type: "checkbox", checked: filter[key], "data-testid": `actions-${key}` });
        box.addEventListener("change", () => {
          filter = { ...filter, [key]: box.checked };
          void ctx.guard(async () => (await load(), ctx.redraw()));
        });
        return h("label", { class: "inline" }, box, ` ${label}`);
      };
      const owner = h("input", { type: "search", placeholder: "Owner", value: filter.owner ?? "", "aria-label": "Owner", "data-testid": "actions-owner" });
      owner.addEventListener("change", () => {
        filter = { ...filter, owner: owner.value.trim() || null };
        void ctx.guard(async () => (await load(), ctx.redraw()));
      });
      const a = acts(ctx);
      list?.destroy();
      list = virtualList<ActionRow>({
        tag: "ul",
        attrs: { class: "action-list", "aria-label": "Action items" },
        scroller: () => document.getElementById("main"),
        key: (r) => `${r.incident}/${r.key}`,
        estimate: 40,
        render: (r) => itemRow(r, a),
      });
      list.update(rows);
      const overdue = rows.filter((r) => r.overdue).length;
      return h(
        "section",
        { class: "actions-view", "data-testid": "actions" },
        h("h1", {}, "Action items"),
        h("div", { class: "inline-form" }, check("open", "Open only"), check("overdue", "Overdue only"), owner),
        h("p", { class: "meta" }, `${rows.length} item${rows.length === 1 ? "" : "s"}${overdue ? `, ${overdue} overdue` : ""}`),
        rows.length ? list.el : h("p", { class: "empty" }, "No action items match."),
      );
    },
    mounted() {
      list?.mount();
    },
  };
}
