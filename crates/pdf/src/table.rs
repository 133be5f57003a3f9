//! The table engine: columns sized by weight, cells wrapped to their column, zebra rows with
//! hairline rules, and a header row repeated at the top of every page the table continues
//! onto (and never left alone at the bottom of one). A row that does not fit moves to the
//! next page; a row taller than a whole page is split between its lines. Key/value boxes
//! are the same engine with no header and a bold key column.

use crate::error::{PdfError, Result};
use crate::flow::{Flow, Font};
use crate::fonts::Weight;
use crate::model::{Align, Rgb, Table};
use crate::text::Wrapped;
use crate::theme::{
    ACCENT, BODY_BOTTOM, BODY_LEADING, BODY_SIZE, BODY_TOP, BOX_FILL, CELL_PAD_X, CELL_PAD_Y, CONTENT_WIDTH,
    MARGIN_LEFT, MUTED, PARAGRAPH_GAP, RULE, TABLE_HEAD_FILL, TABLE_LEADING, TABLE_SIZE, TEXT, WHITE, ZEBRA,
};

const CELL: Font = Font { weight: Weight::Regular, size: TABLE_SIZE, leading: TABLE_LEADING, colour: TEXT };

const HEAD: Font = Font { weight: Weight::Bold, colour: ACCENT, ..CELL };

struct GridColumn {
    x: f32,
    width: f32,
    align: Align,
    font: Font,
}

/// How a grid looks; the rows are passed separately.
struct Grid<'t> {
    columns: Vec<GridColumn>,
    header: Option<Vec<&'t str>>,
    zebra: bool,
    fill: Option<Rgb>,
    rule: (Rgb, f32),
}

impl Grid<'_> {
    fn leading(&self) -> f32 {
        self.columns.iter().map(|c| c.font.leading).fold(0.0, f32::max)
    }

    /// The baseline of line `line` of a row segment starting at `top`, shared by every
    /// column so that different type sizes still sit on one line.
    fn baseline(&self, top: f32, line: usize) -> f32 {
        let size = self.columns.iter().map(|c| c.font.size).fold(0.0, f32::max);
        let leading = self.leading();
        top + CELL_PAD_Y + line as f32 * leading + leading / 2.0 + 0.36 * size
    }
}

/// The height a table needs on the page where it starts: its header and a two-line row.
pub(crate) fn start_height() -> f32 {
    3.0 * TABLE_LEADING + 4.0 * CELL_PAD_Y
}

/// Lays out a [`Table`]. Fails if a row does not have one cell per column.
pub(crate) fn table(flow: &mut Flow<'_>, table: &Table) -> Result<()> {
    if table.columns.is_empty() {
        return Err(PdfError::InvalidDocument("a table has no columns".into()));
    }
    if let Some(c) = table.columns.iter().find(|c| !(c.weight.is_finite() && c.weight > 0.0)) {
        return Err(PdfError::InvalidDocument(format!(
            "column {:?} has weight {}; weights must be positive",
            c.title, c.weight
        )));
    }
    if let Some((index, row)) = table.rows.iter().enumerate().find(|(_, row)| row.len() != table.columns.len()) {
        return Err(PdfError::InvalidDocument(format!(
            "table row {index} has {} cells for {} columns",
            row.len(),
            table.columns.len()
        )));
    }
    let total: f32 = table.columns.iter().map(|c| c.weight).sum();
    let mut x = MARGIN_LEFT;
    let columns = table
        .columns
        .iter()
        .map(|c| {
            let width = CONTENT_WIDTH * c.weight / total;
            let column = GridColumn { x, width, align: c.align, font: CELL };
            x += width;
            column
        })
        .collect();
    let grid = Grid {
        columns,
        header: Some(table.columns.iter().map(|c| c.title.as_str()).collect()),
        zebra: true,
        fill: None,
        rule: (RULE, 0.4),
    };
    lay_out_grid(flow, &grid, &table.rows);
    flow.gap(PARAGRAPH_GAP + 3.0);
    Ok(())
}

/// Lays out key/value pairs as a tinted two-column box with bold keys.
pub(crate) fn key_value(flow: &mut Flow<'_>, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let key_font = Font { weight: Weight::Bold, size: TABLE_SIZE, leading: BODY_LEADING, colour: MUTED };
    let value_font = Font { weight: Weight::Regular, size: BODY_SIZE, leading: BODY_LEADING, colour: TEXT };
    let widest_key = pairs.iter().map(|(key, _)| flow.measure(key, key_font)).fold(0.0, f32::max);
    let key_width = (widest_key + 2.0 * CELL_PAD_X + 8.0).clamp(80.0, 0.34 * CONTENT_WIDTH);
    let grid = Grid {
        columns: vec![
            GridColumn { x: MARGIN_LEFT + 4.0, width: key_width, align: Align::Left, font: key_font },
            GridColumn {
                x: MARGIN_LEFT + 4.0 + key_width,
                width: CONTENT_WIDTH - key_width - 8.0,
                align: Align::Left,
                font: value_font,
            },
        ],
        header: None,
        zebra: false,
        fill: Some(BOX_FILL),
        rule: (WHITE, 1.2),
    };
    let rows: Vec<[&str; 2]> = pairs.iter().map(|(k, v)| [k.as_str(), v.as_str()]).collect();
    lay_out_grid(flow, &grid, &rows);
    flow.gap(PARAGRAPH_GAP + 3.0);
}

fn wrap_cells<S: AsRef<str>>(flow: &mut Flow<'_>, grid: &Grid<'_>, cells: &[S]) -> Vec<Wrapped> {
    grid.columns
        .iter()
        .zip(cells)
        .map(|(column, cell)| flow.wrap(cell.as_ref(), column.font, column.width - 2.0 * CELL_PAD_X))
        .collect()
}

fn line_count(cells: &[Wrapped]) -> usize {
    cells.iter().map(|c| c.lines.len()).max().unwrap_or(1).max(1)
}

fn lay_out_grid<R: AsRef<[S]>, S: AsRef<str>>(flow: &mut Flow<'_>, grid: &Grid<'_>, rows: &[R]) {
    let leading = grid.leading();
    let header: Option<(Vec<Wrapped>, f32)> = grid.header.as_ref().map(|titles| {
        let wrapped: Vec<Wrapped> = grid
            .columns
            .iter()
            .zip(titles)
            .map(|(column, title)| flow.wrap(title, HEAD, column.width - 2.0 * CELL_PAD_X))
            .collect();
        let height = line_count(&wrapped) as f32 * leading + 2.0 * CELL_PAD_Y;
        (wrapped, height)
    });
    let header_height = header.as_ref().map_or(0.0, |(_, h)| *h);
    let draw_header = |flow: &mut Flow<'_>| {
        if let Some((titles, height)) = &header {
            let top = flow.y;
            flow.page.fill_rect(MARGIN_LEFT, top, CONTENT_WIDTH, *height, TABLE_HEAD_FILL);
            for (column, wrapped) in grid.columns.iter().zip(titles) {
                draw_cell(flow, grid, column, wrapped, HEAD, 0..wrapped.lines.len(), top);
            }
            flow.y += height;
        }
    };

    if rows.is_empty() {
        // An empty table still shows its columns.
        flow.begin(header_height);
        draw_header(flow);
    }
    for (index, row) in rows.iter().enumerate() {
        let cells = wrap_cells(flow, grid, row.as_ref());
        let lines = line_count(&cells);
        let row_height = lines as f32 * leading + 2.0 * CELL_PAD_Y;
        let fits_a_page = row_height <= BODY_BOTTOM - BODY_TOP - header_height;
        // A row moves to the next page whole unless it is taller than a page.
        let needed = if fits_a_page { row_height } else { 2.0 * leading + 2.0 * CELL_PAD_Y };
        if index == 0 {
            flow.begin(header_height + needed);
            draw_header(flow);
        } else if needed > flow.remaining() + 0.01 {
            flow.new_page();
            draw_header(flow);
        }
        let mut from = 0;
        loop {
            let fit = ((flow.remaining() - 2.0 * CELL_PAD_Y + 0.01) / leading).floor();
            let take = (fit.max(1.0) as usize).min(lines - from);
            let top = flow.y;
            let height = take as f32 * leading + 2.0 * CELL_PAD_Y;
            let fill = if grid.zebra && index % 2 == 1 { Some(ZEBRA) } else { grid.fill };
            if let Some(fill) = fill {
                flow.page.fill_rect(MARGIN_LEFT, top, CONTENT_WIDTH, height, fill);
            }
            for (column, wrapped) in grid.columns.iter().zip(&cells) {
                let end = wrapped.lines.len().min(from + take);
                let start = from.min(end);
                draw_cell(flow, grid, column, wrapped, column.font, start..end, top - from as f32 * leading);
            }
            let (rule, width) = grid.rule;
            let last_row = index + 1 == rows.len();
            if !(last_row && grid.fill.is_some()) {
                flow.page.rule(MARGIN_LEFT, MARGIN_LEFT + CONTENT_WIDTH, top + height, width, rule);
            }
            flow.y = top + height;
            from += take;
            if from >= lines {
                break;
            }
            flow.new_page();
            draw_header(flow);
        }
    }
}

/// Draws lines `range` of a cell; `top` is where line 0 would start.
fn draw_cell(
    flow: &mut Flow<'_>,
    grid: &Grid<'_>,
    column: &GridColumn,
    wrapped: &Wrapped,
    font: Font,
    range: std::ops::Range<usize>,
    top: f32,
) {
    for line in range {
        let baseline = grid.baseline(top, line);
        flow.draw_line(
            wrapped,
            line,
            font,
            column.x + CELL_PAD_X,
            column.width - 2.0 * CELL_PAD_X,
            column.align,
            baseline,
        );
    }
}
