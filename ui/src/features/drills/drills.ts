// Drills for facilitators: the scenarios (built-in and the team's own), the speed of the
// drill clock, when the next quarterly drill is due, and a run's evaluation.
import type { DrillsView, Evaluation } from "../../ipc";
import { h } from "../../lib/dom";
import { age, localTime } from "../../lib/format";

export function drillsView(v: DrillsView, start: (scenario: string, speed: number) => void): HTMLElement {
  const speed = h("select", { id: "drill-speed", "aria-label": "Drill clock speed" }, [1, 10, 60].map((s) => h("option", { value: s }, `${s}×`)));
  return h(
    "section",
    { class: "drills", "data-testid": "drills" },
    h("h1", {}, "Drills"),
    h("p", { class: v.overdue ? "bad" : "meta" }, v.overdue ? `A quarterly drill is due (since ${localTime(v.next_drill_due)}).` : `Next quarterly drill due ${localTime(v.next_drill_due)}.`),
    h("label", { class: "inline" }, "Drill clock ", speed),
    h(
      "ul",
      { class: "scenario-list" },
      v.scenarios.map((s) =>
        h(
          "li",
          { "data-scenario": s.name },
          h("div", {}, h("strong", {}, s.title), h("span", { class: "meta" }, ` [${s.severity}] · ${age(s.duration_seconds * 1000)} · ${s.injects} injects · ${s.criteria} criteria`)),
          h("button", { class: "primary", "data-testid": `start-${s.name}`, onclick: () => start(s.name, Number(speed.value)) }, "Start drill"),
        ),
      ),
    ),
  );
}

export function evaluationPanel(e: Evaluation, onReport?: () => void): HTMLElement {
  return h(
    "div",
    { class: "panel", "data-testid": "evaluation" },
    h("h3", {}, `${e.met_count} of ${e.total} criteria met`),
    onReport ? h("button", { class: "secondary", "data-testid": "drill-report", onclick: onReport }, "Save the drill report (PDF)…") : null,
    h(
      "table",
      { class: "items" },
      h("thead", {}, h("tr", {}, ["Result", "Criterion", "Detail"].map((t) => h("th", {}, t)))),
      h("tbody", {}, e.criteria.map((c) => h("tr", { class: c.met ? "" : "bad" }, h("td", {}, c.met ? "met" : "missed"), h("td", {}, c.description), h("td", {}, c.detail)))),
    ),
    e.improvement_areas.length ? [h("h3", {}, "Improvement areas"), h("ul", {}, e.improvement_areas.map((a) => h("li", {}, a)))] : null,
  );
}
