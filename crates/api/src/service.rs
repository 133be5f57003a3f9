//! [`Firebreak`]: one open data directory, a clock and the local person. Every public
//! method validates its input completely before writing, so bad input writes nothing.
use crate::clocks::{self, DEFAULT_LEAD_MINUTES};
use crate::dto::*;
use crate::policy_in_force;
use crate::secrets::{Preference, Vault};
use crate::system::{database_path, os_user_name};
use crate::timeline_page::TimelineQuery;
use crate::{ApiError, ErrorCode, Result};
use chrono::{DateTime, Duration, Utc};
use firebreak_core::clock::Clock;
use firebreak_core::incident::{Incident, Status};
use firebreak_core::instant;
use firebreak_core::op::{Declare, OpPayload};
use firebreak_core::review::ReviewState;
use firebreak_core::timeline::EntryKind;
use firebreak_policy::{questionnaire, suggest_level, Answer, Policy, Suggestion, SEVERITY_REBASE_RULE, TIE_RULE};
use firebreak_store::Store;
use std::path::{Path, PathBuf};

const SETTING_AUTHOR: &str = "author";
const SETTING_LEAD: &str = "notify.lead_minutes";
const MAX_LEAD_MINUTES: i64 = 24 * 60;
/// Event times may be stamped a little ahead of this laptop's clock (another person's
/// watch), but not further.
const FUTURE_TOLERANCE_MINUTES: i64 = 5;
pub(crate) const MAX_TITLE_CHARS: usize = 200;

pub struct Firebreak {
    pub(crate) store: Store,
    clock: Box<dyn Clock>,
    data_dir: Option<PathBuf>,
    /// The team server token and the GitHub token (never in the database).
    pub(crate) vault: Vault,
    /// Drill clocks of drills running in this process, by incident: their events and
    /// deadlines use drill time.
    drill_clocks: std::collections::HashMap<uuid::Uuid, std::sync::Arc<dyn Clock>>,
    /// `Some(n)`: an incident's detail carries only its newest `n` timeline entries, and
    /// the rest is read a page at a time ([`Self::timeline_page`]). The window's way.
    detail_page: Option<u32>,
}

impl Firebreak {
    /// Opens (creating if needed) the data directory; new secrets go where
    /// `FIREBREAK_SECRETS` says (default: the OS keyring when there is one).
    pub fn open(data_dir: &Path, clock: Box<dyn Clock>) -> Result<Self> {
        Self::open_with_secrets(data_dir, clock, Preference::from_env()?)
    }

    /// [`Self::open`] with the choice of secret store made by the caller.
    pub fn open_with_secrets(data_dir: &Path, clock: Box<dyn Clock>, secrets: Preference) -> Result<Self> {
        let mut store = Store::open(&database_path(data_dir))?;
        let vault = Vault::for_data_dir(data_dir, secrets);
        Self::move_legacy_secrets(&mut store, &vault)?;
        // Ops held for a newer Firebreak may be understood by this build.
        store.release_held(clock.now(), true)?;
        Ok(Firebreak {
            store,
            clock,
            data_dir: Some(data_dir.to_path_buf()),
            vault,
            drill_clocks: Default::default(),
            detail_page: None,
        })
    }

    /// Opens this instance's database afresh (after a restore wrote over it): a new
    /// connection, secrets moved as at open, held ops released; drill clocks forgotten.
    pub(crate) fn reopen(&mut self) -> Result<()> {
        let Some(dir) = self.data_dir.clone() else { return Ok(()) };
        let mut store = Store::open(&database_path(&dir))?;
        Self::move_legacy_secrets(&mut store, &self.vault)?;
        store.release_held(self.clock.now(), true)?;
        self.store = store;
        self.drill_clocks.clear();
        Ok(())
    }

    /// A throwaway in-memory instance, for tests.
    pub fn in_memory(clock: Box<dyn Clock>) -> Result<Self> {
        Ok(Firebreak {
            store: Store::in_memory()?,
            clock,
            data_dir: None,
            vault: Vault::in_memory(),
            drill_clocks: Default::default(),
            detail_page: None,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store itself, for the sync client (which takes it one short step at a time).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Runs `incident` on a drill clock from now on (in this process).
    pub fn set_drill_clock(&mut self, incident: uuid::Uuid, clock: std::sync::Arc<dyn Clock>) {
        self.drill_clocks.insert(incident, clock);
    }

    /// The time for an incident: its drill clock while a drill runs here, else the clock.
    pub fn now_for(&self, incident: uuid::Uuid) -> DateTime<Utc> {
        self.drill_clocks.get(&incident).map_or_else(|| self.now(), |c| c.now())
    }

    /// When the real clock reaches `at` on the incident's clock (its drill clock runs
    /// faster): the instant a scheduler sleeping in real time wakes for it. `None` while
    /// its drill is paused (no real wait reaches `at`).
    pub(crate) fn real_instant_for(&self, incident: uuid::Uuid, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.drill_clocks.get(&incident) {
            None => Some(at),
            Some(c) => c.real_wait(at).map(|wait| instant::saturating_add(self.now(), wait)),
        }
    }

    /// [`Self::event_time`] with "now" taken from the incident's clock.
    pub(crate) fn event_time_for(&self, incident: uuid::Uuid, at: Option<&str>, what: &str) -> Result<DateTime<Utc>> {
        match at.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(self.now_for(incident)),
            Some(_) => self.event_time(at, what),
        }
    }

    pub fn identity(&self) -> Result<Identity> {
        Ok(Identity {
            name: self.author()?,
            replica_tag: self.store.replica_id()?.tag(),
            data_dir: self.data_dir.as_ref().map_or_else(|| ":memory:".into(), |d| d.display().to_string()),
        })
    }

    /// The name on every change this laptop makes: set once, else the OS user.
    pub fn author(&self) -> Result<String> {
        Ok(self.store.setting(SETTING_AUTHOR)?.unwrap_or_else(os_user_name))
    }

    pub fn set_author(&mut self, name: &str) -> Result<Identity> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ApiError::invalid("the name must not be empty"));
        }
        if name.chars().count() > 100 {
            return Err(ApiError::invalid("the name is longer than 100 characters"));
        }
        self.store.set_setting(SETTING_AUTHOR, name)?;
        self.identity()
    }

    /// Reads an optional RFC 3339 time typed by the user; absent means now.
    pub(crate) fn event_time(&self, at: Option<&str>, what: &str) -> Result<DateTime<Utc>> {
        let now = self.now();
        let Some(text) = at.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(now);
        };
        let t = DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                ApiError::invalid(format!(
                    "{what} {text:?} is not an RFC 3339 time ({e}); write e.g. 2026-11-23T14:30:00Z or 2026-11-23T15:30:00+01:00"
                ))
            })?
            .with_timezone(&Utc);
        if t > instant::saturating_add(now, Duration::minutes(FUTURE_TOLERANCE_MINUTES)) {
            return Err(ApiError::invalid(format!(
                "{what} {text} is in the future (now is {}); event times may be back-dated, not forward-dated",
                now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )));
        }
        Ok(t)
    }

    /// The policy in force (default: the `protocol` preset).
    pub fn policy(&self) -> Result<Policy> {
        policy_in_force::load(&self.store)
    }

    pub fn policy_view(&self) -> Result<PolicyView> {
        let p = self.policy()?;
        Ok(PolicyView {
            name: p.name.clone(),
            description: p.description.clone(),
            source: policy_in_force::source(&self.store)?,
            questions: questionnaire(&p),
            levels: p.levels,
            rebase_rule: SEVERITY_REBASE_RULE.to_string(),
            tie_rule: TIE_RULE.to_string(),
            lead_minutes: self.lead_minutes()?,
        })
    }

    /// Puts a preset or a policy file in force; a bad file changes nothing.
    pub fn use_policy(&mut self, name_or_file: &str) -> Result<PolicyView> {
        policy_in_force::use_policy(&self.store, name_or_file)?;
        self.policy_view()
    }

    /// Minutes before a due time that a clock is "due soon" and first notifies.
    /// A stored value outside 0–1440 (written by hand or by another version) counts as
    /// the default.
    pub fn lead_minutes(&self) -> Result<i64> {
        Ok(self
            .store
            .setting(SETTING_LEAD)?
            .and_then(|s| s.parse().ok())
            .filter(|m| (0..=MAX_LEAD_MINUTES).contains(m))
            .unwrap_or(DEFAULT_LEAD_MINUTES))
    }

    pub fn set_lead_minutes(&mut self, minutes: i64) -> Result<()> {
        if !(0..=MAX_LEAD_MINUTES).contains(&minutes) {
            return Err(ApiError::invalid(format!("the notification lead must be 0–1440 minutes, not {minutes}")));
        }
        self.store.set_setting(SETTING_LEAD, &minutes.to_string())?;
        Ok(())
    }

    /// The severity helper: suggests a level from yes/no/unsure answers.
    pub fn suggest_severity(&self, answers: &[Answer]) -> Result<Option<Suggestion>> {
        Ok(suggest_level(&self.policy()?, answers))
    }

    /// The level id as the policy spells it (case-insensitive match), or a clear error.
    fn check_severity(&self, level: &str) -> Result<String> {
        let p = self.policy()?;
        let want = level.trim();
        p.levels.iter().find(|l| l.id.eq_ignore_ascii_case(want)).map(|l| l.id.clone()).ok_or_else(|| {
            let ids: Vec<&str> = p.levels.iter().map(|l| l.id.as_str()).collect();
            ApiError::invalid(format!(
                "unknown severity {level:?} for the policy in force ({}); expected one of: {}",
                p.name,
                ids.join(", ")
            ))
        })
    }

    /// Every clock of an incident at `at` (default now).
    pub fn timers(&self, key: &str, at: Option<&str>) -> Result<TimersView> {
        let inc = self.find(key)?;
        let at = match at.map(str::trim).filter(|s| !s.is_empty()) {
            None => self.now_for(inc.id),
            Some(t) => DateTime::parse_from_rfc3339(t)
                .map_err(|e| ApiError::invalid(format!("--at {t:?} is not an RFC 3339 time ({e})")))?
                .with_timezone(&Utc),
        };
        let deadlines = clocks::deadlines(&self.policy()?, &inc, at, self.lead_minutes()?);
        let decl = inc.declaration.as_ref();
        Ok(TimersView {
            incident: inc.id.to_string(),
            human_id: decl.map(|d| d.human_id.clone()).unwrap_or_default(),
            severity: inc.severity.value.clone(),
            at,
            deadlines,
        })
    }

    pub(crate) fn view(&self, inc: &Incident) -> Result<IncidentDetail> {
        let now = self.now_for(inc.id);
        let policy = self.policy()?;
        let deadlines = clocks::deadlines(&policy, inc, now, self.lead_minutes()?);
        let mut detail = IncidentDetail::from_incident(inc, deadlines, now);
        // A level named by the other built-in preset is shown as this policy's, with a note.
        if let Some(level) = policy.map_level(&detail.severity) {
            detail.severity = level.id;
        }
        match self.detail_page {
            None => {
                detail.timeline = crate::requirements::with_level_notes(&policy, std::mem::take(&mut detail.timeline));
                detail.timeline_total = detail.timeline.len() as u32;
            }
            Some(limit) => {
                let q = TimelineQuery {
                    incident: inc.id.to_string(),
                    offset: 0,
                    limit,
                    kind: String::new(),
                    text: String::new(),
                };
                let page = self.timeline_page(&q)?;
                detail.timeline = page.entries.into_iter().rev().collect();
                detail.timeline_total = page.total;
            }
        }
        detail.missing = crate::requirements::missing(&policy, inc);
        Ok(detail)
    }

    /// From now on an incident's detail carries only its newest `newest` timeline
    /// entries and the window reads the rest a page at a time: opening an incident of
    /// ten thousand entries reads and sends what is shown (the window's setting; the CLI
    /// shows whole timelines).
    pub fn page_timelines(&mut self, newest: u32) {
        self.detail_page = Some(newest.min(crate::timeline_page::MAX_PAGE));
    }

    /// The incident as a detail is made from it: whole, or, when timelines are paged,
    /// its clock view (the page is read apart).
    fn for_detail(&self, id: uuid::Uuid) -> Result<Incident> {
        if self.detail_page.is_some() {
            return self.clock_view(id);
        }
        self.store.incident(id)?.ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no incident {id}")))
    }

    pub(crate) fn find(&self, key: &str) -> Result<Incident> {
        if key.trim().is_empty() {
            return Err(ApiError::invalid("an incident id is required"));
        }
        Ok(self.store.find(key)?)
    }

    pub(crate) fn detail(&self, id: uuid::Uuid) -> Result<IncidentDetail> {
        let inc = self.for_detail(id).map_err(|e| match e.code {
            ErrorCode::NotFound => ApiError::new(ErrorCode::Internal, format!("incident {id} vanished after writing")),
            _ => e,
        })?;
        self.view(&inc)
    }

    pub fn declare(&mut self, input: DeclareInput) -> Result<IncidentDetail> {
        let title = input.title.trim().to_string();
        if title.is_empty() {
            return Err(ApiError::invalid("the title must not be empty: say in a few words what is wrong"));
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(ApiError::invalid(format!("the title is longer than {MAX_TITLE_CHARS} characters")));
        }
        let severity = self.check_severity(&input.severity)?;
        let detected_at = self.event_time(input.at.as_deref(), "the detection time")?;
        let mut services: Vec<String> = Vec::new();
        for s in input.services.iter().map(|s| s.trim()) {
            if s.is_empty() {
                return Err(ApiError::invalid("a service name must not be empty"));
            }
            if !services.iter().any(|x| x == s) {
                services.push(s.to_string());
            }
        }
        let author = self.author()?;
        let now = self.now();
        let summary = input.summary.trim().to_string();
        let (id, _) = self.store.declare(now, &author, |human_id| Declare {
            human_id,
            title,
            summary,
            severity,
            services,
            drill: input.drill,
            detected_at,
            suggested: input.suggested,
        })?;
        self.detail(id)
    }

    pub fn list(&self) -> Result<Vec<IncidentSummary>> {
        let policy = self.policy()?;
        let (now, lead) = (self.now(), self.lead_minutes()?);
        let rows = self.with_clock_views()?;
        Ok(rows.into_iter().filter_map(|(r, inc)| summarize(&policy, now, lead, r, inc.as_ref())).collect())
    }

    pub fn show(&self, key: &str) -> Result<IncidentDetail> {
        if key.trim().is_empty() {
            return Err(ApiError::invalid("an incident id is required"));
        }
        let (id, _) = self.store.find_key(key)?;
        self.view(&self.for_detail(id)?)
    }

    pub fn set_status(&mut self, input: StatusInput) -> Result<IncidentDetail> {
        self.set_status_forced(input, false)
    }

    /// [`Self::set_status`]; closing an incident whose level requires a review that is
    /// not closed is refused with the reason, unless `force`, and then the forcing is
    /// written on the timeline in the same transaction.
    pub fn set_status_forced(&mut self, input: StatusInput, force: bool) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let from = inc.status.value;
        from.check_transition(input.status)?;
        let at = self.event_time_for(inc.id, input.at.as_deref(), "the status time")?;
        not_before_detection(&inc, at, "a status change")?;
        let mut ops = vec![(inc.id, OpPayload::SetStatus { from, to: input.status, at })];
        if let Some(why) = self.review_missing(&inc, input.status)? {
            if !force {
                return Err(ApiError::new(
                    ErrorCode::InvalidTransition,
                    format!("{} cannot be closed yet: {why}; close the review first, or force the close", human(&inc)),
                ));
            }
            let text = format!("Closed without its required review (forced): {why}");
            ops.push((inc.id, OpPayload::AddEntry { kind: EntryKind::Note, at, text, decision: None }));
        }
        let author = self.author()?;
        self.store.commit_all(self.now(), &author, ops)?;
        self.detail(inc.id)
    }

    /// Why closing would leave a required review undone, if it would.
    fn review_missing(&self, inc: &Incident, to: Status) -> Result<Option<String>> {
        if to != Status::Closed {
            return Ok(None);
        }
        let policy = self.policy()?;
        let level = &inc.severity.value;
        let required = policy.level(level).is_some_and(|l| l.requirements.pir_required);
        let state = inc.review.state.value;
        Ok((required && state != ReviewState::Closed).then(|| {
            format!("{level} requires a post-incident review and its review is {}", state.as_str().replace('_', " "))
        }))
    }

    pub fn set_severity(&mut self, input: SeverityInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let to = self.check_severity(&input.level)?;
        let from = inc.severity.value.clone();
        if from == to {
            return Err(ApiError::invalid(format!("{} is already {to}", human(&inc))));
        }
        if !inc.status.value.is_open() {
            return Err(ApiError::new(
                ErrorCode::InvalidTransition,
                format!(
                    "{} is {}; the severity of a resolved or closed incident is fixed",
                    human(&inc),
                    inc.status.value
                ),
            ));
        }
        let at = self.event_time_for(inc.id, input.at.as_deref(), "the severity time")?;
        not_before_detection(&inc, at, "a severity change")?;
        let author = self.author()?;
        self.store.commit(self.now(), &author, inc.id, OpPayload::SetSeverity { from, to, at })?;
        self.detail(inc.id)
    }

    /// Appends a timeline entry. Reads only the incident's id and writes one op, so its
    /// cost does not grow with the incident; returns the entry as shown.
    pub fn add_entry(&mut self, input: EntryInput) -> Result<EntryAdded> {
        let (id, human_id) = self.store.find_key(&input.incident)?;
        if input.kind.is_automatic() {
            return Err(ApiError::invalid(format!(
                "{} entries are written by the program when the {} changes; change it instead",
                input.kind,
                if input.kind == firebreak_core::timeline::EntryKind::StatusChange { "status" } else { "severity" }
            )));
        }
        if !input.kind.in_add_entry() {
            return Err(ApiError::invalid(format!(
                "{} entries are logged by marking a customer template sent (`comms sent ID --template customer-update`)",
                input.kind
            )));
        }
        let text = input.text.trim().to_string();
        if text.is_empty() {
            return Err(ApiError::invalid("the entry text must not be empty"));
        }
        let at = self.event_time_for(id, input.at.as_deref(), "the event time")?;
        let author = self.author()?;
        let op = self.store.commit(
            self.now(),
            &author,
            id,
            OpPayload::AddEntry { kind: input.kind, at, text, decision: None },
        )?;
        // The entry as the fold makes it, from the op alone (a new entry has no
        // revisions or pin yet).
        let mut alone = Incident::new(id);
        alone.apply(&op);
        let entry = alone.timeline.get(&op.op_id).map(|e| EntryView::of(&alone, e));
        let entry = entry
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the entry was written but could not be read back"))?;
        Ok(EntryAdded { incident: id.to_string(), human_id, entry })
    }
}

pub(crate) fn human(inc: &Incident) -> String {
    inc.declaration.as_ref().map_or_else(|| inc.id.to_string(), |d| d.human_id.clone())
}

fn not_before_detection(inc: &Incident, at: DateTime<Utc>, what: &str) -> Result<()> {
    match (&inc.declaration, inc.detected_at()) {
        (Some(d), Some(detected)) if at < detected => Err(ApiError::invalid(format!(
            "{what} at {} would be before {} was detected ({})",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            d.human_id,
            detected.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))),
        _ => Ok(()),
    }
}

/// One row of the list, from the store's row and the incident's clock view. A row the
/// store could not read fully is completed from the view; one whose view cannot be read
/// either shows without its clock (or, with no status at all, is left out) rather than
/// failing the list for every incident.
pub(crate) fn summarize(
    policy: &firebreak_policy::Policy,
    now: DateTime<Utc>,
    lead: i64,
    r: firebreak_store::IncidentRow,
    inc: Option<&Incident>,
) -> Option<IncidentSummary> {
    let status = r.status.parse().ok().or_else(|| inc.map(|i| i.status.value))?;
    let detected_at = r.detected_at.or_else(|| inc.and_then(|i| i.declaration.as_ref()).map(|d| d.detected_at));
    let next_deadline = inc
        .filter(|_| status != Status::Closed)
        .and_then(|inc| clocks::most_urgent(&clocks::deadlines(policy, inc, now, lead)).cloned());
    Some(IncidentSummary {
        id: r.id.to_string(),
        human_id: r.human_id,
        title: r.title,
        severity: policy.map_level(&r.severity).map_or(r.severity, |l| l.id),
        status,
        drill: r.drill,
        detected_at: detected_at.unwrap_or_default(),
        next_deadline,
    })
}
