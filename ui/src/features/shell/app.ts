// The application shell: state, layout, keyboard shortcuts, error display. Renders the
// incident list on the left and the selected incident on the right.
import { api, onChanged, toApiError } from "../../ipc";
import type { ApiError, ChangeEvent, DeclareInput, EntryKind, IncidentDetail, IncidentSummary, PolicyView, Status } from "../../ipc";
import { tickClocks } from "../clocks/clock";
import { h, replace } from "../../lib/dom";
import { renderDeclare } from "../incidents/declare";
import { renderDetail } from "../incidents/detail";
import type { Tab } from "../incidents/detail";
import { checklistsPanel, commsPanel, handoffPanel, rolesPanel, runbookPanel } from "../response/panels";
import type { ResponseActs } from "../response/panels";
import type { ChecklistView, DrillsView, Evaluation, MetricsReport, OutboundView, PirView, RunbookView, SyncView } from "../../ipc";
import { reviewPanel } from "../review/review";
import { metricsView } from "../metrics/metrics";
import { drillsView, evaluationPanel } from "../drills/drills";
import { remoteDialog, syncBadge } from "../sync/sync";
import { outboundFailures } from "../sync/outbound";

type View = "incidents" | "metrics" | "drills";
import { renderList } from "../incidents/list";

export const SHORTCUTS: [string, string][] = [
  ["N", "Declare an incident"],
  ["/", "Search incidents"],
  ["E", "Write in the timeline"],
  ["Alt+↓ / Alt+↑", "Next / previous incident"],
  ["Esc", "Close a dialog"],
  ["?", "Show these shortcuts"],
];

/** The About line of the shortcuts overlay. */
export function aboutLine(version: string | null): string {
  return version ? `Firebreak ${version} — an offline-first incident commander's tool.` : "Firebreak";
}

const DRAFT_KEY = (id: string) => `firebreak.draft.${id}`;
const COMMS_KEY = (id: string) => `firebreak.comms.${id}`;

export class App {
  private items: IncidentSummary[] = [];
  private policy: PolicyView = { name: "", description: "", source: "", levels: [], questions: [], rebase_rule: "", tie_rule: "", lead_minutes: 5 };
  private selected: IncidentDetail | null = null;
  private filter = "";
  private tab: Tab = "timeline";
  private timelineFilter = { kind: "", query: "" };
  private checklists: ChecklistView[] = [];
  private runbook: RunbookView[] = [];
  private handoffDraft = "";
  private pir: PirView | null = null;
  private evaluation: Evaluation | null = null;
  private view: View = "incidents";
  private metrics: MetricsReport | null = null;
  private drills: DrillsView | null = null;
  /** The `pulled` count of the sync view when the window last refreshed its data. */
  /** A change arrived that is not shown yet (it waits while a dialog is open). */
  private stale = false;
  private sync: SyncView = { url: null, team: null, member: null, token_kept_in: null, pending: 0, rejected: 0, rejected_reason: null, clock_drift: null, last_synced_at: null, online: null, syncing: false, last_error: null, pulled: 0, newer: 0, quarantined: 0, quarantine_reason: null };
  private readonly syncEl = h("span", { class: "sync-slot" });
  /** Webhook posts and GitHub issues refused for good, with a Retry each. */
  private readonly outboundEl = h("div", { class: "outbound-slot" });
  private readonly navEl = h("nav", { class: "views" });
  private me = "";
  /** This build's version, asked of Rust once for the About line. */
  private version: string | null = null;
  private readonly listEl = h("div", { class: "list-body" });
  private readonly mainEl = h("main", { class: "main", id: "main" });
  private readonly overlayEl = h("div", { id: "overlay-root" });
  private readonly toastEl = h("div", { class: "toast", role: "alert", "aria-live": "assertive", hidden: true, "data-testid": "error" });
  private readonly whoEl = h("span", { class: "who" });
  private readonly searchEl = h("input", {
    id: "search",
    type: "search",
    placeholder: "Search  ( / )",
    "aria-label": "Search incidents",
    oninput: () => {
      this.filter = this.searchEl.value;
      this.renderList();
    },
  });

  constructor(private readonly root: HTMLElement, private readonly now: () => number = () => Date.now()) {}

  async start(): Promise<void> {
    replace(
      this.root,
      h(
        "div",
        { class: "layout" },
        h(
          "aside",
          { class: "sidebar" },
          h(
            "div",
            { class: "brand" },
            h("span", { class: "logo", "aria-hidden": "true" }, "▲"),
            h("span", {}, "Firebreak"),
            h("button", { class: "primary declare-btn", id: "declare-open", title: "Declare an incident (N)", onclick: () => this.openDeclare() }, "Declare  N"),
          ),
          this.navEl,
          this.searchEl,
          this.listEl,
          h("footer", { class: "sidebar-foot" }, h("div", {}, this.whoEl, h("br", {}), this.syncEl, this.outboundEl), h("button", { class: "link", onclick: () => this.showHelp() }, "Shortcuts ?")),
        ),
        this.mainEl,
      ),
      this.overlayEl,
      this.toastEl,
    );
    document.addEventListener("keydown", (e) => this.onKey(e));
    await this.guard(async () => {
      const [me, policy] = await Promise.all([api.whoami(), api.getPolicy()]);
      this.me = me.name;
      this.policy = policy;
      replace(this.whoEl, `You are ${me.name}`);
      await this.refresh();
    });
    // Seconds move locally; the core tells the window when anything changes (an event
    // per change, see src-tauri/src/changes.rs), so nothing else runs on a timer.
    window.setInterval(() => tickClocks(this.root, this.now(), this.leadMs), 1_000);
    // Without the events the window still works; it shows why it will not refresh by itself.
    await onChanged((c) => this.onChanged(c)).catch((e) => this.showError(toApiError(e)));
    // A refresh that waited for a dialog runs when the dialog closes.
    new MutationObserver(() => {
      if (this.overlayEl.childElementCount === 0 && this.stale) void this.poll();
    }).observe(this.overlayEl, { childList: true });
    this.renderNav();
    void this.refreshSync();
  }

  /** Re-reads only what a change names. */
  private onChanged(c: ChangeEvent): void {
    if (c.sync) void this.refreshSync();
    if (c.incidents.length === 0 && !c.clocks) return;
    const sel = this.selected;
    if (sel?.drill && c.incidents.includes(sel.id) && this.view === "incidents" && this.overlayEl.childElementCount === 0) {
      void this.followDrill();
      return;
    }
    this.stale = true;
    void this.poll();
  }

  private get leadMs(): number {
    return this.policy.lead_minutes * 60_000;
  }

  /** Re-reads the list and the open incident unless the user is typing in a form. */
  private async poll(): Promise<void> {
    if (this.overlayEl.childElementCount > 0) return;
    this.stale = false;
    const active = document.activeElement as HTMLInputElement | null;
    const typing = active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName) && active.id !== "search";
    // Fields whose text is kept as a draft can be re-rendered and refocused; others
    // (review sections, runbook parameters) wait until the person leaves them.
    const restorable = typing && ["entry-text", "comms-text"].includes(active.id);
    if (typing && !restorable) {
      this.items = await api.listIncidents().catch(() => this.items);
      this.renderList();
      return;
    }
    const focus = restorable ? { id: active.id, start: active.selectionStart, end: active.selectionEnd } : null;
    await this.guard(async () => {
      const items = await api.listIncidents();
      const selected = this.selected ? await api.showIncident(this.selected.id) : null;
      // A change this window made itself is already shown: redraw only what differs.
      const listChanged = JSON.stringify(items) !== JSON.stringify(this.items);
      const detailChanged = JSON.stringify(selected) !== JSON.stringify(this.selected);
      this.items = items;
      this.selected = selected;
      if (detailChanged) this.render();
      else if (listChanged) this.renderList();
    });
    if (focus) {
      const el = document.getElementById(focus.id) as HTMLInputElement | null;
      el?.focus();
      el?.setSelectionRange(focus.start, focus.end);
    }
  }

  rank = (level: string): number => {
    const i = this.policy.levels.findIndex((l) => l.id === level);
    return i < 0 ? 4 : Math.min(4, i + 1);
  };

  private async guard(f: () => Promise<void>): Promise<boolean> {
    try {
      await f();
      this.toastEl.hidden = true;
      return true;
    } catch (e) {
      this.showError(e as ApiError);
      return false;
    }
  }

  showError(e: ApiError): void {
    replace(this.toastEl, h("strong", {}, e.code.replace(/_/g, " ")), " — ", e.message, h("button", { class: "link", onclick: () => (this.toastEl.hidden = true) }, "dismiss"));
    this.toastEl.hidden = false;
  }

  async refresh(): Promise<void> {
    this.items = await api.listIncidents();
    if (!this.selected && this.items.length > 0) {
      this.selected = await api.showIncident(this.items[0].id);
    }
    this.render();
  }

  private render(): void {
    this.renderList();
    this.renderMain();
  }

  private renderList(): void {
    replace(
      this.listEl,
      renderList(this.items, { selected: this.selected?.id ?? null, filter: this.filter, now: this.now(), leadMs: this.leadMs, rank: this.rank, onSelect: (id) => void this.select(id) }),
    );
  }

  private renderNav(): void {
    const item = (v: View, label: string) =>
      h("button", { class: `tab${this.view === v ? " active" : ""}`, "data-view": v, onclick: () => void this.showView(v) }, label);
    replace(this.navEl, item("incidents", "Incidents"), item("metrics", "Metrics"), item("drills", "Drills"));
  }

  async showView(v: View): Promise<void> {
    await this.guard(async () => {
      if (v === "metrics") this.metrics = await api.getMetrics({ from: null, to: null, severity: null });
      if (v === "drills") this.drills = await api.listDrills();
      this.view = v;
      this.renderNav();
      this.renderMain();
    });
  }

  private async refreshSync(): Promise<void> {
    try {
      this.sync = await api.syncStatus();
    } catch {
      return;
    }
    replace(this.syncEl, syncBadge(this.sync, () => this.openRemote()));
    await this.pollOutbound();
  }

  private async pollOutbound(): Promise<void> {
    let view: OutboundView;
    try {
      view = await api.outboundStatus();
    } catch {
      return; // asked again at the next change
    }
    this.showOutbound(view);
  }

  private showOutbound(view: OutboundView): void {
    const retry = (id: number) => void this.guard(async () => this.showOutbound(await api.retryOutbound(id)));
    replace(this.outboundEl, outboundFailures(view, retry));
  }

  private openRemote(): void {
    const close = () => replace(this.overlayEl);
    replace(
      this.overlayEl,
      remoteDialog(this.sync, (r) => void this.guard(async () => {
        this.sync = await api.setRemote(r);
        close();
        void this.refreshSync();
      }), close, async () => {
        let path: string | undefined;
        await this.guard(async () => {
          path = await api.backupDatabase();
        });
        return path;
      }),
    );
  }

  private async followDrill(): Promise<void> {
    const inc = this.selected!;
    const active = document.activeElement as HTMLElement | null;
    if (active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)) return;
    try {
      this.selected = await api.showIncident(inc.id);
      if (this.tab === "evaluation") this.evaluation = await api.drillEvaluation(inc.id);
      this.items = await api.listIncidents();
      this.render();
    } catch {
      /* shown on the next explicit action */
    }
  }

  private reviewActs() {
    const id = () => this.selected!.id;
    const after = async (p: PirView) => {
      this.pir = p;
      this.selected = p.incident;
      this.items = await api.listIncidents();
      this.render();
    };
    return {
      edit: (field: string, text: string, parents: string[]) => void this.guard(async () => after(await api.pirEdit({ incident: id(), field, text, parents }))),
      item: (key: string, item: import("../../ipc").ActionItem) => void this.guard(async () => after(await api.pirSetItem({ incident: id(), key, item }))),
      state: (state: import("../../ipc").ReviewState) => void this.guard(async () => after(await api.pirStatus({ incident: id(), state }))),
      pin: (entry: string, pinned: boolean) =>
        void this.guard(async () => {
          await api.pinEntry({ incident: id(), entry, pinned });
          await after(await api.getPir(id()));
        }),
      export: (format: import("../../ipc").ExportFormat) =>
        void this.guard(async () => {
          const path = await api.exportPir({ incident: id(), format });
          this.toast(`Saved ${path}`);
        }),
    };
  }

  private acts(): ResponseActs {
    const id = () => this.selected!.id;
    return {
      assign: (role, person) => void this.update(() => api.assignRole({ incident: id(), role, person, at: null })),
      addTask: (owner, text, minutes) => void this.update(() => api.addTask({ incident: id(), owner, text, check_back_minutes: minutes })),
      completeTask: (task) => void this.update(() => api.completeTask({ incident: id(), task })),
      check: (list, item, checked) =>
        void this.update(async () => {
          const inc = await api.checkItem({ incident: id(), list, item, checked });
          this.checklists = await api.checklists(id());
          return inc;
        }),
      takeAction: (action, params) =>
        void this.update(() => api.takeRunbookAction({ incident: id(), action, params, at: null })).then((ok) => {
          if (ok) this.toast("Logged on the timeline. Firebreak did not run it.");
        }),
      copy: (text) =>
        void this.guard(async () => {
          await api.copyText(text);
          this.toast("Copied to the clipboard");
        }),
      draft: (template) => api.commsDraft({ incident: id(), template }).catch((e: ApiError) => (this.showError(e), "")),
      sent: (text, post) =>
        void this.update(() => api.commsSent({ incident: id(), text, at: null, post })).then((ok) => {
          if (ok) {
            localStorage.removeItem(COMMS_KEY(id()));
            this.toast("Status update logged; the update clock restarts");
          }
        }),
      handoff: (to, note) => void this.update(() => api.handoff({ incident: id(), to, note })),
    };
  }

  /** A short confirmation, shown and hidden again. */
  private toast(message: string): void {
    const el = h("div", { class: "toast ok", role: "status", "data-testid": "toast" }, message);
    document.body.append(el);
    window.setTimeout(() => el.remove(), 3000);
  }

  private async openTab(tab: Tab): Promise<void> {
    const inc = this.selected;
    if (!inc) return;
    await this.guard(async () => {
      if (tab === "checklists") this.checklists = await api.checklists(inc.id);
      if (tab === "runbook") this.runbook = await api.runbook(inc.id);
      if (tab === "handoff") this.handoffDraft = await api.handoffDraft(inc.id);
      if (tab === "review") this.pir = await api.getPir(inc.id);
      if (tab === "evaluation") this.evaluation = await api.drillEvaluation(inc.id);
      this.tab = tab;
      this.renderMain();
    });
  }

  private panel(inc: IncidentDetail): HTMLElement | null {
    const acts = this.acts();
    switch (this.tab) {
      case "roles":
        return rolesPanel(inc, acts);
      case "checklists":
        return checklistsPanel(this.checklists, acts);
      case "runbook":
        return runbookPanel(this.runbook, acts);
      case "comms":
        return commsPanel(inc, acts, localStorage.getItem(COMMS_KEY(inc.id)) ?? "", (t) => localStorage.setItem(COMMS_KEY(inc.id), t));
      case "handoff":
        return handoffPanel(inc, this.handoffDraft, acts);
      case "review":
        return this.pir && this.pir.incident.id === inc.id ? reviewPanel(this.pir, this.reviewActs()) : null;
      case "evaluation":
        return this.evaluation ? evaluationPanel(this.evaluation) : null;
      default:
        return null;
    }
  }

  private renderMain(): void {
    if (this.view === "metrics" && this.metrics) {
      replace(this.mainEl, metricsView(this.metrics, (from, to) => void this.guard(async () => {
        this.metrics = await api.getMetrics({ from: from || null, to: to || null, severity: null });
        this.renderMain();
      })));
      return;
    }
    if (this.view === "drills" && this.drills) {
      replace(this.mainEl, drillsView(this.drills, (scenario, speed) => void this.guard(async () => {
        const inc = await api.startDrill({ scenario, speed });
        this.selected = inc;
        this.items = await api.listIncidents();
        this.view = "incidents";
        this.tab = "timeline";
        this.renderNav();
        this.render();
      })));
      return;
    }
    const inc = this.selected;
    if (!inc) {
      replace(this.mainEl, h("div", { class: "welcome" }, h("h1", {}, "No incident selected"), h("p", {}, "Press N to declare an incident, or pick one from the list.")));
      return;
    }
    replace(
      this.mainEl,
      // A drill's clocks run on drill time: show them as the core computed them.
      renderDetail(inc, this.policy, this.rank, inc.drill ? Date.parse(inc.computed_at) : this.now(), {
        tab: this.tab,
        filter: this.timelineFilter,
        onFilter: (f) => {
          this.timelineFilter = f;
          this.renderMain();
        },
        onTab: (tab) => void this.openTab(tab),
        panel: this.panel(inc),
        onPin: (entry, pinned) => void this.update(() => api.pinEntry({ incident: inc.id, entry, pinned })),
        onDrill: (action) =>
          void this.guard(async () => {
            const v = await api.drillControl({ incident: inc.id, action });
            this.toast(action === "rotate" ? "Command rotated" : v.paused ? "Drill clock paused" : "Drill clock running");
            await this.followDrill();
          }),
        onRevise: (entry, text) => void this.update(() => api.reviseEntry({ incident: inc.id, entry, text })),
        onStatus: (to) => void this.setStatus(to),
        onSeverity: (level) => void this.setSeverity(level),
        onEntry: (kind, text, at) => void this.addEntry(kind, text, at),
        draft: localStorage.getItem(DRAFT_KEY(inc.id)) ?? "",
        onDraft: (text) => localStorage.setItem(DRAFT_KEY(inc.id), text),
      }),
    );
  }

  async select(id: string): Promise<void> {
    await this.guard(async () => {
      if (this.view !== "incidents") {
        this.view = "incidents";
        this.renderNav();
      }
      if (this.selected?.id !== id) this.tab = "timeline";
      this.selected = await api.showIncident(id);
      this.render();
    });
  }

  private async update(f: () => Promise<IncidentDetail>): Promise<boolean> {
    return this.guard(async () => {
      this.selected = await f();
      this.items = await api.listIncidents();
      this.render();
    });
  }

  private setStatus(to: Status): Promise<boolean> {
    const inc = this.selected!;
    return this.update(() => api.setStatus({ incident: inc.id, status: to, at: null }));
  }

  private setSeverity(level: string): Promise<boolean> {
    const inc = this.selected!;
    return this.update(() => api.setSeverity({ incident: inc.id, level, at: null }));
  }

  private async addEntry(kind: EntryKind, text: string, at: string | null): Promise<void> {
    const inc = this.selected!;
    if (await this.update(() => api.addEntry({ incident: inc.id, kind, text, at }))) {
      localStorage.removeItem(DRAFT_KEY(inc.id));
      this.renderMain();
      document.getElementById("entry-text")?.focus();
    }
  }

  openDeclare(): void {
    const close = () => replace(this.overlayEl);
    replace(
      this.overlayEl,
      renderDeclare(
        this.policy,
        (answers) => api.suggestSeverity(answers).catch((e: ApiError) => (this.showError(e), null)),
        (input: DeclareInput) => void this.declare(input, close),
        close,
      ),
    );
    document.getElementById("declare-title")?.focus();
  }

  private async declare(input: DeclareInput, close: () => void): Promise<void> {
    if (await this.update(() => api.declareIncident(input))) close();
  }

  showHelp(): void {
    const close = () => replace(this.overlayEl);
    const about = h("p", { class: "hint", "data-testid": "about" }, aboutLine(this.version));
    replace(
      this.overlayEl,
      h(
        "div",
        { class: "overlay", role: "dialog", "aria-label": "Keyboard shortcuts", onclick: close, onkeydown: close },
        h("div", { class: "help" }, h("h2", {}, "Keyboard shortcuts"), h("dl", {}, SHORTCUTS.flatMap(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])), about),
      ),
    );
    if (this.version === null) {
      void api.appVersion().then(
        (v) => {
          this.version = v;
          about.textContent = aboutLine(v);
        },
        () => undefined,
      );
    }
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
    if (e.key === "Escape") {
      replace(this.overlayEl);
      return;
    }
    if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const i = this.items.findIndex((x) => x.id === this.selected?.id);
      const next = this.items[Math.max(0, Math.min(this.items.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))];
      if (next) void this.select(next.id);
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "n") {
      e.preventDefault();
      this.openDeclare();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "n" || e.key === "N") {
      e.preventDefault();
      this.openDeclare();
    } else if (e.key === "/") {
      e.preventDefault();
      this.searchEl.focus();
    } else if (e.key === "e" || e.key === "E") {
      e.preventDefault();
      document.getElementById("entry-text")?.focus();
    } else if (e.key === "?") {
      this.showHelp();
    }
  }

  get author(): string {
    return this.me;
  }
}
