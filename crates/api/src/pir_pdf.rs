//! The review as a PDF worth sending to an executive: the review view mapped onto the
//! generic layout engine of crates/pdf (title block, metadata, figures, a timeline
//! chart and table, the narrative sections, action items; running header, page X of Y).
use crate::pir::PirView;
use crate::pir_io::format_duration;
use crate::{ApiError, ErrorCode, Firebreak, Result};
use chrono::{DateTime, Utc};
use firebreak_pdf::{Align, Banner, Block, Column, Document, Rgb, Table, Timeline, TimelineEvent, Tone};

fn hm(s: Option<i64>) -> String {
    s.map_or_else(|| "unknown".to_string(), format_duration)
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn document(p: &PirView, author: &str, now: DateTime<Utc>) -> Document {
    let inc = &p.incident;
    let section = |f: &str| p.sections.iter().find(|s| s.field == f);
    let mut blocks = vec![Block::KeyValue(vec![
        ("Incident".into(), inc.human_id.clone()),
        ("Severity".into(), inc.severity.clone()),
        ("Date".into(), inc.impact_started_at.unwrap_or(inc.detected_at).format("%Y-%m-%d").to_string()),
        ("Duration".into(), hm(p.figures.duration)),
        (
            "Impact".into(),
            section("impact").map(|s| s.text.clone()).filter(|t| !t.is_empty()).unwrap_or_else(|| inc.summary.clone()),
        ),
        ("Status".into(), format!("{} · review {}", inc.status, p.state.as_str().replace('_', " "))),
        (
            "Review due".into(),
            p.due.map(utc).unwrap_or_else(|| if p.required { "—".into() } else { "not required".into() }),
        ),
        ("Services".into(), if inc.services.is_empty() { "—".into() } else { inc.services.join(", ") }),
    ])];
    blocks.push(Block::heading(1, "Figures"));
    blocks.push(Block::Table(Table {
        columns: vec![
            Column::new("Time to detect", 1.0).align(Align::Center),
            Column::new("Time to acknowledge", 1.0).align(Align::Center),
            Column::new("Time to mitigate", 1.0).align(Align::Center),
            Column::new("Time to resolve", 1.0).align(Align::Center),
        ],
        rows: vec![vec![
            hm(p.figures.time_to_detect),
            hm(p.figures.time_to_acknowledge),
            hm(p.figures.time_to_mitigate),
            hm(p.figures.time_to_resolve),
        ]],
    }));
    let impact_text = section("impact").map(|s| s.text.trim().to_string()).unwrap_or_default();
    for s in p.sections.iter().filter(|s| ["summary", "impact"].contains(&s.field.as_str())) {
        let repeats_impact = s.field == "summary" && s.text.trim() == impact_text;
        if !s.text.trim().is_empty() && !repeats_impact {
            blocks.push(Block::heading(1, s.label.clone()));
            blocks.push(Block::paragraph(s.text.trim()));
        }
    }
    let selected: Vec<_> = p.key_events.iter().filter(|e| e.selected).collect();
    let events = if selected.is_empty() { p.key_events.iter().collect() } else { selected };
    blocks.push(Block::heading(1, "Timeline"));
    if events.len() >= 2 {
        blocks.push(Block::Timeline(Timeline::utc(
            events.iter().map(|e| TimelineEvent::new(e.time, e.text.clone())).collect(),
        )));
    }
    blocks.push(Block::Table(Table {
        columns: vec![Column::new("Time (UTC)", 1.2), Column::new("Event", 4.0)],
        rows: events.iter().map(|e| vec![e.time.format("%Y-%m-%d %H:%M").to_string(), e.text.clone()]).collect(),
    }));
    let groups: [(&str, &[&str]); 4] = [
        (
            "Root cause analysis",
            &["root_cause", "contributing_factors", "technical_factors", "process_factors", "communication_factors"],
        ),
        ("Resolution", &["resolution", "effectiveness", "workarounds"]),
        ("Preventive measures", &["preventive_technical", "preventive_process", "preventive_monitoring"]),
        ("Lessons learned", &["lessons_learned"]),
    ];
    for (title, fields) in groups {
        let filled: Vec<_> = fields.iter().filter_map(|f| section(f)).filter(|s| !s.text.trim().is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        blocks.push(Block::heading(1, title));
        for s in filled {
            if s.field != "lessons_learned" {
                blocks.push(Block::heading(2, s.label.trim_start_matches("Preventive measures: ").to_string()));
            }
            if s.conflict {
                blocks.push(Block::callout(
                    "Concurrent edits",
                    "Two versions of this section were written apart; both are kept below until merged.",
                    Tone::Warning,
                ));
            }
            if s.list {
                blocks.push(Block::Bullets(
                    s.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
                ));
            } else {
                blocks.push(Block::paragraph(s.text.trim()));
            }
        }
    }
    blocks.push(Block::heading(1, "Review meeting"));
    blocks.push(Block::paragraph(crate::meeting::meeting_line(p)));
    blocks.push(Block::Table(Table {
        columns: vec![
            Column::new("Time (UTC)", 1.0),
            Column::new("Agenda", 3.0),
            Column::new("Timebox", 1.0).align(Align::Right),
        ],
        rows: crate::meeting::agenda_rows(p.meeting_at)
            .into_iter()
            .map(|(time, topic, mins)| vec![time, topic.to_string(), format!("{mins} min")])
            .collect(),
    }));
    blocks.push(Block::heading(1, "Action items"));
    if p.action_items.is_empty() {
        blocks.push(Block::paragraph("No action items recorded."));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                Column::new("Id", 0.9),
                Column::new("Action", 3.0),
                Column::new("Owner", 1.1),
                Column::new("Due", 1.45),
                Column::new("Priority", 1.05),
                Column::new("Status", 1.0),
                Column::new("Tracker", 1.3),
            ],
            rows: p
                .action_items
                .iter()
                .map(|a| {
                    let i = &a.item;
                    vec![
                        i.id.clone(),
                        i.action.clone(),
                        i.owner.clone(),
                        i.due.map(|d| d.to_string()).unwrap_or_default(),
                        i.priority.clone(),
                        i.status.clone(),
                        i.link.clone(),
                    ]
                })
                .collect(),
        }));
    }
    Document {
        title: format!("Post-incident review · {}", inc.human_id),
        subtitle: Some(format!("[{}] {}", inc.severity, inc.title)),
        author: author.to_string(),
        subject: format!("Post-incident review of {}", inc.human_id),
        keywords: vec![inc.human_id.clone(), inc.severity.clone(), "post-incident review".into()],
        created: now,
        running_header: format!("{} · {} · Post-incident review", inc.human_id, inc.severity),
        banner: inc
            .drill
            .then(|| Banner { text: "DRILL — an exercise, not a real incident".into(), colour: Rgb::hex(0x7B3FE4) }),
        blocks,
    }
}

impl Firebreak {
    pub fn pir_pdf(&self, key: &str) -> Result<Vec<u8>> {
        let p = self.pir(key)?;
        let doc = document(&p, &self.author()?, self.now());
        let rendered = firebreak_pdf::render(&doc)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the PDF could not be made: {e}")))?;
        Ok(rendered.bytes)
    }
}
