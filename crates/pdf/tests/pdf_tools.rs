//! Checks rendered PDFs with the tools a reader's software is built on: poppler-utils
//! (`pdftotext` in its default and `-raw` modes, `pdffonts`, `pdfinfo`) and `qpdf --check`.
//! When a tool is not installed the test says so and passes, except under CI (`CI` set),
//! where a missing tool fails the test.

mod common;

use std::io::Write;
use std::process::Command;
use std::sync::OnceLock;

use firebreak_pdf::{render, Block, Document, Rendered, Warning};

/// The 1,000-row sample, rendered once for all tests and written to a file.
fn sample() -> &'static (Rendered, String) {
    static SAMPLE: OnceLock<(Rendered, String)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let rendered = render(&common::pir_document(1_000, 30)).expect("render");
        let path = write_pdf("sample", &rendered.bytes);
        (rendered, path)
    })
}

/// Writes a PDF under cargo's temporary directory for integration tests.
fn write_pdf(name: &str, bytes: &[u8]) -> String {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).expect("write pdf");
    path.to_str().expect("utf-8 path").to_string()
}

/// Runs `tool args`, returning stdout and the exit status, or `None` if the tool is absent.
fn run(tool: &str, args: &[&str]) -> Option<(String, bool)> {
    match Command::new(tool).args(args).output() {
        Ok(out) => Some((String::from_utf8(out.stdout).expect("utf-8 output"), out.status.success())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(std::env::var_os("CI").is_none(), "{tool} is not installed (apt-get install poppler-utils qpdf)");
            let _ = writeln!(std::io::stderr(), "skipping: {tool} is not installed");
            None
        }
        Err(e) => panic!("running {tool}: {e}"),
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip(text: &str, also: &[char]) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !also.contains(c)).collect()
}

/// Where `needle` occurs in `haystack`, searching from `from` first (texts are checked in
/// document order, which keeps a 1,000-row check linear) and then from the start.
fn find_from(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    haystack[from..].find(needle).map(|i| from + i).or_else(|| haystack.find(needle))
}

/// Asserts every text reads back from the extraction, with whitespace normalised.
///
/// A line break becomes whitespace in extracted text, so breaks between CJK characters
/// and inside words too long for a line show up as spaces there: such texts are compared
/// with all whitespace removed. `pdftotext`'s default mode also drops a hyphen at the end
/// of a line (it de-hyphenates), so in that mode those texts are compared without hyphens.
fn assert_reads_back(extracted: &str, texts: &[String], mode: &str) {
    let collapsed = collapse(extracted);
    let hyphens: &[char] = if mode == "default" { &['-'] } else { &[] };
    let stripped = strip(extracted, hyphens);
    let (mut at_collapsed, mut at_stripped) = (0, 0);
    for text in texts {
        let wanted = collapse(text);
        if let Some(found) = find_from(&collapsed, &wanted, at_collapsed) {
            at_collapsed = found;
            continue;
        }
        let breaks_inside_words = text.chars().any(is_cjk) || text.split_whitespace().any(|w| w.chars().count() > 60);
        let wanted = strip(text, hyphens);
        let found = find_from(&stripped, &wanted, at_stripped);
        assert!(breaks_inside_words && found.is_some(), "pdftotext ({mode}) did not read back {text:?}");
        at_stripped = found.unwrap_or(at_stripped);
    }
}

fn is_cjk(ch: char) -> bool {
    matches!(u32::from(ch), 0x3000..=0x9FFF | 0xAC00..=0xD7AF | 0xFF00..=0xFFEF)
}

/// Every cell and paragraph of the sample, in document order.
fn sample_texts() -> Vec<String> {
    let mut texts =
        vec![common::SUMMARY.to_string(), common::CJK_PARAGRAPH.to_string(), common::MULTILINGUAL.to_string()];
    for i in 0..1_000 {
        texts.extend(common::timeline_row(i));
    }
    texts.push(common::LONG_WORDS.to_string());
    for i in 0..30 {
        texts.extend(common::action_row(i));
    }
    texts
}

#[test]
fn every_cell_and_paragraph_reads_back_in_both_extraction_modes() {
    let (_, file) = sample();
    let file = file.as_str();
    for (mode, flags) in [("default", &[][..]), ("raw", &["-raw"][..])] {
        let mut args = flags.to_vec();
        args.extend([file, "-"]);
        let Some((text, ok)) = run("pdftotext", &args) else {
            return;
        };
        assert!(ok, "pdftotext {mode} failed");
        assert_reads_back(&text, &sample_texts(), mode);
        for exact in ["Ελληνικά Кириллица 中文 日本語 한국어", "決済エラーが表示される"]
        {
            assert!(text.contains(exact), "{mode}: {exact:?} not read back exactly");
        }
    }
}

#[test]
fn qpdf_finds_no_errors() {
    let (_, file) = sample();
    let file = file.as_str();
    if let Some((out, ok)) = run("qpdf", &["--check", file]) {
        assert!(ok, "qpdf --check failed:\n{out}");
        assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    }
}

#[test]
fn every_font_is_embedded_and_subset() {
    let (_, file) = sample();
    let file = file.as_str();
    let Some((out, ok)) = run("pdffonts", &[file]) else {
        return;
    };
    assert!(ok);
    let rows: Vec<Vec<&str>> =
        out.lines().skip_while(|l| !l.starts_with("---")).skip(1).map(|l| l.split_whitespace().collect()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r[0].split('+').nth(1).unwrap_or(r[0])).collect();
    assert_eq!(names, ["DejaVuSans-Bold", "NotoSansCJKsc-Regular", "DejaVuSans"], "{out}");
    for row in &rows {
        // The last five columns are emb, sub, uni, object number and generation.
        let [emb, sub, uni] = [row[row.len() - 5], row[row.len() - 4], row[row.len() - 3]];
        assert_eq!((emb, sub, uni), ("yes", "yes", "yes"), "{out}");
    }
}

#[test]
fn document_info_has_title_author_dates_and_the_page_count() {
    let (rendered, file) = sample();
    let file = file.as_str();
    let Some((out, ok)) = run("pdfinfo", &["-isodates", file]) else {
        return;
    };
    assert!(ok);
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in\n{out}"))
    };
    assert_eq!(field("Title"), "Checkout outage: payments connection pool exhausted");
    assert_eq!(field("Author"), "Dana Okafor");
    assert_eq!(field("Subject"), "Post-incident review of INC-7KQ2M-1");
    assert_eq!(field("Keywords"), "incident, PIR, INC-7KQ2M-1");
    assert_eq!(field("Producer"), "Firebreak");
    assert!(field("CreationDate").starts_with("2025-03-14T09:30:00"), "{out}");
    assert!(field("ModDate").starts_with("2025-03-14T09:30:00"), "{out}");
    assert_eq!(field("Pages"), rendered.page_count.to_string());
    assert!(field("Page size").contains("(A4)"), "{out}");
    assert!(!out.contains("PDF/X"), "the file must not claim PDF/X:\n{out}");
}

/// The text of each page, from `pdftotext -raw`.
fn pages(path: &str) -> Option<Vec<String>> {
    let (text, ok) = run("pdftotext", &["-raw", path, "-"])?;
    assert!(ok);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

#[test]
fn every_page_has_the_running_header_and_page_x_of_y() {
    let (rendered, file) = sample();
    let file = file.as_str();
    let Some(pages) = pages(file) else {
        return;
    };
    assert_eq!(pages.len(), rendered.page_count);
    let total = rendered.page_count;
    for (index, page) in pages.iter().enumerate() {
        assert!(page.starts_with("INC-7KQ2M-1 · Post-incident review"), "page {}", index + 1);
        assert!(page.contains(&format!("Page {} of {total}", index + 1)), "page {}", index + 1);
    }
    // The same through poppler's page range options, on one page in the middle.
    let middle = (total / 2).to_string();
    if let Some((text, _)) = run("pdftotext", &["-f", &middle, "-l", &middle, file, "-"]) {
        assert!(text.contains(&format!("Page {middle} of {total}")), "{text}");
    }
}

#[test]
fn the_table_header_repeats_on_every_page_the_table_spans() {
    let (_, file) = sample();
    let file = file.as_str();
    let Some(pages) = pages(file) else {
        return;
    };
    let first_row = common::timeline_row(0)[0].clone();
    let last_row = common::timeline_row(999)[0].clone();
    let first = pages.iter().position(|p| p.contains(&first_row)).expect("first row");
    let last = pages.iter().rposition(|p| p.contains(&last_row)).expect("last row");
    assert!(last - first >= 30, "the 1,000 rows span {} pages", last - first + 1);
    for (index, page) in pages.iter().enumerate().take(last + 1).skip(first) {
        assert!(page.contains("Time (UTC) Who Kind What happened"), "page {} lacks the header row", index + 1);
    }
    // And the action items table, whose rows start after the timeline's.
    let actions = pages.iter().position(|p| p.contains("AI-001")).expect("action items");
    assert!(pages[actions].contains("ID Action Owner Due Priority Status"));
}

#[test]
fn the_drill_banner_is_on_every_page() {
    let doc = Document {
        blocks: [common::drill_document().blocks, common::pir_document(120, 3).blocks].concat(),
        ..common::drill_document()
    };
    let rendered = render(&doc).expect("render");
    assert!(rendered.page_count >= 3);
    let file = &write_pdf("drill", &rendered.bytes);
    let Some(pages) = pages(file) else {
        return;
    };
    for (index, page) in pages.iter().enumerate() {
        assert!(page.starts_with("DRILL — NOT A REAL INCIDENT"), "page {}", index + 1);
    }
}

#[test]
fn a_character_no_font_has_reads_back_as_a_question_mark_and_is_reported() {
    let doc = Document {
        blocks: vec![Block::paragraph("Status: resolved \u{1F525} after rollback")],
        ..common::drill_document()
    };
    let rendered = render(&doc).expect("render");
    assert_eq!(rendered.warnings, [Warning::MissingGlyph { ch: '\u{1F525}', count: 1 }]);
    let file = &write_pdf("missing-glyph", &rendered.bytes);
    if let Some((text, _)) = run("pdftotext", &[file, "-"]) {
        assert!(text.contains("Status: resolved ? after rollback"), "{text}");
    }
}

#[test]
fn a_heading_is_never_left_alone_at_the_bottom_of_a_page() {
    // Push a heading down the first page in small steps: near the bottom there are
    // positions with room for the heading but not for the first lines of its paragraph.
    let paragraph = "Keep-with-next: this paragraph must start on the heading's page. ".repeat(4);
    let mut heading_pages = Vec::new();
    for spacer in (400..=640).step_by(6) {
        let doc = Document {
            blocks: vec![
                Block::Spacer(spacer as f32),
                Block::heading(1, "Lessons learned"),
                Block::paragraph(paragraph.clone()),
            ],
            ..common::pir_document(0, 0)
        };
        let rendered = render(&doc).expect("render");
        let file = &write_pdf(&format!("keep-{spacer}"), &rendered.bytes);
        let Some(pages) = pages(file) else {
            return;
        };
        let heading_page = pages.iter().position(|p| p.contains("Lessons learned")).expect("heading");
        assert!(
            pages[heading_page].contains("Keep-with-next: this paragraph"),
            "spacer {spacer}: the heading is alone at the bottom of page {}",
            heading_page + 1
        );
        heading_pages.push(heading_page);
    }
    // The sweep must have crossed the page boundary, or it proved nothing.
    assert!(heading_pages.contains(&0) && heading_pages.contains(&1), "{heading_pages:?}");
}
