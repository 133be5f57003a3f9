// The metrics dashboard: MTTA, MTTD, MTTR and PIR completion over a period, per severity,
// against the policy's targets, with a weekly trend chart (Chart.js) and its target line.
// Chart.js is most of the window's script: it is loaded when the chart is first drawn, not
// at start-up (a start-up with it parsed and ran 259 KB of script instead of ~60 KB).
import type { Figures, MetricsReport } from "../../ipc";
import { h } from "../../lib/dom";
import { age } from "../../lib/format";

/** Chart.js, loaded once and registered with what the trend uses. */
let chartJs: Promise<typeof import("chart.js")> | null = null;
function loadChart(): Promise<typeof import("chart.js")> {
  chartJs ??= import("chart.js").then((m) => {
    m.Chart.register(m.LineController, m.LineElement, m.PointElement, m.LinearScale, m.CategoryScale, m.Legend, m.Tooltip);
    return m;
  });
  return chartJs;
}

const mins = (s: number | null) => (s === null ? "—" : age(s * 1000));
const mark = (met: boolean | null) => (met === null ? "" : met ? " ✓" : " ✗");

function row(name: string, f: Figures): HTMLElement {
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, name),
    h("td", {}, String(f.incidents)),
    h("td", { class: f.mtta_met === false ? "bad" : "" }, mins(f.mtta_seconds) + mark(f.mtta_met)),
    h("td", { class: f.mttd_met === false ? "bad" : "" }, mins(f.mttd_seconds) + mark(f.mttd_met)),
    h("td", { class: f.mttr_met === false ? "bad" : "" }, mins(f.mttr_seconds) + mark(f.mttr_met)),
    h("td", { class: f.pir_met === false ? "bad" : "" }, (f.pir_completion_rate === null ? "—" : `${Math.round(f.pir_completion_rate)}%`) + mark(f.pir_met)),
  );
}

export function metricsView(r: MetricsReport, onPeriod: (from: string, to: string) => void, onCsv?: () => void): HTMLElement {
  const from = h("input", { type: "date", "aria-label": "From", value: r.period.from?.slice(0, 10) ?? "" });
  const to = h("input", { type: "date", "aria-label": "To", value: r.period.to?.slice(0, 10) ?? "" });
  const canvas = h("canvas", { id: "metrics-chart", height: 120, "aria-label": "Weekly MTTA and MTTR in minutes, with targets" });
  const view = h(
    "section",
    { class: "metrics", "data-testid": "metrics" },
    h("h1", {}, "Metrics"),
    h(
      "form",
      { class: "inline-form", onsubmit: (e: Event) => (e.preventDefault(), onPeriod(from.value, to.value)) },
      h("label", { class: "inline" }, "From ", from),
      h("label", { class: "inline" }, "to ", to),
      h("button", { type: "submit", class: "primary" }, "Show"),
      onCsv ? h("button", { type: "button", class: "secondary", "data-testid": "metrics-csv", onclick: onCsv }, "Save as CSV…") : null,
      h("span", { class: "meta" }, `${r.excluded_drills} drill incident(s) never count`),
    ),
    h(
      "table",
      { class: "items metrics-table" },
      h("thead", {}, h("tr", {}, ["", "Incidents", `MTTA (< ${mins(r.targets.mtta_seconds)})`, `MTTD (< ${mins(r.targets.mttd_seconds)})`, `MTTR (< ${mins(r.targets.mttr_seconds)})`, `PIR done (≥ ${r.targets.pir_completion_rate}%)`].map((t) => h("th", {}, t)))),
      h("tbody", {}, row("Overall", r.overall), r.per_severity.map(([level, f]) => row(level, f))),
    ),
    h("h2", { class: "section-title" }, "Weekly trend"),
    h("div", { class: "chart-box" }, canvas),
    h("details", {}, h("summary", {}, "How these are computed"), h("dl", {}, Object.entries(r.definitions).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))]))),
  );
  const weeks = r.weekly;
  const toMin = (s: number | null) => (s === null ? null : Math.round(s / 60));
  void loadChart().then(({ Chart }) => {
    if (!canvas.isConnected || typeof canvas.getContext !== "function" || !canvas.getContext("2d")) return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: weeks.map((w) => w.week_start.slice(0, 10)),
        datasets: [
          { label: "MTTA (min)", data: weeks.map((w) => toMin(w.figures.mtta_seconds)), borderColor: "#2f5bd3", spanGaps: true },
          { label: "MTTR (min)", data: weeks.map((w) => toMin(w.figures.mttr_seconds)), borderColor: "#e8590c", spanGaps: true },
          { label: "MTTA target", data: weeks.map(() => toMin(r.targets.mtta_seconds)), borderColor: "#2f5bd3", borderDash: [6, 4], pointRadius: 0 },
          { label: "MTTR target", data: weeks.map(() => toMin(r.targets.mttr_seconds)), borderColor: "#e8590c", borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, title: { display: true, text: "minutes" } } } },
    });
  });
  return view;
}
