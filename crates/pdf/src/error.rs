//! What can go wrong: errors that stop a render, and warnings about a render that succeeded
//! but changed something the caller should know about (a character no font has, chart
//! labels left out). Warnings are returned, never only logged.

use std::collections::BTreeMap;
use std::fmt;

/// A render that could not produce a PDF.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The document model is inconsistent (e.g. a table row with the wrong number of cells).
    #[error("invalid document: {0}")]
    InvalidDocument(String),
    /// An embedded font could not be parsed (a broken build, not bad input).
    #[error("embedded font could not be read: {0}")]
    Font(String),
    /// Subsetting an embedded font for this document failed.
    #[error("subsetting {face} failed: {message}")]
    Subset { face: &'static str, message: String },
    /// Serializing the PDF failed.
    #[error("writing the PDF failed: {0}")]
    Write(String),
}

/// `Result` with [`PdfError`].
pub type Result<T, E = PdfError> = std::result::Result<T, E>;

/// Something a successful render changed or left out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// No embedded font has `ch`; each of its `count` occurrences was drawn as '?'.
    MissingGlyph { ch: char, count: usize },
    /// A timeline chart had room for only `shown` of its `total` labels (every dot is drawn).
    ChartLabelsOmitted { shown: usize, total: usize },
    /// printpdf reported a problem while writing the file.
    Writer(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::MissingGlyph { ch, count } => {
                write!(f, "no embedded font has U+{:04X} {ch:?}; drawn as '?' ({count}×)", u32::from(*ch))
            }
            Warning::ChartLabelsOmitted { shown, total } => {
                write!(f, "timeline chart: labelled {shown} of {total} events (no room for the rest)")
            }
            Warning::Writer(message) => write!(f, "PDF writer: {message}"),
        }
    }
}

/// Collects warnings during a render, counting each missing character once.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    missing: BTreeMap<char, usize>,
    other: Vec<Warning>,
}

impl Diagnostics {
    pub(crate) fn missing_glyph(&mut self, ch: char) {
        *self.missing.entry(ch).or_default() += 1;
    }

    pub(crate) fn push(&mut self, warning: Warning) {
        self.other.push(warning);
    }

    pub(crate) fn into_warnings(self) -> Vec<Warning> {
        self.missing.into_iter().map(|(ch, count)| Warning::MissingGlyph { ch, count }).chain(self.other).collect()
    }
}
