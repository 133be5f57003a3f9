// Generated from the Rust types by crates/api/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p firebreak-api --test bindings
import { invoke } from "@tauri-apps/api/core";

export type Status = "detected" | "acknowledged" | "investigating" | "mitigated" | "resolved" | "closed";
export type EntryKind = "note" | "decision" | "action" | "alert" | "customer-report" | "status-change" | "severity-change" | "role-change" | "comms-update";
export type Change = { "type": "status", from: Status, to: Status, } | { "type": "severity", from: string, to: string, };
export type Milestones = { acknowledged_at: string | null, investigating_at: string | null, mitigated_at: string | null, resolved_at: string | null, closed_at: string | null, };
export type ErrorCode = "invalid_input" | "invalid_transition" | "not_found" | "ambiguous" | "storage" | "internal";
export type ApiError = { code: ErrorCode, message: string, };
export type Identity = { name: string, replica_tag: string, data_dir: string, };
export type LevelInfo = { id: string, name: string, description: string, };
export type DeclareInput = { title: string, severity: string, summary: string, services: Array<string>, drill: boolean, 
/**
 * RFC 3339; when the incident was detected. Empty or absent means now.
 */
at: string | null, };
export type StatusInput = { incident: string, status: Status, at: string | null, };
export type SeverityInput = { incident: string, level: string, at: string | null, };
export type EntryInput = { incident: string, kind: EntryKind, text: string, at: string | null, };
export type IncidentSummary = { id: string, human_id: string, title: string, severity: string, status: Status, drill: boolean, detected_at: string, };
export type EntryView = { id: string, kind: EntryKind, event_time: string, recorded_time: string, author: string, 
/**
 * The current text (the newest revision, if any).
 */
text: string, change: Change | null, 
/**
 * How many corrections the entry has had.
 */
revisions: number, };
export type IncidentDetail = { id: string, human_id: string, title: string, summary: string, severity: string, status: Status, drill: boolean, services: Array<string>, detected_at: string, declared_by: string, milestones: Milestones, 
/**
 * Statuses the lifecycle allows next, in order.
 */
next_statuses: Array<Status>, timeline: Array<EntryView>, };

/** Every IPC command, typed. Errors reject with an `ApiError`. */
export const commands = {
  whoami: () => invoke<Identity>("whoami"),
  setWhoami: (input: string) => invoke<Identity>("set_whoami", { input }),
  listLevels: () => invoke<LevelInfo[]>("list_levels"),
  listIncidents: () => invoke<IncidentSummary[]>("list_incidents"),
  showIncident: (input: string) => invoke<IncidentDetail>("show_incident", { input }),
  declareIncident: (input: DeclareInput) => invoke<IncidentDetail>("declare_incident", { input }),
  setStatus: (input: StatusInput) => invoke<IncidentDetail>("set_status", { input }),
  setSeverity: (input: SeverityInput) => invoke<IncidentDetail>("set_severity", { input }),
  addEntry: (input: EntryInput) => invoke<IncidentDetail>("add_entry", { input }),
};
