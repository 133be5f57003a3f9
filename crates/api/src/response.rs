//! Running the response: roles and command transfer, decisions, key events and
//! corrections, check-back tasks, checklists, the mitigation runbook, status updates
//! from templates, and shift handoffs. Each act is one op; validation comes first.
use crate::comms::{self, Template};
use crate::dto::*;
use crate::{ApiError, Firebreak, Result};
use chrono::Duration;
use firebreak_core::incident::Incident;
use firebreak_core::instant;
use firebreak_core::op::{DecisionInfo, OpPayload};
use firebreak_core::response::{INCIDENT_COMMANDER, STANDARD_ROLES};
use firebreak_core::timeline::{EntryKind, TimelineEntry};
use std::collections::BTreeMap;

/// The response process of the reference documents, as a checklist.
pub const RESPONSE_PROCESS: &[&str] = &[
    "Detection: incident logged and initial severity assessed",
    "Triage: incident validated and severity confirmed",
    "Triage: incident commander assigned",
    "Triage: response team formed and incident channel created",
    "Investigation: recent changes and deployments reviewed",
    "Investigation: logs and monitoring analysed; scope and impact determined",
    "Mitigation: immediate mitigation applied",
    "Resolution: fix validated and system stability confirmed",
    "Communication: status page and stakeholders updated",
    "Post-incident: post-mortem scheduled within 48 hours",
];
pub const PROCESS_LIST: &str = "Response process";

fn role_name(role: &str) -> Result<String> {
    let r = role.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    let r = match r.as_str() {
        "ic" | "commander" => INCIDENT_COMMANDER.to_string(),
        "comms" => "communications".to_string(),
        "ops" => "operations".to_string(),
        "oncall" => "on-call".to_string(),
        _ => r,
    };
    if r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(ApiError::invalid(format!(
            "role {role:?} is not a role name; standard roles: {}",
            STANDARD_ROLES.join(", ")
        )));
    }
    Ok(r)
}

fn entry_of<'a>(inc: &'a Incident, key: &str) -> Result<&'a TimelineEntry> {
    let key = key.trim();
    let hits: Vec<&TimelineEntry> =
        inc.timeline.values().filter(|e| key.len() >= 6 && e.id.to_string().starts_with(&key.to_lowercase())).collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(ApiError::new(crate::ErrorCode::NotFound, format!("no timeline entry {key:?} in this incident"))),
        _ => Err(ApiError::new(
            crate::ErrorCode::Ambiguous,
            format!("{key:?} names several entries; give more of the id"),
        )),
    }
}

impl Firebreak {
    fn commit_op(&mut self, inc: &Incident, payload: OpPayload) -> Result<IncidentDetail> {
        let author = self.author()?;
        self.store.commit(self.now(), &author, inc.id, payload)?;
        self.detail(inc.id)
    }

    /// Gives a role to a person; for the incident commander this is a transfer of
    /// command, logged as such. An empty person stands the holder down.
    pub fn assign_role(&mut self, input: RoleInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let role = role_name(&input.role)?;
        let to = input.person.trim().to_string();
        let from = inc.response.roles.get(&role).map(|r| r.value.clone()).unwrap_or_default();
        if from == to {
            return Err(ApiError::invalid(if to.is_empty() {
                format!("nobody holds {role}")
            } else {
                format!("{to} already holds {role}")
            }));
        }
        let at = self.event_time_for(inc.id, input.at.as_deref(), "the role change time")?;
        self.commit_op(&inc, OpPayload::AssignRole { role, from, to, at })
    }

    pub fn add_decision(&mut self, input: DecisionInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let text = input.text.trim().to_string();
        if text.is_empty() {
            return Err(ApiError::invalid("say what was decided"));
        }
        let decided_by = match input.decided_by.trim() {
            "" => self.author()?,
            by => by.to_string(),
        };
        let at = self.event_time_for(inc.id, input.at.as_deref(), "the decision time")?;
        let decision = Some(DecisionInfo { decided_by, objections: input.objections.trim().to_string() });
        self.commit_op(&inc, OpPayload::AddEntry { kind: EntryKind::Decision, at, text, decision })
    }

    pub fn pin_entry(&mut self, input: PinInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let entry = entry_of(&inc, &input.entry)?.id;
        self.commit_op(&inc, OpPayload::PinEntry { entry, pinned: input.pinned })
    }

    /// A correction: a new revision of the entry's text; the history stays visible.
    pub fn revise_entry(&mut self, input: ReviseInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let e = entry_of(&inc, &input.entry)?;
        let text = input.text.trim().to_string();
        if text.is_empty() {
            return Err(ApiError::invalid("a correction needs the corrected text"));
        }
        if inc.current_text(e) == text {
            return Err(ApiError::invalid("the correction is the same as the current text"));
        }
        let entry = e.id;
        self.commit_op(&inc, OpPayload::ReviseEntry { entry, text })
    }

    pub fn add_task(&mut self, input: TaskInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let (owner, text) = (input.owner.trim().to_string(), input.text.trim().to_string());
        if owner.is_empty() || text.is_empty() {
            return Err(ApiError::invalid("a task needs an owner and what to do"));
        }
        if !(1..=24 * 60).contains(&input.check_back_minutes) {
            return Err(ApiError::invalid(format!("check back in 1–1440 minutes, not {}", input.check_back_minutes)));
        }
        let at = self.now();
        let check_back_at = instant::saturating_add(at, Duration::minutes(input.check_back_minutes));
        self.commit_op(&inc, OpPayload::AddTask { owner, text, check_back_at, at })
    }

    pub fn complete_task(&mut self, input: TaskDoneInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let task = inc
            .response
            .tasks
            .values()
            .find(|t| input.task.len() >= 6 && t.id.to_string().starts_with(&input.task.to_lowercase()))
            .ok_or_else(|| {
                ApiError::new(crate::ErrorCode::NotFound, format!("no task {:?} in this incident", input.task))
            })?;
        if inc.response.task_completed_at(task.id).is_some() {
            return Err(ApiError::invalid(format!("the task {:?} is already done", task.text)));
        }
        let (id, text) = (task.id, task.text.clone());
        let at = self.now();
        self.commit_op(&inc, OpPayload::CompleteTask { task: id, text, at })
    }

    /// The incident's checklists: the severity's requirements from the policy, then
    /// the response process.
    pub fn checklists(&self, key: &str) -> Result<Vec<ChecklistView>> {
        let inc = self.find(key)?;
        let policy = self.policy()?;
        let mut lists = Vec::new();
        if let Some(level) = policy.level(&inc.severity.value) {
            lists.push((format!("{} requirements", level.id), level.requirements.checklist.clone()));
        }
        lists.push((PROCESS_LIST.to_string(), RESPONSE_PROCESS.iter().map(|s| s.to_string()).collect()));
        Ok(lists
            .into_iter()
            .map(|(name, items)| ChecklistView {
                items: items
                    .into_iter()
                    .map(|item| {
                        let mark = inc.response.check(&name, &item);
                        ChecklistItemView {
                            checked_by: mark.map(|m| m.by.clone()),
                            checked_at: mark.map(|m| m.at),
                            item,
                        }
                    })
                    .collect(),
                name,
            })
            .collect())
    }

    pub fn check_item(&mut self, input: CheckInput) -> Result<IncidentDetail> {
        let lists = self.checklists(&input.incident)?;
        let list = lists
            .iter()
            .find(|l| l.name == input.list)
            .ok_or_else(|| ApiError::invalid(format!("no checklist {:?} on this incident", input.list)))?;
        let item = list
            .items
            .iter()
            .find(|i| i.item == input.item)
            .ok_or_else(|| ApiError::invalid(format!("no item {:?} in {}", input.item, list.name)))?;
        if item.checked_by.is_some() == input.checked {
            return Err(ApiError::invalid(format!(
                "{:?} is already {}",
                item.item,
                if input.checked { "checked" } else { "unchecked" }
            )));
        }
        let inc = self.find(&input.incident)?;
        let at = self.now();
        self.commit_op(&inc, OpPayload::CheckItem { list: input.list, item: input.item, checked: input.checked, at })
    }

    /// The runbook actions that apply to the incident's services, with filled commands.
    pub fn runbook(&self, key: &str) -> Result<Vec<RunbookView>> {
        let inc = self.find(key)?;
        let policy = self.policy()?;
        Ok(policy
            .runbook
            .iter()
            .filter(|a| a.services.is_empty() || a.services.iter().any(|s| inc.services.value.contains(s)))
            .map(|a| RunbookView {
                id: a.id.clone(),
                name: a.name.clone(),
                template: a.command.clone(),
                params: a
                    .params
                    .iter()
                    .map(|p| (p.name.clone(), p.default.clone(), p.description.clone()))
                    .map(|(name, default, description)| RunbookParamView { name, default, description })
                    .collect(),
                command: a.fill(&BTreeMap::new()).unwrap_or_else(|_| a.command.clone()),
            })
            .collect())
    }

    /// Logs that a runbook action was taken, with the exact command (never runs it).
    pub fn take_runbook_action(&mut self, input: RunbookInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let policy = self.policy()?;
        let action = policy.runbook.iter().find(|a| a.id == input.action).ok_or_else(|| {
            let ids: Vec<&str> = policy.runbook.iter().map(|a| a.id.as_str()).collect();
            ApiError::invalid(format!("no runbook action {:?}; the policy has: {}", input.action, ids.join(", ")))
        })?;
        let command = action.fill(&input.params).map_err(ApiError::invalid)?;
        let at = self.event_time_for(inc.id, input.at.as_deref(), "the action time")?;
        let text = format!("Runbook: {} — `{command}`", action.name);
        self.commit_op(&inc, OpPayload::AddEntry { kind: EntryKind::Action, at, text, decision: None })
    }

    /// A status update filled from the incident's state and the policy's cadence.
    pub fn comms_draft(&self, key: &str, template: Template) -> Result<String> {
        let inc = self.find(key)?;
        let detail = self.view(&inc)?;
        let review =
            comms::ReviewFacts { meeting_at: inc.review.meeting_at.value, root_cause: inc.review.text("root_cause") };
        Ok(comms::draft(template, &detail, &self.policy()?, &review, self.now()))
    }

    /// Marks a status update as sent: logs it as a comms-update entry, which restarts
    /// the update cadence.
    pub fn comms_sent(&mut self, input: CommsInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let text = input.text.trim().to_string();
        if text.is_empty() {
            return Err(ApiError::invalid("the status update is empty"));
        }
        let at = self.event_time_for(inc.id, input.at.as_deref(), "the time it was sent")?;
        if let Some(notice) = input.template.and_then(comms::Template::customer_notice) {
            if input.post {
                return Err(ApiError::invalid(
                    "the team webhook is for internal status updates; post customer updates on the status page",
                ));
            }
            return self.commit_op(&inc, OpPayload::CustomerUpdate { notice, at, text });
        }
        let payload = OpPayload::AddEntry { kind: EntryKind::CommsUpdate, at, text: text.clone(), decision: None };
        if !input.post {
            return self.commit_op(&inc, payload);
        }
        if self.webhook_url()?.is_none() {
            return Err(ApiError::invalid(
                "no webhook is set; set one with `firebreak comms webhook URL` or send without posting",
            ));
        }
        let body = serde_json::json!({ "text": text }).to_string();
        let author = self.author()?;
        // The address is a secret: looked up when the post is sent, never queued.
        let msg = firebreak_store::NewOutbound { kind: crate::outbound::WEBHOOK, url: "", body: &body, item_key: None };
        self.store.commit_with_outbound(self.now(), &author, inc.id, payload, &msg)?;
        self.detail(inc.id)
    }

    /// The handoff note generated from the current state, for the commander to edit.
    pub fn handoff_draft(&self, key: &str) -> Result<String> {
        let inc = self.find(key)?;
        let detail = self.view(&inc)?;
        Ok(comms::handoff_note(&detail, self.now()))
    }

    /// Logs a shift handoff with its note and hands command to `to`.
    pub fn handoff(&mut self, input: HandoffInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let to = input.to.trim().to_string();
        let note = input.note.trim().to_string();
        if to.is_empty() || note.is_empty() {
            return Err(ApiError::invalid("a handoff needs the next commander and a note"));
        }
        let from = inc.response.roles.get(INCIDENT_COMMANDER).map(|r| r.value.clone()).unwrap_or_default();
        let from = if from.is_empty() { self.author()? } else { from };
        let at = self.now();
        self.commit_op(&inc, OpPayload::Handoff { from, to, note, at })
    }
}
