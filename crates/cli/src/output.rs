//! Text output for people: tables and the incident page, times in the local zone.
use chrono::{DateTime, Local, Utc};
use firebreak_api::dto::{ChecklistView, IncidentDetail, IncidentSummary, TimersView};
use firebreak_policy::DeadlineState;

pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// "3d 4h", "2h 05m", "14m", "40s".
pub fn age(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    let (days, hours, mins) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        format!("{s}s")
    }
}

pub fn incident_table(list: &[IncidentSummary], now: DateTime<Utc>) -> String {
    if list.is_empty() {
        return "no incidents".to_string();
    }
    let w = list.iter().map(|i| i.human_id.len()).max().unwrap_or(0).max(2);
    let mut out = format!("{:<w$}  {:<5} {:<13} {:>7}  TITLE", "ID", "SEV", "STATUS", "AGE");
    for i in list {
        out.push_str(&format!(
            "\n{:<w$}  {:<5} {:<13} {:>7}  {}{}",
            i.human_id,
            i.severity,
            i.status.as_str(),
            age(now - i.detected_at),
            if i.drill { "[DRILL] " } else { "" },
            i.title
        ));
    }
    out
}

/// The lifecycle steps the incident has reached, each with its time or "time unknown"
/// (a step a jump to resolved skipped); `None` while it is still detected.
fn reached(i: &IncidentDetail) -> Option<String> {
    use firebreak_core::incident::Status;
    let m = &i.milestones;
    let steps = [
        ("acknowledged", Status::Acknowledged, m.acknowledged_at),
        ("investigating", Status::Investigating, m.investigating_at),
        ("mitigated", Status::Mitigated, m.mitigated_at),
        ("resolved", Status::Resolved, m.resolved_at),
        ("closed", Status::Closed, m.closed_at),
    ];
    let shown: Vec<String> = steps
        .iter()
        .filter(|(_, status, at)| at.is_some() || i.status >= *status)
        .map(|(name, _, at)| format!("{name} {}", at.map_or_else(|| "(time unknown)".to_string(), local)))
        .collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

pub fn incident_detail(i: &IncidentDetail) -> String {
    let mut out = format!(
        "{}{}  [{}] {}\nstatus:   {}\ndetected: {} (declared by {})\n",
        if i.drill { "[DRILL] " } else { "" },
        i.human_id,
        i.severity,
        i.title,
        i.status,
        local(i.detected_at),
        i.declared_by
    );
    if let Some(line) = reached(i) {
        out.push_str(&format!("reached:  {line}\n"));
    }
    if let Some(t) = i.impact_started_at {
        out.push_str(&format!("impact:   since {}\n", local(t)));
    }
    if !i.services.is_empty() {
        out.push_str(&format!("services: {}\n", i.services.join(", ")));
    }
    if !i.summary.is_empty() {
        out.push_str(&format!("summary:  {}\n", i.summary));
    }
    if !i.roles.is_empty() {
        let roles: Vec<String> = i.roles.iter().map(|r| format!("{}: {}", r.role, r.person)).collect();
        out.push_str(&format!("roles:    {}\n", roles.join(", ")));
    }
    for t in i.tasks.iter().filter(|t| t.done_at.is_none()) {
        out.push_str(&format!(
            "task:     {} — {} (check back {}) [{}]\n",
            t.owner,
            t.text,
            local(t.check_back_at),
            &t.id[..8]
        ));
    }
    if let Some(h) = &i.last_handoff {
        out.push_str(&format!("handoff:  {} → {} at {}\n", h.from, h.to, local(h.at)));
    }
    for line in i.missing.lines() {
        out.push_str(&format!("missing:  {line}\n"));
    }
    out.push_str(&format!("id:       {}\n\ntimeline:", i.id));
    if i.timeline.is_empty() {
        out.push_str(" (empty)");
    }
    for e in &i.timeline {
        let revised = if e.revisions > 0 { format!(" (revised {}×)", e.revisions) } else { String::new() };
        out.push_str(&format!(
            "\n  {}  {:<15} {:<12} {}{}",
            local(e.event_time),
            e.kind.as_str(),
            e.author,
            e.text,
            revised
        ));
    }
    out
}

/// "-1h 05m" when overdue, "12m" when ahead.
pub fn signed(d: chrono::Duration) -> String {
    if d < chrono::Duration::zero() {
        format!("-{}", age(-d))
    } else {
        age(d)
    }
}

pub fn timers(t: &TimersView) -> String {
    let mut out = format!("{}  [{}]  clocks at {}\n", t.human_id, t.severity, local(t.at));
    if t.deadlines.is_empty() {
        out.push_str("no clocks: the severity is not in the policy in force");
        return out;
    }
    let w = t.deadlines.iter().map(|d| d.label.chars().count()).max().unwrap_or(5).max(5);
    out.push_str(&format!("{:<w$}  {:<26}  {:<28}  LEFT", "CLOCK", "DUE", "STATE"));
    for d in &t.deadlines {
        let (state, left) = match &d.state {
            DeadlineState::Pending => ("pending".to_string(), signed(d.remaining(t.at))),
            DeadlineState::DueSoon => ("DUE SOON".to_string(), signed(d.remaining(t.at))),
            DeadlineState::Breached { at } => {
                (format!("BREACHED at {}", at.with_timezone(&Local).format("%H:%M")), signed(d.remaining(t.at)))
            }
            DeadlineState::Met { at, on_time } => (
                format!(
                    "met {} {}",
                    at.with_timezone(&Local).format("%m-%d %H:%M"),
                    if *on_time { "(on time)" } else { "(late)" }
                ),
                "-".into(),
            ),
            DeadlineState::Withdrawn { .. } => ("withdrawn".to_string(), "-".into()),
        };
        let source = if d.from_reference { "" } else { "  [team default]" };
        out.push_str(&format!("\n{:<w$}  {:<26}  {:<28}  {}{}", d.label, local(d.due), state, left, source));
        if !d.earlier_breaches.is_empty() {
            out.push_str(&format!("  (earlier breaches: {})", d.earlier_breaches.len()));
        }
    }
    out
}

pub fn checklists(lists: &[ChecklistView]) -> String {
    let mut out = String::new();
    let mut n = 0;
    for l in lists {
        out.push_str(&format!("{}\n", l.name));
        for i in &l.items {
            n += 1;
            let mark = match (&i.checked_by, i.checked_at) {
                (Some(by), Some(at)) => format!("[x] {}  ({by}, {})", i.item, local(at)),
                _ => format!("[ ] {}", i.item),
            };
            out.push_str(&format!("{n:>3}. {mark}\n"));
        }
    }
    out.trim_end().to_string()
}

fn mins(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_string(), |v| age(chrono::Duration::seconds(v.round() as i64)))
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✓",
        Some(false) => "✗",
        None => " ",
    }
}

pub fn metrics(r: &firebreak_metrics::MetricsReport) -> String {
    let t = &r.targets;
    let mut out =
        format!("{:<10} {:>9} {:>12} {:>12} {:>12} {:>10}\n", "SCOPE", "INCIDENTS", "MTTA", "MTTD", "MTTR", "PIR DONE");
    let mut row = |name: &str, f: &firebreak_metrics::Figures| {
        out.push_str(&format!(
            "{:<10} {:>9} {:>10} {} {:>10} {} {:>10} {} {:>9} {}\n",
            name,
            f.incidents,
            mins(f.mtta_seconds),
            verdict(f.mtta_met),
            mins(f.mttd_seconds),
            verdict(f.mttd_met),
            mins(f.mttr_seconds),
            verdict(f.mttr_met),
            f.pir_completion_rate.map_or_else(|| "—".to_string(), |p| format!("{p:.0}%")),
            verdict(f.pir_met)
        ));
    };
    row("overall", &r.overall);
    for (level, f) in &r.per_severity {
        row(level, f);
    }
    out.push_str(&format!(
        "targets: MTTA < {}, MTTD < {}, MTTR < {}, PIR completion ≥ {:.0}%; {} drill incident(s) not counted",
        mins(Some(t.mtta_seconds)),
        mins(Some(t.mttd_seconds)),
        mins(Some(t.mttr_seconds)),
        t.pir_completion_rate,
        r.excluded_drills
    ));
    out
}
