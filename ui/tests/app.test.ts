// The shell against a mocked IPC backend: declare from the keyboard, add a timeline
// entry with Enter, move the status, and see errors as {code, message}.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { CHANGED_EVENT } from "../src/ipc";
import { App } from "../src/features/shell/app";
import type { DeclareInput, EntryInput, EntryView, IncidentDetail, StatusInput, TimelineQuery } from "../src/ipc";

const NEXT: Record<string, string[]> = {
  detected: ["acknowledged", "investigating", "mitigated", "resolved"],
  investigating: ["mitigated", "resolved"],
};

/** What the window is sent of an incident: its newest entries, the rest by page. */
const paged = (inc: IncidentDetail): IncidentDetail => ({
  ...inc,
  timeline: inc.timeline.slice(-100),
  timeline_total: inc.timeline.length,
  updates_sent: inc.timeline.filter((e) => e.kind === "comms-update").length,
});

function fakeBackend() {
  const incidents: IncidentDetail[] = [];
  const calls: string[] = [];
  const actions = [1, 2, 3].map((n) => ({
    incident: "id-1",
    human_id: "INC-ABCDE-1",
    key: `k${n}`,
    item: { id: `AI-00${n}`, action: `fix ${n}`, owner: n === 3 ? "Bo" : "Ana", due: "2026-01-0" + n, priority: "high", status: "open", link: "", deleted: false },
    overdue: n === 1,
  }));
  const sync = { url: null as string | null, pulled: 0 };
  const backup = { fail: false, refuse: false };
  const outbound = { waiting: 0, failed: [] as { id: number; kind: string; about: string; reason: string; attempts: number }[] };
  const syncView = () => ({ quarantined: 1, newer: 0, url: sync.url, team: sync.url ? "sre" : null, member: sync.url ? "Ana" : null, token_kept_in: sync.url ? "keyring" : null, pending: 0, rejected: 0, rejected_reason: null, clock_drift: null, last_synced_at: null, online: sync.url ? true : null, syncing: false, last_error: null, pulled: sync.pulled });
  // Answers cross the IPC boundary as JSON: the window never gets the backend's own objects.
  mockIPC((cmd, args) => {
    const answer = backend(cmd, args);
    return answer === undefined ? answer : JSON.parse(JSON.stringify(answer));
  }, { shouldMockEvents: true });
  function backend(cmd: string, args: unknown): unknown {
    calls.push(cmd);
    const a = args as Record<string, unknown>;
    const find = (id: string) => {
      const inc = incidents.find((i) => i.id === id);
      if (!inc) throw { code: "not_found", message: `no incident ${id}` };
      return inc;
    };
    switch (cmd) {
      case "whoami":
        return { name: "Ana", replica_tag: "ABCDE", data_dir: "/tmp" };
      case "get_policy":
        return {
          name: "Test policy",
          description: "",
          source: "preset:test",
          levels: [1, 2, 3, 4].map((n) => ({ id: `SEV${n}`, name: `Level ${n}`, criteria: [`criterion ${n}`], examples: [] })),
          questions: [1, 2].map((n) => ({ level: `SEV${n}`, criterion: `criterion ${n}`, is_example: false })),
          rebase_rule: "rule",
          tie_rule: "If unsure, take the higher level.",
          lead_minutes: 5,
        };
      case "suggest_severity": {
        const answers = a.input as { level: string; reply: string }[];
        const hit = answers.find((x) => x.reply === "yes" || x.reply === "unsure");
        return hit ? { level: hit.level, reason: `you said ${hit.reply}`, lifted_by_unsure: hit.reply === "unsure" } : null;
      }
      case "list_incidents":
        return incidents.map(({ id, human_id, title, severity, status, drill, detected_at, deadlines }) => ({ id, human_id, title, severity, status, drill, detected_at, next_deadline: deadlines[0] ?? null }));
      case "show_incident":
        return paged(find(a.input as string));
      case "timeline_page": {
        const q = a.input as TimelineQuery;
        const inc = find(q.incident);
        const text = q.text.trim().toLowerCase();
        const all = [...inc.timeline].reverse().filter((e) => (!q.kind || e.kind === q.kind) && (!text || `${e.text} ${e.author}`.toLowerCase().includes(text)));
        return { incident: inc.id, offset: q.offset, entries: all.slice(q.offset, q.offset + q.limit), total: all.length };
      }
      case "declare_incident": {
        const input = a.input as DeclareInput;
        if (!input.title.trim()) throw { code: "invalid_input", message: "the title must not be empty" };
        const inc: IncidentDetail = {
          id: `id-${incidents.length + 1}`,
          human_id: `INC-ABCDE-${incidents.length + 1}`,
          title: input.title,
          summary: input.summary,
          severity: input.severity,
          status: "detected",
          drill: input.drill,
          services: input.services,
          detected_at: new Date().toISOString(),
          declared_by: "Ana",
          milestones: { acknowledged_at: null, investigating_at: null, mitigated_at: null, resolved_at: null, closed_at: null },
          next_statuses: NEXT.detected as IncidentDetail["next_statuses"],
          timeline: [],
          timeline_total: 0,
          updates_sent: 0,
          roles: [],
          tasks: [],
          last_handoff: null,
          impact_started_at: null,
          deadlines: input.severity === "SEV1" ? [clock("Respond by", 10 * 60_000)] : [],
          computed_at: new Date().toISOString(),
          missing: { level: input.severity, roles: [], roles_alert_at: null, checklist: [], checklist_name: "", review_open: false },
        };
        incidents.unshift(inc);
        return paged(inc);
      }
      case "add_entry": {
        const input = a.input as EntryInput;
        const inc = find(input.incident);
        const entry: EntryView = { id: `e${inc.timeline.length}`, kind: input.kind, event_time: input.at ?? new Date().toISOString(), recorded_time: new Date().toISOString(), author: "Ana", text: input.text, change: null, revisions: 0, history: [], pinned: false };
        inc.timeline.push(entry);
        inc.timeline.sort((x, y) => Date.parse(x.event_time) - Date.parse(y.event_time));
        return { incident: inc.id, human_id: inc.human_id, entry };
      }
      case "set_status": {
        const input = a.input as StatusInput;
        const inc = find(input.incident);
        if (input.status === "closed" && inc.severity === "SEV1") throw { code: "invalid_transition", message: `${inc.human_id} cannot be closed yet: the review is a draft; close the review first, or force the close` };
        inc.timeline.push({ id: `e${inc.timeline.length}`, kind: "status-change", event_time: new Date().toISOString(), recorded_time: new Date().toISOString(), author: "Ana", text: `Status: ${inc.status} → ${input.status}`, change: null, revisions: 0, history: [], pinned: false });
        inc.status = input.status;
        inc.next_statuses = (NEXT[input.status] ?? []) as IncidentDetail["next_statuses"];
        return paged(inc);
      }
      case "sync_status":
        return syncView();
      case "outbound_status":
        return outbound;
      case "retry_outbound": {
        const id = a.input as number;
        if (!outbound.failed.some((f) => f.id === id)) throw { code: "not_found", message: `there is no message #${id}` };
        outbound.failed = outbound.failed.filter((f) => f.id !== id);
        outbound.waiting += 1;
        return outbound;
      }
      case "set_remote": {
        // The background loop's first round is quick: by the time set_remote answers,
        // it may already have pulled a teammate's incident.
        sync.url = (a.input as { url: string }).url;
        sync.pulled += 1;
        incidents.unshift({ ...incidents[0], id: "id-remote", human_id: "INC-FGHJK-1", title: "From a teammate" } as IncidentDetail);
        // The shell's change watcher then names the pulled incident.
        setTimeout(() => void emit(CHANGED_EVENT, { incidents: ["id-remote"], sync: true, clocks: false }), 0);
        return syncView();
      }
      case "list_actions": {
        const f = a.input as { open: boolean; overdue: boolean; owner: string | null };
        return actions.filter((r) => !r.item.deleted && (!f.open || r.item.status !== "done") && (!f.overdue || r.overdue) && (!f.owner || r.item.owner === f.owner));
      }
      case "action_edit":
      case "action_remove": {
        const input = a.input as { incident: string; item: string; change: Record<string, string | null> };
        const row = actions.find((r) => r.incident === input.incident && r.key === input.item);
        if (!row) throw { code: "not_found", message: `no action item ${input.item}` };
        if (cmd === "action_remove") row.item.deleted = true;
        for (const [k, v] of Object.entries(input.change)) if (v !== null) (row.item as unknown as Record<string, string>)[k] = v;
        return row;
      }
      case "close_incident_forced": {
        const inc = find(a.input as string);
        inc.timeline.push({ id: `e${inc.timeline.length}`, kind: "note", event_time: new Date().toISOString(), recorded_time: new Date().toISOString(), author: "Ana", text: "Closed without its required review (forced): the review is a draft", change: null, revisions: 0, history: [], pinned: false });
        inc.status = "closed";
        inc.next_statuses = [];
        return paged(inc);
      }
      case "app_version":
        return "0.1.0";
      case "settings":
        return { webhook_kept_in: null, github_token_kept_in: null, presets: [], export_folder: null };
      case "restore_backup":
        // The restored record holds only the first incident declared.
        if (backup.refuse) throw { code: "invalid_input", message: "/tmp/x.db is not a Firebreak database (no SQLite header)" };
        incidents.splice(0, incidents.length - 1);
        return { replica_tag: "ABCDE", adopted: false, ops: 1, note: "the team server token is not in the backup" };
      case "export_quarantine":
        return "/home/ana/Documents/Firebreak/firebreak-quarantine-20261123-150000.json";
      case "backup_database":
        if (backup.fail) throw { code: "storage", message: "cannot write in /home/ana/Documents/Firebreak: Permission denied" };
        return "/home/ana/Documents/Firebreak/firebreak-backup-20261123-150000.db";
      default:
        throw { code: "internal", message: `unexpected command ${cmd}` };
    }
  }
  return { incidents, calls, sync, outbound, backup, actions };
}

function clock(label: string, inMs: number): IncidentDetail["deadlines"][number] {
  return {
    kind: { type: "respond" },
    label,
    meaning: "Start the response",
    level: "SEV1",
    target: "15m",
    due: new Date(Date.now() + inMs).toISOString(),
    state: { type: "pending" },
    earlier_breaches: [],
    from_reference: true,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** Declares an incident through the window's form, as a person would. */
async function declareInWindow(app: App, title: string, severity?: string): Promise<void> {
  app.openDeclare();
  (document.getElementById("declare-title") as HTMLInputElement).value = title;
  if (severity) (document.getElementById("declare-severity") as HTMLSelectElement).value = severity;
  (document.querySelector(".declare-form") as HTMLFormElement).requestSubmit();
  await flush();
  await flush();
}

describe("App", () => {
  let root: HTMLElement;
  beforeEach(() => {
    document.body.replaceChildren();
    localStorage.clear();
    root = document.createElement("div");
    document.body.append(root);
  });
  afterEach(() => clearMocks());

  it("declares with the keyboard, logs with Enter, and moves the status", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    expect(root.textContent).toContain("No incidents yet");

    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "n", bubbles: true }));
    const title = document.getElementById("declare-title") as HTMLInputElement;
    expect(document.activeElement).toBe(title);
    title.value = "Checkout <b>failing</b>";
    (document.getElementById("declare-severity") as HTMLSelectElement).value = "SEV2";
    (document.getElementById("declare-services") as HTMLInputElement).value = "api, payments";
    (document.querySelector(".declare-form") as HTMLFormElement).requestSubmit();
    await flush();
    await flush();

    expect(backend.incidents[0].services).toEqual(["api", "payments"]);
    expect(document.querySelector(".overlay")).toBeNull();
    expect(root.querySelector('[data-testid="detail-title"]')?.textContent).toBe("Checkout <b>failing</b>");
    expect(root.querySelector('[data-testid="detail-title"] b')).toBeNull();
    expect(root.querySelectorAll('[data-testid="incident-row"]').length).toBe(1);

    const text = document.getElementById("entry-text") as HTMLInputElement;
    text.value = "d: roll back";
    text.form!.requestSubmit();
    await flush();
    await flush();
    const entry = root.querySelector('[data-testid="timeline-entry"]')!;
    expect(entry.getAttribute("data-kind")).toBe("decision");
    expect(entry.textContent).toContain("roll back");

    (root.querySelector('[data-testid="status-investigating"]') as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(root.querySelector('[data-testid="detail-status"]')?.textContent).toBe("investigating");
  });

  it("opens another incident without redrawing the list, and a typed entry redraws no row of it", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "first");
    await declareInWindow(app, "second");
    const rows = () => [...root.querySelectorAll<HTMLElement>('[data-testid="incident-row"]')];
    const before = rows();
    expect(before.map((r) => r.classList.contains("selected"))).toEqual([true, false]);
    before[1].click();
    for (let i = 0; i < 3; i++) await flush();
    expect(document.querySelector('[data-testid="detail-title"]')!.textContent).toContain("first");
    expect(rows()).toEqual(before);
    expect(rows().every((r, i) => r === before[i])).toBe(true);
    expect(rows().map((r) => r.getAttribute("aria-selected"))).toEqual(["false", "true"]);
    const input = document.getElementById("entry-text") as HTMLInputElement;
    input.value = "looking at the pool";
    (input.form as HTMLFormElement).requestSubmit();
    for (let i = 0; i < 3; i++) await flush();
    expect(backend.calls.filter((c) => c === "add_entry")).toHaveLength(1);
    expect(root.querySelector('[data-testid="timeline-entry"] .text')!.textContent).toBe("looking at the pool");
    expect(rows().every((r, i) => r === before[i])).toBe(true);
  });

  it("shows a backend error as code and message, and keeps the form open", async () => {
    fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "   ");
    const toast = document.querySelector('[data-testid="error"]') as HTMLElement;
    expect(toast.hidden).toBe(false);
    expect(toast.textContent).toContain("invalid input");
    expect(toast.textContent).toContain("the title must not be empty");
    expect(document.querySelector(".declare-form")).not.toBeNull();
  });

  it("suggests a severity from the questionnaire and logs the suggestion with the choice", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    app.openDeclare();
    (document.getElementById("declare-title") as HTMLInputElement).value = "api down";
    const answers = document.querySelectorAll<HTMLSelectElement>('[data-testid="helper-answer"]');
    expect(answers.length).toBe(2);
    answers[1].value = "unsure";
    (document.getElementById("helper-suggest") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect((document.getElementById("declare-severity") as HTMLSelectElement).value).toBe("SEV2");
    expect(document.querySelector('[data-testid="helper-result"]')?.textContent).toContain("Suggested: SEV2");
    (document.querySelector(".declare-form") as HTMLFormElement).requestSubmit();
    await flush();
    await flush();
    expect(backend.incidents[0].severity).toBe("SEV2");
    expect(backend.calls).toContain("suggest_severity");
  });

  it("shows the clocks of the incident with live countdowns", async () => {
    fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "checkout down", "SEV1");
    const clocks = root.querySelectorAll<HTMLElement>('[data-testid="clocks"] [data-testid="clock"]');
    expect(clocks.length).toBe(1);
    expect(clocks[0].dataset.kind).toBe("respond");
    expect(clocks[0].dataset.state).toBe("pending");
    expect(clocks[0].textContent).toMatch(/Respond by(09|10):\d\d/);
    const row = root.querySelector('[data-testid="incident-row"]')!;
    expect(row.querySelector('[data-testid="clock"]')?.getAttribute("data-kind")).toBe("respond");
  });

  it("shows incidents pulled by the first sync round right after the team server is set", async () => {
    fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "local one");
    (document.querySelector('[data-testid="sync-status"]') as HTMLElement).click();
    await flush(); // the dialog reads the sync state afresh before it opens
    (document.getElementById("remote-url") as HTMLInputElement).value = "https://fb.example";
    (document.getElementById("remote-team") as HTMLInputElement).value = "sre";
    (document.getElementById("remote-token") as HTMLInputElement).value = "fbt";
    (document.querySelector(".overlay form") as HTMLFormElement).requestSubmit();
    for (let i = 0; i < 6; i++) await flush();
    expect(document.querySelector(".overlay")).toBeNull();
    expect(root.textContent).toContain("From a teammate");
    expect(document.querySelector('[data-testid="sync-status"]')!.textContent).toContain("Online");
  });

  it("shows what sync brought while a dialog was open once the dialog closes", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    for (let i = 0; i < 4; i++) await flush();
    (document.querySelector('[data-testid="sync-status"]') as HTMLElement).click();
    await flush(); // the dialog reads the sync state afresh before it opens
    expect(document.querySelector(".overlay")).not.toBeNull();
    // A round pulls a teammate's incident while the dialog is open.
    backend.incidents.unshift({ id: "id-t", human_id: "INC-FGHJK-2", title: "Pulled meanwhile", severity: "SEV2", status: "detected", drill: false, detected_at: new Date().toISOString(), deadlines: [] } as unknown as IncidentDetail);
    backend.sync.pulled = 1;
    await emit(CHANGED_EVENT, { incidents: ["id-t"], sync: true, clocks: false });
    for (let i = 0; i < 4; i++) await flush();
    expect(root.textContent).not.toContain("Pulled meanwhile");
    (document.querySelector(".overlay button.secondary") as HTMLElement).click();
    for (let i = 0; i < 4; i++) await flush();
    expect(root.textContent).toContain("Pulled meanwhile");
  });

  it("shows an appended entry from the answer alone, in event-time order, without re-reading the incident", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "n", bubbles: true }));
    (document.getElementById("declare-title") as HTMLInputElement).value = "Replica lag";
    (document.querySelector(".declare-form") as HTMLFormElement).requestSubmit();
    for (let i = 0; i < 3; i++) await flush();
    const texts = () => [...root.querySelectorAll('[data-testid="timeline-entry"] .text')].map((e) => e.textContent);
    const text = document.getElementById("entry-text") as HTMLInputElement;
    text.value = "lag back under 1 s";
    const before = backend.calls.length;
    text.form!.requestSubmit();
    for (let i = 0; i < 3; i++) await flush();
    expect(backend.calls.slice(before)).toEqual(["add_entry"]);
    expect(texts()[0]).toBe("lag back under 1 s"); // newest first
    // A status update moves the clocks: that one re-reads the incident.
    const again = document.getElementById("entry-text") as HTMLInputElement;
    again.value = "u: update sent";
    const mark = backend.calls.length;
    again.form!.requestSubmit();
    for (let i = 0; i < 3; i++) await flush();
    expect(backend.calls.slice(mark)).toEqual(["add_entry", "show_incident"]);
    expect(texts()[0]).toBe("update sent");
  });

  it("asks the core nothing while idle, and re-reads only what a change names", async () => {
    vi.useFakeTimers({ toFake: ["setInterval"] });
    try {
      const backend = fakeBackend();
      const app = new App(root);
      await app.start();
      for (let i = 0; i < 4; i++) await flush();
      const before = backend.calls.length;
      vi.advanceTimersByTime(10 * 60_000); // ten idle minutes of countdown ticks
      for (let i = 0; i < 4; i++) await flush();
      expect(backend.calls.slice(before)).toEqual([]);
      await emit(CHANGED_EVENT, { incidents: [], sync: true, clocks: false });
      for (let i = 0; i < 4; i++) await flush();
      expect(backend.calls.slice(before).sort()).toEqual(["outbound_status", "sync_status"]);
      // With an incident open, a change to another one re-reads the list, not the open
      // incident; a change naming the open one re-reads it too.
      document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "n", bubbles: true }));
      (document.getElementById("declare-title") as HTMLInputElement).value = "Replica lag";
      (document.querySelector(".declare-form") as HTMLFormElement).requestSubmit();
      for (let i = 0; i < 4; i++) await flush();
      const open = backend.incidents[0].id;
      (document.activeElement as HTMLElement | null)?.blur();
      const mark = backend.calls.length;
      await emit(CHANGED_EVENT, { incidents: ["someone-elses-incident"], sync: false, clocks: false });
      for (let i = 0; i < 4; i++) await flush();
      expect(backend.calls.slice(mark)).toEqual(["list_incidents"]);
      const mark2 = backend.calls.length;
      await emit(CHANGED_EVENT, { incidents: [open], sync: false, clocks: false });
      for (let i = 0; i < 4; i++) await flush();
      expect(backend.calls.slice(mark2)).toEqual(["list_incidents", "show_incident"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("lists posts refused for good with their reason and queues one again with Retry", async () => {
    const backend = fakeBackend();
    backend.outbound.failed = [{ id: 3, kind: "webhook", about: "status update “Investigating”", reason: "HTTP 404 Not Found: no_service", attempts: 3 }];
    const app = new App(root);
    await app.start();
    for (let i = 0; i < 4; i++) await flush();
    const box = document.querySelector('[data-testid="outbound-failed"]')!;
    expect(box.textContent).toContain("1 message not delivered");
    expect(box.textContent).toContain("status update “Investigating” — HTTP 404 Not Found: no_service (3 attempts)");
    (document.querySelector('[data-testid="outbound-retry-3"]') as HTMLElement).click();
    for (let i = 0; i < 4; i++) await flush();
    expect(backend.calls).toContain("retry_outbound");
    expect(backend.outbound.waiting).toBe(1);
    expect(document.querySelector('[data-testid="outbound-failed"]')).toBeNull();
  });

  it("keeps a typed timeline draft across a restart of the window", async () => {
    const backend = fakeBackend();
    let app = new App(root);
    await app.start();
    await declareInWindow(app, "db slow");
    const text = document.getElementById("entry-text") as HTMLInputElement;
    text.value = "half a thought";
    text.dispatchEvent(new Event("input"));
    root.replaceChildren();
    app = new App(root);
    await app.start();
    expect(backend.incidents.length).toBe(1);
    expect((document.getElementById("entry-text") as HTMLInputElement).value).toBe("half a thought");
  });

  it("shows this build's version on the About line of the shortcuts overlay", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    app.showHelp();
    await flush();
    const about = document.querySelector('[data-testid="about"]')!;
    expect(about.textContent).toBe("Firebreak 0.1.0 — an offline-first incident commander's tool.");
    // Asked of Rust once, shown at once the next time.
    app.showHelp();
    expect(document.querySelector('[data-testid="about"]')!.textContent).toContain("Firebreak 0.1.0");
    expect(backend.calls.filter((c) => c === "app_version").length).toBe(1);
  });

  it("backs this laptop up from the team server dialog and says the token is not in it", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    for (let i = 0; i < 4; i++) await flush();
    (document.querySelector('[data-testid="sync-status"]') as HTMLElement).click();
    await flush(); // the dialog reads the sync state afresh before it opens
    backend.backup.fail = true;
    (document.querySelector('[data-testid="backup-database"]') as HTMLElement).click();
    for (let i = 0; i < 3; i++) await flush();
    expect(document.querySelector('[data-testid="error"]')!.textContent).toContain("Permission denied");
    expect(document.querySelector('[data-testid="backup-result"]')!.textContent).toBe("");
    backend.backup.fail = false;
    (document.querySelector('[data-testid="backup-database"]') as HTMLElement).click();
    for (let i = 0; i < 3; i++) await flush();
    expect(backend.calls.filter((c) => c === "backup_database").length).toBe(2);
    expect(document.querySelector('[data-testid="backup-result"]')!.textContent).toBe(
      "Backed up to /home/ana/Documents/Firebreak/firebreak-backup-20261123-150000.db. The team server token is not in the backup; set it again after a restore.",
    );
    expect(document.querySelector('[data-testid="error"]')!.hasAttribute("hidden")).toBe(true);
  });

  it("restores a backup from Settings after a confirmation and re-reads the record; a refused file changes nothing", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "before the backup");
    await declareInWindow(app, "after the backup");
    (root.querySelector('[data-view="settings"]') as HTMLElement).click();
    for (let i = 0; i < 3; i++) await flush();
    const restore = () => (root.querySelector('[data-testid="settings-restore"]') as HTMLElement).click();
    restore();
    expect(document.querySelector('[data-testid="restore-confirm-dialog"]')!.textContent).toContain("is replaced by the backup's");
    (document.querySelector('[data-testid="restore-cancel"]') as HTMLElement).click();
    expect(backend.calls).not.toContain("restore_backup");

    backend.backup.refuse = true;
    restore();
    (document.querySelector('[data-testid="restore-confirm"]') as HTMLElement).click();
    for (let i = 0; i < 4; i++) await flush();
    expect(document.querySelector('[data-testid="error"]')!.textContent).toContain("not a Firebreak database");
    expect(backend.incidents.length).toBe(2);
    expect(root.textContent).toContain("after the backup");

    backend.backup.refuse = false;
    const listed = backend.calls.filter((c) => c === "list_incidents").length;
    restore();
    (document.querySelector('[data-testid="restore-confirm"]') as HTMLElement).click();
    for (let i = 0; i < 6; i++) await flush();
    expect(backend.calls.filter((c) => c === "list_incidents").length).toBeGreaterThan(listed);
    expect(root.textContent).not.toContain("after the backup");
    expect(root.textContent).toContain("before the backup");
    expect(root.querySelector('[data-testid="settings-backup-result"]')!.textContent).toContain("Restored 1 changes");
  });

  it("exports the held ops from the team server dialog through the save dialog", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    for (let i = 0; i < 4; i++) await flush();
    (document.querySelector('[data-testid="sync-status"]') as HTMLElement).click();
    await flush();
    (document.querySelector('[data-testid="export-quarantine"]') as HTMLElement).click();
    for (let i = 0; i < 3; i++) await flush();
    expect(backend.calls).toContain("export_quarantine");
    expect(document.querySelector('[data-testid="quarantine-export-result"]')!.textContent).toBe("Saved to /home/ana/Documents/Firebreak/firebreak-quarantine-20261123-150000.json.");
  });

  it("draws a 10,000-entry timeline as the visible rows only, and finds the oldest by search", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "long one");
    const inc = backend.incidents[0];
    const at = new Date().toISOString();
    for (let i = 0; i < 10_000; i++) {
      inc.timeline.push({ id: `e${i}`, kind: "note", event_time: at, recorded_time: at, author: "Ana", text: `entry number ${i}`, change: null, revisions: 0, history: [], pinned: false });
    }
    await emit(CHANGED_EVENT, { incidents: [inc.id], sync: false, clocks: false });
    for (let i = 0; i < 4; i++) await flush();
    const rows = () => [...root.querySelectorAll<HTMLElement>('[data-testid="timeline-entry"]')];
    expect(root.querySelector('[data-tab="timeline"]')!.textContent).toBe("Timeline (10000)");
    // The newest first, and only a screenful and a margin of rows in the document.
    expect(rows()[0].textContent).toContain("entry number 9999");
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(100);
    // Only the newest entries came with the incident (the rest are read a page at a time
    // as they come into view: the real-window test scrolls to them); a search asks the core.
    const pagesRead = () => backend.calls.filter((c) => c === "timeline_page").length;
    expect(pagesRead()).toBe(0);
    const search = document.getElementById("timeline-search") as HTMLInputElement;
    search.value = "entry number 0";
    search.dispatchEvent(new Event("input"));
    for (let i = 0; i < 3; i++) await flush();
    expect(pagesRead()).toBe(1);
    expect(rows().map((r) => r.querySelector(".text")!.textContent)).toEqual(["entry number 0"]);
  });

  it("lists action items across incidents, edits one in place and removes another", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    (root.querySelector('[data-view="actions"]') as HTMLElement).click();
    for (let i = 0; i < 3; i++) await flush();
    const rows = () => [...root.querySelectorAll<HTMLElement>('[data-testid="action-row"]')];
    expect(rows().map((r) => r.dataset.item)).toEqual(["AI-001", "AI-002", "AI-003"]);
    expect(rows()[0].textContent).toContain("(overdue)");
    (root.querySelector('[data-testid="actions-overdue"]') as HTMLInputElement).click();
    for (let i = 0; i < 3; i++) await flush();
    expect(rows().map((r) => r.dataset.item)).toEqual(["AI-001"]);
    (root.querySelector('[data-testid="actions-overdue"]') as HTMLInputElement).click();
    for (let i = 0; i < 3; i++) await flush();
    // Edit AI-002's owner and due date.
    (rows()[1].querySelector('[data-testid="action-edit"]') as HTMLElement).click();
    (rows()[1].querySelector('[data-field="owner"]') as HTMLInputElement).value = "Cy";
    (rows()[1].querySelector('[data-field="due"]') as HTMLInputElement).value = "2027-02-01";
    (rows()[1].querySelector("form") as HTMLFormElement).requestSubmit();
    for (let i = 0; i < 3; i++) await flush();
    expect(backend.actions[1].item.owner).toBe("Cy");
    expect(backend.actions[1].item.due).toBe("2027-02-01");
    expect(rows()[1].textContent).toContain("Cy");
    // Remove AI-003: gone from the list, kept (as a tombstone) in the backend.
    (rows()[2].querySelector('[data-testid="action-remove"]') as HTMLElement).click();
    for (let i = 0; i < 3; i++) await flush();
    expect(rows().map((r) => r.dataset.item)).toEqual(["AI-001", "AI-002"]);
    expect(backend.actions[2].item.deleted).toBe(true);
    expect(backend.calls.filter((c) => c === "action_remove").length).toBe(1);
  });

  it("shows what the severity requires and nobody has done yet", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "checkout down");
    expect(root.querySelector('[data-testid="missing"]')).toBeNull();
    const inc = backend.incidents[0];
    inc.missing = { level: "SEV1", roles: ["incident-commander"], roles_alert_at: null, checklist: ["Page the exec", "Open a bridge"], checklist_name: "SEV1 response", review_open: false };
    await emit(CHANGED_EVENT, { incidents: [inc.id], sync: false, clocks: false });
    for (let i = 0; i < 4; i++) await flush();
    const note = root.querySelector('[data-testid="missing"]')!;
    expect(note.textContent).toBe("SEV1 requires: no incident-commander assigned · 2 items of the SEV1 response checklist open");
  });

  it("asks before closing an incident whose required review is open, and closes it forced", async () => {
    const backend = fakeBackend();
    const app = new App(root);
    await app.start();
    await declareInWindow(app, "checkout down", "SEV1");
    const inc = backend.incidents[0];
    inc.status = "resolved";
    inc.next_statuses = ["closed"];
    await emit(CHANGED_EVENT, { incidents: [inc.id], sync: false, clocks: false });
    for (let i = 0; i < 4; i++) await flush();
    (root.querySelector('[data-testid="status-closed"]') as HTMLButtonElement).click();
    for (let i = 0; i < 4; i++) await flush();
    const ask = document.querySelector('[data-testid="force-close"]')!;
    expect(ask.textContent).toContain("cannot be closed yet: the review is a draft");
    expect(backend.calls).not.toContain("close_incident_forced");
    (document.querySelector('[data-testid="force-close-confirm"]') as HTMLElement).click();
    for (let i = 0; i < 4; i++) await flush();
    expect(backend.calls).toContain("close_incident_forced");
    expect(root.querySelector('[data-testid="detail-status"]')?.textContent).toBe("closed");
    expect(root.querySelector('[data-testid="timeline"]')!.textContent).toContain("(forced)");
  });
});
