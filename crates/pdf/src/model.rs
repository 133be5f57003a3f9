//! The document model callers fill in: a flat list of blocks plus the metadata that goes on
//! every page and into the PDF's document information. It knows nothing about incidents or
//! drills; the PIR and drill reports map their own types onto it.

use chrono::{DateTime, FixedOffset, Utc};

/// A whole report. `render` turns it into A4 pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Shown in the title block on page 1 and stored as the PDF title.
    pub title: String,
    /// A smaller line under the title (e.g. the incident's one-line summary).
    pub subtitle: Option<String>,
    /// Stored as the PDF author.
    pub author: String,
    /// Stored as the PDF subject.
    pub subject: String,
    /// Stored as the PDF keywords (joined with ", ").
    pub keywords: Vec<String>,
    /// The creation and modification date of the file, and the "Generated" line of the footer.
    pub created: DateTime<Utc>,
    /// The running header at the top of every page, e.g. "INC-7KQ2M-1 · Post-incident review".
    pub running_header: String,
    /// An optional band across the top of every page, e.g. a DRILL marker.
    pub banner: Option<Banner>,
    /// The body, laid out top to bottom.
    pub blocks: Vec<Block>,
}

/// A coloured band with white bold text at the top of every page.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    pub text: String,
    pub colour: Rgb,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Rgb {
    /// `Rgb::hex(0x1D4E89)`.
    pub const fn hex(value: u32) -> Self {
        Self { r: (value >> 16) as u8, g: (value >> 8) as u8, b: value as u8 }
    }
}

/// One unit of the body. Text fields may hold any script; a `\n` is a hard line break.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 (section), 2 (subsection) or 3; other levels render as 3. A heading is never
    /// left alone at the bottom of a page: it moves to the next page with what follows.
    Heading { level: u8, text: String },
    /// Wrapped body text.
    Paragraph(String),
    /// A bulleted list with hanging indents.
    Bullets(Vec<String>),
    /// A two-column key/value box, e.g. the metadata of an incident.
    KeyValue(Vec<(String, String)>),
    /// A table whose rows wrap and which continues across pages with its header repeated.
    Table(Table),
    /// A small horizontal chart of events over time.
    Timeline(Timeline),
    /// Vertical space, in points.
    Spacer(f32),
    /// Continue on a new page.
    PageBreak,
    /// A tinted box with a coloured bar, a bold title and wrapped text.
    Callout { title: String, text: String, tone: Tone },
}

impl Block {
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Self::Heading { level, text: text.into() }
    }

    pub fn paragraph(text: impl Into<String>) -> Self {
        Self::Paragraph(text.into())
    }

    pub fn callout(title: impl Into<String>, text: impl Into<String>, tone: Tone) -> Self {
        Self::Callout { title: title.into(), text: text.into(), tone }
    }
}

/// Rows of cells under titled columns. Every row must have one cell per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

/// A table column: its title, its share of the width and how its cells are aligned.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// Relative width; the table's width is split in proportion to the weights.
    pub weight: f32,
    pub align: Align,
}

impl Column {
    /// A left-aligned column.
    pub fn new(title: impl Into<String>, weight: f32) -> Self {
        Self { title: title.into(), weight, align: Align::Left }
    }

    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// Horizontal alignment of text in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Events placed by time on a horizontal axis. Labels that do not fit are left out of the
/// chart (their dots stay); put the full list in a table next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub events: Vec<TimelineEvent>,
    /// The zone the axis times are shown in (the caller resolves named zones at these instants).
    pub offset: FixedOffset,
    /// The zone's name shown under the axis, e.g. "UTC" or "Europe/Berlin".
    pub zone: String,
}

impl Timeline {
    /// A timeline shown in UTC.
    pub fn utc(events: Vec<TimelineEvent>) -> Self {
        Self { events, offset: FixedOffset::east_opt(0).expect("zero offset is valid"), zone: "UTC".to_string() }
    }
}

/// One point on a timeline chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub label: String,
}

impl TimelineEvent {
    pub fn new(at: DateTime<Utc>, label: impl Into<String>) -> Self {
        Self { at, label: label.into() }
    }
}

/// The colour family of a callout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Neutral,
    Info,
    Success,
    Warning,
    Critical,
}
