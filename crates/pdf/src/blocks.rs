//! Lays out each kind of block on the flow: headings (kept with what follows), paragraphs
//! and bullet lists (split between lines, without orphans or widows), callouts, spacers and
//! page breaks. Tables and key/value boxes are in `table`, timeline charts in `chart`.

use crate::chart;
use crate::error::Result;
use crate::flow::{Flow, Font};
use crate::fonts::Weight;
use crate::model::{Align, Block, Tone};
use crate::table;
use crate::text::Wrapped;
use crate::theme::{
    heading_metrics, tone_colours, ACCENT, BODY_BOTTOM, BODY_LEADING, BODY_SIZE, BODY_TOP, CONTENT_WIDTH, MARGIN_LEFT,
    PARAGRAPH_GAP, RULE, TEXT,
};

pub(crate) const BODY: Font = Font { weight: Weight::Regular, size: BODY_SIZE, leading: BODY_LEADING, colour: TEXT };

const BULLET_INDENT: f32 = 14.0;
const BULLET_GAP: f32 = 2.5;

/// Lays out every block in order.
pub(crate) fn lay_out(flow: &mut Flow<'_>, blocks: &[Block]) -> Result<()> {
    for (index, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text } => heading(flow, *level, text, &blocks[index + 1..]),
            Block::Paragraph(text) => paragraph(flow, text),
            Block::Bullets(items) => bullets(flow, items),
            Block::KeyValue(pairs) => table::key_value(flow, pairs),
            Block::Table(t) => table::table(flow, t)?,
            Block::Timeline(t) => chart::timeline(flow, t),
            Block::Spacer(points) => flow.add_space(points.max(0.0)),
            Block::PageBreak => {
                if !flow.at_page_top() {
                    flow.new_page();
                }
            }
            Block::Callout { title, text, tone } => callout(flow, title, text, *tone),
        }
    }
    Ok(())
}

fn heading_font(level: u8) -> Font {
    let (size, leading, _, _) = heading_metrics(level);
    Font { weight: Weight::Bold, size, leading, colour: if level <= 1 { ACCENT } else { TEXT } }
}

/// The height of a block's first part that must share a page with a heading above it.
fn start_height(flow: &mut Flow<'_>, blocks: &[Block]) -> f32 {
    let Some(block) = blocks.first() else {
        return 0.0;
    };
    match block {
        Block::Heading { level, text } => {
            let font = heading_font(*level);
            let (_, _, above, below) = heading_metrics(*level);
            let lines = flow.wrap(text, font, CONTENT_WIDTH).lines.len() as f32;
            above + lines * font.leading + below + start_height(flow, &blocks[1..])
        }
        Block::Paragraph(_) | Block::Bullets(_) => 2.0 * BODY_LEADING,
        Block::KeyValue(_) | Block::Table(_) => table::start_height(),
        Block::Timeline(t) => chart::height(flow, t),
        Block::Callout { .. } => 2.0 * BODY_LEADING + 16.0,
        Block::Spacer(_) | Block::PageBreak => 0.0,
    }
}

fn heading(flow: &mut Flow<'_>, level: u8, text: &str, rest: &[Block]) {
    let font = heading_font(level);
    let (_, _, above, below) = heading_metrics(level);
    let wrapped = flow.wrap(text, font, CONTENT_WIDTH);
    let rule = if level <= 1 { 3.0 } else { 0.0 };
    let height = wrapped.lines.len() as f32 * font.leading + rule;
    let keep = start_height(flow, rest).min(BODY_BOTTOM - BODY_TOP - height - below);
    flow.gap(above);
    flow.begin(height + below + keep);
    for index in 0..wrapped.lines.len() {
        let baseline = font.baseline(flow.y);
        flow.draw_line(&wrapped, index, font, MARGIN_LEFT, CONTENT_WIDTH, Align::Left, baseline);
        flow.y += font.leading;
    }
    if level <= 1 {
        flow.y += rule;
        let y = flow.y - 1.0;
        flow.page.rule(MARGIN_LEFT, MARGIN_LEFT + CONTENT_WIDTH, y, 0.6, RULE);
    }
    flow.gap(below);
}

fn paragraph(flow: &mut Flow<'_>, text: &str) {
    let wrapped = flow.wrap(text, BODY, CONTENT_WIDTH);
    let lines = wrapped.lines.len();
    flow.begin(BODY_LEADING * lines.min(2) as f32);
    place_lines(flow, lines, BODY_LEADING, |flow, index, top| {
        let baseline = BODY.baseline(top);
        flow.draw_line(&wrapped, index, BODY, MARGIN_LEFT, CONTENT_WIDTH, Align::Left, baseline);
    });
    flow.gap(PARAGRAPH_GAP);
}

fn bullets(flow: &mut Flow<'_>, items: &[String]) {
    let text_x = MARGIN_LEFT + BULLET_INDENT;
    let text_width = CONTENT_WIDTH - BULLET_INDENT;
    let marker = Font { colour: ACCENT, ..BODY };
    for item in items {
        let wrapped = flow.wrap(item, BODY, text_width);
        let lines = wrapped.lines.len();
        flow.begin(BODY_LEADING * lines.min(2) as f32);
        place_lines(flow, lines, BODY_LEADING, |flow, index, top| {
            if index == 0 {
                flow.draw_text("•", marker, MARGIN_LEFT + 3.0, top);
            }
            let baseline = BODY.baseline(top);
            flow.draw_line(&wrapped, index, BODY, text_x, text_width, Align::Left, baseline);
        });
        flow.gap(BULLET_GAP);
    }
    flow.gap(PARAGRAPH_GAP);
}

/// Places `count` lines of height `leading` from the cursor on, breaking pages where they
/// run out: never one line alone at the bottom of a page (an orphan) nor at the top of the
/// next (a widow), when the text has enough lines to avoid it.
pub(crate) fn place_lines(
    flow: &mut Flow<'_>,
    count: usize,
    leading: f32,
    mut draw: impl FnMut(&mut Flow<'_>, usize, f32),
) {
    let mut done = 0;
    while done < count {
        let fit = ((flow.remaining() + 0.01) / leading).floor().max(0.0) as usize;
        let left = count - done;
        let mut take = fit.min(left);
        if take < left && left - take == 1 && take >= 3 {
            take -= 1;
        }
        if take < left && take == 1 && done == 0 {
            take = 0;
        }
        if take == 0 {
            if flow.at_page_top() {
                take = 1;
            } else {
                flow.new_page();
                continue;
            }
        }
        for index in done..done + take {
            let top = flow.y;
            draw(flow, index, top);
            flow.y += leading;
        }
        done += take;
        if done < count {
            flow.new_page();
        }
    }
}

/// One line of a callout: which wrapped text, which of its lines, in which font.
struct CalloutLine<'w> {
    wrapped: &'w Wrapped,
    index: usize,
    font: Font,
    space_before: f32,
}

fn callout(flow: &mut Flow<'_>, title: &str, text: &str, tone: Tone) {
    const PAD_X: f32 = 11.0;
    const PAD_Y: f32 = 7.0;
    const BAR: f32 = 3.0;
    let (bar, tint) = tone_colours(tone);
    let title_font = Font { weight: Weight::Bold, colour: if tone == Tone::Neutral { TEXT } else { bar }, ..BODY };
    let inner = CONTENT_WIDTH - BAR - 2.0 * PAD_X;
    let title_lines = flow.wrap(title, title_font, inner);
    let text_lines = flow.wrap(text, BODY, inner);
    let mut lines: Vec<CalloutLine<'_>> = Vec::new();
    if !title.is_empty() {
        for index in 0..title_lines.lines.len() {
            lines.push(CalloutLine { wrapped: &title_lines, index, font: title_font, space_before: 0.0 });
        }
    }
    if !text.is_empty() {
        for index in 0..text_lines.lines.len() {
            let space_before = if index == 0 && !lines.is_empty() { 1.5 } else { 0.0 };
            lines.push(CalloutLine { wrapped: &text_lines, index, font: BODY, space_before });
        }
    }
    let heights: Vec<f32> = lines.iter().map(|l| l.space_before + l.font.leading).collect();
    let total: f32 = heights.iter().sum::<f32>() + 2.0 * PAD_Y;
    flow.begin(total.min(2.0 * PAD_Y + heights.iter().take(3).sum::<f32>()));
    if total <= BODY_BOTTOM - BODY_TOP {
        flow.ensure(total);
    }
    let mut next = 0;
    while next < lines.len() {
        // As many lines as fit on this page (at least one).
        let room = flow.remaining() - 2.0 * PAD_Y;
        let mut end = next;
        let mut used = 0.0;
        while end < lines.len() && (end == next || used + heights[end] <= room + 0.01) {
            used += heights[end];
            end += 1;
        }
        let top = flow.y;
        let height = used + 2.0 * PAD_Y;
        flow.page.fill_rect(MARGIN_LEFT, top, CONTENT_WIDTH, height, tint);
        flow.page.fill_rect(MARGIN_LEFT, top, BAR, height, bar);
        let mut y = top + PAD_Y;
        for line in &lines[next..end] {
            y += line.space_before;
            let baseline = line.font.baseline(y);
            let x = MARGIN_LEFT + BAR + PAD_X;
            flow.draw_line(line.wrapped, line.index, line.font, x, inner, Align::Left, baseline);
            y += line.font.leading;
        }
        flow.y = top + height;
        next = end;
        if next < lines.len() {
            flow.new_page();
        }
    }
    flow.gap(PARAGRAPH_GAP + 3.0);
}
