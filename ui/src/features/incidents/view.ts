// The incidents view: the selected incident with its tabs (timeline, roles, checklists,
// runbook, updates, handoff, review, drill evaluation). The timeline is a virtual list
// kept across redraws of the same incident, so 10,000 entries cost what 40 do.
import { api } from "../../ipc";
import type { ActionChange, ActionItem, ActionRow, AgendaItem, ApiError, ExportFormat, ChecklistView, EntryKind, EntryView, Evaluation, IncidentDetail, PirView, ReviewState, RunbookView, Status } from "../../ipc";
import { h } from "../../lib/dom";
import { toApiError } from "../../ipc";
import { PagedTimeline } from "./timeline";
import { evaluationPanel } from "../drills/drills";
import { checklistsPanel, commsPanel, handoffPanel, rolesPanel, runbookPanel } from "../response/panels";
import type { ResponseActs } from "../response/panels";
import { reviewPanel } from "../review/review";
import type { ViewContext, ViewDef } from "../shell/view";
import { entryRow, renderDetail } from "./detail";
import type { DetailHandlers, Tab, TimelineFilter } from "./detail";

export const DRAFT_KEY = (id: string) => `firebreak.draft.${id}`;
const COMMS_KEY = (id: string) => `firebreak.comms.${id}`;

/** The timeline (oldest first, by event time, then as recorded) with `entry` in its place. */
export function withEntry(timeline: EntryView[], entry: EntryView): EntryView[] {
  const key = (e: EntryView): [number, number] => [Date.parse(e.event_time), Date.parse(e.recorded_time)];
  const [at, recorded] = key(entry);
  const after = (e: EntryView) => {
    const [eAt, eRecorded] = key(e);
    return eAt > at || (eAt === at && eRecorded > recorded);
  };
  let i = timeline.length;
  while (i > 0 && after(timeline[i - 1])) i--;
  return [...timeline.slice(0, i), entry, ...timeline.slice(i)];
}

export function incidentsView(): ViewDef & { resetTab(): void } {
  let tab: Tab = "timeline";
  let filter: TimelineFilter = { kind: "", query: "" };
  let checklists: ChecklistView[] = [];
  let runbook: RunbookView[] = [];
  let handoffDraft = "";
  let pir: PirView | null = null;
  let agenda: AgendaItem[] = [];
  let evaluation: Evaluation | null = null;
  let timeline: { paged: PagedTimeline; handlers: { current: DetailHandlers | null } } | null = null;

  const selected = (ctx: ViewContext) => ctx.store.get().selected!;

  /** Runs a command that answers with the incident, then shows it and the list. */
  const update = (ctx: ViewContext, f: () => Promise<IncidentDetail>): Promise<boolean> =>
    ctx.guard(async () => {
      const inc = await f();
      const items = await api.listIncidents();
      ctx.store.set({ selected: inc, items });
    });

  const acts = (ctx: ViewContext): ResponseActs => {
    const id = () => selected(ctx).id;
    return {
      assign: (role, person) => void update(ctx, () => api.assignRole({ incident: id(), role, person, at: null })),
      addTask: (owner, text, minutes) => void update(ctx, () => api.addTask({ incident: id(), owner, text, check_back_minutes: minutes })),
      completeTask: (task) => void update(ctx, () => api.completeTask({ incident: id(), task })),
      check: (list, item, checked) =>
        void update(ctx, async () => {
          const inc = await api.checkItem({ incident: id(), list, item, checked });
          checklists = await api.checklists(id());
          return inc;
        }),
      takeAction: (action, params) =>
        void update(ctx, () => api.takeRunbookAction({ incident: id(), action, params, at: null })).then((ok) => {
          if (ok) ctx.toast("Logged on the timeline. Firebreak did not run it.");
        }),
      copy: (text) =>
        void ctx.guard(async () => {
          await api.copyText(text);
          ctx.toast("Copied to the clipboard");
        }),
      draft: (template) => api.commsDraft({ incident: id(), template }).catch((e: ApiError) => (ctx.showError(e), "")),
      sent: (text, post, template) =>
        void update(ctx, () => api.commsSent({ incident: id(), text, at: null, post, template })).then((ok) => {
          if (ok) {
            localStorage.removeItem(COMMS_KEY(id()));
            const customer = template.startsWith("customer_");
            ctx.toast(customer ? "Customer update logged; the customer-update clock restarts" : "Status update logged; the update clock restarts");
          }
        }),
      handoff: (to, note) => void update(ctx, () => api.handoff({ incident: id(), to, note })),
    };
  };

  const reviewActs = (ctx: ViewContext) => {
    const id = () => selected(ctx).id;
    const after = async (p: PirView) => {
      pir = p;
      const items = await api.listIncidents();
      ctx.store.set({ selected: p.incident, items });
      ctx.redraw();
    };
    return {
      edit: (field: string, text: string, parents: string[]) => void ctx.guard(async () => after(await api.pirEdit({ incident: id(), field, text, parents }))),
      item: (key: string, item: ActionItem) => void ctx.guard(async () => after(await api.pirSetItem({ incident: id(), key, item }))),
      state: (state: ReviewState) => void ctx.guard(async () => after(await api.pirStatus({ incident: id(), state }))),
      pin: (entry: string, pinned: boolean) =>
        void ctx.guard(async () => {
          await api.pinEntry({ incident: id(), entry, pinned });
          await after(await api.getPir(id()));
        }),
      export: (format: ExportFormat) =>
        void ctx.guard(async () => {
          const path = await api.exportPir({ incident: id(), format });
          if (path !== null) ctx.toast(`Saved ${path}`);
        }),
      meeting: {
        propose: () => api.pirMeetingProposal(id()).catch((e: ApiError) => (ctx.showError(e), null)),
        schedule: (at: string, attendees: string[]) =>
          void ctx.guard(async () => {
            await after(await api.pirSchedule({ incident: id(), at, attendees }));
            ctx.toast(`Review meeting scheduled for ${new Date(at).toLocaleString()}`);
          }),
      },
      github: (repo: string) =>
        void ctx.guard(async () => {
          const n = await api.pirGithub({ incident: id(), repo });
          ctx.toast(n === 0 ? "Every action item already has an issue" : `${n} issue${n === 1 ? "" : "s"} queued for ${repo}`);
        }),
      items: {
        edit: (row: ActionRow, change: ActionChange) =>
          void ctx.guard(async () => {
            await api.actionEdit({ incident: id(), item: row.key, change });
            await after(await api.getPir(id()));
          }),
        remove: (row: ActionRow) =>
          void ctx.guard(async () => {
            await api.actionRemove({ incident: id(), item: row.key, change: { action: null, owner: null, due: null, priority: null, status: null } });
            await after(await api.getPir(id()));
            ctx.toast(`${row.item.id} removed; the review keeps it in its history`);
          }),
      },
    };
  };

  const openTab = async (ctx: ViewContext, next: Tab): Promise<void> => {
    const inc = ctx.store.get().selected;
    if (!inc) return;
    await ctx.guard(async () => {
      if (next === "checklists") checklists = await api.checklists(inc.id);
      if (next === "runbook") runbook = await api.runbook(inc.id);
      if (next === "handoff") handoffDraft = await api.handoffDraft(inc.id);
      if (next === "review") {
        pir = await api.getPir(inc.id);
        if (agenda.length === 0) agenda = await api.reviewAgenda();
      }
      if (next === "evaluation") evaluation = await api.drillEvaluation(inc.id);
      tab = next;
      ctx.redraw();
    });
  };

  const panel = (ctx: ViewContext, inc: IncidentDetail): HTMLElement | null => {
    const a = acts(ctx);
    switch (tab) {
      case "roles":
        return rolesPanel(inc, a);
      case "checklists":
        return checklistsPanel(checklists, a);
      case "runbook":
        return runbookPanel(runbook, a);
      case "comms":
        return commsPanel(inc, a, localStorage.getItem(COMMS_KEY(inc.id)) ?? "", (t) => localStorage.setItem(COMMS_KEY(inc.id), t));
      case "handoff":
        return handoffPanel(inc, handoffDraft, a);
      case "review":
        return pir && pir.incident.id === inc.id ? reviewPanel(pir, reviewActs(ctx), agenda) : null;
      case "evaluation":
        return evaluation
          ? evaluationPanel(evaluation, () =>
              void ctx.guard(async () => {
                const path = await api.exportDrillReport(inc.id);
                if (path !== null) ctx.toast(`Saved ${path}`);
              }),
            )
          : null;
      default:
        return null;
    }
  };

  /** The incident's timeline, made once per incident and shown afresh with each read. */
  const timelineFor = (ctx: ViewContext, inc: IncidentDetail, handlers: DetailHandlers): PagedTimeline => {
    if (!timeline || timeline.paged.incident !== inc.id) {
      timeline?.paged.destroy();
      const current: { current: DetailHandlers | null } = { current: handlers };
      const paged = new PagedTimeline({
        incident: inc.id,
        fetch: (q) => api.timelinePage(q),
        render: (e) => entryRow(e, current.current!),
        onError: (e) => ctx.showError(toApiError(e)),
      });
      timeline = { paged, handlers: current };
    }
    timeline.handlers.current = handlers;
    timeline.paged.show(inc, filter);
    return timeline.paged;
  };

  const followDrill = async (ctx: ViewContext): Promise<void> => {
    const inc = selected(ctx);
    const active = document.activeElement as HTMLElement | null;
    if (active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)) return;
    try {
      const fresh = await api.showIncident(inc.id);
      if (tab === "evaluation") evaluation = await api.drillEvaluation(inc.id);
      const items = await api.listIncidents();
      ctx.store.set({ selected: fresh, items });
      if (tab === "evaluation") ctx.redraw();
    } catch {
      /* shown on the next explicit action */
    }
  };

  /** A close the policy refuses (its review is not closed) is offered again, forced. */
  const setStatus = async (ctx: ViewContext, inc: IncidentDetail, to: Status): Promise<void> => {
    try {
      const fresh = await api.setStatus({ incident: inc.id, status: to, at: null });
      ctx.store.set({ selected: fresh, items: await api.listIncidents() });
    } catch (e) {
      const err = e as ApiError;
      if (to !== "closed" || !err.message.includes("force the close")) return ctx.showError(err);
      const close = () => ctx.overlay(null);
      ctx.overlay(
        h(
          "div",
          { class: "overlay", role: "dialog", "aria-label": "Close without the review?" },
          h(
            "div",
            { class: "help", "data-testid": "force-close" },
            h("h2", {}, "Close without the review?"),
            h("p", {}, err.message),
            h("p", { class: "meta" }, "Closing anyway is recorded on the timeline."),
            h(
              "div",
              { class: "form-actions" },
              h("button", { class: "secondary", onclick: close }, "Cancel"),
              h(
                "button",
                {
                  class: "primary",
                  "data-testid": "force-close-confirm",
                  onclick: () => {
                    close();
                    void update(ctx, () => api.closeIncidentForced(inc.id));
                  },
                },
                "Close anyway",
              ),
            ),
          ),
        ),
      );
    }
  };

  /** An append answers with the new entry alone, so it is shown at once on an incident
   * of any size; a status update also moves the clocks, so that one re-reads the incident. */
  const addEntry = async (ctx: ViewContext, kind: EntryKind, text: string, at: string | null): Promise<void> => {
    const inc = selected(ctx);
    const ok = await ctx.guard(async () => {
      const added = await api.addEntry({ incident: inc.id, kind, text, at });
      // Written: the draft goes before the redraw, so the entry box comes back empty.
      localStorage.removeItem(DRAFT_KEY(inc.id));
      const shown = ctx.store.get().selected;
      if (kind === "comms-update") ctx.store.set({ selected: await api.showIncident(inc.id) });
      else if (shown?.id === added.incident) {
        ctx.store.set({ selected: { ...shown, timeline: withEntry(shown.timeline, added.entry), timeline_total: shown.timeline_total + 1 } });
      } else ctx.redraw();
    });
    if (ok) document.getElementById("entry-text")?.focus();
  };

  return {
    id: "incidents",
    label: "Incidents",
    resetTab() {
      tab = "timeline";
    },
    async load() {},
    render(ctx) {
      const inc = ctx.store.get().selected;
      if (!inc) {
        timeline = null;
        return h("div", { class: "welcome" }, h("h1", {}, "No incident selected"), h("p", {}, "Press N to declare an incident, or pick one from the list."));
      }
      const policy = ctx.store.get().policy;
      const handlers: DetailHandlers = {
        tab,
        filter,
        // Filtering redraws the timeline's rows only, so the search box keeps its focus.
        onFilter: (f) => {
          filter = f;
          if (timeline?.paged.incident === inc.id) timeline.paged.setFilter(filter);
          else ctx.redraw();
        },
        onTab: (t) => void openTab(ctx, t),
        panel: panel(ctx, inc),
        timeline: null,
        onPin: (entry, pinned) => void update(ctx, () => api.pinEntry({ incident: inc.id, entry, pinned })),
        onDrill: (action) =>
          void ctx.guard(async () => {
            const v = await api.drillControl({ incident: inc.id, action });
            ctx.toast(action === "rotate" ? "Command rotated" : v.paused ? "Drill clock paused" : "Drill clock running");
            await followDrill(ctx);
          }),
        onRevise: (entry, text) => void update(ctx, () => api.reviseEntry({ incident: inc.id, entry, text })),
        onEdit: (input) => void update(ctx, () => api.editIncident(input)),
        onStatus: (to: Status) => void setStatus(ctx, inc, to),
        onSeverity: (level) => void update(ctx, () => api.setSeverity({ incident: inc.id, level, at: null })),
        onEntry: (kind, text, at) => void addEntry(ctx, kind, text, at),
        draft: localStorage.getItem(DRAFT_KEY(inc.id)) ?? "",
        onDraft: (text) => localStorage.setItem(DRAFT_KEY(inc.id), text),
      };
      if (tab === "timeline") handlers.timeline = timelineFor(ctx, inc, handlers).list.el;
      // A drill's clocks run on drill time: show them as the core computed them.
      return renderDetail(inc, policy, ctx.rank, inc.drill ? Date.parse(inc.computed_at) : ctx.now(), handlers);
    },
    mounted() {
      if (tab === "timeline") timeline?.paged.list.mount();
    },
    async changed(ctx, c) {
      const inc = ctx.store.get().selected;
      if (!inc?.drill || !c.incidents.includes(inc.id)) return false;
      await followDrill(ctx);
      return true;
    },
  };
}
