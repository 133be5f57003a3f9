//! The computation: one pass over the records, accumulating exact millisecond sums per
//! scope (overall, per severity, per week), then means, rates and target verdicts. Kept
//! apart from the model so the rules (what counts, what is skipped) sit in one place.
use crate::model::{
    seconds, Definitions, Figures, IncidentRecord, MetricsReport, Period, TargetFigures, Targets, WeekFigures,
};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::BTreeMap;

/// Above this many weeks the weekly series is not stretched to the period's bounds, only
/// to the weeks that have incidents (a period of "everything since 1970" stays small).
const MAX_PADDED_WEEKS: i64 = 1_100;
/// Above this many weeks (about 200 years) between the first and the last incident, the
/// weekly series lists only the weeks that have incidents: bad data (a detection time in
/// year 1 and another in year 9999) must not make a series of half a million rows.
const MAX_DATA_WEEKS: i64 = 10_436;

/// Computes the report. Rules, in order:
/// - an incident is in scope when `period` contains its `detected_at` and, with a
///   `severity` filter, its severity equals the filter (ignoring ASCII case);
/// - drill incidents in scope are counted in `excluded_drills` and nothing else;
/// - a negative duration (e.g. acknowledged before detected) is left out of its mean and
///   counted in `skipped_inconsistent`;
/// - `per_severity` lists every level of `levels` in order (zero figures included), then
///   levels found in the data but not in `levels`, alphabetically; a record's severity is
///   matched to a level ignoring ASCII case and reported under the level's spelling;
/// - `weekly` runs over consecutive weeks from the period's first week (or the first
///   week with an incident, when the period has no start) to its last week (or the last
///   week with an incident), empty weeks included; when even the first and the last
///   incident are about 200 years apart (only bad data does that), it lists just the
///   weeks that have incidents.
pub fn compute(
    records: &[IncidentRecord],
    period: &Period,
    severity: Option<&str>,
    levels: &[String],
    targets: &Targets,
) -> MetricsReport {
    let mut overall = Acc::default();
    let mut by_level: Vec<Acc> = vec![Acc::default(); levels.len()];
    let mut other_levels: BTreeMap<String, Acc> = BTreeMap::new();
    let mut by_week: BTreeMap<NaiveDate, Acc> = BTreeMap::new();
    let mut excluded_drills = 0;

    for record in records {
        if !period.contains(record.detected_at) {
            continue;
        }
        if let Some(filter) = severity {
            if !record.severity.eq_ignore_ascii_case(filter) {
                continue;
            }
        }
        if record.drill {
            excluded_drills += 1;
            continue;
        }
        let measures = Measures::of(record);
        overall.add(&measures);
        match levels.iter().position(|l| l.eq_ignore_ascii_case(&record.severity)) {
            Some(i) => by_level[i].add(&measures),
            None => other_levels.entry(record.severity.clone()).or_default().add(&measures),
        }
        by_week.entry(week_of(record.detected_at)).or_default().add(&measures);
    }

    let per_severity = severity_rows(levels, by_level, other_levels, severity, targets);
    let weekly = week_rows(period, by_week, targets);
    MetricsReport {
        period: *period,
        severity: severity.map(str::to_owned),
        definitions: Definitions::standard(),
        overall: overall.figures(targets),
        per_severity,
        weekly,
        targets: TargetFigures::from(targets),
        excluded_drills,
    }
}

/// The Monday 00:00 UTC that starts the week holding `at`.
pub fn week_start(at: DateTime<Utc>) -> DateTime<Utc> {
    week_of(at).and_time(NaiveTime::MIN).and_utc()
}

/// The Monday of `at`'s week; in the first days chrono can represent, which have no
/// Monday before them, the first day itself (such an instant only comes from bad data).
fn week_of(at: DateTime<Utc>) -> NaiveDate {
    let date = at.date_naive();
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday()))).unwrap_or(date)
}

fn severity_rows(
    levels: &[String],
    by_level: Vec<Acc>,
    other_levels: BTreeMap<String, Acc>,
    filter: Option<&str>,
    targets: &Targets,
) -> Vec<(String, Figures)> {
    let mut rows: Vec<(String, Figures)> = levels
        .iter()
        .zip(by_level)
        .filter(|(level, _)| passes(filter, level))
        .map(|(level, acc)| (level.clone(), acc.figures(targets)))
        .collect();
    rows.extend(other_levels.into_iter().map(|(level, acc)| (level, acc.figures(targets))));
    if let (Some(filter), true) = (filter, rows.is_empty()) {
        rows.push((filter.to_owned(), Acc::default().figures(targets)));
    }
    rows
}

/// Whether `level` passes the severity filter (no filter passes every level).
fn passes(filter: Option<&str>, level: &str) -> bool {
    filter.is_none_or(|f| level.eq_ignore_ascii_case(f))
}

fn week_rows(period: &Period, by_week: BTreeMap<NaiveDate, Acc>, targets: &Targets) -> Vec<WeekFigures> {
    let row = |week: NaiveDate, acc: Acc| WeekFigures {
        week_start: week.and_time(NaiveTime::MIN).and_utc(),
        figures: acc.figures(targets),
    };
    let data_first = by_week.keys().next().copied();
    let data_last = by_week.keys().next_back().copied();
    let padded_first = period.from.map(week_of).or(data_first);
    let padded_last =
        period.to.and_then(|to| to.checked_sub_signed(Duration::nanoseconds(1))).map(week_of).or(data_last);
    let fits = |f: NaiveDate, l: NaiveDate, max: i64| f <= l && (l - f).num_weeks() <= max;
    let (first, last) = match (padded_first, padded_last, data_first, data_last) {
        (Some(f), Some(l), _, _) if fits(f, l, MAX_PADDED_WEEKS) => (f, l),
        (_, _, Some(f), Some(l)) if fits(f, l, MAX_DATA_WEEKS) => (f, l),
        // Incidents spread over more weeks than a chart can show (only bad data does
        // that): the weeks that have incidents, without the empty ones between.
        _ => return by_week.into_iter().map(|(week, acc)| row(week, acc)).collect(),
    };
    let mut by_week = by_week;
    let mut rows = Vec::new();
    let mut week = first;
    while week <= last {
        rows.push(row(week, by_week.remove(&week).unwrap_or_default()));
        match week.checked_add_days(Days::new(7)) {
            Some(next) => week = next,
            None => break,
        }
    }
    rows
}

/// What one incident contributes: each duration in milliseconds, `Err(())` when
/// negative, `None` when it cannot be measured.
struct Measures {
    mtta: Option<Result<i64, ()>>,
    mttd: Option<Result<i64, ()>>,
    mttr: Option<Result<i64, ()>>,
    pir_required: bool,
    pir_completed: bool,
    pir_on_time: bool,
}

impl Measures {
    fn of(r: &IncidentRecord) -> Self {
        let span = |from: DateTime<Utc>, to: DateTime<Utc>| {
            let ms = (to - from).num_milliseconds();
            if ms < 0 {
                Err(())
            } else {
                Ok(ms)
            }
        };
        let start = r.impact_started_at.unwrap_or(r.detected_at);
        let completed = r.pir_required && r.pir_completed_at.is_some();
        let on_time = match (r.pir_completed_at, r.pir_due) {
            (Some(done), Some(due)) => done <= due,
            (Some(_), None) => true,
            (None, _) => false,
        };
        Measures {
            mtta: r.acknowledged_at.map(|ack| span(r.detected_at, ack)),
            mttd: r.impact_started_at.map(|impact| span(impact, r.detected_at)),
            mttr: r.resolved_at.map(|resolved| span(start, resolved)),
            pir_required: r.pir_required,
            pir_completed: completed,
            pir_on_time: completed && on_time,
        }
    }
}

/// Exact sums for one scope.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    incidents: usize,
    mtta: Mean,
    mttd: Mean,
    mttr: Mean,
    pir_required: usize,
    pir_completed: usize,
    pir_on_time: usize,
    skipped: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum_ms: i128,
    count: usize,
}

impl Mean {
    fn add(&mut self, value: Option<Result<i64, ()>>, skipped: &mut usize) {
        match value {
            Some(Ok(ms)) => {
                self.sum_ms += i128::from(ms);
                self.count += 1;
            }
            Some(Err(())) => *skipped += 1,
            None => {}
        }
    }

    fn seconds(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ms as f64 / self.count as f64 / 1000.0)
    }
}

impl Acc {
    fn add(&mut self, m: &Measures) {
        self.incidents += 1;
        self.mtta.add(m.mtta, &mut self.skipped);
        self.mttd.add(m.mttd, &mut self.skipped);
        self.mttr.add(m.mttr, &mut self.skipped);
        self.pir_required += usize::from(m.pir_required);
        self.pir_completed += usize::from(m.pir_completed);
        self.pir_on_time += usize::from(m.pir_on_time);
    }

    fn figures(&self, targets: &Targets) -> Figures {
        let rate = |n: usize| (self.pir_required > 0).then(|| n as f64 * 100.0 / self.pir_required as f64);
        let below = |mean: Option<f64>, target: Duration| mean.map(|m| m < seconds(target));
        let (mtta, mttd, mttr) = (self.mtta.seconds(), self.mttd.seconds(), self.mttr.seconds());
        let completion = rate(self.pir_completed);
        Figures {
            incidents: self.incidents,
            mtta_seconds: mtta,
            mtta_count: self.mtta.count,
            mttd_seconds: mttd,
            mttd_count: self.mttd.count,
            mttr_seconds: mttr,
            mttr_count: self.mttr.count,
            pir_required: self.pir_required,
            pir_completed: self.pir_completed,
            pir_completed_on_time: self.pir_on_time,
            pir_completion_rate: completion,
            pir_on_time_rate: rate(self.pir_on_time),
            mtta_met: below(mtta, targets.mtta),
            mttd_met: below(mttd, targets.mttd),
            mttr_met: below(mttr, targets.mttr),
            pir_met: completion.map(|r| r >= targets.pir_completion_rate),
            skipped_inconsistent: self.skipped,
        }
    }
}
