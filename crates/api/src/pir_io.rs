//! Review exports and imports: YAML in exactly the shape of the reference template
//! (`pir/INC-001.yaml`), Markdown for wikis, and the review meeting as an .ics invite
//! with the reference agenda. Import creates or updates the incident and its review in
//! one transaction: a bad file is refused with its line and reason on one line, and
//! nothing is half-imported.
//!
//! An imported file is someone else's input: it is read within limits (1 MiB,
//! [`MAX_TIMELINE_ROWS`] key events, [`MAX_ACTION_ITEMS`] items, [`MAX_LIST_ENTRIES`]
//! factors or lessons), its incident id must be a safe id ([`check_incident_id`]), and
//! every date it implies (the day, rolling over midnight, `date + duration`) is
//! computed with checked arithmetic within [`MIN_YEAR`]..=[`MAX_YEAR`].
use crate::pir::{parse_date, PirView};
use crate::{ApiError, Firebreak, Result};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use firebreak_core::incident::Status;
use firebreak_core::op::{Declare, OpPayload};
use firebreak_core::review::ActionItem;
use firebreak_core::timeline::EntryKind;
use serde::{Deserialize, Serialize};

/// The reference template, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PirYaml {
    pub incident_id: String,
    pub severity: String,
    pub date: String,
    pub duration: String,
    pub impact: String,
    pub timeline: Vec<YamlEvent>,
    pub root_cause: String,
    pub contributing_factors: Vec<String>,
    pub action_items: Vec<YamlItem>,
    pub lessons_learned: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YamlEvent {
    pub time: String,
    pub event: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YamlItem {
    pub id: String,
    pub action: String,
    pub owner: String,
    pub due: String,
}

/// The reference agenda: (topic, minutes).
pub const AGENDA: [(&str, i64); 5] = [
    ("Timeline review", 5),
    ("Root cause analysis", 15),
    ("Contributing factors", 10),
    ("Action items", 15),
    ("Lessons learned", 5),
];

/// Most timeline rows (key events) an imported review may have.
pub const MAX_TIMELINE_ROWS: usize = 10_000;
/// Most action items an imported review may have.
pub const MAX_ACTION_ITEMS: usize = 1_000;
/// Most contributing factors, or lessons learned, an imported review may list.
pub const MAX_LIST_ENTRIES: usize = 1_000;
/// Longest incident id an import accepts, in characters.
pub const MAX_INCIDENT_ID_CHARS: usize = 64;
/// Longest incident duration an import accepts: a review covers days, not years.
pub const MAX_DURATION_DAYS: i64 = 366;
/// The years an imported review's dates may fall in.
pub const MIN_YEAR: i32 = 1970;
pub const MAX_YEAR: i32 = 9999;

/// "45m", "2h", "2h30m", "1d4h" — the template's duration form.
pub fn format_duration(seconds: i64) -> String {
    let m = seconds.max(0).saturating_add(30) / 60;
    let (d, h, mm) = (m / 1440, m % 1440 / 60, m % 60);
    let mut out = String::new();
    if d > 0 {
        out.push_str(&format!("{d}d"));
    }
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if mm > 0 || out.is_empty() {
        out.push_str(&format!("{mm}m"));
    }
    out
}

/// Parses the template's duration form ("45m", "2h30m", "1d4h", "90s"): the one grammar
/// of `firebreak_core::duration`, shared with drill scenarios; `None` for anything else,
/// including sums too large to hold.
pub fn parse_duration(s: &str) -> Option<Duration> {
    firebreak_core::duration::parse(s)
}

/// Why `id` cannot be an incident id from a file, if it cannot: ids are ASCII letters,
/// digits, `-`, `_` and `.`, without `..`, starting with a letter or digit, at most
/// [`MAX_INCIDENT_ID_CHARS`] long (they name files and appear in paths and links).
pub fn check_incident_id(id: &str) -> std::result::Result<(), String> {
    if id.is_empty() {
        return Err("incident_id is empty".into());
    }
    if id.chars().count() > MAX_INCIDENT_ID_CHARS {
        return Err(format!("incident_id is longer than {MAX_INCIDENT_ID_CHARS} characters"));
    }
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("incident_id {id:?} contains {c:?}; use ASCII letters, digits, '-', '_' and '.' only"));
    }
    if id.contains("..") {
        return Err(format!("incident_id {id:?} contains \"..\""));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("incident_id {id:?} must start with a letter or digit"));
    }
    Ok(())
}

/// The 1-based line of the top-level `key:` (the first line starting with it), else 1.
fn key_line(text: &str, key: &str) -> usize {
    let prefix = format!("{key}:");
    text.lines().position(|l| l.starts_with(&prefix)).map_or(1, |i| i + 1)
}

/// The 1-based line of the first line at or after `from` that contains `needle`.
/// The 1-based line at or after `from` that contains `needle` (else `from`). Indexes
/// `lines` directly, so finding each of n entries in turn costs O(n) overall.
fn line_of(lines: &[&str], needle: &str, from: usize) -> usize {
    let start = from.saturating_sub(1).min(lines.len());
    lines[start..].iter().position(|l| l.contains(needle)).map_or(from.max(1), |i| start + i + 1)
}

fn refuse(line: usize, what: String) -> ApiError {
    ApiError::invalid(format!("line {line}: {what}"))
}

impl Firebreak {
    pub fn pir_yaml(&self, key: &str) -> Result<PirYaml> {
        let p = self.pir(key)?;
        let inc = &p.incident;
        let start = inc.impact_started_at.unwrap_or(inc.detected_at);
        let section = |f: &str| p.sections.iter().find(|s| s.field == f).map(|s| s.text.clone()).unwrap_or_default();
        let list = |f: &str| section(f).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        let mut events: Vec<_> = p.key_events.iter().filter(|e| e.selected).collect();
        if events.is_empty() {
            events = p.key_events.iter().collect();
        }
        let impact = section("impact");
        Ok(PirYaml {
            incident_id: inc.human_id.clone(),
            severity: inc.severity.clone(),
            date: start.format("%Y-%m-%d").to_string(),
            duration: p.figures.duration.map(format_duration).unwrap_or_default(),
            impact: if impact.is_empty() { inc.summary.clone() } else { impact },
            timeline: events
                .iter()
                .map(|e| YamlEvent { time: e.time.format("%H:%M").to_string(), event: e.text.clone() })
                .collect(),
            root_cause: section("root_cause"),
            contributing_factors: list("contributing_factors"),
            action_items: p
                .action_items
                .iter()
                .map(|a| YamlItem {
                    id: a.item.id.clone(),
                    action: a.item.action.clone(),
                    owner: a.item.owner.clone(),
                    due: a.item.due.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
            lessons_learned: list("lessons_learned"),
        })
    }

    pub fn pir_export_yaml(&self, key: &str) -> Result<String> {
        let y = self.pir_yaml(key)?;
        let body = firebreak_yaml::to_string(&y).map_err(|e| ApiError::invalid(format!("cannot write YAML: {e}")))?;
        // The id may have come from elsewhere: the comment line gets its file-safe form.
        Ok(format!("# pir/{}.yaml\n{body}", crate::export_path::safe_stem(&y.incident_id)))
    }

    /// Imports a review in the template's shape: creates the incident when its id is
    /// unknown here, else updates it. All ops in one transaction. Returns the human id.
    pub fn pir_import_yaml(&mut self, text: &str) -> Result<String> {
        let y: PirYaml = firebreak_yaml::from_str(text, "a review file", firebreak_yaml::Limits::FILE)
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        let line = |key: &str| key_line(text, key);
        let lines: Vec<&str> = text.lines().collect();
        let counts = [
            ("timeline", y.timeline.len(), MAX_TIMELINE_ROWS),
            ("action_items", y.action_items.len(), MAX_ACTION_ITEMS),
            ("contributing_factors", y.contributing_factors.len(), MAX_LIST_ENTRIES),
            ("lessons_learned", y.lessons_learned.len(), MAX_LIST_ENTRIES),
        ];
        for (field, len, max) in counts {
            if len > max {
                return Err(refuse(line(field), format!("{field} has {len} entries; a review has at most {max}")));
            }
        }
        check_incident_id(y.incident_id.trim()).map_err(|why| refuse(line("incident_id"), why))?;
        let policy = self.policy()?;
        // A level of the other built-in preset is read by rank (the reference's P1 template
        // under SEV1–4), and the import says so on the timeline.
        let level = policy.map_level(&y.severity).ok_or_else(|| {
            let ids: Vec<&str> = policy.levels.iter().map(|l| l.id.as_str()).collect();
            refuse(
                line("severity"),
                format!(
                    "severity {:?} is not a level of the policy in force ({}: {}) nor of a built-in preset; `firebreak policy use` another",
                    y.severity,
                    policy.name,
                    ids.join(", ")
                ),
            )
        })?;

        let date = parse_date(&y.date).map_err(|e| refuse(line("date"), e.message))?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
            return Err(refuse(line("date"), format!("date {:?} is not between {MIN_YEAR} and {MAX_YEAR}", y.date)));
        }
        let duration = parse_duration(&y.duration).ok_or_else(|| {
            refuse(line("duration"), format!("duration {:?} is not a duration (write e.g. 45m, 2h30m)", y.duration))
        })?;
        if duration > Duration::days(MAX_DURATION_DAYS) {
            return Err(refuse(
                line("duration"),
                format!("duration {:?} is longer than {MAX_DURATION_DAYS} days", y.duration),
            ));
        }
        // Timeline times are HH:MM on the incident's date, rolling over midnight.
        let mut events: Vec<(DateTime<Utc>, String)> = Vec::new();
        let mut day = date;
        let mut last: Option<NaiveTime> = None;
        let mut from = 1;
        for (i, e) in y.timeline.iter().enumerate() {
            from = line_of(&lines, &e.time, from);
            let t = NaiveTime::parse_from_str(e.time.trim(), "%H:%M")
                .map_err(|_| refuse(from, format!("timeline[{i}].time {:?} is not a time (write HH:MM)", e.time)))?;
            if last.is_some_and(|l| t < l) {
                day = day
                    .succ_opt()
                    .ok_or_else(|| refuse(from, format!("timeline[{i}].time {:?} rolls past the last date", e.time)))?;
            }
            last = Some(t);
            if e.event.trim().is_empty() {
                return Err(refuse(from, format!("timeline[{i}].event is empty")));
            }
            events.push((day.and_time(t).and_utc(), e.event.trim().to_string()));
        }
        let mut items = Vec::new();
        let mut from = 1;
        for (i, a) in y.action_items.iter().enumerate() {
            from = line_of(&lines, &a.id, from);
            if a.id.trim().is_empty() || a.action.trim().is_empty() {
                return Err(refuse(from, format!("action_items[{i}] needs an id and an action")));
            }
            let due = if a.due.trim().is_empty() {
                None
            } else {
                Some(parse_date(&a.due).map_err(|e| refuse(from, format!("action_items[{i}].due: {}", e.message)))?)
            };
            items.push(ActionItem {
                id: a.id.trim().to_string(),
                action: a.action.trim().to_string(),
                owner: a.owner.trim().to_string(),
                due,
                status: "open".into(),
                ..Default::default()
            });
        }
        let start = events.first().map_or_else(|| date.and_time(NaiveTime::MIN).and_utc(), |e| e.0);
        let resolved = start.checked_add_signed(duration).filter(|end| end.year() <= MAX_YEAR).ok_or_else(|| {
            refuse(line("duration"), format!("duration {:?} ends after the year {MAX_YEAR}", y.duration))
        })?;
        self.write_import(&y, level, start, resolved, events, items)
    }

    fn write_import(
        &mut self,
        y: &PirYaml,
        level: firebreak_policy::LevelMatch,
        start: DateTime<Utc>,
        resolved: DateTime<Utc>,
        events: Vec<(DateTime<Utc>, String)>,
        items: Vec<ActionItem>,
    ) -> Result<String> {
        let mapping_note = level.note();
        let severity = level.id;
        let now = self.now();
        let existing = self.store.find(y.incident_id.trim()).ok();
        let mut ops: Vec<(Option<firebreak_core::ids::OpId>, uuid::Uuid, OpPayload)> = Vec::new();
        let id = match &existing {
            Some(inc) => {
                if inc.severity.value != severity {
                    ops.push((
                        None,
                        inc.id,
                        OpPayload::SetSeverity { from: inc.severity.value.clone(), to: severity.clone(), at: start },
                    ));
                }
                inc.id
            }
            None => {
                let id = firebreak_store::Store::new_incident_id(now);
                let title: String = y.impact.trim().chars().take(crate::service::MAX_TITLE_CHARS).collect();
                ops.push((
                    None,
                    id,
                    OpPayload::Declare(Declare {
                        human_id: y.incident_id.trim().to_string(),
                        title: if title.is_empty() { y.incident_id.clone() } else { title },
                        summary: y.impact.trim().to_string(),
                        severity: severity.clone(),
                        services: Vec::new(),
                        drill: false,
                        detected_at: start,
                        suggested: None,
                    }),
                ));
                id
            }
        };
        if let Some(text) = mapping_note {
            ops.push((None, id, OpPayload::AddEntry { kind: EntryKind::Note, at: start, text, decision: None }));
        }
        // Key events: reuse an entry with the same time and text, else add a note; pin all.
        for (at, text) in &events {
            let found = existing.as_ref().and_then(|inc| {
                inc.timeline
                    .values()
                    .find(|e| {
                        e.event_time.format("%Y-%m-%d %H:%M").to_string() == at.format("%Y-%m-%d %H:%M").to_string()
                            && inc.current_text(e) == text
                    })
                    .map(|e| e.id)
            });
            let entry = match found {
                Some(entry) => entry,
                None => {
                    let entry = firebreak_store::Store::new_op_id();
                    let note =
                        OpPayload::AddEntry { kind: EntryKind::Note, at: *at, text: text.clone(), decision: None };
                    ops.push((Some(entry), id, note));
                    entry
                }
            };
            ops.push((None, id, OpPayload::PinEntry { entry, pinned: true }));
        }
        let status = existing.as_ref().map_or(Status::Detected, |i| i.status.value);
        if status < Status::Resolved {
            ops.push((None, id, OpPayload::SetStatus { from: status, to: Status::Resolved, at: resolved }));
        }
        let texts = [
            ("impact", y.impact.trim().to_string()),
            ("root_cause", y.root_cause.clone()),
            ("contributing_factors", y.contributing_factors.join("\n")),
            ("lessons_learned", y.lessons_learned.join("\n")),
        ];
        for (field, text) in texts {
            let parents =
                existing.as_ref().and_then(|i| i.review.texts.get(field)).map(|t| t.head_ids()).unwrap_or_default();
            let current = existing.as_ref().map(|i| i.review.text(field));
            if current.as_deref() != Some(text.as_str()) {
                ops.push((None, id, OpPayload::EditReviewText { field: field.into(), text, parents }));
            }
        }
        for item in items {
            let key = existing.as_ref().and_then(|i| {
                i.review.items().into_iter().find(|(_, it)| it.id == item.id).map(|(k, it)| (k, it.clone()))
            });
            let item = match &key {
                Some((_, old)) => ActionItem {
                    priority: old.priority.clone(),
                    status: old.status.clone(),
                    link: old.link.clone(),
                    ..item
                },
                None => item,
            };
            ops.push((None, id, OpPayload::SetActionItem { key: key.map(|(k, _)| k), item }));
        }
        let author = self.author()?;
        self.store.commit_planned(now, &author, ops)?;
        Ok(y.incident_id.trim().to_string())
    }

    pub fn pir_markdown(&self, key: &str) -> Result<String> {
        Ok(markdown(&self.pir(key)?))
    }

    /// The review meeting as an iCalendar invite with the reference agenda.
    pub fn pir_ics(&self, key: &str, start: Option<DateTime<Utc>>) -> Result<String> {
        let p = self.pir(key)?;
        let start = match start.or(p.meeting_at) {
            Some(s) => s,
            None => self.default_meeting_slot()?,
        };
        Ok(ics(&p, start, self.now()))
    }
}

fn hm(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "unknown".to_string(), format_duration)
}

/// Markdown for wikis and repositories.
pub fn markdown(p: &PirView) -> String {
    let inc = &p.incident;
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    if inc.drill {
        out.push_str("> **DRILL** — this review is of an exercise, not a real incident.\n\n");
    }
    out.push_str(&format!("# Post-incident review: {} — {}\n\n", inc.human_id, inc.title));
    out.push_str("| Incident | Severity | Date | Duration | Status | Review |\n|---|---|---|---|---|---|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} |\n\n",
        inc.human_id,
        inc.severity,
        inc.impact_started_at.unwrap_or(inc.detected_at).format("%Y-%m-%d"),
        hm(p.figures.duration),
        inc.status,
        p.state.as_str().replace('_', " ")
    ));
    out.push_str("## Figures\n\n| Time to detect | Time to acknowledge | Time to mitigate | Time to resolve |\n|---|---|---|---|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n\n",
        hm(p.figures.time_to_detect),
        hm(p.figures.time_to_acknowledge),
        hm(p.figures.time_to_mitigate),
        hm(p.figures.time_to_resolve)
    ));
    let events: Vec<_> = p.key_events.iter().filter(|e| e.selected).collect();
    let events = if events.is_empty() { p.key_events.iter().collect() } else { events };
    out.push_str("## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n");
    for e in events {
        out.push_str(&format!("| {} | {} |\n", e.time.format("%Y-%m-%d %H:%M"), esc(&e.text)));
    }
    out.push('\n');
    for s in &p.sections {
        if s.text.trim().is_empty() {
            continue;
        }
        out.push_str(&format!("## {}\n\n", s.label));
        if s.list {
            for l in s.text.lines().filter(|l| !l.trim().is_empty()) {
                out.push_str(&format!("- {}\n", l.trim()));
            }
        } else {
            out.push_str(s.text.trim());
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "## Review meeting\n\n{}\n\n| Time (UTC) | Agenda | Timebox |\n|---|---|---|\n",
        crate::meeting::meeting_line(p)
    ));
    for (time, topic, mins) in crate::meeting::agenda_rows(p.meeting_at) {
        out.push_str(&format!("| {time} | {topic} | {mins} min |\n"));
    }
    out.push('\n');
    out.push_str("## Action items\n\n| Id | Action | Owner | Due | Priority | Status | Tracker |\n|---|---|---|---|---|---|---|\n");
    for a in &p.action_items {
        let i = &a.item;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            esc(&i.id),
            esc(&i.action),
            esc(&i.owner),
            i.due.map(|d| d.to_string()).unwrap_or_default(),
            esc(&i.priority),
            esc(&i.status),
            esc(&i.link)
        ));
    }
    out
}

pub fn agenda(start: DateTime<Utc>) -> Vec<(DateTime<Utc>, &'static str, i64)> {
    let mut t = start;
    AGENDA
        .iter()
        .map(|(topic, mins)| {
            let row = (t, *topic, *mins);
            t += Duration::minutes(*mins);
            row
        })
        .collect()
}

pub fn ics(p: &PirView, start: DateTime<Utc>, now: DateTime<Utc>) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let inc = &p.incident;
    let rows = agenda(start);
    let end = start + Duration::minutes(AGENDA.iter().map(|(_, m)| m).sum());
    let mut description =
        format!("Post-incident review of {} [{}] {}\n\nAgenda:\n", inc.human_id, inc.severity, inc.title);
    for (t, topic, mins) in &rows {
        description.push_str(&format!("{} UTC  {topic} ({mins} min)\n", t.format("%H:%M")));
    }
    if !p.meeting_attendees.is_empty() {
        description.push_str(&format!("\nAttendees: {}\n", p.meeting_attendees.join(", ")));
    }
    if let Some(due) = p.due {
        description.push_str(&format!("\nReview due by {} UTC.", due.format("%Y-%m-%d %H:%M")));
    }
    let drill = if inc.drill { "[DRILL] " } else { "" };
    let mut event = Event::new();
    event
        .uid(&format!("{}-pir@firebreak", inc.id))
        .summary(&format!("{drill}PIR: {} [{}] {}", inc.human_id, inc.severity, inc.title))
        .description(&description)
        .starts(start)
        .ends(end)
        .timestamp(now);
    // An attendee with an address is invited by it; a plain name as "invalid:nomail", the
    // form calendar programs use for people without an address.
    for name in &p.meeting_attendees {
        let address = if name.contains('@') { format!("mailto:{name}") } else { "invalid:nomail".to_string() };
        let mut attendee = icalendar::Property::new("ATTENDEE", address);
        attendee.add_parameter("CN", name).add_parameter("ROLE", "REQ-PARTICIPANT");
        event.append_multi_property(attendee);
    }
    let event = event.done();
    let mut cal = Calendar::new();
    cal.name("Firebreak post-incident review");
    cal.push(event);
    cal.done().to_string()
}

impl Firebreak {
    /// Writes the review in `format` (pdf, md, yaml, ics) into `dir` as
    /// `<incident>-review.<ext>` (the id reduced to a safe file name, the path checked
    /// to stay in `dir`; see [`crate::export_path`]), atomically; returns the path.
    pub fn export_pir_to(
        &self,
        key: &str,
        format: crate::dto::ExportFormat,
        dir: &std::path::Path,
    ) -> Result<std::path::PathBuf> {
        let human = self.pir(key)?.incident.human_id;
        let file = self.pir_export_file(key, format)?;
        crate::export_path::write_export(dir, &human, "-review", format.ext(), &file.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_template_form_and_parse_back() {
        for (secs, text) in [(45 * 60, "45m"), (7200, "2h"), (9000, "2h30m"), (86_400 + 4 * 3600, "1d4h"), (0, "0m")] {
            assert_eq!(format_duration(secs), text);
            assert_eq!(parse_duration(text).unwrap().num_seconds(), secs);
        }
        assert!(parse_duration("45 minutes").is_none());
        assert!(parse_duration("").is_none());
    }
}
