// Time formatting for people: local zone, 24-hour clock, compact ages.

/** "3d 4h", "2h 05m", "14m", "40s" — never negative. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const mins = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(mins).padStart(2, "0")}m`;
  if (mins > 0) return `${mins}m`;
  return `${s}s`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

export function localTime(iso: string): string {
  return timeFmt.format(new Date(iso));
}

/** A `datetime-local` input value (local wall time) as RFC 3339 UTC, or null if empty. */
export function localInputToRfc3339(value: string): string | null {
  if (!value.trim()) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value; // let the core explain what is wrong
  return d.toISOString();
}

export const STATUS_ACTIONS: Record<string, string> = {
  acknowledged: "Acknowledge",
  investigating: "Investigate",
  mitigated: "Mitigated",
  resolved: "Resolve",
  closed: "Close",
};

/** A severity's colour slot: 1 (most severe) … 4, from the level id's digit. */
export function severityRank(level: string): number {
  const m = /(\d+)/.exec(level);
  const n = m ? Number(m[1]) : 4;
  return Math.min(4, Math.max(1, n));
}
