//! Drills through the API: start a drill incident from a scenario, deliver injects and
//! the commander rotation as drill time passes, apply scripted responses, and evaluate
//! the run. Everything a drill writes carries drill-clock times, so the evaluation reads
//! only offsets from the drill's start and comes out the same at any speed.
//!
//! The drill clock is arranged to end at the real end of the run
//! (start = real start − duration × (1 − 1/speed)), so drill times never lie in the
//! future and event times stay valid.
use crate::dto::{DeclareInput, EntryInput, SeverityInput, StatusInput};
use crate::pir::PirTextInput;
use crate::{ApiError, ErrorCode, Firebreak, Result};
use chrono::{DateTime, Duration, Utc};
use firebreak_core::incident::{Incident, Status};
use firebreak_core::instant;
use firebreak_core::timeline::{Change, EntryKind};
use firebreak_drill::{
    builtin, commander_at, evaluate, DrillEntry, DrillEvents, Evaluation, InjectKind, Scenario, BUILTIN_SOURCES,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const RUN_KEY: &str = "drill.run.";
/// The note a drafted review leaves on the drill timeline, at the time it was drafted.
const REVIEW_DRAFTED: &str = "Review drafted: ";

/// What a drill run remembers beside its incident (local settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillRun {
    pub incident: String,
    pub scenario_yaml: String,
    pub speed: u32,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub facilitator_notes: Vec<String>,
    pub improvement_areas: Vec<String>,
    /// How many injects have been delivered (by offset order).
    pub delivered: usize,
    pub last_commander: Option<String>,
    /// How many rotation boundaries (T+0, T+every, …) have been handled, so a late tick
    /// still hands command over at every boundary it passed, at that boundary's time.
    #[serde(default)]
    pub rotations: usize,
}

/// One scripted response (for facilitators' rehearsals and for tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Offset from the start, e.g. "3m".
    pub at: String,
    #[serde(rename = "do")]
    pub act: Act,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
}

/// What a scripted response does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Act {
    Acknowledge,
    /// Moves the status to the response's `status`.
    Status,
    /// A status update sent.
    Update,
    /// Changes the severity to the response's `level`.
    Severity,
    /// A mitigation action logged.
    Mitigate,
    Note,
    /// The review's summary drafted.
    Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    #[serde(default)]
    pub responses: Vec<Response>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub improvement_areas: Vec<String>,
}

/// Most responses, notes or improvement areas one drill script may list.
pub const MAX_SCRIPT_ENTRIES: usize = 10_000;

impl Script {
    pub fn from_yaml(text: &str) -> Result<Script> {
        let s: Script = firebreak_yaml::from_str(text, "a drill script", firebreak_yaml::Limits::FILE)
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let lists = [
            ("responses", s.responses.len()),
            ("notes", s.notes.len()),
            ("improvement_areas", s.improvement_areas.len()),
        ];
        for (field, len) in lists {
            if len > MAX_SCRIPT_ENTRIES {
                return Err(ApiError::invalid(format!(
                    "{field}: {len} entries; a drill script has at most {MAX_SCRIPT_ENTRIES}"
                )));
            }
        }
        for (i, r) in s.responses.iter().enumerate() {
            firebreak_drill::parse_duration(&r.at).ok_or_else(|| {
                ApiError::invalid(format!("responses[{i}].at: {:?} is not a duration (use e.g. 5m, 1h30m)", r.at))
            })?;
        }
        Ok(s)
    }

    fn offset(r: &Response) -> Duration {
        firebreak_drill::parse_duration(&r.at).unwrap_or_default()
    }
}

/// A scenario by built-in name (file stem) or from YAML text.
pub fn scenario(name_or_yaml: &str) -> Result<(Scenario, String)> {
    if let Some((_, yaml)) = BUILTIN_SOURCES.iter().find(|(n, _)| *n == name_or_yaml) {
        let s = Scenario::from_yaml(yaml).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        return Ok((s, yaml.to_string()));
    }
    let s = Scenario::from_yaml(name_or_yaml).map_err(|e| ApiError::invalid(e.to_string()))?;
    Ok((s, name_or_yaml.to_string()))
}

/// A drill clock over `real` (the clock the edge supplies: the system clock in the CLI
/// and the window, a fixed one in tests) running at `speed` that ends at the real end of
/// the run: it starts `duration × (1 − 1/speed)` before `real`, so no drill time lies in
/// the future.
pub fn drill_clock<C: firebreak_core::clock::Clock>(
    real: C,
    duration: Duration,
    speed: u32,
) -> firebreak_core::clock::ScaledClock<C> {
    let speed = speed.clamp(1, 3600);
    let lead = duration - duration / speed as i32;
    let start = instant::saturating_sub(real.now(), lead);
    firebreak_core::clock::ScaledClock::new(real, start, speed)
}

pub fn builtin_names() -> Vec<(String, Scenario)> {
    BUILTIN_SOURCES.iter().map(|(n, _)| n.to_string()).zip(builtin()).collect()
}

impl Firebreak {
    /// A scenario with its levels read under the policy in force: the built-ins name the
    /// protocol's SEV levels, and under the matrix preset they run as P levels of the same
    /// rank.
    pub fn scenario_in_force(&self, name_or_yaml: &str) -> Result<(Scenario, String)> {
        let (sc, yaml) = scenario(name_or_yaml)?;
        let policy = self.policy()?;
        let listed: Vec<&str> = policy.levels.iter().map(|l| l.id.as_str()).collect();
        let mapped = sc
            .map_levels(&|level| policy.map_level(level).map(|m| m.id), &listed.join(", "))
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        Ok((mapped, yaml))
    }

    fn run_of(&self, inc: &Incident) -> Result<DrillRun> {
        let text = self
            .store
            .setting(&format!("{RUN_KEY}{}", inc.id))?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "this incident was not started as a drill run here"))?;
        serde_json::from_str(&text).map_err(|e| ApiError::new(ErrorCode::Storage, format!("drill run unreadable: {e}")))
    }

    fn save_run(&self, run: &DrillRun) -> Result<()> {
        let text = serde_json::to_string(run).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.store.set_setting(&format!("{RUN_KEY}{}", run.incident), &text)?;
        Ok(())
    }

    /// Starts a drill: declares a drill incident at the drill clock's now. With `clock`,
    /// that clock becomes the incident's own (the window runs drills beside real
    /// incidents); without, this instance's clock is the drill clock (the CLI).
    pub fn drill_start(
        &mut self,
        scenario_yaml: &str,
        speed: u32,
        script: &Script,
        clock: Option<std::sync::Arc<dyn firebreak_core::clock::Clock>>,
    ) -> Result<DrillRun> {
        let (sc, yaml) = self.scenario_in_force(scenario_yaml)?;
        let start = clock.as_ref().map_or_else(|| self.now(), |c| c.now());
        let inc = self.declare(DeclareInput {
            title: format!("Drill: {}", sc.title),
            severity: sc.severity.clone(),
            summary: sc.description.clone(),
            services: sc.services.clone(),
            drill: true,
            at: Some(start.to_rfc3339()),
            suggested: None,
        })?;
        if let Some(c) = clock {
            self.set_drill_clock(inc.id.parse().map_err(|_| ApiError::new(ErrorCode::Internal, "bad incident id"))?, c);
        }
        let run = DrillRun {
            incident: inc.id,
            scenario_yaml: yaml,
            speed: speed.max(1),
            started_at: start,
            ended_at: None,
            facilitator_notes: script.notes.clone(),
            improvement_areas: script.improvement_areas.clone(),
            delivered: 0,
            last_commander: None,
            rotations: 0,
        };
        self.save_run(&run)?;
        Ok(run)
    }

    /// Delivers what is due at the drill clock's now: injects, the commander rotation
    /// and scripted responses. Returns true once the drill's duration has passed.
    pub fn drill_tick(&mut self, incident: &str, script: &Script, applied: &mut usize) -> Result<bool> {
        self.drill_tick_with(incident, script, applied, &mut |_| {})
    }

    /// [`Self::drill_tick`], telling `on_inject` each inject's headline as it arrives
    /// (the window shows them as desktop notifications).
    pub fn drill_tick_with(
        &mut self,
        incident: &str,
        script: &Script,
        applied: &mut usize,
        on_inject: &mut dyn FnMut(&str),
    ) -> Result<bool> {
        let inc = self.find(incident)?;
        let mut run = self.run_of(&inc)?;
        let (sc, _) = self.scenario_in_force(&run.scenario_yaml)?;
        let now = self.now_for(inc.id);
        let elapsed = (now - run.started_at).min(sc.duration);
        // Drill time `offset` after the start; the run's start is stored data, so a start
        // at the end of time is an error for this drill, not a panic of the ticker.
        let started_at = run.started_at;
        let drill_time = |offset: Duration| {
            started_at.checked_add_signed(offset).ok_or_else(|| {
                ApiError::new(ErrorCode::Storage, format!("the drill run's start {started_at} is out of range"))
            })
        };
        let id = inc.id.to_string();
        // Injects are sorted by offset; the count delivered makes each arrive exactly once.
        let due: Vec<_> = sc.injects.iter().skip(run.delivered).take_while(|i| i.at <= elapsed).cloned().collect();
        for inject in &due {
            let kind = match inject.kind {
                InjectKind::Alert | InjectKind::Degraded => EntryKind::Alert,
                InjectKind::CustomerReport => EntryKind::CustomerReport,
                InjectKind::Question | InjectKind::Note => EntryKind::Note,
            };
            let at = drill_time(inject.at)?.to_rfc3339();
            self.add_entry(EntryInput { incident: id.clone(), kind, text: inject.headline(), at: Some(at) })?;
            on_inject(&inject.headline());
            run.delivered += 1;
        }
        // Every rotation boundary passed since the last tick, each stamped at its own time.
        let every = sc.rotate_every.filter(|r| r.num_milliseconds() > 0);
        // Boundaries before the end count even when the tick that sees them comes after it.
        let last = if elapsed >= sc.duration { sc.duration - Duration::milliseconds(1) } else { elapsed };
        let boundaries = if sc.commander_rotation.is_empty() || last < Duration::zero() {
            0
        } else {
            every.map_or(1, |r| usize::try_from(last.num_milliseconds() / r.num_milliseconds()).unwrap_or(0) + 1)
        };
        while run.rotations < boundaries {
            let boundary = every.map_or(Duration::zero(), |r| r * i32::try_from(run.rotations).unwrap_or(i32::MAX));
            run.rotations += 1;
            let Some(ic) = commander_at(&sc, boundary, 0) else { continue };
            if run.last_commander.as_deref() != Some(ic.as_str()) {
                let current = self.find(&id)?;
                let holder =
                    current.response.roles.get("incident-commander").map(|r| r.value.clone()).unwrap_or_default();
                if holder != ic {
                    self.assign_role(crate::dto::RoleInput {
                        incident: id.clone(),
                        role: "incident-commander".into(),
                        person: ic.clone(),
                        at: Some(drill_time(boundary)?.to_rfc3339()),
                    })?;
                }
                run.last_commander = Some(ic);
            }
        }
        while let Some(r) = script.responses.get(*applied) {
            if Script::offset(r) > elapsed {
                break;
            }
            let at = drill_time(Script::offset(r))?;
            self.apply_response(&id, r, at)?;
            *applied += 1;
        }
        let done = now - run.started_at >= sc.duration;
        if done && run.ended_at.is_none() {
            run.ended_at = Some(drill_time(sc.duration)?);
        }
        self.save_run(&run)?;
        Ok(done)
    }

    /// Applies a scripted response stamped at its scripted drill time (not the tick's),
    /// so the run evaluates the same at any speed.
    fn apply_response(&mut self, id: &str, r: &Response, at: DateTime<Utc>) -> Result<()> {
        let incident = id.to_string();
        let at_text = Some(at.to_rfc3339());
        let status = |s: &str| s.parse::<Status>().map_err(ApiError::from);
        match r.act {
            Act::Acknowledge => {
                self.set_status(StatusInput { incident, status: Status::Acknowledged, at: at_text })?;
            }
            Act::Status => {
                let s = status(r.status.as_deref().unwrap_or(""))?;
                self.set_status(StatusInput { incident, status: s, at: at_text })?;
            }
            Act::Update => {
                self.comms_sent(crate::dto::CommsInput {
                    incident,
                    text: r.text.clone(),
                    at: at_text,
                    post: false,
                    template: None,
                })?;
            }
            Act::Severity => {
                // A script written for either preset runs under both (levels by rank).
                let named = r.level.clone().unwrap_or_default();
                let level = self.policy()?.map_level(&named).map_or(named, |m| m.id);
                self.set_severity(SeverityInput { incident, level, at: at_text })?;
            }
            Act::Mitigate => {
                self.add_entry(EntryInput { incident, kind: EntryKind::Action, text: r.text.clone(), at: at_text })?;
            }
            Act::Note => {
                self.add_entry(EntryInput { incident, kind: EntryKind::Note, text: r.text.clone(), at: at_text })?;
            }
            Act::Review => {
                self.pir_edit(PirTextInput {
                    incident: incident.clone(),
                    field: "summary".into(),
                    text: r.text.clone(),
                    parents: vec![],
                })?;
                let text = format!("{REVIEW_DRAFTED}{}", r.text);
                self.add_entry(EntryInput { incident, kind: EntryKind::Note, text, at: at_text })?;
            }
        }
        Ok(())
    }

    /// The evaluation of a drill run (provisional while it runs).
    pub fn drill_evaluation(&self, key: &str) -> Result<Evaluation> {
        let inc = self.find(key)?;
        let run = self.run_of(&inc)?;
        let (sc, _) = self.scenario_in_force(&run.scenario_yaml)?;
        let planned_end = instant::saturating_add(run.started_at, sc.duration);
        let ended_at = run.ended_at.unwrap_or_else(|| self.now_for(inc.id).min(planned_end));
        let m = inc.milestones();
        let entries = inc.entries();
        let first = |kind: EntryKind| entries.iter().filter(|e| e.kind == kind).map(|e| e.event_time).min();
        let mut severity_changes = Vec::new();
        let mut statuses = Vec::new();
        let mut initial = inc.severity.value.clone();
        for e in &entries {
            match &e.change {
                Some(Change::Severity { to, .. }) => severity_changes.push((e.event_time, to.clone())),
                Some(Change::Status { to, .. }) => statuses.push((e.event_time, *to)),
                Some(Change::Declared { severity, .. }) => initial = severity.clone(),
                _ => {}
            }
        }
        // The earliest of a "Review drafted" note's event time and any section revision's
        // recorded time.
        let review_drafted_at = inc
            .review
            .texts
            .values()
            .flat_map(|t| t.revisions.values())
            .map(|r| DateTime::<Utc>::from_timestamp_millis(r.stamp.wall_ms as i64).unwrap_or_default())
            .chain(entries.iter().filter(|e| e.text.starts_with(REVIEW_DRAFTED)).map(|e| e.event_time))
            .min();
        let events = DrillEvents {
            started_at: run.started_at,
            ended_at,
            initial_severity: initial,
            acknowledged_at: m.acknowledged_at,
            first_update_at: first(EntryKind::CommsUpdate),
            severity_changes,
            mitigation_at: first(EntryKind::Action),
            statuses,
            review_drafted_at,
            facilitator_notes: run.facilitator_notes.clone(),
            improvement_areas: run.improvement_areas.clone(),
            timeline: entries
                .iter()
                .map(|e| DrillEntry {
                    at: e.event_time,
                    kind: e.kind.as_str().to_string(),
                    author: e.author.clone(),
                    text: inc.current_text(e).to_string(),
                })
                .collect(),
        };
        Ok(evaluate(&sc, &events))
    }

    /// When the last drill ran here (the newest drill incident's detection).
    pub fn last_drill_at(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.store.list()?.into_iter().filter(|r| r.drill).filter_map(|r| r.detected_at).max())
    }
}

/// The evaluation as a PDF (same engine as the review), marked as a drill on every page.
pub fn evaluation_pdf(e: &Evaluation, human_id: &str, author: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
    use firebreak_pdf::{Banner, Block, Column, Document, Rgb, Table, Tone};
    let mut blocks = vec![Block::KeyValue(vec![
        ("Scenario".into(), e.scenario.clone()),
        ("Drill incident".into(), human_id.to_string()),
        ("Severity".into(), e.severity.clone()),
        ("Started".into(), e.started_at.format("%Y-%m-%d %H:%M UTC").to_string()),
        ("Ran for".into(), firebreak_drill::describe_duration(e.ran_for)),
        ("Result".into(), format!("{} of {} criteria met", e.met_count, e.total)),
    ])];
    let tone = if e.met_count == e.total { Tone::Success } else { Tone::Warning };
    blocks.push(Block::callout("Result", format!("{} of {} success criteria met.", e.met_count, e.total), tone));
    blocks.push(Block::heading(1, "Success criteria"));
    blocks.push(Block::Table(Table {
        columns: vec![Column::new("Criterion", 3.0), Column::new("Result", 0.9), Column::new("Detail", 3.0)],
        rows: e
            .criteria
            .iter()
            .map(|c| vec![c.description.clone(), if c.met { "met".into() } else { "missed".into() }, c.detail.clone()])
            .collect(),
    }));
    blocks.push(Block::heading(1, "Timeline"));
    blocks.push(Block::Table(Table {
        columns: vec![
            Column::new("When", 0.9),
            Column::new("Kind", 1.2),
            Column::new("Who", 1.1),
            Column::new("What", 4.0),
        ],
        rows: e
            .timeline
            .iter()
            .map(|l| vec![l.offset.clone(), l.kind.clone(), l.author.clone(), l.text.clone()])
            .collect(),
    }));
    if !e.facilitator_notes.is_empty() {
        blocks.push(Block::heading(1, "Facilitator's notes"));
        blocks.push(Block::Bullets(e.facilitator_notes.clone()));
    }
    blocks.push(Block::heading(1, "Improvement areas"));
    if e.improvement_areas.is_empty() {
        blocks.push(Block::paragraph("None recorded."));
    } else {
        blocks.push(Block::Bullets(e.improvement_areas.clone()));
    }
    let doc = Document {
        title: format!("Drill evaluation · {}", e.scenario),
        subtitle: Some(format!("{human_id} · {} of {} criteria met", e.met_count, e.total)),
        author: author.to_string(),
        subject: format!("Evaluation of the drill {}", e.scenario),
        keywords: vec!["drill".into(), e.severity.clone(), human_id.to_string()],
        created: now,
        running_header: format!("DRILL · {human_id} · {}", e.scenario),
        banner: Some(Banner { text: "DRILL — an exercise, not a real incident".into(), colour: Rgb::hex(0x7B3FE4) }),
        blocks,
    };
    firebreak_pdf::render(&doc)
        .map(|r| r.bytes)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the PDF could not be made: {e}")))
}

/// A scenario as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScenarioInfo {
    /// Built-in name, or the file stem of a scenario in the data directory's `scenarios/`.
    pub name: String,
    pub title: String,
    pub severity: String,
    #[ts(type = "number")]
    pub duration_seconds: i64,
    pub injects: usize,
    pub criteria: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillsView {
    pub scenarios: Vec<ScenarioInfo>,
    pub last_drill_at: Option<DateTime<Utc>>,
    pub next_drill_due: DateTime<Utc>,
    pub overdue: bool,
}

impl Firebreak {
    /// Built-in scenarios, then the team's own files in `<data dir>/scenarios/*.yaml`
    /// (a file that does not parse is skipped here and explained when started).
    pub fn scenario_sources(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            BUILTIN_SOURCES.iter().map(|(n, y)| (n.to_string(), y.to_string())).collect();
        if let Some(dir) = self.data_dir().map(|d| d.join("scenarios")) {
            let mut files: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
            files.sort();
            for f in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml")) {
                if let (Some(stem), Ok(text)) = (f.file_stem().and_then(|s| s.to_str()), std::fs::read_to_string(&f)) {
                    out.push((stem.to_string(), text));
                }
            }
        }
        out
    }

    pub fn drills(&self) -> Result<DrillsView> {
        let scenarios = self
            .scenario_sources()
            .into_iter()
            .filter_map(|(name, yaml)| Scenario::from_yaml(&yaml).ok().map(|s| (name, s)))
            .map(|(name, s)| ScenarioInfo {
                name,
                title: s.title.clone(),
                severity: s.severity.clone(),
                duration_seconds: s.duration.num_seconds(),
                injects: s.injects.len(),
                criteria: s.success_criteria.len(),
            })
            .collect();
        let last = self.last_drill_at()?;
        let now = self.now();
        Ok(DrillsView {
            scenarios,
            last_drill_at: last,
            next_drill_due: firebreak_drill::next_quarterly_drill(last, now),
            overdue: firebreak_drill::drill_overdue(last, now),
        })
    }

    /// The YAML of a listed scenario by name.
    pub fn scenario_yaml(&self, name: &str) -> Result<String> {
        self.scenario_sources()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, y)| y)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no drill scenario {name:?}")))
    }
}

impl Firebreak {
    /// Hands command to the next person of the scenario's rotation, now (the
    /// facilitator's call, outside the scripted rotation).
    pub fn drill_rotate(&mut self, key: &str) -> Result<crate::dto::IncidentDetail> {
        let inc = self.find(key)?;
        let run = self.run_of(&inc)?;
        let (sc, _) = scenario(&run.scenario_yaml)?;
        if sc.commander_rotation.is_empty() {
            return Err(ApiError::invalid("the scenario has no incident-commander rotation"));
        }
        let holder = inc.response.roles.get("incident-commander").map(|r| r.value.clone()).unwrap_or_default();
        let next = match sc.commander_rotation.iter().position(|p| *p == holder) {
            Some(i) => sc.commander_rotation[(i + 1) % sc.commander_rotation.len()].clone(),
            None => sc.commander_rotation[0].clone(),
        };
        if next == holder {
            return Err(ApiError::invalid(format!("{holder} is the only commander in the rotation")));
        }
        self.assign_role(crate::dto::RoleInput {
            incident: inc.id.to_string(),
            role: "incident-commander".into(),
            person: next,
            at: None,
        })
    }
}
