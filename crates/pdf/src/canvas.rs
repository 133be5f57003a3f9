//! Drawing on one page in top-down coordinates (points from the top-left corner), turned into
//! printpdf operations. Text is real text: each run of glyphs from one face becomes a
//! positioned show-text operation, so extraction reads it back in drawing order. The canvas
//! also records which glyphs were used, for subsetting, and avoids repeating unchanged
//! font and colour settings.

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rect, TextItem,
    TextMatrix, TextRenderingMode, WindingOrder,
};

use crate::fonts::Face;
use crate::model::{Align, Rgb};
use crate::text::Shaped;
use crate::theme::PAGE_HEIGHT;

/// How a run of text is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextStyle {
    pub size: f32,
    pub colour: Rgb,
    /// Draw CJK glyphs (which have no bold face) with a thin outline so they look bold.
    pub embolden_cjk: bool,
}

/// Which glyphs of each face a document uses: one bit per glyph id.
#[derive(Debug, Clone)]
pub(crate) struct GlyphUsage {
    bits: [Vec<u64>; 3],
}

impl Default for GlyphUsage {
    fn default() -> Self {
        Self { bits: [vec![0; 1024], vec![0; 1024], vec![0; 1024]] }
    }
}

impl GlyphUsage {
    fn add(&mut self, face: Face, gid: u16) {
        self.bits[face as usize][usize::from(gid >> 6)] |= 1 << (gid & 63);
    }

    /// The used glyph ids of `face` in ascending order, or `None` if the face is unused.
    pub(crate) fn glyph_ids(&self, face: Face) -> Option<Vec<u16>> {
        let bits = &self.bits[face as usize];
        let ids: Vec<u16> = (0..=u16::MAX).filter(|gid| bits[usize::from(gid >> 6)] & (1 << (gid & 63)) != 0).collect();
        (!ids.is_empty()).then_some(ids)
    }
}

/// The operations of one page (or of one layer of it, such as the header), with the
/// graphics state they have set so far.
#[derive(Debug, Default)]
pub(crate) struct Canvas {
    ops: Vec<Op>,
    in_text: bool,
    /// Start of the current text line in PDF coordinates (`Td` moves relative to it).
    line_origin: (f32, f32),
    font: Option<(Face, f32)>,
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    line_width: Option<f32>,
}

fn colour(rgb: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(f32::from(rgb.r) / 255.0, f32::from(rgb.g) / 255.0, f32::from(rgb.b) / 255.0, None))
}

/// Coordinates are written with two decimals: 1/100 pt is far below what anyone can see,
/// and short numbers keep content streams small and quick to write.
fn round(value: f32) -> f32 {
    (value * 100.0).round() / 100.0
}

fn point(x: f32, top: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(round(x)), y: Pt(round(PAGE_HEIGHT - top)) }, bezier: false }
}

impl Canvas {
    /// The operations drawn, with any open text section closed.
    pub(crate) fn into_ops(mut self) -> Vec<Op> {
        self.end_text();
        self.ops
    }

    /// Draws one line of shaped glyphs with its baseline `baseline` points below the top.
    pub(crate) fn glyphs(
        &mut self,
        glyphs: &[Shaped],
        x: f32,
        baseline: f32,
        style: TextStyle,
        usage: &mut GlyphUsage,
    ) {
        if glyphs.iter().all(|g| g.ch == ' ') {
            return;
        }
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
            self.line_origin = (0.0, 0.0);
        }
        self.set_fill(style.colour);
        let mut pen = x;
        let mut start = 0;
        while start < glyphs.len() {
            let face = glyphs[start].face;
            let end = glyphs[start..].iter().position(|g| g.face != face).map_or(glyphs.len(), |n| start + n);
            let run = &glyphs[start..end];
            let width: f32 = run.iter().map(|g| g.advance).sum::<f32>() * style.size;
            if run.iter().any(|g| g.ch != ' ') {
                self.show_run(run, face, pen, baseline, style, usage);
            }
            pen += width;
            start = end;
        }
    }

    /// Draws glyphs aligned inside the box `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn aligned(
        &mut self,
        glyphs: &[Shaped],
        line_width_em: f32,
        x: f32,
        width: f32,
        align: Align,
        baseline: f32,
        style: TextStyle,
        usage: &mut GlyphUsage,
    ) {
        let slack = (width - line_width_em * style.size).max(0.0);
        let x = match align {
            Align::Left => x,
            Align::Center => x + slack / 2.0,
            Align::Right => x + slack,
        };
        self.glyphs(glyphs, x, baseline, style, usage);
    }

    fn show_run(
        &mut self,
        run: &[Shaped],
        face: Face,
        x: f32,
        baseline: f32,
        style: TextStyle,
        usage: &mut GlyphUsage,
    ) {
        if self.font != Some((face, style.size)) {
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(FontId(face.resource_name().to_string())),
                size: Pt(style.size),
            });
            self.font = Some((face, style.size));
        }
        let embolden = style.embolden_cjk && face == Face::Cjk;
        if embolden {
            self.set_stroke(style.colour);
            self.set_line_width(style.size * 0.04);
            self.ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
        }
        self.ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(x), Pt(PAGE_HEIGHT - baseline)) });
        let mut text = String::with_capacity(run.len());
        for g in run {
            usage.add(g.face, g.gid);
            text.push(g.ch);
        }
        self.ops.push(Op::ShowText { items: vec![TextItem::Text(text)] });
        if embolden {
            self.ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::Fill });
        }
    }

    /// Fills the rectangle whose top-left corner is `(x, top)`.
    pub(crate) fn fill_rect(&mut self, x: f32, top: f32, width: f32, height: f32, fill: Rgb) {
        self.end_text();
        self.set_fill(fill);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(round(x)),
                y: Pt(round(PAGE_HEIGHT - top - height)),
                width: Pt(round(width)),
                height: Pt(round(height)),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// Strokes a straight line.
    pub(crate) fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, stroke: Rgb) {
        self.end_text();
        self.set_stroke(stroke);
        self.set_line_width(width);
        self.ops.push(Op::DrawLine {
            line: Line { points: vec![point(from.0, from.1), point(to.0, to.1)], is_closed: false },
        });
    }

    /// A horizontal rule from `x1` to `x2` at `top`.
    pub(crate) fn rule(&mut self, x1: f32, x2: f32, top: f32, width: f32, stroke: Rgb) {
        self.line((x1, top), (x2, top), width, stroke);
    }

    /// A filled circle with an outline, drawn as four Bézier arcs.
    pub(crate) fn circle(&mut self, cx: f32, cy: f32, r: f32, fill: Rgb, stroke: Rgb, width: f32) {
        const KAPPA: f32 = 0.552_284_8;
        self.end_text();
        self.set_fill(fill);
        self.set_stroke(stroke);
        self.set_line_width(width);
        let k = r * KAPPA;
        let handle = |x: f32, y: f32| LinePoint { bezier: true, ..point(x, y) };
        let points = vec![
            point(cx + r, cy),
            handle(cx + r, cy - k),
            handle(cx + k, cy - r),
            point(cx, cy - r),
            handle(cx - k, cy - r),
            handle(cx - r, cy - k),
            point(cx - r, cy),
            handle(cx - r, cy + k),
            handle(cx - k, cy + r),
            point(cx, cy + r),
            handle(cx + k, cy + r),
            handle(cx + r, cy + k),
            point(cx + r, cy),
        ];
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode: PaintMode::FillStroke,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    fn set_fill(&mut self, rgb: Rgb) {
        if self.fill != Some(rgb) {
            self.ops.push(Op::SetFillColor { col: colour(rgb) });
            self.fill = Some(rgb);
        }
    }

    fn set_stroke(&mut self, rgb: Rgb) {
        if self.stroke != Some(rgb) {
            self.ops.push(Op::SetOutlineColor { col: colour(rgb) });
            self.stroke = Some(rgb);
        }
    }

    fn set_line_width(&mut self, width: f32) {
        if self.line_width != Some(width) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            self.line_width = Some(width);
        }
    }
}
