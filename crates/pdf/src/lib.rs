//! `firebreak-pdf`: a small, generic document layout engine that turns a [`Document`] (a
//! title, page furniture and a list of [`Block`]s) into PDF bytes. Post-incident reviews and
//! drill evaluation reports map their own models onto it; this crate depends on no other
//! Firebreak crate.
//!
//! ```no_run
//! use chrono::{TimeZone, Utc};
//! use firebreak_pdf::{render, Block, Column, Document, Table};
//!
//! let doc = Document {
//!     title: "Checkout outage".into(),
//!     subtitle: Some("Post-incident review".into()),
//!     author: "Dana Incident-Commander".into(),
//!     subject: "Post-incident review of INC-7KQ2M-1".into(),
//!     keywords: vec!["incident".into(), "PIR".into()],
//!     created: Utc.with_ymd_and_hms(2025, 3, 14, 9, 30, 0).unwrap(),
//!     running_header: "INC-7KQ2M-1 · Post-incident review".into(),
//!     banner: None,
//!     blocks: vec![
//!         Block::heading(1, "Summary"),
//!         Block::paragraph("Payments failed for 42 minutes."),
//!         Block::Table(Table {
//!             columns: vec![Column::new("Time", 1.0), Column::new("Event", 4.0)],
//!             rows: vec![vec!["14:02".into(), "Alert fired".into()]],
//!         }),
//!     ],
//! };
//! let rendered = render(&doc)?;
//! std::fs::write("review.pdf", &rendered.bytes).unwrap();
//! for warning in &rendered.warnings {
//!     eprintln!("{warning}");
//! }
//! # Ok::<(), firebreak_pdf::PdfError>(())
//! ```
//!
//! # What it does
//! - A4 pages with margins; a title block on page 1; on every page the optional
//!   [`Banner`] (e.g. DRILL), the running header and a footer with "Page X of Y" (drawn in
//!   a second pass, once the page count is known).
//! - Text is real, extractable text in reading order. Lines are broken greedily using the
//!   glyph advances of the embedded fonts: at spaces, between CJK characters (not before
//!   closing punctuation), and inside words too long for a line.
//! - Per-character font fallback, so Latin, Greek, Cyrillic and CJK mix on one line. A
//!   character no embedded font has is drawn as '?' and reported as a [`Warning`].
//! - Headings stay with what follows them; paragraphs avoid orphans and widows; tables
//!   wrap their cells, stripe their rows and repeat their header row on every page they
//!   continue onto; a row taller than a page is split between its lines.
//! - [`Block::Timeline`] draws a small chart of events over time.
//! - Document information: title, author, subject, keywords, creator and producer
//!   ("Firebreak"), creation and modification dates (from [`Document::created`]). The same
//!   document renders to the same bytes.
//!
//! # Fonts and their licences
//! `build.rs` copies the fonts from the Debian packages into `OUT_DIR` and they are
//! compiled in with `include_bytes!` (nothing is read at run time); each PDF embeds only a
//! subset of the glyphs it uses. If a font is missing the build fails naming the package
//! to install (or set `FIREBREAK_FONT_DIR`).
//! - DejaVu Sans and DejaVu Sans Bold (`fonts-dejavu-core`), for Latin, Greek and
//!   Cyrillic: the Bitstream Vera licence plus public-domain changes; free to embed and
//!   redistribute.
//! - Noto Sans CJK SC Regular (`fonts-noto-cjk`, face 2 of `NotoSansCJK-Regular.ttc`), for
//!   Chinese, Japanese and Korean: SIL Open Font License 1.1; free to embed and
//!   redistribute. All faces of the collection map the same characters; SC was picked for
//!   its regional glyph forms. There is no bold CJK face (it would add ~16 MB to the
//!   binary): bold CJK text is drawn with a thin outline.
//!
//! # Limits
//! No complex-script shaping (Arabic, Indic) and no right-to-left text; no kerning or
//! ligatures; no emoji font (emoji become '?' with a warning).
//!
//! Modules: `model` (the input), `fonts` and `text` (measuring and line breaking),
//! `canvas` (drawing one page), `flow` (the page cursor), `blocks`, `table` and `chart`
//! (layout of each block), `furniture` (title block, header, footer), `embed` (subsetting
//! and writing the file).

mod blocks;
mod canvas;
mod chart;
mod embed;
mod error;
mod flow;
mod fonts;
mod furniture;
mod model;
mod table;
mod text;
mod theme;

pub use error::{PdfError, Result, Warning};
pub use model::{Align, Banner, Block, Column, Document, Rgb, Table, Timeline, TimelineEvent, Tone};

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// How many pages it has.
    pub page_count: usize,
    /// What the render had to change or leave out (empty when nothing).
    pub warnings: Vec<Warning>,
}

/// Lays `doc` out on A4 pages and writes it as a PDF.
///
/// Fails only on an inconsistent model ([`PdfError::InvalidDocument`], e.g. a table row
/// with the wrong number of cells) or an internal failure; text the fonts cannot draw is
/// substituted and reported in [`Rendered::warnings`].
pub fn render(doc: &Document) -> Result<Rendered> {
    let fonts = fonts::fonts()?;
    let mut flow = flow::Flow::new(fonts);
    furniture::title_block(&mut flow, doc);
    blocks::lay_out(&mut flow, &doc.blocks)?;
    let (bodies, mut usage, mut diag) = flow.finish();
    let page_count = bodies.len();
    let pages = furniture::decorate(bodies, doc, fonts, &mut usage, &mut diag);
    let bytes = embed::write_pdf(doc, pages, &usage, &mut diag)?;
    Ok(Rendered { bytes, page_count, warnings: diag.into_warnings() })
}
