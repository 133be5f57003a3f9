import { describe, expect, it } from "vitest";
import { h } from "../src/lib/dom";
import { age, localInputToRfc3339, severityRank } from "../src/lib/format";
import { parseQuickEntry } from "../src/features/incidents/quick-entry";

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
