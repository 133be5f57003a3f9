//! Generates `ui/src/ipc/bindings.ts`: the TypeScript types of every IPC input, result
//! and error, and one typed wrapper per command. The list of commands lives here, once;
//! `src-tauri/src/commands.rs` must define each (a test checks), and the committed file
//! must equal what this generates (a test checks; `UPDATE_BINDINGS=1 cargo test -p
//! firebreak-api` rewrites it).
use crate::dto::*;
use crate::error::{ApiError, ErrorCode};
use firebreak_core::incident::{Milestones, Status};
use firebreak_core::op::SeverityAdvice;
use firebreak_core::timeline::{Change, EntryKind};
use firebreak_policy::{
    Answer, Deadline, DeadlineKind, DeadlineState, EarlierBreach, Question, Reply, Requirements, SeverityLevel,
    Suggestion, Target,
};
use ts_rs::TS;

/// One IPC command: its Rust/IPC name, its single `input` argument (TS type) if any,
/// and its result type.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    pub input: Option<&'static str>,
    pub output: &'static str,
}

const fn cmd(name: &'static str, input: Option<&'static str>, output: &'static str) -> Command {
    Command { name, input, output }
}

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    cmd("whoami", None, "Identity"),
    cmd("set_whoami", Some("string"), "Identity"),
    cmd("get_policy", None, "PolicyView"),
    cmd("suggest_severity", Some("Answer[]"), "Suggestion | null"),
    cmd("list_incidents", None, "IncidentSummary[]"),
    cmd("show_incident", Some("string"), "IncidentDetail"),
    cmd("timeline_page", Some("TimelineQuery"), "TimelinePage"),
    cmd("declare_incident", Some("DeclareInput"), "IncidentDetail"),
    cmd("set_status", Some("StatusInput"), "IncidentDetail"),
    cmd("set_severity", Some("SeverityInput"), "IncidentDetail"),
    cmd("add_entry", Some("EntryInput"), "EntryAdded"),
    cmd("edit_incident", Some("EditInput"), "IncidentDetail"),
    cmd("assign_role", Some("RoleInput"), "IncidentDetail"),
    cmd("add_decision", Some("DecisionInput"), "IncidentDetail"),
    cmd("pin_entry", Some("PinInput"), "IncidentDetail"),
    cmd("revise_entry", Some("ReviseInput"), "IncidentDetail"),
    cmd("add_task", Some("TaskInput"), "IncidentDetail"),
    cmd("complete_task", Some("TaskDoneInput"), "IncidentDetail"),
    cmd("checklists", Some("string"), "ChecklistView[]"),
    cmd("check_item", Some("CheckInput"), "IncidentDetail"),
    cmd("runbook", Some("string"), "RunbookView[]"),
    cmd("take_runbook_action", Some("RunbookInput"), "IncidentDetail"),
    cmd("comms_draft", Some("CommsDraftInput"), "string"),
    cmd("comms_sent", Some("CommsInput"), "IncidentDetail"),
    cmd("handoff_draft", Some("string"), "string"),
    cmd("handoff", Some("HandoffInput"), "IncidentDetail"),
    cmd("copy_text", Some("string"), "null"),
    cmd("get_pir", Some("string"), "PirView"),
    cmd("pir_edit", Some("PirTextInput"), "PirView"),
    cmd("pir_set_item", Some("ActionItemInput"), "PirView"),
    cmd("pir_status", Some("PirStateInput"), "PirView"),
    cmd("action_add", Some("ActionInput"), "ActionRow"),
    cmd("action_edit", Some("ActionInput"), "ActionRow"),
    cmd("action_remove", Some("ActionInput"), "ActionRow"),
    cmd("list_actions", Some("ActionFilter"), "ActionRow[]"),
    cmd("export_pir", Some("PirExportInput"), "string | null"),
    cmd("export_metrics_csv", Some("MetricsInput"), "string | null"),
    cmd("export_drill_report", Some("string"), "string | null"),
    cmd("import_pir", None, "string | null"),
    cmd("review_agenda", None, "AgendaItem[]"),
    cmd("close_incident_forced", Some("string"), "IncidentDetail"),
    cmd("settings", None, "SettingsView"),
    cmd("policy_details", None, "Policy"),
    cmd("use_policy", Some("string"), "PolicyView"),
    cmd("set_lead_minutes", Some("number"), "PolicyView"),
    cmd("set_webhook", Some("string"), "SettingsView"),
    cmd("set_github_token", Some("string"), "SettingsView"),
    cmd("pir_github", Some("GithubInput"), "number"),
    cmd("get_metrics", Some("MetricsInput"), "MetricsReport"),
    cmd("list_drills", None, "DrillsView"),
    cmd("start_drill", Some("DrillStartInput"), "IncidentDetail"),
    cmd("drill_evaluation", Some("string"), "Evaluation"),
    cmd("drill_control", Some("DrillControlInput"), "DrillControlView"),
    cmd("sync_status", None, "SyncView"),
    cmd("set_remote", Some("RemoteInput"), "SyncView"),
    cmd("outbound_status", None, "OutboundView"),
    cmd("retry_outbound", Some("number"), "OutboundView"),
    cmd("app_version", None, "string"),
    cmd("backup_database", None, "string"),
    cmd("restore_backup", None, "RestoreReport | null"),
    cmd("export_quarantine", None, "string | null"),
    cmd("pir_schedule", Some("PirScheduleInput"), "PirView"),
    cmd("pir_meeting_proposal", Some("string"), "MeetingProposal"),
];

fn decls() -> Vec<String> {
    let mut out = vec![
        firebreak_core::ids::OpId::decl(),
        Status::decl(),
        EntryKind::decl(),
        Change::decl(),
        Milestones::decl(),
        ErrorCode::decl(),
        ApiError::decl(),
        Identity::decl(),
        SeverityAdvice::decl(),
        Target::decl(),
        Requirements::decl(),
        SeverityLevel::decl(),
        Question::decl(),
        Reply::decl(),
        Answer::decl(),
        Suggestion::decl(),
        PolicyView::decl(),
        DeadlineKind::decl(),
        DeadlineState::decl(),
        EarlierBreach::decl(),
        Deadline::decl(),
        TimersView::decl(),
        DeclareInput::decl(),
        StatusInput::decl(),
        SeverityInput::decl(),
        EntryInput::decl(),
        crate::edit::EditInput::decl(),
        crate::comms::Template::decl(),
        RoleInput::decl(),
        DecisionInput::decl(),
        PinInput::decl(),
        ReviseInput::decl(),
        TaskInput::decl(),
        TaskDoneInput::decl(),
        ChecklistItemView::decl(),
        ChecklistView::decl(),
        CheckInput::decl(),
        RunbookParamView::decl(),
        RunbookView::decl(),
        RunbookInput::decl(),
        CommsInput::decl(),
        CommsDraftInput::decl(),
        HandoffInput::decl(),
        RoleView::decl(),
        TaskView::decl(),
        HandoffView::decl(),
        firebreak_core::review::ReviewState::decl(),
        firebreak_core::review::ActionItem::decl(),
        crate::pir::SectionView::decl(),
        crate::pir::ActionItemView::decl(),
        crate::pir::KeyEvent::decl(),
        crate::pir::Figures::decl(),
        crate::pir::PirTextInput::decl(),
        crate::pir::ActionItemInput::decl(),
        crate::pir::PirStateInput::decl(),
        crate::actions::ActionChange::decl(),
        crate::actions::ActionInput::decl(),
        crate::actions::ActionFilter::decl(),
        crate::actions::ActionRow::decl(),
        MetricsInput::decl(),
        ExportFormat::decl(),
        PirExportInput::decl(),
        DrillStartInput::decl(),
        DrillAction::decl(),
        DrillControlInput::decl(),
        DrillControlView::decl(),
        RemoteInput::decl(),
        SyncView::decl(),
        ChangeEvent::decl(),
        ClockDriftView::decl(),
        crate::outbound::FailedMessage::decl(),
        crate::outbound::OutboundView::decl(),
        crate::drill::ScenarioInfo::decl(),
        crate::drill::DrillsView::decl(),
        firebreak_drill::CriterionResult::decl(),
        firebreak_drill::TimelineLine::decl(),
        firebreak_drill::Evaluation::decl(),
        firebreak_metrics::Figures::decl(),
        firebreak_metrics::WeekFigures::decl(),
        firebreak_metrics::TargetFigures::decl(),
        firebreak_metrics::Period::decl(),
        firebreak_metrics::Definitions::decl(),
        firebreak_metrics::MetricsReport::decl(),
        IncidentSummary::decl(),
        EntryView::decl(),
        EntryAdded::decl(),
        crate::timeline_page::TimelineQuery::decl(),
        crate::timeline_page::TimelinePage::decl(),
        crate::requirements::MissingRequirements::decl(),
        IncidentDetail::decl(),
        crate::pir::PirView::decl(),
        crate::meeting::PirScheduleInput::decl(),
        crate::meeting::MeetingProposal::decl(),
        crate::meeting::AgendaItem::decl(),
    ];
    out.extend(settings_decls());
    out
}

/// The types of the window's Policy and Settings views.
fn settings_decls() -> Vec<String> {
    vec![
        crate::files::PresetView::decl(),
        crate::files::SettingsView::decl(),
        crate::backup::RestoreReport::decl(),
        crate::files::GithubInput::decl(),
        firebreak_policy::Weekday::decl(),
        firebreak_policy::ClockTime::decl(),
        firebreak_policy::BusinessCalendar::decl(),
        firebreak_policy::MetricTargets::decl(),
        firebreak_policy::Tier::decl(),
        firebreak_policy::Service::decl(),
        firebreak_policy::RunbookParam::decl(),
        firebreak_policy::RunbookAction::decl(),
        firebreak_policy::Policy::decl(),
    ]
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole generated TypeScript file.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from the Rust types by crates/api/src/bindings.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p firebreak-api --test bindings\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for d in decls() {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push('\n');
    }
    out.push_str("\n/** Every IPC command, typed. Errors reject with an `ApiError`. */\nexport const commands = {\n");
    for c in COMMANDS {
        let (param, args) = match c.input {
            Some(t) => (format!("input: {t}"), ", { input }"),
            None => (String::new(), ""),
        };
        out.push_str(&format!("  {}: ({param}) => invoke<{}>(\"{}\"{args}),\n", camel(c.name), c.output, c.name));
    }
    out.push_str("};\n");
    out
}
