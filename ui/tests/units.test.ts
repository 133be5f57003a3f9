import { describe, expect, it } from "vitest";
import { h } from "../src/lib/dom";
import { age, localInputToRfc3339, severityRank } from "../src/lib/format";
import { parseQuickEntry } from "../src/features/incidents/quick-entry";
import { withEntry } from "../src/features/incidents/view";
import type { EntryView } from "../src/ipc";

describe("dom builder", () => {
  it("renders user text as text, never as markup", () => {
    const evil = '<img src=x onerror="alert(1)"><script>boom()</script>';
    const el = h("div", {}, evil);
    expect(el.textContent).toBe(evil);
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector("script")).toBeNull();
    expect(el.innerHTML).toContain("&lt;img");
  });
  it("sets attributes and skips false/null ones", () => {
    const el = h("input", { id: "a", disabled: false, required: true, title: null });
    expect(el.id).toBe("a");
    expect(el.hasAttribute("disabled")).toBe(false);
    expect(el.hasAttribute("required")).toBe(true);
    expect(el.hasAttribute("title")).toBe(false);
  });
});

describe("format", () => {
  it("writes ages compactly", () => {
    expect(age(40_000)).toBe("40s");
    expect(age(14 * 60_000)).toBe("14m");
    expect(age((2 * 60 + 5) * 60_000)).toBe("2h 05m");
    expect(age((3 * 24 + 4) * 3_600_000)).toBe("3d 4h");
    expect(age(-5_000)).toBe("0s");
  });
  it("turns an empty time input into null and a filled one into UTC", () => {
    expect(localInputToRfc3339("  ")).toBeNull();
    const iso = localInputToRfc3339("2026-11-23T14:30:00");
    expect(iso).toBe(new Date("2026-11-23T14:30:00").toISOString());
  });
  it("ranks severities by their number", () => {
    expect(severityRank("SEV1")).toBe(1);
    expect(severityRank("P3")).toBe(3);
    expect(severityRank("custom")).toBe(4);
  });
});

describe("quick entry", () => {
  it("picks the kind from a prefix", () => {
    expect(parseQuickEntry("d: roll back to 1.41", "note")).toEqual({ kind: "decision", text: "roll back to 1.41" });
    expect(parseQuickEntry("al: error rate 30%", "note")).toEqual({ kind: "alert", text: "error rate 30%" });
    expect(parseQuickEntry("c:customer in EU cannot pay", "note")).toEqual({ kind: "customer-report", text: "customer in EU cannot pay" });
  });
  it("keeps text without a known prefix as the chosen kind", () => {
    expect(parseQuickEntry("db: is slow", "action")).toEqual({ kind: "action", text: "db: is slow" });
    expect(parseQuickEntry("  plain note ", "note")).toEqual({ kind: "note", text: "plain note" });
  });
});

import { clockState, formatRemaining, renderClock, tickClocks } from "../src/features/clocks/clock";
import type { Deadline } from "../src/ipc";

function deadline(due: string, state: Deadline["state"] = { type: "pending" }): Deadline {
  return { kind: { type: "respond" }, label: "Respond by", meaning: "m", level: "SEV1", target: "15m", due, state, earlier_breaches: [], from_reference: false };
}

describe("clocks", () => {
  const due = Date.parse("2026-11-23T14:45:00Z");
  it("formats time left to the second under an hour", () => {
    expect(formatRemaining(4 * 60_000 + 7_000)).toBe("04:07");
    expect(formatRemaining(-42_000)).toBe("-00:42");
    expect(formatRemaining((2 * 60 + 5) * 60_000)).toBe("2h 05m");
    expect(formatRemaining(-(26 * 3_600_000))).toBe("-1d 2h");
  });
  it("shows whole minutes in the list until the lead, then the seconds", () => {
    const lead = 5 * 60_000;
    expect(formatRemaining(14 * 60_000 + 59_000, true, lead)).toBe("14m");
    expect(formatRemaining(4 * 60_000 + 7_000, true, lead)).toBe("04:07");
    expect(formatRemaining(-42_000, true, lead)).toBe("-00:42");
    expect(formatRemaining((2 * 60 + 5) * 60_000, true, lead)).toBe("2h 05m");
    // A list row's clock is written once a minute while it is beyond the lead.
    const root = document.createElement("div");
    const start = due - (19 * 60 + 59) * 1_000; // 19m 59s left
    root.append(renderClock(deadline("2026-11-23T14:45:00Z"), start, lead, false, true));
    const time = root.querySelector(".clock-time")!;
    expect(time.textContent).toBe("19m");
    const watch = new MutationObserver(() => undefined);
    watch.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    for (let s = 1; s < 60; s++) tickClocks(root, start + s * 1_000, lead);
    expect(watch.takeRecords()).toEqual([]);
    tickClocks(root, due - 4 * 60_000, lead);
    expect(time.textContent).toBe("04:00");
    watch.disconnect();
  });
  it("derives pending, due soon and breached from the due time and the lead", () => {
    const d = deadline("2026-11-23T14:45:00Z");
    expect(clockState(d, due - 10 * 60_000, 5 * 60_000)).toBe("pending");
    expect(clockState(d, due - 5 * 60_000, 5 * 60_000)).toBe("due-soon");
    expect(clockState(d, due, 5 * 60_000)).toBe("breached");
    expect(clockState(deadline("2026-11-23T14:45:00Z", { type: "met", at: "2026-11-23T14:40:00Z", on_time: true }), due + 1, 1)).toBe("met");
  });
  it("leaves a clock's text alone while it reads the same (no repaint each second)", () => {
    const root = document.createElement("div");
    root.append(renderClock(deadline("2026-11-23T14:45:00Z"), due - 3 * 3_600_000, 5 * 60_000));
    const time = root.querySelector(".clock-time")!;
    const watch = new MutationObserver(() => {});
    watch.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    // 2h 30m 10s and 2h 30m 9s left read the same: nothing is written.
    const start = due - 2.5 * 3_600_000 - 10_000; // 2h 30m 10s left
    tickClocks(root, start, 5 * 60_000);
    watch.takeRecords();
    tickClocks(root, start + 1_000, 5 * 60_000);
    expect(watch.takeRecords().map((r) => `${r.type} ${r.attributeName} ${(r.target as Element).className ?? r.target.nodeName}`)).toEqual([]);
    expect(time.textContent).toBe("2h 30m");
    // A minute later the text moves, and is written.
    tickClocks(root, start + 61_000, 5 * 60_000);
    expect(watch.takeRecords().length).toBeGreaterThan(0);
    expect(time.textContent).toBe("2h 29m");
    watch.disconnect();
  });
  it("ticks a running clock across its states and leaves met clocks alone", () => {
    const root = document.createElement("div");
    root.append(renderClock(deadline("2026-11-23T14:45:00Z"), due - 6 * 60_000, 5 * 60_000));
    root.append(renderClock(deadline("2026-11-23T14:45:00Z", { type: "met", at: "2026-11-23T14:40:00Z", on_time: false }), due, 5 * 60_000));
    const [running, met] = Array.from(root.querySelectorAll<HTMLElement>(".clock"));
    expect(running.dataset.state).toBe("pending");
    expect(running.title).toContain("team default");
    tickClocks(root, due - 60_000, 5 * 60_000);
    expect(running.dataset.state).toBe("due-soon");
    expect(running.querySelector(".clock-time")!.textContent).toBe("01:00");
    tickClocks(root, due + 3_000, 5 * 60_000);
    expect(running.dataset.state).toBe("breached");
    expect(running.textContent).toContain("BREACHED");
    expect(running.querySelector(".clock-time")!.textContent).toBe("-00:03");
    expect(met.textContent).toContain("met late");
  });
});

import { fillCommand } from "../src/features/response/panels";

describe("runbook commands", () => {
  it("fills placeholders from values, else defaults, else leaves them visible", () => {
    const t = "kubectl scale deployment/{deployment} --replicas={replicas}";
    expect(fillCommand(t, {}, { deployment: "workers", replicas: "200" })).toBe("kubectl scale deployment/workers --replicas=200");
    expect(fillCommand(t, { replicas: "300" }, { deployment: "workers", replicas: "200" })).toBe("kubectl scale deployment/workers --replicas=300");
    expect(fillCommand(t, { replicas: "  " }, { deployment: "workers" })).toBe("kubectl scale deployment/workers --replicas={replicas}");
  });
});

describe("sync badge and team server dialog", () => {
  const base = {
    url: "https://fb.example",
    team: "sre",
    member: "ana",
    token_kept_in: "keyring",
    pending: 2,
    rejected: 0,
    rejected_reason: null,
    clock_drift: null,
    last_synced_at: null,
    online: true,
    syncing: false,
    last_error: null,
    pulled: 0,
    newer: 0,
    quarantined: 0,
    quarantine_reason: null,
  };
  it("shows waiting and refused changes, with the reason in the tooltip", async () => {
    const { syncBadge } = await import("../src/features/sync/sync");
    const fine = syncBadge(base, () => {});
    expect(fine.textContent).toContain("Online");
    expect(fine.textContent).toContain("2 waiting");
    expect(fine.textContent).not.toContain("refused");
    const refused = syncBadge({ ...base, rejected: 3, rejected_reason: 'authored by "root", but the token belongs to "ana"' }, () => {});
    expect(refused.textContent).toContain("3 refused");
    expect(refused.title).toContain('authored by "root"');
    expect(refused.title).toContain("as ana");
    const skewed = syncBadge({ ...base, clock_drift: { author: "bo", ahead_minutes: 180, seen_at: "2026-11-23T14:00:00Z" } }, () => {});
    expect(skewed.textContent).toContain("⚠ clock");
    expect(skewed.title).toContain("bo");
    expect(skewed.title).toContain("180 min ahead");
    expect(fine.textContent).not.toContain("quarantined");
    const held = syncBadge({ ...base, quarantined: 2, quarantine_reason: "payload.detected_at: +262142-01-01 is outside 1970–2199", newer: 1 }, () => {});
    expect(held.textContent).toContain("2 quarantined");
    expect(held.textContent).toContain("1 from a newer version");
    expect(held.title).toContain("payload.detected_at");
  });
  it("says whose name signs the changes and where the token is kept, never the token", async () => {
    const { remoteDialog } = await import("../src/features/sync/sync");
    const dlg = remoteDialog(base, () => {}, () => {});
    const hint = dlg.querySelector('[data-testid="remote-identity"]')!;
    expect(hint.textContent).toContain("“ana”");
    expect(hint.textContent).toContain("OS keyring");
    expect((dlg.querySelector("#remote-token") as HTMLInputElement).value).toBe("");
    const fileKept = remoteDialog({ ...base, member: null, token_kept_in: "file" }, () => {}, () => {});
    expect(fileKept.querySelector('[data-testid="remote-identity"]')!.textContent).toContain("a file only you can read");
    expect(remoteDialog({ ...base, url: null }, () => {}, () => {}).querySelector('[data-testid="remote-identity"]')).toBeNull();
  });
});

describe("editChanges", () => {
  it("sends only what changed, and a time shown to the second is unchanged", async () => {
    const { editChanges, toLocalInput } = await import("../src/features/incidents/edit");
    const inc = { id: "i1", title: "Checkout slow", summary: "", services: ["api"], detected_at: "2026-12-02T02:49:07.123Z", impact_started_at: null } as unknown as import("../src/ipc").IncidentDetail;
    const same = { title: "Checkout slow", summary: "", services: "api", detected: toLocalInput(inc.detected_at), impact: "" };
    expect(editChanges(inc, same)).toEqual({ incident: "i1", title: null, summary: null, services: null, detected_at: null, impact_started_at: null });
    const changed = editChanges(inc, { ...same, services: "api, payments", impact: toLocalInput("2026-12-02T02:30:00Z") });
    expect(changed.services).toEqual(["api", "payments"]);
    expect(changed.impact_started_at).toBe("2026-12-02T02:30:00.000Z");
    expect(changed.title).toBeNull();
    expect(changed.detected_at).toBeNull();
  });
});

describe("withEntry", () => {
  const e = (id: string, at: string, recorded = at): EntryView => ({
    id, kind: "note", event_time: at, recorded_time: recorded, author: "a", text: id, change: null, revisions: 0, history: [], pinned: false,
  });
  it("puts a new entry at the end, and a back-dated one in its event-time place", () => {
    const t = [e("a", "2026-01-01T10:00:00Z"), e("b", "2026-01-01T10:05:00Z")];
    expect(withEntry(t, e("c", "2026-01-01T10:06:00Z")).map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(withEntry(t, e("c", "2026-01-01T10:01:00.500Z")).map((x) => x.id)).toEqual(["a", "c", "b"]);
    expect(withEntry(t, e("c", "2026-01-01T10:05:00Z", "2026-01-01T10:07:00Z")).map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(t.map((x) => x.id)).toEqual(["a", "b"]); // the shown list is not changed in place
  });
});
