// Generated from the Rust types by crates/api/src/bindings.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p firebreak-api --test bindings
import { invoke } from "@tauri-apps/api/core";

export type OpId = string;
export type Status = "detected" | "acknowledged" | "investigating" | "mitigated" | "resolved" | "closed";
export type EntryKind = "note" | "decision" | "action" | "alert" | "customer-report" | "status-change" | "severity-change" | "role-change" | "comms-update" | "customer-update";
export type Change = { "type": "declared", severity: string, suggested: string | null, } | { "type": "status", from: Status, to: Status, } | { "type": "severity", from: string, to: string, } | { "type": "role", role: string, from: string, to: string, } | { "type": "handoff", from: string, to: string, } | { "type": "task", task: OpId, done: boolean, } | { "type": "checklist", list: string, item: string, checked: boolean, } | { "type": "decision", decided_by: string, objections: string, } | { "type": "edited", fields: Array<string>, };
export type Milestones = { acknowledged_at: string | null, investigating_at: string | null, mitigated_at: string | null, resolved_at: string | null, closed_at: string | null, };
export type ErrorCode = "invalid_input" | "invalid_transition" | "not_found" | "ambiguous" | "storage" | "unavailable" | "unauthorized" | "conflict" | "internal";
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
checklist: Array<string>, 
/**
 * Roles someone must hold (e.g. "communications"), besides the incident commander
 * that `incident_commander_required` asks for.
 */
required_roles: Array<string>, 
/**
 * Minutes after declaration after which a required role still empty raises a
 * notification; none: shown on the incident, never notified.
 */
role_alert_minutes: number | null, };
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
 * How severe the level is across policies: 1 is the most severe. Levels of two
 * policies with the same rank mean the same (SEV1 and P1 are both rank 1), which is how
 * a level named by another built-in preset is read under this one. Default: the
 * level's position in the list (1 for the first).
 */
rank: number | null, 
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
 * Time between customer notices and status-page posts, when the team sets one
 * (neither reference document gives a figure).
 */
customer_update_cadence: Target | null, 
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
export type DeadlineKind = { "type": "acknowledge" } | { "type": "respond" } | { "type": "next_update" } | { "type": "next_customer_update" } | { "type": "resolve" } | { "type": "rto", 
/**
 * The service name.
 */
service: string, 
/**
 * The tier id.
 */
tier: string, } | { "type": "pir_due" } | { "type": "check_back", 
/**
 * The task's id.
 */
task: string, 
/**
 * Who was asked.
 */
owner: string, };
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
export type EditInput = { incident: string, title: string | null, summary: string | null, 
/**
 * The whole new list of affected services (an empty list clears it).
 */
services: Array<string> | null, 
/**
 * When the impact began (used for MTTD and as the start of MTTR).
 */
impact_started_at: string | null, 
/**
 * A correction of when the incident was detected.
 */
detected_at: string | null, };
export type Template = "initial" | "update" | "resolution" | "customer_initial" | "customer_update" | "customer_resolution";
export type RoleInput = { incident: string, role: string, 
/**
 * Empty: nobody holds the role any more.
 */
person: string, at: string | null, };
export type DecisionInput = { incident: string, text: string, 
/**
 * Empty: the person recording it.
 */
decided_by: string, objections: string, at: string | null, };
export type PinInput = { incident: string, 
/**
 * The entry id (or at least its first 6 characters).
 */
entry: string, pinned: boolean, };
export type ReviseInput = { incident: string, entry: string, text: string, };
export type TaskInput = { incident: string, owner: string, text: string, check_back_minutes: number, };
export type TaskDoneInput = { incident: string, task: string, };
export type ChecklistItemView = { item: string, checked_by: string | null, checked_at: string | null, };
export type ChecklistView = { name: string, items: Array<ChecklistItemView>, };
export type CheckInput = { incident: string, list: string, item: string, checked: boolean, };
export type RunbookParamView = { name: string, default: string, description: string, };
export type RunbookView = { id: string, name: string, template: string, params: Array<RunbookParamView>, 
/**
 * The command with the defaults filled in.
 */
command: string, };
export type RunbookInput = { incident: string, action: string, params: { [key in string]?: string }, at: string | null, };
export type CommsInput = { incident: string, text: string, at: string | null, 
/**
 * Also post it to the team's webhook (queued; sent when online, once).
 */
post: boolean, 
/**
 * The template it was written from: a customer one records a customer update (its
 * own clock); none or an internal one, a status update (the internal cadence).
 */
template: Template | null, };
export type CommsDraftInput = { incident: string, template: Template, };
export type HandoffInput = { incident: string, 
/**
 * The next incident commander.
 */
to: string, note: string, };
export type RoleView = { role: string, person: string, };
export type TaskView = { id: string, owner: string, text: string, check_back_at: string, done_at: string | null, };
export type HandoffView = { from: string, to: string, note: string, at: string, };
export type ReviewState = "draft" | "in_review" | "reviewed" | "closed";
export type ActionItem = { 
/**
 * Shown id, e.g. "AI-001".
 */
id: string, action: string, owner: string, due: string | null, 
/**
 * high, medium, low (free text allowed).
 */
priority: string, 
/**
 * open, in-progress, done (free text allowed).
 */
status: string, 
/**
 * Tracker link, e.g. a GitHub issue URL.
 */
link: string, deleted: boolean, };
export type SectionView = { field: string, label: string, text: string, 
/**
 * Revisions this text is made of; an edit names them as its parents.
 */
heads: Array<string>, 
/**
 * Concurrent edits were kept side by side and await a merge.
 */
conflict: boolean, 
/**
 * One item per line (a list in the YAML template).
 */
list: boolean, };
export type ActionItemView = { 
/**
 * The stable key of the item (for edits).
 */
key: string, item: ActionItem, };
export type KeyEvent = { entry: string, time: string, kind: string, text: string, 
/**
 * Pinned entries are the review's timeline.
 */
selected: boolean, };
export type IncidentFigures = { time_to_detect: number | null, time_to_acknowledge: number | null, time_to_mitigate: number | null, time_to_resolve: number | null, 
/**
 * Impact start (or detection) to resolution.
 */
duration: number | null, };
export type PirTextInput = { incident: string, field: string, text: string, 
/**
 * The `heads` the editor started from (empty for a first edit).
 */
parents: Array<string>, };
export type ActionItemInput = { incident: string, 
/**
 * Empty for a new item.
 */
key: string, item: ActionItem, };
export type PirStateInput = { incident: string, state: ReviewState, };
export type ActionChange = { action: string | null, owner: string | null, 
/**
 * YYYY-MM-DD; empty clears the due date.
 */
due: string | null, priority: string | null, status: string | null, };
export type ActionInput = { incident: string, 
/**
 * The item's shown id (`AI-002`) or key; empty when adding.
 */
item: string, change: ActionChange, };
export type ActionFilter = { open: boolean, overdue: boolean, owner: string | null, };
export type ActionRow = { incident: string, human_id: string, key: string, item: ActionItem, overdue: boolean, };
export type MetricsInput = { from: string | null, to: string | null, severity: string | null, };
export type ExportFormat = "pdf" | "md" | "yaml" | "ics";
export type PirExportInput = { incident: string, format: ExportFormat, };
export type DrillStartInput = { scenario: string, speed: number, };
export type DrillAction = "pause" | "resume" | "rotate";
export type DrillControlInput = { incident: string, action: DrillAction, };
export type DrillControlView = { 
/**
 * False when the drill does not run in this window (e.g. started from the CLI).
 */
running_here: boolean, paused: boolean, speed: number, };
export type RemoteInput = { url: string, team: string, token: string, 
/**
 * A PEM file with the team's own CA, when the server's certificate is not signed by
 * a public one; empty keeps what was set for this server.
 */
ca_file: string, 
/**
 * Allow plain http:// to a host off this machine (unencrypted; shown as a warning).
 */
allow_http: boolean, };
export type SyncView = { url: string | null, team: string | null, 
/**
 * Who the token belongs to, as the server said (the name on this laptop's changes).
 */
member: string | null, 
/**
 * "keyring" or "file": where the token is kept.
 */
token_kept_in: string | null, pending: number, 
/**
 * Local changes the server refused (authored under another name); kept here.
 */
rejected: number, rejected_reason: string | null, 
/**
 * A teammate's changes arrived stamped well ahead of this laptop's clock (in the
 * last day): one of the two clocks is off. Sync still converges.
 */
clock_drift: ClockDriftView | null, last_synced_at: string | null, 
/**
 * None before the first attempt.
 */
online: boolean | null, syncing: boolean, last_error: string | null, 
/**
 * Ops pulled from the server since the window started (the window refreshes when
 * this grows).
 */
pulled: number, 
/**
 * Set while the remote is plain HTTP to a host off this machine (allowed with
 * `--allow-http`): the token and the record cross the network unencrypted.
 */
insecure_warning?: string, 
/**
 * Teammates' changes from a newer Firebreak, kept to apply after an upgrade.
 */
newer: number, 
/**
 * Teammates' changes this laptop refused (invalid), kept in quarantine.
 */
quarantined: number, quarantine_reason: string | null, };
export type ChangeEvent = { 
/**
 * Internal ids of incidents whose ops arrived (from this window, another process
 * on the same data directory, a pulled sync page or a drill tick).
 */
incidents: Array<string>, 
/**
 * The sync status (badge) or the outbound queue changed.
 */
sync: boolean, 
/**
 * A clock stage passed (a notification was shown): countdowns are re-read.
 */
clocks: boolean, };
export type ClockDriftView = { author: string, ahead_minutes: number, seen_at: string, };
export type FailedMessage = { id: number, 
/**
 * "webhook" or "github".
 */
kind: string, 
/**
 * What it is, e.g. "status update “API degraded…”" or "GitHub issue “AI-001 …”".
 */
about: string, 
/**
 * The last answer: HTTP status and a short excerpt (never a secret).
 */
reason: string, attempts: number, };
export type OutboundView = { 
/**
 * Messages not yet accepted (retried with backoff).
 */
waiting: number, failed: Array<FailedMessage>, };
export type ScenarioInfo = { 
/**
 * Built-in name, or the file stem of a scenario in the data directory's `scenarios/`.
 */
name: string, title: string, severity: string, duration_seconds: number, injects: number, criteria: number, };
export type DrillsView = { scenarios: Array<ScenarioInfo>, last_drill_at: string | null, next_drill_due: string, overdue: boolean, };
export type CriterionResult = { id: string, 
/**
 * The criterion as a sentence, e.g. "Acknowledged within 5 minutes".
 */
description: string, met: boolean, 
/**
 * When the criterion's event happened (drill clock), met or not.
 */
at: string | null, 
/**
 * Seconds from the drill's start to `at`.
 */
elapsed_seconds: number | null, 
/**
 * E.g. "acknowledged at T+3m12s".
 */
detail: string, };
export type TimelineLine = { offset_seconds: number, 
/**
 * `T+3m12s`.
 */
offset: string, kind: string, author: string, text: string, };
export type Evaluation = { 
/**
 * The scenario's title.
 */
scenario: string, 
/**
 * The level the drill started at.
 */
severity: string, 
/**
 * The level the team was expected to reach.
 */
expected_severity: string, started_at: string, 
/**
 * How long the drill ran, in seconds.
 */
ran_for: number, criteria: Array<CriterionResult>, met_count: number, total: number, 
/**
 * The drill incident's timeline in time order, with offsets from the start.
 */
timeline: Array<TimelineLine>, facilitator_notes: Array<string>, 
/**
 * One action per missed criterion, then the facilitator's.
 */
improvement_areas: Array<string>, };
export type Figures = { 
/**
 * Incidents in scope (drills excluded).
 */
incidents: number, mtta_seconds: number | null, 
/**
 * How many incidents the MTTA mean is taken over.
 */
mtta_count: number, mttd_seconds: number | null, mttd_count: number, mttr_seconds: number | null, mttr_count: number, pir_required: number, pir_completed: number, pir_completed_on_time: number, 
/**
 * Percent; `None` when no review was required.
 */
pir_completion_rate: number | null, 
/**
 * Percent; `None` when no review was required.
 */
pir_on_time_rate: number | null, 
/**
 * Mean below target; `None` when there is no mean.
 */
mtta_met: boolean | null, mttd_met: boolean | null, mttr_met: boolean | null, 
/**
 * Completion rate at or above target; `None` when no review was required.
 */
pir_met: boolean | null, 
/**
 * Durations left out because they were negative (bad data), across the three means.
 */
skipped_inconsistent: number, };
export type WeekFigures = { week_start: string, figures: Figures, };
export type TargetFigures = { mtta_seconds: number, mttd_seconds: number, mttr_seconds: number, pir_completion_rate: number, };
export type Period = { from: string | null, to: string | null, };
export type Definitions = { period: string, mtta: string, mttd: string, mttr: string, pir_completion_rate: string, pir_on_time_rate: string, targets: string, weeks: string, skipped_inconsistent: string, };
export type MetricsReport = { period: Period, 
/**
 * The severity filter, when one was given.
 */
severity: string | null, definitions: Definitions, overall: Figures, 
/**
 * Every policy level in policy order (most severe first), then any other level
 * found in the data, alphabetically. With a severity filter, only that level.
 */
per_severity: Array<[string, Figures]>, 
/**
 * Consecutive weeks, oldest first, empty weeks included (see [`crate::compute`]).
 */
weekly: Array<WeekFigures>, targets: TargetFigures, 
/**
 * Drill incidents in the period (and severity filter) that were left out.
 */
excluded_drills: number, };
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
revisions: number, 
/**
 * The earlier texts, oldest first (the original, then each replaced revision).
 */
history: Array<string>, 
/**
 * A key event (pinned).
 */
pinned: boolean, };
export type EntryAdded = { 
/**
 * The incident's internal id.
 */
incident: string, human_id: string, entry: EntryView, };
export type TimelineQuery = { incident: string, offset: number, limit: number, kind: string, text: string, };
export type TimelinePage = { 
/**
 * The incident's internal id.
 */
incident: string, offset: number, 
/**
 * Newest first: the filtered timeline's entries `offset ..`.
 */
entries: Array<EntryView>, 
/**
 * How many entries the filtered timeline has.
 */
total: number, };
export type MissingRequirements = { 
/**
 * The policy's level the incident is read as ("" when the policy has none).
 */
level: string, 
/**
 * Required roles nobody holds, e.g. "incident-commander".
 */
roles: Array<string>, 
/**
 * When an empty required role raises a notification (declaration + the policy's
 * minutes); none when the policy sets no minutes or nothing is missing.
 */
roles_alert_at: string | null, 
/**
 * The level's checklist items nobody has checked.
 */
checklist: Array<string>, 
/**
 * The name of that checklist (as `check_item` takes it).
 */
checklist_name: string, 
/**
 * True when the level requires a review and it is not closed (closing is refused
 * without `--force`).
 */
review_open: boolean, };
export type IncidentDetail = { id: string, human_id: string, title: string, summary: string, severity: string, status: Status, drill: boolean, services: Array<string>, detected_at: string, declared_by: string, milestones: Milestones, 
/**
 * Statuses the lifecycle allows next, in order.
 */
next_statuses: Array<Status>, 
/**
 * The timeline, oldest first: whole, or, where a window reads it a page at a time
 * ([`crate::Firebreak::page_timelines`]), its newest entries only.
 */
timeline: Array<EntryView>, 
/**
 * How many entries the whole timeline has.
 */
timeline_total: number, 
/**
 * How many status updates have been sent.
 */
updates_sent: number, 
/**
 * Who holds which role now.
 */
roles: Array<RoleView>, tasks: Array<TaskView>, 
/**
 * The most recent shift handoff, shown to the next commander.
 */
last_handoff: HandoffView | null, 
/**
 * When the impact began, if known (for MTTD).
 */
impact_started_at: string | null, 
/**
 * Every clock of the incident at the time of the call.
 */
deadlines: Array<Deadline>, 
/**
 * When the deadlines were computed.
 */
computed_at: string, 
/**
 * What the policy's level requires that the incident does not have yet.
 */
missing: MissingRequirements, };
export type PirView = { incident: IncidentDetail, state: ReviewState, required: boolean, due: string | null, sections: Array<SectionView>, action_items: Array<ActionItemView>, key_events: Array<KeyEvent>, figures: IncidentFigures, meeting_at: string | null, 
/**
 * Who is invited to the meeting.
 */
meeting_attendees: Array<string>, };
export type PirScheduleInput = { incident: string, 
/**
 * The meeting start, RFC 3339.
 */
at: string, attendees: Array<string>, };
export type MeetingProposal = { 
/**
 * The first free slot in business hours (none within the search horizon).
 */
proposed: string | null, 
/**
 * The end of the reference's 48 hours (resolution, or now if unresolved, + 48 h).
 */
within: string, 
/**
 * Minutes the agenda takes (its timeboxes summed).
 */
length_minutes: number, 
/**
 * Set when the proposal (or nothing) lies after `within`.
 */
warning: string | null, };
export type AgendaItem = { topic: string, minutes: number, };
export type PresetView = { name: string, title: string, };
export type SettingsView = { 
/**
 * Where the webhook address is kept ("keyring" / "file"), or null when none is set.
 */
webhook_kept_in: string | null, github_token_kept_in: string | null, 
/**
 * The built-in policies one can switch to.
 */
presets: Array<PresetView>, 
/**
 * The folder exports are offered in first (the last one used), if any.
 */
export_folder: string | null, };
export type RestoreReport = { 
/**
 * The replica tag this laptop carries now.
 */
replica_tag: string, 
/**
 * True when this data directory took over the backup's replica (a laptop replacing
 * another, or an empty data directory).
 */
adopted: boolean, ops: number, note: string, };
export type GithubInput = { incident: string, 
/**
 * owner/name
 */
repo: string, };
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type ClockTime = string;
export type BusinessCalendar = { 
/**
 * IANA time zone name, e.g. `Europe/Berlin`; working hours and holidays are local to it.
 */
time_zone: string, 
/**
 * The working weekdays.
 */
working_days: Array<Weekday>, 
/**
 * Start of the working day, local time (`09:00`).
 */
work_start: ClockTime, 
/**
 * End of the working day, local time (`17:00`).
 */
work_end: ClockTime, 
/**
 * Local dates that are not working days (`2025-12-25`; TOML dates are accepted too).
 */
holidays: Array<string>, };
export type MetricTargets = { 
/**
 * Mean time to acknowledge.
 */
mtta: Target, 
/**
 * Mean time to detect.
 */
mttd: Target, 
/**
 * Mean time to resolve.
 */
mttr: Target, 
/**
 * Share of incidents needing a PIR that got one, in percent (0–100).
 */
pir_completion_rate: number, 
/**
 * Names of the figures above that are team defaults (see [`METRIC_FIGURES`]).
 */
team_defaults: Array<string>, };
export type Tier = { 
/**
 * Short id used by services, e.g. "core-api".
 */
id: string, 
/**
 * Display name, e.g. "Core API Services".
 */
name: string, 
/**
 * RTO per level id; a level without an entry has no RTO for this tier.
 */
rto: { [key in string]?: Target }, 
/**
 * Level ids whose RTO here is a team default rather than a reference figure.
 */
team_defaults: Array<string>, };
export type Service = { 
/**
 * Name as used on incidents, e.g. "api".
 */
name: string, 
/**
 * The tier id.
 */
tier: string, };
export type RunbookParam = { name: string, default: string, description: string, };
export type RunbookAction = { 
/**
 * Short id, e.g. "rollback".
 */
id: string, 
/**
 * Display name, e.g. "Rollback".
 */
name: string, 
/**
 * Services it applies to; empty means every service.
 */
services: Array<string>, 
/**
 * The command, with `{param}` placeholders.
 */
command: string, params: Array<RunbookParam>, };
export type Policy = { 
/**
 * Display name, e.g. "Incident Management Protocol".
 */
name: string, 
/**
 * What this policy is and where its figures come from.
 */
description: string, 
/**
 * The document the reference figures were transcribed from, if any.
 */
source: string | null, 
/**
 * When business-day targets run.
 */
calendar: BusinessCalendar, 
/**
 * Targets for the incident metrics (MTTA, MTTD, MTTR, PIR completion).
 */
targets: MetricTargets, 
/**
 * Severity levels, most severe first.
 */
levels: Array<SeverityLevel>, 
/**
 * Service tiers and their RTO per level (the RTO table).
 */
tiers: Array<Tier>, 
/**
 * Known services and their tier. A service not listed has no RTO.
 */
services: Array<Service>, 
/**
 * Mitigation runbook: actions with command templates. Firebreak shows and copies
 * the filled command and logs it when taken; it never runs it.
 */
runbook: Array<RunbookAction>, };

/** Every IPC command, typed. Errors reject with an `ApiError`. */
export const commands = {
  whoami: () => invoke<Identity>("whoami"),
  setWhoami: (input: string) => invoke<Identity>("set_whoami", { input }),
  getPolicy: () => invoke<PolicyView>("get_policy"),
  suggestSeverity: (input: Answer[]) => invoke<Suggestion | null>("suggest_severity", { input }),
  listIncidents: () => invoke<IncidentSummary[]>("list_incidents"),
  showIncident: (input: string) => invoke<IncidentDetail>("show_incident", { input }),
  timelinePage: (input: TimelineQuery) => invoke<TimelinePage>("timeline_page", { input }),
  declareIncident: (input: DeclareInput) => invoke<IncidentDetail>("declare_incident", { input }),
  setStatus: (input: StatusInput) => invoke<IncidentDetail>("set_status", { input }),
  setSeverity: (input: SeverityInput) => invoke<IncidentDetail>("set_severity", { input }),
  addEntry: (input: EntryInput) => invoke<EntryAdded>("add_entry", { input }),
  editIncident: (input: EditInput) => invoke<IncidentDetail>("edit_incident", { input }),
  assignRole: (input: RoleInput) => invoke<IncidentDetail>("assign_role", { input }),
  addDecision: (input: DecisionInput) => invoke<IncidentDetail>("add_decision", { input }),
  pinEntry: (input: PinInput) => invoke<IncidentDetail>("pin_entry", { input }),
  reviseEntry: (input: ReviseInput) => invoke<IncidentDetail>("revise_entry", { input }),
  addTask: (input: TaskInput) => invoke<IncidentDetail>("add_task", { input }),
  completeTask: (input: TaskDoneInput) => invoke<IncidentDetail>("complete_task", { input }),
  checklists: (input: string) => invoke<ChecklistView[]>("checklists", { input }),
  checkItem: (input: CheckInput) => invoke<IncidentDetail>("check_item", { input }),
  runbook: (input: string) => invoke<RunbookView[]>("runbook", { input }),
  takeRunbookAction: (input: RunbookInput) => invoke<IncidentDetail>("take_runbook_action", { input }),
  commsDraft: (input: CommsDraftInput) => invoke<string>("comms_draft", { input }),
  commsSent: (input: CommsInput) => invoke<IncidentDetail>("comms_sent", { input }),
  handoffDraft: (input: string) => invoke<string>("handoff_draft", { input }),
  handoff: (input: HandoffInput) => invoke<IncidentDetail>("handoff", { input }),
  copyText: (input: string) => invoke<null>("copy_text", { input }),
  getPir: (input: string) => invoke<PirView>("get_pir", { input }),
  pirEdit: (input: PirTextInput) => invoke<PirView>("pir_edit", { input }),
  pirSetItem: (input: ActionItemInput) => invoke<PirView>("pir_set_item", { input }),
  pirStatus: (input: PirStateInput) => invoke<PirView>("pir_status", { input }),
  actionAdd: (input: ActionInput) => invoke<ActionRow>("action_add", { input }),
  actionEdit: (input: ActionInput) => invoke<ActionRow>("action_edit", { input }),
  actionRemove: (input: ActionInput) => invoke<ActionRow>("action_remove", { input }),
  listActions: (input: ActionFilter) => invoke<ActionRow[]>("list_actions", { input }),
  exportPir: (input: PirExportInput) => invoke<string | null>("export_pir", { input }),
  exportMetricsCsv: (input: MetricsInput) => invoke<string | null>("export_metrics_csv", { input }),
  exportDrillReport: (input: string) => invoke<string | null>("export_drill_report", { input }),
  importPir: () => invoke<string | null>("import_pir"),
  reviewAgenda: () => invoke<AgendaItem[]>("review_agenda"),
  closeIncidentForced: (input: string) => invoke<IncidentDetail>("close_incident_forced", { input }),
  settings: () => invoke<SettingsView>("settings"),
  policyDetails: () => invoke<Policy>("policy_details"),
  usePolicy: (input: string) => invoke<PolicyView>("use_policy", { input }),
  setLeadMinutes: (input: number) => invoke<PolicyView>("set_lead_minutes", { input }),
  setWebhook: (input: string) => invoke<SettingsView>("set_webhook", { input }),
  setGithubToken: (input: string) => invoke<SettingsView>("set_github_token", { input }),
  pirGithub: (input: GithubInput) => invoke<number>("pir_github", { input }),
  getMetrics: (input: MetricsInput) => invoke<MetricsReport>("get_metrics", { input }),
  listDrills: () => invoke<DrillsView>("list_drills"),
  startDrill: (input: DrillStartInput) => invoke<IncidentDetail>("start_drill", { input }),
  drillEvaluation: (input: string) => invoke<Evaluation>("drill_evaluation", { input }),
  drillControl: (input: DrillControlInput) => invoke<DrillControlView>("drill_control", { input }),
  syncStatus: () => invoke<SyncView>("sync_status"),
  setRemote: (input: RemoteInput) => invoke<SyncView>("set_remote", { input }),
  outboundStatus: () => invoke<OutboundView>("outbound_status"),
  retryOutbound: (input: number) => invoke<OutboundView>("retry_outbound", { input }),
  appVersion: () => invoke<string>("app_version"),
  backupDatabase: () => invoke<string>("backup_database"),
  restoreBackup: () => invoke<RestoreReport | null>("restore_backup"),
  exportQuarantine: () => invoke<string | null>("export_quarantine"),
  pirSchedule: (input: PirScheduleInput) => invoke<PirView>("pir_schedule", { input }),
  pirMeetingProposal: (input: string) => invoke<MeetingProposal>("pir_meeting_proposal", { input }),
};
