// The incident list's rows: severity badge, status, age, title and the next clock.
import type { IncidentSummary } from "../../ipc";
import { h } from "../../lib/dom";
import { age } from "../../lib/format";
import { renderClock } from "../clocks/clock";

export function severityBadge(level: string, rank: number, big = false): HTMLElement {
  return h("span", { class: `sev sev-${rank}${big ? " sev-big" : ""}`, title: `Severity ${level}` }, level);
}

export interface RowOptions {
  selected: string | null;
  now: number;
  leadMs: number;
  rank: (l: string) => number;
  onSelect: (id: string) => void;
}

/** One incident of the list (the shell's virtual list draws the visible ones). */
export function incidentRow(i: IncidentSummary, opts: RowOptions): HTMLElement {
  return h(
    "li",
    {
      class: `incident-row${i.id === opts.selected ? " selected" : ""}${i.drill ? " drill" : ""}`,
      role: "option",
      "aria-selected": i.id === opts.selected ? "true" : "false",
      "data-id": i.id,
      "data-testid": "incident-row",
      tabindex: 0,
      onclick: () => opts.onSelect(i.id),
      onkeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === "Enter") opts.onSelect(i.id);
      },
    },
    h(
      "div",
      { class: "row-top" },
      severityBadge(i.severity, opts.rank(i.severity)),
      h("span", { class: "hid" }, i.human_id),
      i.drill ? h("span", { class: "drill-tag" }, "DRILL") : null,
      h("span", { class: `status status-${i.status}` }, i.status),
      h("span", { class: "age", title: `Detected ${new Date(i.detected_at).toLocaleString()}` }, age(opts.now - Date.parse(i.detected_at))),
    ),
    h("div", { class: "row-title" }, i.title),
    i.next_deadline && !i.drill ? renderClock(i.next_deadline, opts.now, opts.leadMs, false, true) : null,
    i.drill && i.next_deadline ? h("span", { class: "meta drill-clock" }, `${i.next_deadline.label} (drill clock)`) : null,
  );
}
