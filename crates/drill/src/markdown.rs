//! The evaluation as a Markdown report, for the facilitator to share or paste into the
//! review: title, the drill banner, a summary line, the criteria table, the timeline,
//! notes and improvement areas. User text in table cells has `|` escaped and line
//! breaks folded, so a note can never break the table.
use crate::evaluate::Evaluation;
use crate::offset::{format_compact, format_offset};
use chrono::Duration;
use std::fmt::Write as _;

/// The report. Deterministic: the same evaluation always gives the same text.
pub fn evaluation_markdown(evaluation: &Evaluation) -> String {
    let e = evaluation;
    let mut out = String::new();
    let _ = writeln!(out, "# Drill evaluation: {}\n", inline(&e.scenario));
    out.push_str("> **DRILL** — a rehearsal, not a real incident. It counts in no production metric.\n\n");
    let _ = writeln!(
        out,
        "**{} of {} criteria met** · severity {} · started {} · ran {}\n",
        e.met_count,
        e.total,
        inline(&e.severity),
        e.started_at.format("%Y-%m-%d %H:%M UTC"),
        format_compact(e.ran_for.max(Duration::zero())),
    );

    out.push_str("## Success criteria\n\n");
    out.push_str("| Result | Criterion | When | Detail |\n| --- | --- | --- | --- |\n");
    for c in &e.criteria {
        let result = if c.met { "Met" } else { "**Missed**" };
        let when = c.elapsed_seconds.map(|s| format_offset(Duration::seconds(s))).unwrap_or_else(|| "—".to_owned());
        let _ = writeln!(out, "| {result} | {} | {when} | {} |", cell(&c.description), cell(&c.detail));
    }

    out.push_str("\n## Timeline\n\n");
    if e.timeline.is_empty() {
        out.push_str("_No timeline entries._\n");
    } else {
        out.push_str("| Time | Kind | Author | Entry |\n| --- | --- | --- | --- |\n");
        for line in &e.timeline {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                line.offset,
                cell(&line.kind),
                cell(&line.author),
                cell(&line.text)
            );
        }
    }

    out.push_str("\n## Facilitator notes\n\n");
    list(&mut out, &e.facilitator_notes, "- ");

    out.push_str("\n## Improvement areas\n\n");
    if e.improvement_areas.is_empty() {
        out.push_str("_None: every criterion was met._\n");
    } else {
        for (i, item) in e.improvement_areas.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, block(item, "   "));
        }
    }
    out
}

/// A table cell: pipes escaped, backslashes kept literal, line breaks folded to spaces.
fn cell(text: &str) -> String {
    let folded: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    folded.join(" ").replace('\\', "\\\\").replace('|', "\\|")
}

/// Text for a heading or summary line: line breaks folded.
fn inline(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A list item's text: continuation lines indented to stay inside the item.
fn block(text: &str, indent: &str) -> String {
    text.trim().lines().collect::<Vec<_>>().join(&format!("\n{indent}"))
}

fn list(out: &mut String, items: &[String], bullet: &str) {
    if items.is_empty() {
        out.push_str("_None._\n");
        return;
    }
    for item in items {
        let _ = writeln!(out, "{bullet}{}", block(item, "  "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_fold_lines() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("line one\n  line two\n"), "line one line two");
        assert_eq!(cell("C:\\path|x"), "C:\\\\path\\|x");
    }

    #[test]
    fn list_items_keep_continuation_lines_inside() {
        let mut out = String::new();
        list(&mut out, &["first\nsecond".to_owned()], "- ");
        assert_eq!(out, "- first\n  second\n");
    }
}
