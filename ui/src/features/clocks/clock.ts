// Live countdowns. The core computes each deadline (due time and state) from stored
// events; between refreshes the window only moves the seconds: a running clock is
// pending, due soon (within the lead) or breached, from its due time and the local clock.
import type { Deadline } from "../../ipc";
import { h } from "../../lib/dom";
import { localTime } from "../../lib/format";

export type ClockState = "pending" | "due-soon" | "breached" | "met" | "withdrawn";

export function clockState(d: Deadline, now: number, leadMs: number): ClockState {
  switch (d.state.type) {
    case "met":
      return "met";
    case "withdrawn":
      return "withdrawn";
    default: {
      const left = Date.parse(d.due) - now;
      if (left <= 0) return "breached";
      return left <= leadMs ? "due-soon" : "pending";
    }
  }
}

/** Right to the second under an hour ("04:07", "-00:42"); hours and days beyond. A
 * `coarse` clock (a row of the list) shows whole minutes ("14m") until it is within the
 * lead or overdue, where the seconds count: it changes once a minute, not every second. */
export function formatRemaining(ms: number, coarse = false, leadMs = 0): string {
  if (coarse && ms > leadMs && ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  const sign = ms < 0 ? "-" : "";
  const s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const mins = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  if (days > 0) return `${sign}${days}d ${hours}h`;
  if (hours > 0) return `${sign}${hours}h ${String(mins).padStart(2, "0")}m`;
  return `${sign}${String(mins).padStart(2, "0")}:${String(secs).padStart(2, "0")}`;
}

function clockText(d: Deadline, state: ClockState, now: number, coarse: boolean, leadMs: number): string {
  if (d.state.type === "met") return d.state.on_time ? "met" : "met late";
  if (state === "withdrawn") return "withdrawn";
  return formatRemaining(Date.parse(d.due) - now, coarse, leadMs);
}

function hover(d: Deadline): string {
  const source = d.from_reference ? "reference figure" : "team default, not a reference figure";
  const breaches = d.earlier_breaches.length ? `\nEarlier breaches: ${d.earlier_breaches.map((b) => `${b.level} due ${localTime(b.due)}`).join("; ")}` : "";
  return `${d.label} ${localTime(d.due)} (${d.target}, ${source})\n${d.meaning}${breaches}`;
}

export function renderClock(d: Deadline, now: number, leadMs: number, big = false, coarse = false): HTMLElement {
  const state = clockState(d, now, leadMs);
  return h(
    "div",
    {
      class: `clock clock-${state}${big ? " clock-big" : ""}`,
      "data-due": d.due,
      "data-met": d.state.type === "met" || d.state.type === "withdrawn" ? "yes" : null,
      "data-testid": "clock",
      "data-kind": d.kind.type,
      "data-state": state,
      "data-coarse": coarse ? "yes" : null,
      title: hover(d),
    },
    h("span", { class: "clock-label" }, d.label),
    h("span", { class: "clock-time" }, clockText(d, state, now, coarse, leadMs)),
    state === "breached" ? h("span", { class: "clock-flag" }, "BREACHED") : state === "due-soon" ? h("span", { class: "clock-flag" }, "DUE SOON") : null,
    d.from_reference ? null : h("span", { class: "clock-default", title: "team default, not a reference figure" }, "*"),
  );
}

/** Moves every running countdown under `root` to `now` without re-rendering. */
export function tickClocks(root: ParentNode, now: number, leadMs: number): void {
  root.querySelectorAll<HTMLElement>(".clock[data-due]").forEach((el) => {
    // Met clocks do not move; drill clocks run on drill time and are refreshed from the core.
    if (el.dataset.met === "yes" || el.closest(".drill")) return;
    const left = Date.parse(el.dataset.due!) - now;
    const state: ClockState = left <= 0 ? "breached" : left <= leadMs ? "due-soon" : "pending";
    const time = el.querySelector(".clock-time");
    // Written only when the text differs: an unchanged text left alone costs no layout
    // or repaint (clocks an hour or more away change once a minute).
    const text = formatRemaining(left, el.dataset.coarse === "yes", leadMs);
    if (time && time.textContent !== text) time.textContent = text;
    if (el.dataset.state !== state) {
      el.dataset.state = state;
      el.classList.remove("clock-pending", "clock-due-soon", "clock-breached");
      el.classList.add(`clock-${state}`);
      el.querySelector(".clock-flag")?.remove();
      if (state !== "pending") el.append(h("span", { class: "clock-flag" }, state === "breached" ? "BREACHED" : "DUE SOON"));
    }
  });
}
