//! The report as CSV for spreadsheets: one row per scope (overall, each severity, each
//! week) under a header row. RFC 4180: CRLF line ends, a field quoted only when it holds
//! a comma, a quote or a line break, quotes doubled. Written by hand (a dozen lines)
//! rather than pulling in a CSV crate for a writer this small.
use crate::model::{Figures, MetricsReport};
use std::fmt::Write as _;

/// The header row's columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "scope",
    "key",
    "incidents",
    "mtta_seconds",
    "mtta_count",
    "mttd_seconds",
    "mttd_count",
    "mttr_seconds",
    "mttr_count",
    "pir_required",
    "pir_completed",
    "pir_completed_on_time",
    "pir_completion_rate",
    "pir_on_time_rate",
    "mtta_met",
    "mttd_met",
    "mttr_met",
    "pir_met",
    "skipped_inconsistent",
];

/// The report as CSV. `scope` is `overall`, `severity` or `week`; `key` is empty, the
/// level id, or the week's Monday as `YYYY-MM-DD`. Durations are in seconds (to the
/// millisecond), rates in percent, verdicts `true`/`false`; an absent figure is empty.
pub fn to_csv(report: &MetricsReport) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_COLUMNS.iter().map(|c| c.to_string()));
    push_row(&mut out, figure_row("overall", "", &report.overall));
    for (level, figures) in &report.per_severity {
        push_row(&mut out, figure_row("severity", level, figures));
    }
    for week in &report.weekly {
        let key = week.week_start.format("%Y-%m-%d").to_string();
        push_row(&mut out, figure_row("week", &key, &week.figures));
    }
    out
}

fn figure_row(scope: &str, key: &str, f: &Figures) -> impl Iterator<Item = String> {
    [
        scope.to_owned(),
        key.to_owned(),
        f.incidents.to_string(),
        number(f.mtta_seconds),
        f.mtta_count.to_string(),
        number(f.mttd_seconds),
        f.mttd_count.to_string(),
        number(f.mttr_seconds),
        f.mttr_count.to_string(),
        f.pir_required.to_string(),
        f.pir_completed.to_string(),
        f.pir_completed_on_time.to_string(),
        number(f.pir_completion_rate),
        number(f.pir_on_time_rate),
        verdict(f.mtta_met),
        verdict(f.mttd_met),
        verdict(f.mttr_met),
        verdict(f.pir_met),
        f.skipped_inconsistent.to_string(),
    ]
    .into_iter()
}

/// Plain decimal, rounded to three places, no exponent, no trailing zeros.
fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => {
            let text = format!("{:.3}", v);
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text == "-0" {
                "0".to_owned()
            } else {
                text.to_owned()
            }
        }
        _ => String::new(),
    }
}

fn verdict(value: Option<bool>) -> String {
    value.map(|b| b.to_string()).unwrap_or_default()
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            let _ = write!(out, "\"{}\"", field.replace('"', "\"\""));
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain() {
        assert_eq!(number(Some(192.0)), "192");
        assert_eq!(number(Some(192.5)), "192.5");
        assert_eq!(number(Some(1.0 / 3.0)), "0.333");
        assert_eq!(number(Some(1e12)), "1000000000000");
        assert_eq!(number(Some(-0.0001)), "0");
        assert_eq!(number(None), "");
        assert_eq!(number(Some(f64::NAN)), "");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let mut out = String::new();
        let fields = ["a", "b,c", "say \"hi\"", "two\nlines", ""];
        push_row(&mut out, fields.iter().map(|s| s.to_string()));
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
    }
}
