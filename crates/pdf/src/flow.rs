//! The vertical cursor that lays blocks out page after page. It owns the finished page
//! bodies, the glyph usage and the warnings of one render; block layouts ask it for room
//! (`ensure`) and draw on its current page. Page furniture (banner, header, footer) is not
//! drawn here: it is added once the page count is known (see `furniture`).

use crate::canvas::{Canvas, GlyphUsage, TextStyle};
use crate::error::Diagnostics;
use crate::fonts::{FontSet, Weight};
use crate::model::{Align, Rgb};
use crate::text::{self, Wrapped};
use crate::theme::{BODY_BOTTOM, BODY_TOP};

/// Text settings for wrapping and drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Font {
    pub weight: Weight,
    pub size: f32,
    pub leading: f32,
    pub colour: Rgb,
}

impl Font {
    pub(crate) fn style(self) -> TextStyle {
        TextStyle { size: self.size, colour: self.colour, embolden_cjk: self.weight == Weight::Bold }
    }

    /// Baseline of a line whose box starts `top` points down the page: capitals sit centred
    /// in the line box.
    pub(crate) fn baseline(self, top: f32) -> f32 {
        top + self.leading / 2.0 + 0.36 * self.size
    }
}

pub(crate) struct Flow<'f> {
    pub fonts: &'f FontSet,
    pub diag: Diagnostics,
    pub usage: GlyphUsage,
    /// The current page.
    pub page: Canvas,
    /// Distance of the cursor from the top edge of the page.
    pub y: f32,
    /// Space owed before the next block (gaps collapse: the larger one wins).
    pending_gap: f32,
    done: Vec<Canvas>,
}

impl<'f> Flow<'f> {
    pub(crate) fn new(fonts: &'f FontSet) -> Self {
        Self {
            fonts,
            diag: Diagnostics::default(),
            usage: GlyphUsage::default(),
            page: Canvas::default(),
            y: BODY_TOP,
            pending_gap: 0.0,
            done: Vec::new(),
        }
    }

    /// Space left on the current page.
    pub(crate) fn remaining(&self) -> f32 {
        BODY_BOTTOM - self.y
    }

    pub(crate) fn at_page_top(&self) -> bool {
        self.y <= BODY_TOP + 0.01
    }

    pub(crate) fn new_page(&mut self) {
        let page = std::mem::take(&mut self.page);
        self.done.push(page);
        self.y = BODY_TOP;
        self.pending_gap = 0.0;
    }

    /// Starts a new page unless `height` fits below the cursor (or the page is still empty,
    /// where nothing would be gained). Returns whether a new page was started.
    pub(crate) fn ensure(&mut self, height: f32) -> bool {
        if height > self.remaining() + 0.01 && !self.at_page_top() {
            self.new_page();
            return true;
        }
        false
    }

    /// Asks for space before the next block. Gaps collapse (the larger wins) and are
    /// swallowed at the top of a page.
    pub(crate) fn gap(&mut self, amount: f32) {
        self.pending_gap = self.pending_gap.max(amount);
    }

    /// Adds to the space owed before the next block (for explicit spacers).
    pub(crate) fn add_space(&mut self, amount: f32) {
        self.pending_gap += amount;
    }

    /// Starts a block whose first unbreakable part is `height` tall: pays the pending gap,
    /// or starts a new page when gap and block do not fit.
    pub(crate) fn begin(&mut self, height: f32) {
        let gap = if self.at_page_top() { 0.0 } else { self.pending_gap };
        self.pending_gap = 0.0;
        if gap + height > self.remaining() + 0.01 && !self.at_page_top() {
            self.new_page();
        } else {
            self.y += gap;
        }
    }

    /// Wraps `text` to `width` points in `font`.
    pub(crate) fn wrap(&mut self, text: &str, font: Font, width: f32) -> Wrapped {
        let max = width / font.size;
        text::wrap(text, font.weight, max, self.fonts, &mut self.diag)
    }

    /// Draws line `index` of `wrapped` in the box `[x, x + width]` on `baseline`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn draw_line(
        &mut self,
        wrapped: &Wrapped,
        index: usize,
        font: Font,
        x: f32,
        width: f32,
        align: Align,
        baseline: f32,
    ) {
        let span = wrapped.lines[index];
        self.page.aligned(wrapped.line(index), span.width, x, width, align, baseline, font.style(), &mut self.usage);
    }

    /// Draws `text` on one line (newlines count as spaces) starting at `x`, with its line
    /// box top at `top`; returns its width in points.
    pub(crate) fn draw_text(&mut self, text: &str, font: Font, x: f32, top: f32) -> f32 {
        let mut glyphs = Vec::with_capacity(text.len());
        text::shape_into(text, font.weight, self.fonts, &mut self.diag, &mut glyphs);
        let width = glyphs.iter().map(|g| g.advance).sum::<f32>() * font.size;
        self.page.glyphs(&glyphs, x, font.baseline(top), font.style(), &mut self.usage);
        width
    }

    /// Measures `text` on one line, in points.
    pub(crate) fn measure(&mut self, text: &str, font: Font) -> f32 {
        text::measure(text, font.weight, self.fonts, &mut self.diag) * font.size
    }

    /// Ends layout: every page body, the glyphs used and the warnings so far.
    pub(crate) fn finish(mut self) -> (Vec<Canvas>, GlyphUsage, Diagnostics) {
        let last = std::mem::take(&mut self.page);
        self.done.push(last);
        (self.done, self.usage, self.diag)
    }
}
