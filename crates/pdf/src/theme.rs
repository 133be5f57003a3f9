//! The look of every report in one place: page geometry, type sizes and the palette (dark
//! text, one accent colour, light grey rules and zebra stripes). Layout code refers to these
//! names only, so a change of style is a change here.

use crate::model::{Rgb, Tone};

/// A4, in points.
pub(crate) const PAGE_WIDTH: f32 = 595.276;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;

pub(crate) const MARGIN_LEFT: f32 = 54.0;
pub(crate) const MARGIN_RIGHT: f32 = 54.0;
pub(crate) const CONTENT_WIDTH: f32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;

/// Top of the body and bottom of the body, measured from the top edge of the page.
pub(crate) const BODY_TOP: f32 = 70.0;
pub(crate) const BODY_BOTTOM: f32 = PAGE_HEIGHT - 60.0;

/// The optional banner band at the very top and the running header under it.
pub(crate) const BANNER_HEIGHT: f32 = 18.0;
pub(crate) const BANNER_SIZE: f32 = 8.0;
pub(crate) const HEADER_BASELINE: f32 = 40.0;
pub(crate) const HEADER_RULE: f32 = 47.0;
pub(crate) const FOOTER_RULE: f32 = PAGE_HEIGHT - 46.0;
pub(crate) const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 34.0;
pub(crate) const FURNITURE_SIZE: f32 = 7.5;

pub(crate) const TITLE_SIZE: f32 = 21.0;
pub(crate) const SUBTITLE_SIZE: f32 = 11.5;

pub(crate) const BODY_SIZE: f32 = 9.5;
pub(crate) const BODY_LEADING: f32 = 13.6;
pub(crate) const PARAGRAPH_GAP: f32 = 7.0;

pub(crate) const TABLE_SIZE: f32 = 8.3;
pub(crate) const TABLE_LEADING: f32 = 11.0;
pub(crate) const CELL_PAD_X: f32 = 5.0;
pub(crate) const CELL_PAD_Y: f32 = 3.6;

pub(crate) const CHART_SIZE: f32 = 7.0;
pub(crate) const CHART_LEADING: f32 = 8.6;

/// Size, leading, space above and space below of heading levels 1, 2 and 3.
pub(crate) fn heading_metrics(level: u8) -> (f32, f32, f32, f32) {
    match level {
        0 | 1 => (14.0, 17.5, 16.0, 7.0),
        2 => (11.5, 14.5, 11.0, 5.0),
        _ => (10.0, 13.0, 8.0, 3.5),
    }
}

pub(crate) const TEXT: Rgb = Rgb::hex(0x1F2933);
pub(crate) const MUTED: Rgb = Rgb::hex(0x5F6B7A);
pub(crate) const ACCENT: Rgb = Rgb::hex(0x1D4E89);
pub(crate) const RULE: Rgb = Rgb::hex(0xD5DBE2);
pub(crate) const ZEBRA: Rgb = Rgb::hex(0xF4F6F9);
pub(crate) const TABLE_HEAD_FILL: Rgb = Rgb::hex(0xE3EAF3);
pub(crate) const BOX_FILL: Rgb = Rgb::hex(0xF6F8FA);
pub(crate) const WHITE: Rgb = Rgb::hex(0xFFFFFF);

/// The bar colour and the tint of a callout.
pub(crate) fn tone_colours(tone: Tone) -> (Rgb, Rgb) {
    match tone {
        Tone::Neutral => (MUTED, BOX_FILL),
        Tone::Info => (ACCENT, Rgb::hex(0xEDF3FA)),
        Tone::Success => (Rgb::hex(0x2F7D4F), Rgb::hex(0xECF6EF)),
        Tone::Warning => (Rgb::hex(0xB7791F), Rgb::hex(0xFDF5E6)),
        Tone::Critical => (Rgb::hex(0xB42318), Rgb::hex(0xFCEEED)),
    }
}
