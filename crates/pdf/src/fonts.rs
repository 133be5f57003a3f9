//! The embedded fonts and everything measured from them: which face draws a character
//! (per-character fallback from DejaVu Sans to Noto Sans CJK) and how wide its glyph is.
//!
//! The font files are copied (DejaVu) or cut out of a collection (Noto CJK) by `build.rs`
//! and compiled in with `include_bytes!`, so a report renders the same on every machine.
//! They are parsed once per process (`OnceLock`); a render only looks glyphs up.

use std::sync::OnceLock;

use ttf_parser::Face as TtfFace;

use crate::error::PdfError;

static DEJAVU_SANS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans.ttf"));
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans-Bold.ttf"));
static NOTO_SANS_CJK: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/NotoSansCJKsc-Regular.otf"));

/// One of the embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Cjk,
}

impl Face {
    pub(crate) const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Cjk];

    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => DEJAVU_SANS,
            Face::Bold => DEJAVU_SANS_BOLD,
            Face::Cjk => NOTO_SANS_CJK,
        }
    }

    /// The font's resource name in page content streams.
    pub(crate) fn resource_name(self) -> &'static str {
        match self {
            Face::Regular => "FR",
            Face::Bold => "FB",
            Face::Cjk => "FC",
        }
    }

    /// The PostScript name written as /BaseFont (after the subset tag).
    pub(crate) fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
            Face::Cjk => "NotoSansCJKsc-Regular",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The weight a piece of text asks for; the face that draws each character follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    /// Faces tried in order for a character. CJK text has no bold face embedded (it would
    /// add another 16 MB); bold CJK is drawn with a thin stroke instead (see `canvas`).
    fn fallback_chain(self) -> &'static [Face] {
        match self {
            Weight::Regular => &[Face::Regular, Face::Cjk],
            Weight::Bold => &[Face::Bold, Face::Regular, Face::Cjk],
        }
    }
}

/// A resolved character: the face that has it, its glyph id there and its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub face: Face,
    pub gid: u16,
    pub advance: f32,
}

struct LoadedFace {
    face: TtfFace<'static>,
    units_per_em: f32,
    /// Glyph id and advance of the printable ASCII characters, the bulk of most reports.
    ascii: [Option<(u16, f32)>; 128],
}

impl LoadedFace {
    fn parse(which: Face) -> Result<Self, String> {
        let face = TtfFace::parse(which.bytes(), 0).map_err(|e| format!("{}: {e}", which.postscript_name()))?;
        let units_per_em = f32::from(face.units_per_em());
        let mut loaded = Self { face, units_per_em, ascii: [None; 128] };
        for code in 0u8..128 {
            loaded.ascii[usize::from(code)] = loaded.lookup_slow(char::from(code));
        }
        Ok(loaded)
    }

    fn lookup(&self, ch: char) -> Option<(u16, f32)> {
        match self.ascii.get(ch as usize) {
            Some(cached) => *cached,
            None => self.lookup_slow(ch),
        }
    }

    fn lookup_slow(&self, ch: char) -> Option<(u16, f32)> {
        let gid = self.face.glyph_index(ch)?;
        if gid.0 == 0 {
            return None;
        }
        let units = self.face.glyph_hor_advance(gid).unwrap_or(0);
        Some((gid.0, pdf_width(units, self.units_per_em)))
    }
}

/// The advance as a PDF viewer will apply it: printpdf writes `/W` widths as whole
/// thousandths of an em, truncated, so measuring with the same value keeps the layout and
/// the rendered glyphs in step.
fn pdf_width(units: u16, units_per_em: f32) -> f32 {
    let thousandths = (f32::from(units) * 1000.0 / units_per_em) as i64;
    thousandths as f32 / 1000.0
}

/// The three parsed faces.
pub(crate) struct FontSet {
    faces: [LoadedFace; 3],
}

impl FontSet {
    /// The glyph that draws `ch` at `weight`, falling back face by face; `None` if no
    /// embedded font has it.
    pub(crate) fn glyph(&self, ch: char, weight: Weight) -> Option<Glyph> {
        weight
            .fallback_chain()
            .iter()
            .find_map(|&face| self.faces[face.index()].lookup(ch).map(|(gid, advance)| Glyph { face, gid, advance }))
    }
}

static FONTS: OnceLock<Result<FontSet, String>> = OnceLock::new();

/// The parsed fonts, parsed on first use and shared by every later render.
pub(crate) fn fonts() -> Result<&'static FontSet, PdfError> {
    FONTS
        .get_or_init(|| {
            Ok(FontSet {
                faces: [
                    LoadedFace::parse(Face::Regular)?,
                    LoadedFace::parse(Face::Bold)?,
                    LoadedFace::parse(Face::Cjk)?,
                ],
            })
        })
        .as_ref()
        .map_err(|message| PdfError::Font(message.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_parses_and_falls_back_by_script() {
        let fonts = fonts().unwrap();
        let face_of = |ch, weight| fonts.glyph(ch, weight).map(|g| g.face);
        assert_eq!(face_of('A', Weight::Regular), Some(Face::Regular));
        assert_eq!(face_of('Ж', Weight::Regular), Some(Face::Regular));
        assert_eq!(face_of('λ', Weight::Bold), Some(Face::Bold));
        assert_eq!(face_of('中', Weight::Regular), Some(Face::Cjk));
        assert_eq!(face_of('語', Weight::Bold), Some(Face::Cjk));
        assert_eq!(face_of('한', Weight::Regular), Some(Face::Cjk));
        assert_eq!(face_of('か', Weight::Regular), Some(Face::Cjk));
        assert_eq!(face_of('\u{10FFFD}', Weight::Regular), None);
    }

    #[test]
    fn advances_are_whole_thousandths_of_an_em() {
        let fonts = fonts().unwrap();
        let m = fonts.glyph('M', Weight::Regular).unwrap().advance;
        assert!(m > 0.5 && m < 1.0, "{m}");
        assert_eq!((m * 1000.0).round() / 1000.0, m);
        let ideograph = fonts.glyph('中', Weight::Regular).unwrap().advance;
        assert_eq!(ideograph, 1.0);
    }
}
