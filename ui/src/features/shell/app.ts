// The application shell: the sidebar (incident list, sync state), the navigation between
// views (./registry.ts), dialogs, keyboard shortcuts and error display. Shared state lives
// in a store (../../lib/store.ts); each view draws the main pane from it.
import { api, onChanged, toApiError } from "../../ipc";
import type { ApiError, ChangeEvent, DeclareInput, IncidentSummary, OutboundView } from "../../ipc";
import { tickClocks } from "../clocks/clock";
import { h, replace } from "../../lib/dom";
import { Store } from "../../lib/store";
import { virtualList } from "../../lib/virtual";
import { renderDeclare } from "../incidents/declare";
import { incidentRow } from "../incidents/list";
import { remoteDialog, syncBadge } from "../sync/sync";
import { outboundFailures } from "../sync/outbound";
import { makeViews } from "./registry";
import type { AppState, ViewContext, ViewDef } from "./view";

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

const EMPTY_SYNC: AppState["sync"] = { url: null, team: null, member: null, token_kept_in: null, pending: 0, rejected: 0, rejected_reason: null, clock_drift: null, last_synced_at: null, online: null, syncing: false, last_error: null, pulled: 0, newer: 0, quarantined: 0, quarantine_reason: null };

export class App {
  readonly store = new Store<AppState>({
    items: [],
    selected: null,
    policy: { name: "", description: "", source: "", levels: [], questions: [], rebase_rule: "", tie_rule: "", lead_minutes: 5 },
    me: "",
    view: "incidents",
    filter: "",
    sync: EMPTY_SYNC,
  });
  private readonly views: ViewDef[] = makeViews();
  /** A change arrived that is not shown yet (it waits while a dialog is open). */
  private stale = false;
  private readonly syncEl = h("span", { class: "sync-slot" });
  /** The sync state the badge shows (JSON), so it is redrawn only when that changes. */
  private badgeShows = "";
  /** Webhook posts and GitHub issues refused for good, with a Retry each. */
  private readonly outboundEl = h("div", { class: "outbound-slot" });
  private readonly navEl = h("nav", { class: "views" });
  /** This build's version, asked of Rust once for the About line. */
  private version: string | null = null;
  private readonly listEl = h("div", { class: "list-body" });
  private readonly list = virtualList<IncidentSummary>({
    tag: "ul",
    attrs: { class: "incident-list", role: "listbox", "aria-label": "Incidents" },
    scroller: () => this.listEl,
    key: (i) => i.id,
    estimate: 62,
    render: (i) => {
      const s = this.store.get();
      return incidentRow(i, { selected: s.selected?.id ?? null, now: this.now(), leadMs: this.leadMs, rank: this.rank, onSelect: (id) => void this.select(id) });
    },
  });
  /** Bumped whenever the window itself sets the open incident (not a re-read): a re-read
   * begun before that is older than what is shown, and is dropped. */
  private selectedVersion = 0;
  private rereading = false;
  private readonly mainEl = h("main", { class: "main", id: "main" });
  private readonly overlayEl = h("div", { id: "overlay-root" });
  private readonly toastEl = h("div", { class: "toast", role: "alert", "aria-live": "assertive", hidden: true, "data-testid": "error" });
  private readonly whoEl = h("span", { class: "who" });
  private readonly searchEl = h("input", {
    id: "search",
    type: "search",
    placeholder: "Search  ( / )",
    "aria-label": "Search incidents",
    oninput: () => this.store.set({ filter: this.searchEl.value }),
  });
  private readonly ctx: ViewContext = {
    store: this.store,
    guard: (f) => this.guard(f),
    showError: (e) => this.showError(e),
    toast: (m) => this.toast(m),
    overlay: (el) => (el ? replace(this.overlayEl, el) : replace(this.overlayEl)),
    select: (id) => this.select(id),
    show: (v) => this.showView(v),
    redraw: () => this.renderMain(),
    now: () => this.now(),
    rank: (l) => this.rank(l),
  };

  constructor(private readonly root: HTMLElement, private readonly now: () => number = () => Date.now()) {
    // The list shows which incident is open, not what it holds: a change inside the open
    // incident (an entry typed) redraws the incident, not the list.
    let listedSelection: string | null = null;
    this.store.subscribe((s, changed) => {
      if (changed.has("selected") && !this.rereading) this.selectedVersion++;
      const selection = s.selected?.id ?? null;
      if (changed.has("items") || changed.has("filter")) {
        listedSelection = selection;
        this.renderList();
      } else if (selection !== listedSelection) {
        // Another incident opened: its row and the last one's are marked, nothing redrawn.
        listedSelection = selection;
        this.markSelected(selection);
      }
      if (changed.has("view")) this.renderNav();
      if (changed.has("view") || changed.has("selected") || changed.has("policy")) this.renderMain();
    });
  }

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
    this.renderNav();
    // Marks of the start-up's steps (the window benchmark reads them).
    performance.mark("fb:start");
    const loaded = await this.guard(async () => {
      const [me, policy, items] = await Promise.all([api.whoami(), api.getPolicy(), api.listIncidents()]);
      performance.mark("fb:data");
      replace(this.whoEl, `You are ${me.name}`);
      // The list first; the newest incident opens when it has been read.
      this.store.set({ me: me.name, policy, items });
      performance.mark("fb:listed");
      if (items.length > 0 && !this.store.get().selected) this.store.set({ selected: await api.showIncident(items[0].id) });
    });
    // Drawn by the store's subscriber when the data came; else drawn empty here.
    if (!loaded) {
      this.renderList();
      this.renderMain();
    }
    // Seconds move locally; the core tells the window when anything changes (an event
    // per change, see src-tauri/src/changes.rs), so nothing else runs on a timer.
    window.setInterval(() => tickClocks(this.root, this.now(), this.leadMs), 1_000);
    // Without the events the window still works; it shows why it will not refresh by itself.
    await onChanged((c) => void this.onChanged(c)).catch((e) => this.showError(toApiError(e)));
    // A refresh that waited for a dialog runs when the dialog closes.
    new MutationObserver(() => {
      if (this.overlayEl.childElementCount === 0 && this.stale) void this.poll();
    }).observe(this.overlayEl, { childList: true });
    void this.refreshSync();
  }

  private get view(): ViewDef {
    return this.views.find((v) => v.id === this.store.get().view) ?? this.views[0];
  }

  /** Re-reads only what a change names. */
  private async onChanged(c: ChangeEvent): Promise<void> {
    if (c.sync) void this.refreshSync();
    if (c.incidents.length === 0 && !c.clocks) return;
    if (this.overlayEl.childElementCount === 0 && this.view.changed) {
      const done = await this.view.changed(this.ctx, c).catch(() => false);
      if (done) return;
      // Another view redraws with what it re-read, unless someone is typing in it.
      const active = document.activeElement;
      const typing = active && this.mainEl.contains(active) && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
      if (this.view.id !== "incidents" && !typing) this.renderMain();
    }
    this.stale = true;
    // The open incident is re-read when the change names it or moved the clocks.
    await this.poll(c.clocks ? null : c.incidents);
  }

  private get leadMs(): number {
    return this.store.get().policy.lead_minutes * 60_000;
  }

  /** Re-reads the list and the open incident unless the user is typing in a form; with
   * `named`, the open incident only when it is one of them. */
  private async poll(named: string[] | null = null): Promise<void> {
    if (this.overlayEl.childElementCount > 0) return;
    this.stale = false;
    const active = document.activeElement as HTMLInputElement | null;
    const typing = active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName) && active.id !== "search";
    // Fields whose text is kept as a draft can be re-rendered and refocused; others
    // (review sections, runbook parameters) wait until the person leaves them.
    const restorable = typing && ["entry-text", "comms-text"].includes(active.id);
    const current = this.store.get();
    if (typing && !restorable) {
      const items = await api.listIncidents().catch(() => current.items);
      if (JSON.stringify(items) !== JSON.stringify(current.items)) this.store.set({ items });
      return;
    }
    const focus = restorable ? { id: active.id, start: active.selectionStart, end: active.selectionEnd } : null;
    const version = this.selectedVersion;
    await this.guard(async () => {
      const items = await api.listIncidents();
      // The open incident may be gone (a restore replaced the record): then none is open.
      const open = current.selected && items.some((i) => i.id === current.selected!.id);
      const reread = open && (named === null || named.includes(current.selected!.id));
      const selected = !open ? null : reread ? await api.showIncident(current.selected!.id) : current.selected;
      // A change this window made itself is already shown: redraw only what differs. The
      // person may have opened another incident meanwhile: that choice stands.
      const now = this.store.get();
      const patch: Partial<AppState> = {};
      if (JSON.stringify(items) !== JSON.stringify(now.items)) patch.items = items;
      // What was read may be older than what the window has shown since (an entry typed
      // meanwhile): then that stands, and the change it made brings the next read.
      const untouched = this.selectedVersion === version;
      if (untouched && now.selected?.id === current.selected?.id && JSON.stringify(selected) !== JSON.stringify(now.selected)) patch.selected = selected;
      this.rereading = true;
      try {
        this.store.set(patch);
      } finally {
        this.rereading = false;
      }
    });
    if (focus) {
      const el = document.getElementById(focus.id) as HTMLInputElement | null;
      el?.focus();
      el?.setSelectionRange(focus.start, focus.end);
    }
  }

  rank = (level: string): number => {
    const i = this.store.get().policy.levels.findIndex((l) => l.id === level);
    return i < 0 ? 4 : Math.min(4, i + 1);
  };

  private async guard(f: () => Promise<void>): Promise<boolean> {
    try {
      await f();
      this.toastEl.hidden = true;
      return true;
    } catch (e) {
      this.showError(toApiError(e));
      return false;
    }
  }

  showError(e: ApiError): void {
    replace(this.toastEl, h("strong", {}, e.code.replace(/_/g, " ")), " — ", e.message, h("button", { class: "link", onclick: () => (this.toastEl.hidden = true) }, "dismiss"));
    this.toastEl.hidden = false;
  }

  /** The incidents the search matches, in list order. */
  private shown(): IncidentSummary[] {
    const { items, filter } = this.store.get();
    const q = filter.trim().toLowerCase();
    return q ? items.filter((i) => `${i.human_id} ${i.title} ${i.severity} ${i.status}`.toLowerCase().includes(q)) : items;
  }

  private renderList(): void {
    const { items } = this.store.get();
    const shown = this.shown();
    this.list.invalidate();
    this.list.update(shown);
    if (shown.length === 0) {
      replace(this.listEl, h("p", { class: "empty" }, items.length === 0 ? "No incidents yet. Press N to declare one." : "Nothing matches."));
      return;
    }
    if (this.list.el.parentElement !== this.listEl) {
      replace(this.listEl, this.list.el);
      this.list.mount();
    }
  }

  private markSelected(id: string | null): void {
    this.listEl.querySelectorAll<HTMLElement>('[data-testid="incident-row"]').forEach((row) => {
      const on = row.dataset.id === id;
      row.classList.toggle("selected", on);
      row.setAttribute("aria-selected", on ? "true" : "false");
    });
  }

  private renderNav(): void {
    const current = this.store.get().view;
    replace(
      this.navEl,
      this.views.map((v) => h("button", { class: `tab${current === v.id ? " active" : ""}`, "data-view": v.id, onclick: () => void this.showView(v.id) }, v.label)),
    );
  }

  async showView(id: string): Promise<void> {
    const view = this.views.find((v) => v.id === id);
    if (!view) return;
    await this.guard(async () => {
      await view.load(this.ctx);
      if (this.store.get().view === id) this.renderMain();
      else this.store.set({ view: id });
    });
  }

  private renderMain(): void {
    const view = this.view;
    replace(this.mainEl, view.render(this.ctx));
    view.mounted?.(this.ctx);
  }

  private async refreshSync(): Promise<void> {
    let sync;
    try {
      sync = await api.syncStatus();
    } catch {
      return;
    }
    // Redrawn only when it reads differently, so a click on it is never lost to a redraw.
    const shown = JSON.stringify(sync);
    if (shown !== this.badgeShows) {
      replace(this.syncEl, syncBadge(sync, () => void this.openRemote()));
      this.badgeShows = shown;
    }
    this.store.set({ sync });
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

  private async openRemote(): Promise<void> {
    const close = () => replace(this.overlayEl);
    // The dialog shows the team server as it is now, not as the badge last drew it.
    const sync = await api.syncStatus().catch(() => this.store.get().sync);
    this.store.set({ sync });
    replace(
      this.overlayEl,
      remoteDialog(sync, (r) => void this.guard(async () => {
        this.store.set({ sync: await api.setRemote(r) });
        close();
        void this.refreshSync();
      }), close, async () => {
        let path: string | undefined;
        await this.guard(async () => {
          path = await api.backupDatabase();
        });
        return path;
      }, async () => {
        let path: string | null | undefined;
        await this.guard(async () => {
          path = await api.exportQuarantine();
        });
        return path;
      }),
    );
  }

  /** A short confirmation, shown and hidden again. */
  private toast(message: string): void {
    const el = h("div", { class: "toast ok", role: "status", "data-testid": "toast" }, message);
    document.body.append(el);
    window.setTimeout(() => el.remove(), 3000);
  }

  async select(id: string): Promise<void> {
    await this.guard(async () => {
      const s = this.store.get();
      if (s.selected?.id !== id) (this.views[0] as ViewDef & { resetTab?: () => void }).resetTab?.();
      const selected = await api.showIncident(id);
      // Selecting the same incident again shows it afresh (and leaves another view).
      if (s.view === "incidents" && s.selected?.id === id) this.renderMain();
      this.store.set({ selected, view: "incidents" });
      const i = this.shown().findIndex((x) => x.id === id);
      if (i >= 0) this.list.scrollToIndex(i, "auto");
    });
  }

  openDeclare(): void {
    const close = () => replace(this.overlayEl);
    replace(
      this.overlayEl,
      renderDeclare(
        this.store.get().policy,
        (answers) => api.suggestSeverity(answers).catch((e: ApiError) => (this.showError(e), null)),
        (input: DeclareInput) => void this.declare(input, close),
        close,
      ),
    );
    document.getElementById("declare-title")?.focus();
  }

  private async declare(input: DeclareInput, close: () => void): Promise<void> {
    const ok = await this.guard(async () => {
      const selected = await api.declareIncident(input);
      const items = await api.listIncidents();
      (this.views[0] as ViewDef & { resetTab?: () => void }).resetTab?.();
      this.store.set({ selected, items, view: "incidents" });
    });
    if (ok) close();
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
      const shown = this.shown();
      const i = shown.findIndex((x) => x.id === this.store.get().selected?.id);
      const next = shown[Math.max(0, Math.min(shown.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))];
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
    return this.store.get().me;
  }
}
