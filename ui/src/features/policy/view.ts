// The Policy view: the policy in force as a commander needs it at a glance (levels with
// their clocks and requirements, the RTO table, the metric targets, the business
// calendar), which figures are the team's own rather than the reference's, and
// switching to another built-in policy.
import { api } from "../../ipc";
import type { Policy, SettingsView, SeverityLevel } from "../../ipc";
import { h } from "../../lib/dom";
import type { ViewContext, ViewDef } from "../shell/view";

/** A figure, marked when the team set it rather than the reference document. */
function fig(value: string | null | undefined, teamDefault: boolean): HTMLElement {
  return h("td", { class: teamDefault ? "team-default" : "" }, value ?? "—", teamDefault ? h("sup", { title: "team default, not from the reference" }, "†") : null);
}

function levelRow(l: SeverityLevel, rank: number): HTMLElement {
  const td = (field: string) => l.team_defaults.includes(field);
  const r = l.requirements;
  const needs = [
    r.incident_commander_required ? "incident commander" : "",
    r.all_hands ? "all hands" : "",
    r.executive_notification ? "executive notification" : "",
    r.dedicated_team ? "dedicated team" : "",
    r.continuous_work ? "continuous work" : "",
  ].filter(Boolean);
  return h(
    "tr",
    { "data-level": l.id },
    h("th", { scope: "row" }, h("span", { class: `sev sev-${rank}` }, l.id), ` ${l.name}`),
    fig(l.acknowledge, td("acknowledge")),
    fig(l.respond, td("respond")),
    fig(l.update_cadence, td("update_cadence")),
    fig(l.resolve, td("resolve")),
    fig(r.pir_required ? r.pir_due ?? "required" : "not required", td("pir_due") || td("pir_required")),
    h("td", {}, needs.join(", ") || "—", r.checklist.length ? h("div", { class: "meta" }, `checklist: ${r.checklist.join("; ")}`) : null),
  );
}

export function policyPanel(p: Policy, settings: SettingsView, leadMinutes: number, acts: { use: (name: string) => void; lead: (m: number) => void }): HTMLElement {
  const preset = h("select", { id: "policy-preset", "aria-label": "Built-in policy" }, settings.presets.map((x) => h("option", { value: x.name }, `${x.title} (${x.name})`)));
  const lead = h("input", { id: "policy-lead", type: "number", min: 0, max: 1440, value: leadMinutes, "aria-label": "Notify minutes before a clock is due" });
  const levelIds = p.levels.map((l) => l.id);
  return h(
    "section",
    { class: "policy-view", "data-testid": "policy" },
    h("h1", {}, p.name),
    h("p", { class: "meta", "data-testid": "policy-source" }, p.source ? `From ${p.source}` : "A team policy"),
    p.description ? h("p", {}, p.description) : null,
    h(
      "form",
      { class: "inline-form", onsubmit: (e: Event) => (e.preventDefault(), acts.use(preset.value)) },
      h("label", { class: "inline" }, "Switch to ", preset),
      h("button", { type: "submit", class: "secondary", "data-testid": "policy-use" }, "Use this policy"),
    ),
    h(
      "form",
      { class: "inline-form", onsubmit: (e: Event) => (e.preventDefault(), acts.lead(Number(lead.value))) },
      h("label", { class: "inline" }, "Notify ", lead, " minutes before a clock is due"),
      h("button", { type: "submit", class: "secondary" }, "Save"),
    ),
    h("h2", { class: "section-title" }, "Levels and their clocks"),
    h(
      "table",
      { class: "items policy-levels" },
      h("thead", {}, h("tr", {}, ["Level", "Acknowledge", "Respond", "Status updates every", "Resolve", "Review due", "Requires"].map((t) => h("th", {}, t)))),
      h("tbody", {}, p.levels.map((l, i) => levelRow(l, Math.min(4, i + 1)))),
    ),
    h("h2", { class: "section-title" }, "Recovery time objectives (RTO)"),
    p.tiers.length
      ? h(
          "table",
          { class: "items policy-rto", "data-testid": "policy-rto" },
          h("thead", {}, h("tr", {}, h("th", {}, "Tier"), levelIds.map((id) => h("th", {}, id)), h("th", {}, "Services"))),
          h(
            "tbody",
            {},
            p.tiers.map((t) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, t.name || t.id),
                levelIds.map((id) => fig(t.rto[id] ?? null, t.team_defaults.includes(id))),
                h("td", {}, p.services.filter((s) => s.tier === t.id).map((s) => s.name).join(", ") || "—"),
              ),
            ),
          ),
        )
      : h("p", { class: "meta" }, "This policy has no RTO table."),
    h("h2", { class: "section-title" }, "Targets"),
    h(
      "table",
      { class: "items policy-targets" },
      h("tbody", {}, [
        h("tr", {}, h("th", { scope: "row" }, "MTTA"), fig(p.targets.mtta, p.targets.team_defaults.includes("mtta"))),
        h("tr", {}, h("th", { scope: "row" }, "MTTD"), fig(p.targets.mttd, p.targets.team_defaults.includes("mttd"))),
        h("tr", {}, h("th", { scope: "row" }, "MTTR"), fig(p.targets.mttr, p.targets.team_defaults.includes("mttr"))),
        h("tr", {}, h("th", { scope: "row" }, "Reviews completed"), fig(`≥ ${p.targets.pir_completion_rate}%`, p.targets.team_defaults.includes("pir_completion_rate"))),
      ]),
    ),
    h("h2", { class: "section-title" }, "Business calendar"),
    h(
      "p",
      {},
      `${p.calendar.working_days.join(", ")} ${p.calendar.work_start}–${p.calendar.work_end} (${p.calendar.time_zone})`,
      p.calendar.holidays.length ? `; holidays: ${p.calendar.holidays.join(", ")}` : "",
    ),
    h("p", { class: "meta" }, "† a team default: the reference documents give no figure for it."),
  );
}

export function policyViewDef(): ViewDef {
  let policy: Policy | null = null;
  let settings: SettingsView | null = null;
  const load = async () => {
    [policy, settings] = await Promise.all([api.policyDetails(), api.settings()]);
  };
  const after = async (ctx: ViewContext, message: string) => {
    await load();
    const view = await api.getPolicy();
    const [items, selected] = await Promise.all([api.listIncidents(), ctx.store.get().selected ? api.showIncident(ctx.store.get().selected!.id) : Promise.resolve(null)]);
    ctx.store.set({ policy: view, items, selected });
    ctx.redraw();
    ctx.toast(message);
  };
  return {
    id: "policy",
    label: "Policy",
    load,
    render(ctx) {
      return policyPanel(policy!, settings!, ctx.store.get().policy.lead_minutes, {
        use: (name) => void ctx.guard(async () => after(ctx, `Policy in force: ${(await api.usePolicy(name)).name}`)),
        lead: (m) => void ctx.guard(async () => (await api.setLeadMinutes(m), after(ctx, `Clocks notify ${m} min before they are due`))),
      });
    },
  };
}
