//! A small horizontal timeline chart drawn with lines and circles: events placed by time on
//! an axis with round-numbered ticks. When every label fits, each event gets a flag (time
//! and up to two lines of text) on one of two rows above or below the axis, with no flag
//! overlapping another or another's stem. Otherwise the events are numbered on the axis and
//! listed in a two-column legend under it, so no label is ever cut short; past
//! `LEGEND_MAX` events the rest keep unnumbered dots and a warning says so. The numbers sit
//! in pills on one row above the axis: events too close to number apart share a pill
//! ("5–9") with a leader to each, so numbers never overlap however dense the events.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Timelike, Utc};

use crate::error::Warning;
use crate::flow::{Flow, Font};
use crate::fonts::Weight;
use crate::model::{Align, Rgb, Timeline};
use crate::text::Wrapped;
use crate::theme::{
    ACCENT, BOX_FILL, CHART_LEADING, CHART_SIZE, CONTENT_WIDTH, MARGIN_LEFT, MUTED, PARAGRAPH_GAP, TEXT, WHITE,
};

const PAD: f32 = 10.0;
const FLAG_WIDTH: f32 = 92.0;
const FLAG_HEIGHT: f32 = 3.0 * CHART_LEADING;
const ROW_GAP: f32 = 4.0;
const STEM_GAP: f32 = 9.0;
const TICK_BAND: f32 = 16.0;
const AXIS_INSET: f32 = 24.0;
const LEVELS_PER_SIDE: usize = 2;
const MARKER_RADIUS: f32 = 5.6;
const MARKER_RISE: f32 = 14.0;
const LEGEND_MAX: usize = 24;
const LEGEND_GUTTER: f32 = 18.0;
const AXIS: Rgb = Rgb::hex(0x9AA5B1);

const TIME: Font = Font { weight: Weight::Bold, size: CHART_SIZE, leading: CHART_LEADING, colour: ACCENT };
const LABEL: Font = Font { weight: Weight::Regular, colour: TEXT, ..TIME };
const SMALL: Font = Font { weight: Weight::Regular, size: 6.5, leading: CHART_LEADING, colour: MUTED };
const NUMBER: Font = Font { weight: Weight::Bold, size: 6.0, leading: CHART_LEADING, colour: WHITE };

/// One event, measured and placed.
struct Mark {
    /// Index into `Timeline::events`.
    event: usize,
    x: f32,
    time: String,
    label: Wrapped,
    /// Flag mode: `(above, level)`. Legend mode: `(false, marker level)`.
    place: Option<(bool, usize)>,
    /// Flag box `[left, right]` (flag mode only).
    extent: (f32, f32),
}

struct Plan {
    marks: Vec<Mark>,
    flags: bool,
    /// Flag mode: rows used above and below. Legend mode: marker levels and legend height.
    above: usize,
    below: f32,
}

fn axis_span() -> (f32, f32) {
    (MARGIN_LEFT + AXIS_INSET, MARGIN_LEFT + CONTENT_WIDTH - AXIS_INSET)
}

fn legend_column_width() -> f32 {
    (CONTENT_WIDTH - 2.0 * PAD - 16.0) / 2.0
}

fn plan(flow: &mut Flow<'_>, timeline: &Timeline) -> Plan {
    let (x0, x1) = axis_span();
    let (first, last) = time_range(timeline);
    let span = (last - first).num_milliseconds() as f32;
    let mut order: Vec<usize> = (0..timeline.events.len()).collect();
    order.sort_by_key(|&i| timeline.events[i].at);
    let mut marks: Vec<Mark> = order
        .iter()
        .map(|&i| {
            let event = &timeline.events[i];
            let x = if span <= 0.0 {
                (x0 + x1) / 2.0
            } else {
                x0 + (event.at - first).num_milliseconds() as f32 / span * (x1 - x0)
            };
            Mark {
                event: i,
                x,
                time: event.at.with_timezone(&timeline.offset).format("%H:%M").to_string(),
                label: flow.wrap(&event.label, LABEL, FLAG_WIDTH),
                place: None,
                extent: (x, x),
            }
        })
        .collect();
    if let Some(above) = place_flags(flow, &mut marks) {
        let below =
            marks.iter().filter_map(|m| m.place).filter(|(up, _)| !up).map(|(_, level)| level + 1).max().unwrap_or(0);
        return Plan { marks, flags: true, above, below: TICK_BAND + rows(below) };
    }
    // Legend mode: numbers in pills on one row (see `pills`), labels in the legend.
    let legend_width = legend_column_width() - LEGEND_GUTTER;
    for mark in marks.iter_mut().take(LEGEND_MAX) {
        mark.place = Some((false, 1));
        let time_width = flow.measure(&mark.time, TIME) + 4.0;
        let label = &timeline.events[mark.event].label;
        mark.label = flow.wrap(label, LABEL, legend_width - time_width);
    }
    let levels = 2;
    let entries: Vec<f32> =
        marks.iter().take(LEGEND_MAX).map(|m| m.label.lines.len() as f32 * CHART_LEADING + 2.0).collect();
    let half = entries.len().div_ceil(2);
    let left: f32 = entries[..half].iter().sum();
    let right: f32 = entries[half..].iter().sum();
    Plan { marks, flags: false, above: levels, below: TICK_BAND + left.max(right) }
}

/// Places every flag, or returns `None` if one has no room (or needs over two lines).
/// Returns the number of rows used above the axis.
fn place_flags(flow: &mut Flow<'_>, marks: &mut [Mark]) -> Option<usize> {
    let right_edge = MARGIN_LEFT + CONTENT_WIDTH - 4.0;
    let mut placed: Vec<(bool, usize, f32, f32, f32)> = Vec::new();
    for mark in marks.iter_mut() {
        if mark.label.lines.len() > 2 {
            return None;
        }
        let width = (mark.label.lines.iter().map(|l| l.width).fold(0.0, f32::max) * LABEL.size)
            .max(flow.measure(&mark.time, TIME));
        let x = mark.x;
        let (left, right) =
            if x + 3.0 + width <= right_edge { (x - 1.0, x + 3.0 + width) } else { (x - 3.0 - width, x + 1.0) };
        let candidates = (0..LEVELS_PER_SIDE).flat_map(|level| [(true, level), (false, level)]);
        let mut found = None;
        for (above, level) in candidates {
            let free = placed.iter().all(|&(a, l, pl, pr, px)| {
                if a != above {
                    return true;
                }
                let boxes_apart = l != level || right + 6.0 <= pl || pr + 6.0 <= left;
                // A stem crosses every row nearer the axis than its own flag.
                let my_stem_clear = l >= level || x < pl - 2.0 || x > pr + 2.0;
                let their_stem_clear = level >= l || px < left - 2.0 || px > right + 2.0;
                boxes_apart && my_stem_clear && their_stem_clear
            });
            if free {
                found = Some((above, level));
                break;
            }
        }
        let (above, level) = found?;
        placed.push((above, level, left, right, x));
        mark.place = Some((above, level));
        mark.extent = (left, right);
    }
    let above = placed.iter().filter(|p| p.0).map(|p| p.1 + 1).max().unwrap_or(0);
    Some(above.max(1))
}

fn rows(count: usize) -> f32 {
    count as f32 * (FLAG_HEIGHT + ROW_GAP)
}

fn time_range(timeline: &Timeline) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = timeline.events.iter().map(|e| e.at).min();
    let last = timeline.events.iter().map(|e| e.at).max();
    first.zip(last).unwrap_or((DateTime::UNIX_EPOCH, DateTime::UNIX_EPOCH))
}

/// (axis offset from the chart's top, total height).
fn geometry(plan: &Plan) -> (f32, f32) {
    let above = if plan.flags {
        rows(plan.above) + STEM_GAP
    } else {
        MARKER_RADIUS + (plan.above - 1) as f32 * MARKER_RISE + 6.0
    };
    let axis = PAD + above;
    (axis, axis + plan.below + 4.0 + CHART_LEADING + PAD)
}

/// The height the chart takes on the page.
pub(crate) fn height(flow: &mut Flow<'_>, timeline: &Timeline) -> f32 {
    geometry(&plan(flow, timeline)).1
}

pub(crate) fn timeline(flow: &mut Flow<'_>, timeline: &Timeline) {
    let plan = plan(flow, timeline);
    let (axis_offset, height) = geometry(&plan);
    flow.begin(height);
    let top = flow.y;
    let axis = top + axis_offset;
    let (x0, x1) = axis_span();
    flow.page.fill_rect(MARGIN_LEFT, top, CONTENT_WIDTH, height, BOX_FILL);
    flow.page.line((x0 - 10.0, axis), (x1 + 10.0, axis), 1.0, AXIS);
    draw_ticks(flow, timeline, axis);
    if plan.flags {
        draw_flags(flow, &plan, axis);
    } else {
        draw_legend(flow, &plan, axis);
    }
    let labelled = plan.marks.iter().filter(|m| m.place.is_some()).count();
    let caption = caption(timeline, labelled);
    flow.draw_text(&caption, SMALL, MARGIN_LEFT + PAD, top + height - PAD - CHART_LEADING);
    if labelled < timeline.events.len() {
        flow.diag.push(Warning::ChartLabelsOmitted { shown: labelled, total: timeline.events.len() });
    }
    flow.y = top + height;
    flow.gap(PARAGRAPH_GAP + 3.0);
}

fn draw_flags(flow: &mut Flow<'_>, plan: &Plan, axis: f32) {
    for mark in &plan.marks {
        let Some((above, level)) = mark.place else {
            continue;
        };
        let flag_top = if above {
            axis - STEM_GAP - FLAG_HEIGHT - level as f32 * (FLAG_HEIGHT + ROW_GAP)
        } else {
            axis + TICK_BAND + level as f32 * (FLAG_HEIGHT + ROW_GAP)
        };
        let stem_end = if above { flag_top + FLAG_HEIGHT } else { flag_top - 2.0 };
        flow.page.line((mark.x, axis), (mark.x, stem_end), 0.5, AXIS);
        let (left, right) = mark.extent;
        let (x, align) = if right > mark.x + 2.0 { (mark.x + 3.0, Align::Left) } else { (left, Align::Right) };
        let width = right - left - 4.0;
        let time = flow.wrap(&mark.time, TIME, f32::INFINITY);
        flow.draw_line(&time, 0, TIME, x, width, align, TIME.baseline(flag_top));
        for line in 0..mark.label.lines.len() {
            let baseline = LABEL.baseline(flag_top + (line + 1) as f32 * CHART_LEADING);
            flow.draw_line(&mark.label, line, LABEL, x, width, align, baseline);
        }
    }
    for mark in &plan.marks {
        flow.page.circle(mark.x, axis, 3.2, ACCENT, WHITE, 1.0);
    }
}

fn draw_legend(flow: &mut Flow<'_>, plan: &Plan, axis: f32) {
    for mark in plan.marks.iter().filter(|m| m.place.is_none()) {
        flow.page.circle(mark.x, axis, 2.2, AXIS, WHITE, 0.6);
    }
    let numbered: Vec<f32> = plan.marks.iter().filter(|m| m.place.is_some()).map(|m| m.x).collect();
    let y = axis - MARKER_RISE;
    for pill in pills(&numbered, &mut |text| flow.measure(text, NUMBER)) {
        for &x in &numbered[pill.first..=pill.last] {
            flow.page.circle(x, axis, 1.8, ACCENT, WHITE, 0.4);
            flow.page.line((x, axis), (x.clamp(pill.left + 2.0, pill.right - 2.0), y + MARKER_RADIUS), 0.5, AXIS);
        }
        let width = pill.right - pill.left;
        if width <= 2.0 * MARKER_RADIUS + 0.01 {
            flow.page.circle(pill.left + MARKER_RADIUS, y, MARKER_RADIUS, ACCENT, WHITE, 0.8);
        } else {
            flow.page.fill_rect(
                pill.left + MARKER_RADIUS,
                y - MARKER_RADIUS,
                width - 2.0 * MARKER_RADIUS,
                2.0 * MARKER_RADIUS,
                ACCENT,
            );
            flow.page.circle(pill.left + MARKER_RADIUS, y, MARKER_RADIUS, ACCENT, ACCENT, 0.0);
            flow.page.circle(pill.right - MARKER_RADIUS, y, MARKER_RADIUS, ACCENT, ACCENT, 0.0);
        }
        let text_width = flow.measure(&pill.text, NUMBER);
        flow.draw_text(&pill.text, NUMBER, (pill.left + pill.right - text_width) / 2.0, y - CHART_LEADING / 2.0 + 0.1);
    }
    let shown: Vec<(usize, &Mark)> = plan.marks.iter().enumerate().filter(|(_, m)| m.place.is_some()).collect();
    let half = shown.len().div_ceil(2);
    let column_width = legend_column_width();
    for (column, entries) in shown.chunks(half.max(1)).enumerate() {
        let x = MARGIN_LEFT + PAD + column as f32 * (column_width + 16.0);
        let mut y = axis + TICK_BAND;
        for (index, mark) in entries {
            let number = format!("{}", index + 1);
            let number_font = Font { colour: ACCENT, ..NUMBER };
            flow.draw_text(&number, number_font, x, y);
            let time_width = flow.draw_text(&mark.time, TIME, x + LEGEND_GUTTER, y) + 4.0;
            let text_x = x + LEGEND_GUTTER + time_width;
            let text_width = column_width - LEGEND_GUTTER - time_width;
            for line in 0..mark.label.lines.len() {
                let baseline = LABEL.baseline(y + line as f32 * CHART_LEADING);
                flow.draw_line(&mark.label, line, LABEL, text_x, text_width, Align::Left, baseline);
            }
            y += mark.label.lines.len() as f32 * CHART_LEADING + 2.0;
        }
    }
}

/// The numbers of events `first..=last` (0-based), drawn in one pill from `left` to `right`.
#[derive(Debug, Clone, PartialEq)]
struct Pill {
    first: usize,
    last: usize,
    text: String,
    left: f32,
    right: f32,
}

/// Lays the numbers of events at `xs` (sorted) out on one row, left to right: each in a
/// circle centred on its event, or, when that would touch the pill before, in that pill
/// ("3–7"). A pill never starts before the end of the previous one, so none overlap.
fn pills(xs: &[f32], measure: &mut dyn FnMut(&str) -> f32) -> Vec<Pill> {
    const GAP: f32 = 1.5;
    let mut out: Vec<Pill> = Vec::new();
    let mut size = |first: usize, last: usize| {
        let text = if first == last { format!("{}", first + 1) } else { format!("{}–{}", first + 1, last + 1) };
        let width = (measure(&text) + 2.0 * MARKER_RADIUS - 2.0).max(2.0 * MARKER_RADIUS);
        (text, width)
    };
    for (i, &x) in xs.iter().enumerate() {
        let (text, width) = size(i, i);
        let left = x - width / 2.0;
        let floor = out.len().checked_sub(2).and_then(|j| out.get(j)).map_or(f32::NEG_INFINITY, |p| p.right + GAP);
        if let Some(prev) = out.last_mut().filter(|prev| left < prev.right + GAP) {
            let (text, width) = size(prev.first, i);
            let centre = (xs[prev.first] + x) / 2.0;
            prev.last = i;
            prev.text = text;
            prev.left = (centre - width / 2.0).max(floor);
            prev.right = prev.left + width;
            continue;
        }
        out.push(Pill { first: i, last: i, text, left, right: left + width });
    }
    out
}

fn caption(timeline: &Timeline, labelled: usize) -> String {
    let count = timeline.events.len();
    if count == 0 {
        return "No events".to_string();
    }
    let (first, last) = time_range(timeline);
    // Local dates by checked arithmetic: at the ends of chrono's range they may not exist.
    let date = |t: DateTime<Utc>| t.naive_utc().checked_add_offset(timeline.offset).map(|local| local.date());
    let same_day = date(first) == date(last);
    let first = first.with_timezone(&timeline.offset);
    let last = last.with_timezone(&timeline.offset);
    let end = if same_day { last.format("%H:%M").to_string() } else { last.format("%Y-%m-%d %H:%M").to_string() };
    let events = if count == 1 { "event" } else { "events" };
    let mut caption = format!("{} – {} {} · {count} {events}", first.format("%Y-%m-%d %H:%M"), end, timeline.zone);
    if labelled < count {
        caption.push_str(&format!(", {labelled} labelled"));
    }
    caption
}

/// Tick marks and their times at a round step giving at most eight ticks. A span longer
/// than the largest round step allows (years of events, or bad data reaching the ends of
/// chrono's range) gets whole-day steps of an eighth of the span, labelled with the year.
fn draw_ticks(flow: &mut Flow<'_>, timeline: &Timeline, axis: f32) {
    let (first, last) = time_range(timeline);
    let span = last - first;
    if span <= Duration::zero() {
        return;
    }
    let minutes = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 40320];
    let round = minutes.iter().map(|&m| Duration::minutes(m)).find(|step| span.num_seconds() / step.num_seconds() <= 8);
    let step = round.unwrap_or_else(|| Duration::days(span.num_days() / 8 + 1));
    let (x0, x1) = axis_span();
    let offset = timeline.offset;
    let mut tick = round_up(first, step, offset);
    while let Some(at) = tick.filter(|t| *t <= last) {
        let share = (at - first).num_milliseconds() as f32 / span.num_milliseconds() as f32;
        let x = x0 + share * (x1 - x0);
        flow.page.line((x, axis), (x, axis + 3.0), 0.6, AXIS);
        let local = at.with_timezone(&offset);
        let text = if round.is_none() {
            local.format("%Y-%m-%d").to_string()
        } else if step >= Duration::days(1) || (local.hour() == 0 && local.minute() == 0) {
            local.format("%m-%d").to_string()
        } else {
            local.format("%H:%M").to_string()
        };
        let width = flow.measure(&text, SMALL);
        flow.draw_text(&text, SMALL, x - width / 2.0, axis + 3.5);
        tick = at.checked_add_signed(step);
    }
}

/// The first multiple of `step` (counted from midnight in `offset`) at or after `at`;
/// `None` past the ends of chrono's range.
fn round_up(at: DateTime<Utc>, step: Duration, offset: FixedOffset) -> Option<DateTime<Utc>> {
    let local = at.naive_utc().checked_add_offset(offset)?;
    let midnight = local.date().and_time(NaiveTime::MIN).checked_sub_offset(offset)?.and_utc();
    let since = (at - midnight).num_seconds();
    let step_s = step.num_seconds().max(1);
    midnight.checked_add_signed(Duration::try_seconds((since + step_s - 1).div_euclid(step_s) * step_s)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two pills overlap when neither ends before the other starts.
    fn overlapping(pills: &[Pill]) -> Option<(usize, usize)> {
        for (i, a) in pills.iter().enumerate() {
            for (j, b) in pills.iter().enumerate().skip(i + 1) {
                if a.left < b.right && b.left < a.right {
                    return Some((i, j));
                }
            }
        }
        None
    }

    #[test]
    fn dense_events_share_pills_and_no_number_overlaps() {
        // 24 labelled events inside ten minutes on a two-hour axis (as an incident's key
        // events bunch up), and a few far apart; each number measures 4 pt per character.
        let (x0, x1) = axis_span();
        let per_minute = (x1 - x0) / 120.0;
        let mut xs: Vec<f32> = (0..24).map(|i| x0 + 30.0 * per_minute + i as f32 * 10.0 / 24.0 * per_minute).collect();
        xs.extend([x0, x0 + 100.0 * per_minute, x1]);
        xs.sort_by(f32::total_cmp);
        let pills = pills(&xs, &mut |t: &str| 4.0 * t.chars().count() as f32);
        assert_eq!(overlapping(&pills), None, "{pills:#?}");
        // Every event is numbered exactly once, in order.
        let covered: Vec<usize> = pills.iter().flat_map(|p| p.first..=p.last).collect();
        assert_eq!(covered, (0..xs.len()).collect::<Vec<_>>());
        assert!(pills.iter().any(|p| p.last > p.first && p.text.contains('–')), "close events share a pill");
        // Events far apart keep their own circle, centred on them.
        let last = pills.last().unwrap();
        assert_eq!((last.first, last.last, last.text.as_str()), (26, 26, "27"));
        assert!((last.left + last.right) / 2.0 - x1 < 0.01);
    }

    #[test]
    fn events_exactly_apart_keep_one_number_each() {
        let xs: Vec<f32> = (0..10).map(|i| 100.0 + i as f32 * 20.0).collect();
        let pills = pills(&xs, &mut |t: &str| 4.0 * t.chars().count() as f32);
        assert_eq!(pills.len(), 10);
        assert_eq!(overlapping(&pills), None);
    }
}
