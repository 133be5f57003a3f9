// Generated from the Rust types by crates/api/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p firebreak-api --test bindings
import { invoke } from "@tauri-apps/api/core";

export type Status = "detected" | "acknowledged" | "investigating" | "mitigated" | "resolved" | "closed";
export type EntryKind = "note" | "decision" | "action" | "alert" | "customer-report" | "status-change" | "severity-change" | "role-change" | "comms-update";
export type Change = { "type": "declared", severity: string, suggested: string | null, } | { "type": "status", from: Status, to: Status, } | { "type": "severity", from: string, to: string, };
export type Milestones = { acknowledged_at: string | null, investigating_at: string | null, mitigated_at: string | null, resolved_at: string | null, closed_at: string | null, };
export type ErrorCode = "invalid_input" | "invalid_transition" | "not_found" | "ambiguous" | "storage" | "internal";
export type ApiError = { code: ErrorCode, message: string, };
export type Identity = { name: string, replica_tag: string, data_dir: string, };
export type SeverityAdvice = { level: string, reason: string, };
export type Target = string;
export type Requirements = { 
/**
 * All hands until resolution or mitigation.
 */
all_hands: boolean, 
/**
 * Executives must be notified.
 */
executive_notification: boolean, 
/**
 * A dedicated incident team is assigned.
 */
dedicated_team: boolean, 
/**
 * An incident commander must be assigned.
 */
incident_commander_required: boolean, 
/**
 * Work continues around the clock (24/7) until resolved.
 */
continuous_work: boolean, 
/**
 * A post-incident review (post-mortem) is required.
 */
pir_required: boolean, 
/**
 * Time from resolution until the PIR is due; required when `pir_required`.
 */
pir_due: Target | null, 
/**
 * The level's requirements in the reference's own words, as checklist items.
 */
checklist: Array<string>, };
export type SeverityLevel = { 
/**
 * Short id shown everywhere, e.g. "SEV1" or "P1". Unique within the policy.
 */
id: string, 
/**
 * One-word name, e.g. "Critical".
 */
name: string, 
/**
 * Headline, e.g. "Complete System Outage" (may be empty).
 */
title: string, 
/**
 * Longer explanation, including where its figures come from.
 */
description: string, 
/**
 * Conditions that make an incident this severe; offered by the severity helper.
 */
criteria: Array<string>, 
/**
 * Example scenarios of this severity; offered by the severity helper.
 */
examples: Array<string>, 
/**
 * Time from declaration until someone must have acknowledged the incident.
 */
acknowledge: Target, 
/**
 * Time from declaration until the response must have started (investigating).
 */
respond: Target, 
/**
 * Time between status updates (from declaration until the first one).
 */
update_cadence: Target, 
/**
 * Time from declaration until the incident must be resolved; none when the level has no
 * resolution target.
 */
resolve: Target | null, 
/**
 * What the level requires of the team.
 */
requirements: Requirements, 
/**
 * Names of the figures above that are team defaults rather than reference figures
 * (see [`LEVEL_FIGURES`]).
 */
team_defaults: Array<string>, };
export type Question = { 
/**
 * The level the criterion belongs to.
 */
level: string, 
/**
 * The criterion or example text.
 */
criterion: string, 
/**
 * True for an example scenario, false for a criterion.
 */
is_example: boolean, };
export type Reply = "yes" | "no" | "unsure";
export type Answer = { 
/**
 * The level of the question.
 */
level: string, 
/**
 * The criterion or example text of the question.
 */
criterion: string, 
/**
 * The reply.
 */
reply: Reply, };
export type Suggestion = { 
/**
 * The suggested level id.
 */
level: string, 
/**
 * One line saying why.
 */
reason: string, 
/**
 * True when an "unsure" lifted the suggestion above the best "yes".
 */
lifted_by_unsure: boolean, };
export type PolicyView = { name: string, description: string, 
/**
 * `preset:NAME` or `file:PATH`.
 */
source: string, levels: Array<SeverityLevel>, questions: Array<Question>, 
/**
 * How a severity change moves the clocks (shown in the UI).
 */
rebase_rule: string, 
/**
 * The severity helper's tie rule ("if unsure, take the higher").
 */
tie_rule: string, 
/**
 * Minutes before a due time that a clock turns "due soon" and first notifies.
 */
lead_minutes: number, };
export type DeadlineKind = { "type": "acknowledge" } | { "type": "respond" } | { "type": "next_update" } | { "type": "resolve" } | { "type": "rto", 
/**
 * The service name.
 */
service: string, 
/**
 * The tier id.
 */
tier: string, } | { "type": "pir_due" };
export type DeadlineState = { "type": "pending" } | { "type": "due_soon" } | { "type": "breached", 
/**
 * When it was breached (the due time).
 */
at: string, } | { "type": "met", 
/**
 * When it was met.
 */
at: string, 
/**
 * Whether that was at or before the due time.
 */
on_time: boolean, } | { "type": "withdrawn", 
/**
 * When the severity changed.
 */
at: string, };
export type EarlierBreach = { 
/**
 * The level whose target was breached.
 */
level: string, 
/**
 * The due time that passed.
 */
due: string, };
export type Deadline = { 
/**
 * Which clock.
 */
kind: DeadlineKind, 
/**
 * Short label, e.g. "Acknowledge by".
 */
label: string, 
/**
 * One sentence for a tooltip: the rule, the figure, and whether it is a reference
 * figure or a team default.
 */
meaning: string, 
/**
 * The level whose target set the due time.
 */
level: string, 
/**
 * That target.
 */
target: Target, 
/**
 * When it is due.
 */
due: string, 
/**
 * Where it stands.
 */
state: DeadlineState, 
/**
 * Breaches left on record by severity changes and, for status updates, missed intervals.
 */
earlier_breaches: Array<EarlierBreach>, 
/**
 * True when the figure comes from the reference document, false for a team default.
 */
from_reference: boolean, };
export type TimersView = { incident: string, human_id: string, severity: string, at: string, deadlines: Array<Deadline>, };
export type DeclareInput = { title: string, severity: string, summary: string, services: Array<string>, drill: boolean, 
/**
 * RFC 3339; when the incident was detected. Empty or absent means now.
 */
at: string | null, 
/**
 * The severity helper's suggestion, when it was used (logged beside the choice).
 */
suggested: SeverityAdvice | null, };
export type StatusInput = { incident: string, status: Status, at: string | null, };
export type SeverityInput = { incident: string, level: string, at: string | null, };
export type EntryInput = { incident: string, kind: EntryKind, text: string, at: string | null, };
export type IncidentSummary = { id: string, human_id: string, title: string, severity: string, status: Status, drill: boolean, detected_at: string, 
/**
 * The most urgent running clock (breached first, then the soonest due).
 */
next_deadline: Deadline | null, };
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
next_statuses: Array<Status>, timeline: Array<EntryView>, 
/**
 * Every clock of the incident at the time of the call.
 */
deadlines: Array<Deadline>, 
/**
 * When the deadlines were computed.
 */
computed_at: string, };

/** Every IPC command, typed. Errors reject with an `ApiError`. */
export const commands = {
  whoami: () => invoke<Identity>("whoami"),
  setWhoami: (input: string) => invoke<Identity>("set_whoami", { input }),
  getPolicy: () => invoke<PolicyView>("get_policy"),
  suggestSeverity: (input: Answer[]) => invoke<Suggestion | null>("suggest_severity", { input }),
  listIncidents: () => invoke<IncidentSummary[]>("list_incidents"),
  showIncident: (input: string) => invoke<IncidentDetail>("show_incident", { input }),
  declareIncident: (input: DeclareInput) => invoke<IncidentDetail>("declare_incident", { input }),
  setStatus: (input: StatusInput) => invoke<IncidentDetail>("set_status", { input }),
  setSeverity: (input: SeverityInput) => invoke<IncidentDetail>("set_severity", { input }),
  addEntry: (input: EntryInput) => invoke<IncidentDetail>("add_entry", { input }),
};
