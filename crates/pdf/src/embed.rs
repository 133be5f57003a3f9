//! Turns laid-out pages into PDF bytes: subsets each embedded font to the glyphs the
//! document uses (printpdf only subsets with its heavy `text_layout` feature, so it is done
//! here with the same allsorts crate printpdf links), registers the subsets under fixed
//! resource names, fills the document information (title, author, subject, keywords,
//! dates, producer) and writes the file with a deterministic /ID, so the same document
//! renders to the same bytes.

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use lopdf::{Object, StringFormat};
use printpdf::{
    FontId, Mm, OffsetDateTime, Op, ParsedFont, PdfDocument, PdfFont, PdfPage, PdfParseErrorSeverity, PdfSaveOptions,
};

use crate::canvas::GlyphUsage;
use crate::error::{Diagnostics, PdfError, Result, Warning};
use crate::fonts::Face;
use crate::model::Document;

/// Writes `pages` (content operations, in order) as a PDF.
pub(crate) fn write_pdf(
    doc: &Document,
    pages: Vec<Vec<Op>>,
    usage: &GlyphUsage,
    diag: &mut Diagnostics,
) -> Result<Vec<u8>> {
    let mut pdf = PdfDocument::new(&doc.title);
    for face in Face::ALL {
        if let Some(glyph_ids) = usage.glyph_ids(face) {
            let font = subset_face(face, &glyph_ids)?;
            pdf.resources.fonts.map.insert(FontId(face.resource_name().to_string()), PdfFont::new(font));
        }
    }
    let fingerprint = fingerprint(doc, &pages);
    pdf.pages = pages.into_iter().map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops)).collect();

    let created = OffsetDateTime::from_unix_timestamp(doc.created.timestamp())
        .map_err(|e| PdfError::InvalidDocument(format!("creation date: {e}")))?;
    let info = &mut pdf.metadata.info;
    info.document_title = doc.title.clone();
    info.author = doc.author.clone();
    info.subject = doc.subject.clone();
    info.keywords = vec![doc.keywords.join(", ")];
    info.creator = "Firebreak".to_string();
    info.producer = "Firebreak".to_string();
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;

    let options = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
    let mut messages = Vec::new();
    let mut lopdf_doc = pdf.to_lopdf_document(&options, &mut messages);
    for message in messages {
        if message.severity != PdfParseErrorSeverity::Info {
            diag.push(Warning::Writer(message.msg));
        }
    }
    tidy_info(&mut lopdf_doc);
    let id = Object::String(fingerprint.to_be_bytes().to_vec(), StringFormat::Hexadecimal);
    lopdf_doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    compress_streams(&mut lopdf_doc)?;
    let mut bytes = Vec::new();
    lopdf_doc.save_to(&mut bytes).map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(bytes)
}

/// Deflates every stream not yet compressed, at level 3. lopdf's own `compress` uses the
/// slowest level (9), which took over half of a 1,000-row render; on these content streams
/// level 3 is 4× faster and the file only ~10% larger. One compressor is reused.
fn compress_streams(doc: &mut lopdf::Document) -> Result<()> {
    let mut deflate = flate2::Compress::new(flate2::Compression::new(3), true);
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        deflate.reset();
        let mut compressed = Vec::with_capacity(stream.content.len() / 3 + 64);
        loop {
            let consumed = deflate.total_in() as usize;
            let status = deflate
                .compress_vec(&stream.content[consumed..], &mut compressed, flate2::FlushCompress::Finish)
                .map_err(|e| PdfError::Write(e.to_string()))?;
            match status {
                flate2::Status::StreamEnd => break,
                _ => compressed.reserve(compressed.capacity().max(4096)),
            }
        }
        if compressed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
    Ok(())
}

/// printpdf always writes a `GTS_PDFXVersion` (which makes readers claim PDF/X) and an
/// empty `Identifier`; neither is true of these files.
fn tidy_info(doc: &mut lopdf::Document) {
    let Ok(Object::Reference(id)) = doc.trailer.get(b"Info").cloned() else {
        return;
    };
    if let Ok(info) = doc.get_dictionary_mut(id) {
        info.remove(b"GTS_PDFXVersion");
        info.remove(b"Identifier");
        info.remove(b"Trapped");
    }
}

/// Subsets `face` to `glyph_ids` (plus .notdef) and parses the result for printpdf. The
/// subset keeps a Unicode cmap, through which printpdf encodes text and builds /ToUnicode.
fn subset_face(face: Face, glyph_ids: &[u16]) -> Result<ParsedFont> {
    let failed = |message: String| PdfError::Subset { face: face.postscript_name(), message };
    let mut ids = Vec::with_capacity(glyph_ids.len() + 1);
    ids.push(0);
    ids.extend(glyph_ids.iter().copied().filter(|&gid| gid != 0));
    let data = ReadScope::new(face.bytes()).read::<FontData<'_>>().map_err(|e| failed(e.to_string()))?;
    let provider = data.table_provider(0).map_err(|e| failed(e.to_string()))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| failed(e.to_string()))?;
    let mut warnings = Vec::new();
    let mut font = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| failed(format!("the subset does not parse: {warnings:?}")))?;
    font.font_name = Some(format!("{}+{}", subset_tag(face, &ids), face.postscript_name()));
    Ok(font)
}

/// The six capital letters that mark a subset font's name, derived from its glyph set.
fn subset_tag(face: Face, ids: &[u16]) -> String {
    let mut hash = Fnv::new();
    hash.write(face.postscript_name().as_bytes());
    for id in ids {
        hash.write(&id.to_be_bytes());
    }
    let mut value = hash.finish();
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (value % 26) as u8);
            value /= 26;
            letter
        })
        .collect()
}

/// A stable digest of what the document says, used as the file's /ID.
fn fingerprint(doc: &Document, pages: &[Vec<Op>]) -> u128 {
    let mut high = Fnv::new();
    let mut low = Fnv::with_seed(0x6c62_272e_07bb_0142);
    for part in [&doc.title, &doc.author, &doc.subject, &doc.running_header] {
        high.write(part.as_bytes());
        low.write(part.as_bytes());
    }
    let stamp = doc.created.timestamp().to_be_bytes();
    high.write(&stamp);
    for page in pages {
        for op in page {
            if let Op::ShowText { items } = op {
                for item in items {
                    if let printpdf::TextItem::Text(text) = item {
                        low.write(text.as_bytes());
                    }
                }
            }
        }
    }
    (u128::from(high.finish()) << 64) | u128::from(low.finish())
}

/// FNV-1a, 64 bit: tiny, and stable across Rust releases (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn with_seed(seed: u64) -> Self {
        Self(seed)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
