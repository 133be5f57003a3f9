// Quick keyboard entry for the timeline: a short prefix picks the entry kind, so a
// scribe can type "d: roll back to 1.41" without touching the mouse.
import type { EntryKind } from "../../ipc";

export const PREFIXES: [string, EntryKind, string][] = [
  ["n", "note", "Note"],
  ["d", "decision", "Decision"],
  ["a", "action", "Action"],
  ["al", "alert", "Alert"],
  ["c", "customer-report", "Customer report"],
  ["r", "role-change", "Role change"],
  ["u", "comms-update", "Status update sent"],
];

/** Splits "d: text" into kind and text; without a known prefix, the fallback kind. */
export function parseQuickEntry(input: string, fallback: EntryKind): { kind: EntryKind; text: string } {
  const m = /^\s*([a-z]{1,2}):\s*(.*)$/s.exec(input);
  if (m) {
    const hit = PREFIXES.find(([p]) => p === m[1]);
    if (hit) return { kind: hit[1], text: m[2].trim() };
  }
  return { kind: fallback, text: input.trim() };
}
